"""Norwegian formatting: numbers, periods, statuses, Wilson intervals, sentences, captions."""
from __future__ import annotations

import math

import pytest

from indicators import format as fmt
from vocab import indicators

NB = "\u00a0"
NEET = indicators.get("neet")
UFORE = indicators.get("ufore")
OT = indicators.get("ot_tilmeldt")
NAV = indicators.get("arbeidssokere")


@pytest.mark.parametrize("x,dec,out", [
    (0, 0, "0"), (7, 0, "7"), (999, 0, "999"), (1234, 0, f"1{NB}234"),
    (1234567, 0, f"1{NB}234{NB}567"), (1234.5, 1, f"1{NB}234,5"), (11.6689, 1, "11,7"),
    (0.05, 1, "0,1"), (-3.25, 1, "\u22123,2"), (-1234, 0, f"\u22121{NB}234"),
    (-0.04, 1, "0,0"),            # no "minus zero"
    (None, 0, "\u2013"), (float("nan"), 1, "\u2013"),
])
def test_number(x, dec, out):
    assert fmt.number(x, dec) == out


def test_percent_has_comma_and_nbsp():
    assert fmt.percent(11.6689) == f"11,7{NB}%"
    assert fmt.percent(9.656783) == f"9,7{NB}%"
    assert fmt.percent(100) == f"100,0{NB}%"
    assert fmt.percent(None) == "\u2013"
    assert "." not in fmt.percent(12.34)


@pytest.mark.parametrize("x,dec,out", [(1.24, 1, "+1,2"), (-0.44, 1, "\u22120,4"), (0, 1, "0,0"),
                                       (-0.01, 1, "0,0"), (12, 0, "+12"), (-1234, 0, f"\u22121{NB}234")])
def test_signed(x, dec, out):
    assert fmt.signed(x, dec) == out


def test_value_by_kind_and_status():
    assert fmt.value(11.67, NEET) == f"11,7{NB}%"
    assert fmt.value(1234, OT) == f"1{NB}234"
    assert fmt.value(None, NEET, "suppressed") == "skjermet"
    assert fmt.value(None, NEET, "missing") == "mangler"
    assert fmt.value(None, NEET, "ok") == "mangler"        # no value is never shown as 0
    assert fmt.value(5.0, NEET, "provisional") == f"5,0{NB}%"


def test_change_units():
    assert fmt.change(1.24, NEET) == "+1,2 prosentpoeng"
    assert fmt.change(-0.4, NEET) == "\u22120,4 prosentpoeng"
    assert fmt.change(12, OT) == "+12 personer"
    assert fmt.change(-1, OT) == "\u22121 person"
    assert fmt.change(None, OT) == "\u2013"


def test_status_words():
    assert fmt.status_word("suppressed") == "skjermet"
    assert fmt.status_word("missing") == "mangler"
    assert fmt.status_word("provisional") == "foreløpig"
    assert fmt.status_word("break") == "brudd i serien"
    assert fmt.status_word("ok") == ""
    assert fmt.status_long("suppressed").startswith("Skjermet")


@pytest.mark.parametrize("p,out", [("2022", "2022"), ("2021-05", "mai 2021"), ("2020-01", "januar 2020"),
                                   ("2019-12", "desember 2019"), ("2020-2021", "2020\u20132021"),
                                   (None, "\u2013")])
def test_period(p, out):
    assert fmt.period(p) == out


def test_period_short_phrase_year_and_range():
    assert fmt.period_short("2021-05") == "mai 21"
    assert fmt.period_short("2020-2021") == "2020\u201321"
    assert fmt.period_phrase("2022") == "i 2022"
    assert fmt.period_phrase("2021-05") == "i mai 2021"
    assert fmt.period_phrase("2020-2021") == "i skoleåret 2020\u20132021"
    assert fmt.period_year("2020-2021") == 2021 and fmt.period_year("2021-05") == 2021
    assert fmt.period_year("x") is None
    assert fmt.period_range(["2017", "2015", "2024"]) == "2015\u20132024"
    assert fmt.period_range(["2022"]) == "2022"
    assert fmt.period_range(["2015-01", "2025-12"]) == "januar 2015 til desember 2025"
    assert fmt.period_range(["2014-2015", "2024-2025"]) == "2014\u20132015 til 2024\u20132025"
    assert fmt.period_range([]) == "\u2013"


def test_wilson_known_values():
    lo, hi = fmt.wilson(1125, 9641)
    assert lo == pytest.approx(11.04, abs=0.01) and hi == pytest.approx(12.32, abs=0.01)
    # Edge cases stay inside 0–100 and are not degenerate.
    lo, hi = fmt.wilson(0, 50)
    assert lo == 0 and 0 < hi < 10
    lo, hi = fmt.wilson(50, 50)
    assert 90 < lo < 100 and hi == pytest.approx(100)
    # Small numbers give wide intervals (why Nissedal is rarely "sikkert" different).
    lo, hi = fmt.wilson(3, 81)
    assert hi - lo > 6


@pytest.mark.parametrize("k,n", [(None, 10), (5, None), (5, 0), (-1, 10), (11, 10), (float("nan"), 10)])
def test_wilson_rejects_unknown_or_invalid(k, n):
    assert fmt.wilson(k, n) is None


def test_wilson_contains_point_estimate():
    for k, n in [(1, 7), (10, 200), (4825, 42295), (99160, 1026843)]:
        lo, hi = fmt.wilson(k, n)
        assert lo <= 100 * k / n <= hi


def test_interval_text():
    assert fmt.interval((11.04, 12.32)) == f"11,0\u201312,3{NB}%"
    assert fmt.interval(None) == "\u2013"


def test_compare_with_intervals():
    skien = fmt.wilson(1125, 9641)          # 11,7 %
    norge = fmt.wilson(99160, 1026843)      # 9,7 %
    c = fmt.compare(11.67, 9.66, ci_a=skien, ci_b=norge)
    assert c.direction == "higher" and c.tested and c.symbol == "▲"
    c = fmt.compare(9.66, 11.67, ci_a=norge, ci_b=skien)
    assert c.direction == "lower" and c.symbol == "▼"
    small = fmt.wilson(3, 81)                # 3,7 % of a tiny population
    c = fmt.compare(3.7, 4.4, ci_a=small, ci_b=fmt.wilson(500, 11300))
    assert c.direction == "uncertain" and c.symbol == "≈"


def test_compare_without_intervals_uses_shown_values():
    assert fmt.compare(3.86, 3.81).direction == "higher"
    assert not fmt.compare(3.86, 3.81).tested
    assert fmt.compare(3.81, 3.84).direction == "same"     # both show as 3,8 %
    assert fmt.compare(None, 3.0) is None


def test_comparison_words_and_label():
    c = fmt.Comparison("higher", True)
    assert fmt.comparison_words(c, "landet", f"9,7{NB}%") == f"høyere enn landet (9,7{NB}%)"
    assert fmt.comparison_label(c, "landet", "9,7 %") == "▲ Høyere enn landet (9,7 %)"
    u = fmt.Comparison("uncertain", True)
    assert fmt.comparison_label(u, "Telemark", "11,1 %") == "≈ Ikke sikker forskjell fra Telemark (11,1 %)"
    untested = fmt.Comparison("lower", False)
    # No interval: no sure-difference symbol, and the words say why.
    label = fmt.comparison_label(untested, "landet", "2 %")
    assert label == "Lavere enn landet (2 %), men uten feilmargin kan vi ikke si om forskjellen er sikker"
    assert not label.startswith(("▲", "▼"))
    assert "mangler" in fmt.comparison_label(None, "landet", "")


def test_sentence_like_the_issue():
    row = {"value": 11.668914, "numerator": 1125, "denominator": 9641, "status": "ok", "period": "2022"}
    norway = {"value": 9.656783, "numerator": 99160, "denominator": 1026843, "status": "ok", "period": "2022"}
    s = fmt.sentence(NEET, "Skien", row, reference=norway)
    assert s == (f"Andelen unge 15–29 år utenfor arbeid og utdanning i Skien var 11,7{NB}% i 2022, "
                 f"høyere enn landet (9,7{NB}%).")


def test_sentence_uncertain_and_age():
    row = {"value": 3.7, "numerator": 3, "denominator": 81, "status": "ok", "period": "2024"}
    ref = {"value": 4.4, "numerator": 5000, "denominator": 113000, "status": "ok", "period": "2024"}
    s = fmt.sentence(NEET, "Nissedal", row, age="15-19", reference=ref)
    assert s.startswith("Andelen unge 15–19 år utenfor arbeid og utdanning i Nissedal var 3,7")
    assert "ikke sikker forskjell fra landet (4,4" in s


def test_sentence_suppressed_missing_provisional():
    s = fmt.sentence(NEET, "Nissedal", {"value": None, "status": "suppressed", "period": "2022"})
    assert "skjermet i 2022" in s and "for få personer" in s
    assert fmt.sentence(NEET, "Siljan", None, period_="2015") == "Ingen data for Siljan i 2015."
    s = fmt.sentence(UFORE, "Skien", {"value": 4.8, "status": "provisional", "period": "2025",
                                      "numerator": None, "denominator": None})
    assert "(foreløpig tall)" in s and s.startswith("Andelen uføre blant unge 18–29 år i Skien var 4,8")


def test_sentence_counts_use_change_not_national_comparison():
    row = {"value": 307, "status": "ok", "period": "2020-2021"}
    prev = {"value": 295, "status": "ok", "period": "2019-2020"}
    s = fmt.sentence(OT, "Skien", row, previous=prev, reference={"value": 50000, "status": "ok"})
    assert s == ("Antallet unge 16–21 år registrert i Oppfølgingstjenesten i Skien var 307 i "
                 "skoleåret 2020–2021, 12 flere enn i 2019–2020 (295).")
    s = fmt.sentence(NAV, "Skien", {"value": 568, "status": "ok", "period": "2021-05"},
                     category="helt_ledige", previous={"value": 600, "status": "ok", "period": "2020-05"})
    assert s.startswith("Antallet arbeidssøkere under 30 år (helt ledige) i Skien var 568 i mai 2021")
    assert "32 færre enn i mai 2020" in s
    both = fmt.sentence(NAV, "Skien", {"value": 2.7, "status": "ok", "period": "2026-01"}, age="alle",
                        category="helt_ledige")
    assert both.startswith("Antallet arbeidssøkere i alle aldre (helt ledige) i Skien var")
    one = fmt.sentence(OT, "Nissedal", {"value": 9, "status": "ok", "period": "2020-2021"},
                       previous={"value": 8, "status": "ok", "period": "2019-2020"})
    assert one.endswith("9 i skoleåret 2020–2021, én mer enn i 2019–2020 (8).")
    s = fmt.sentence(NAV, "Skien", {"value": 568, "status": "ok", "period": "2021-05"}, age="alle")
    assert s.startswith("Antallet arbeidssøkere i alle aldre i Skien")


def test_caption_has_definition_source_period_and_demo():
    c = fmt.caption(NEET, "2022", demo=True, notes=["Kart: Kartverket"])
    assert c.startswith("Definisjon: Andel av de bosatte i aldersgruppen (15–29 år")
    assert "Kilde: SSB, tabell 13563" in c and "Bearbeidet av Innenfor." in c
    assert "Periode: 2022." in c and "Kart: Kartverket." in c and "DEMODATA" in c
    assert "DEMODATA" not in fmt.caption(NEET, "2022")
    assert "Utvalg: 16–21 år, avbrutt opplæring." in fmt.caption(OT, "2020–2021", category="avbrutt")


def test_unit_fold_slug():
    assert fmt.unit_label(NEET) == "Prosent" and fmt.unit_label(OT) == "Antall personer"
    assert fmt.fold("Tønsberg") == "tonsberg"
    assert fmt.fold("  Bærum ") == "baerum"
    assert fmt.fold("Åsnes") == "asnes"
    assert fmt.fold("Guovdageaidnu - Kautokeino") == "guovdageaidnu - kautokeino"
    assert fmt.slug("innenfor", "kart", "neet", "Vestfold og Telemark", "2022") == \
        "innenfor_kart_neet_vestfold-og-telemark_2022"
    assert fmt.slug("x", None, "", "Færder") == "x_faerder"
    assert fmt.slug() == "innenfor"


def test_plotly_separators_match_text_format():
    assert fmt.PLOTLY_SEPARATORS == "," + NB
    assert not math.isnan(float(fmt.number(1234.5, 1).replace(NB, "").replace(",", ".")))
