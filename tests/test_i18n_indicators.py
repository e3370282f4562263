"""The words indicators/ writes — sentences on Min kommune, comparisons, chart and map titles,
legends, hover words, table headers, the mission's status words and sentences, the cost line —
come out in the language of the moment: real nynorsk, plain English with English numbers, and
bokmål exactly as before. Uses the real catalogs (locale/<lang>/LC_MESSAGES/innenfor.po)."""
from __future__ import annotations

import datetime as dt
import json
import re

import pandas as pd
import plotly.io as pio
import pytest

from indicators import chart_targets, charts, cost, facts, maps, mission, progress, views
from indicators import format as fmt
from vocab import i18n, indicators

NB = "\u00a0"
NEET = indicators.get("neet")
OT = indicators.get("ot_tilmeldt")
# Bokmål words that are not nynorsk (whole words): one in a nynorsk text was not translated.
BOKMAAL_ONLY = ["ikke", "hvis", "hvor", "hva", "noen", "noe", "mye", "bare", "ble", "fikk", "fra",
                "uten", "høyere", "lavere", "flere", "tall", "tallet", "tallene", "utenfor", "hele",
                "foreløpig", "kilde", "sammenlign", "sammenlignes", "siden", "personer", "andelen",
                "antallet", "vedtatt", "innen", "være", "forskjell", "ennå", "finnes", "skjermet"]


def bokmaal_words(s: str) -> list[str]:
    found = set(re.findall(r"[a-zæøå]+", s.lower()))
    return [w for w in BOKMAAL_ONLY if w in found]


@pytest.fixture(autouse=True)
def bokmaal_after():
    yield
    assert i18n.current() == "nb"


def row(code, name, period, value, *, num=None, den=None, status="ok", level="kommune"):
    return {"region_code": code, "region_name": name, "level": level, "period": period,
            "value": value, "numerator": num, "denominator": den, "status": status,
            "note": None, "computed": False}


SKIEN = row("4003", "Skien", "2022", 11.7, num=1170, den=10000)
NORWAY = row("0", "Landet", "2022", 9.7, num=97000, den=1000000, level="land")


# --- sentences -------------------------------------------------------------------------------

def test_the_min_kommune_sentence_in_three_languages():
    def say():
        return fmt.sentence(NEET, "Skien", SKIEN, age="15-29", reference=NORWAY)

    assert say() == (f"Andelen unge 15–29 år utenfor arbeid og utdanning i Skien var 11,7{NB}% "
                     f"i 2022, høyere enn landet (9,7{NB}%).")
    with i18n.use("nn"):
        nn = say()
    assert nn == (f"Delen unge 15–29 år utanfor arbeid og utdanning i Skien var 11,7{NB}% "
                  f"i 2022, høgare enn landet (9,7{NB}%).")
    assert not bokmaal_words(nn)
    with i18n.use("en"):
        en = say()
    assert en == ("The share of young people (15–29 years) not in employment, education or "
                  "training in Skien was 11.7% in 2022, higher than Norway (9.7%).")


def test_counts_say_how_they_moved_and_a_suppressed_figure_says_why():
    now = row("4010", "Siljan", "2021-2022", 15.0)
    before = row("4010", "Siljan", "2020-2021", 16.0)
    with i18n.use("en"):
        assert fmt.sentence(OT, "Siljan", now, previous=before) == (
            "The number of young people (16–21 years) registered with the Follow-up Service in "
            "Siljan was 15 in the school year 2021–2022, one fewer than in 2020–2021 (16).")
        hidden = fmt.sentence(NEET, "Siljan", row("4010", "Siljan", "2022", None, status="suppressed"))
        assert "is suppressed in 2022: too few persons" in hidden
        assert fmt.change(-1.26, NEET) == "−1.3 percentage points"
        assert fmt.change(1, OT) == "+1 person" and fmt.change(-12, OT) == "−12 persons"
    with i18n.use("nn"):
        s = fmt.sentence(OT, "Siljan", now, previous=row("4010", "Siljan", "2020-2021", 3.0))
        assert s.endswith("12 fleire enn i 2020–2021 (3).") and s.startswith("Talet på unge 16–21 år")
        assert not bokmaal_words(s)
        assert fmt.change(-12, OT) == "−12 personar"
    assert fmt.change(-12, OT) == "−12 personer" and fmt.change(1, OT) == "+1 person"


def test_comparison_labels_and_captions():
    cmp = fmt.compare(11.7, 9.7)                      # no intervals: by the shown values
    with i18n.use("en"):
        assert fmt.comparison_label(cmp, "Norway", "9.7%") == \
            "Higher than Norway (9.7%), but without a margin of error we cannot say whether " \
            "the difference is certain"
        assert fmt.comparison_label(None, "Norway", "") == "Cannot compare with Norway: figures missing"
        cap = fmt.caption(NEET, "2015–2024", demo=True)
        assert cap.startswith("Definition: ") and "Period: 2015–2024." in cap
        assert cap.endswith("DEMO DATA: invented figures for testing, not real statistics.")
        assert fmt.unit_label(OT) == "Number of persons" and fmt.interval((10.9, 12.4)) == "10.9–12.4%"
    with i18n.use("nn"):
        label = fmt.comparison_label(fmt.Comparison("uncertain", True), "Telemark", f"11,1{NB}%")
        assert label == f"≈ Ikkje sikker skilnad frå Telemark (11,1{NB}%)"
        assert not bokmaal_words(fmt.caption(NEET, "2022", demo=True))
    assert fmt.comparison_label(cmp, "landet", "9,7 %") == \
        "Høyere enn landet (9,7 %), men uten feilmargin kan vi ikke si om forskjellen er sikker"
    assert fmt.interval((10.9, 12.4)) == f"10,9–12,4{NB}%"


def test_fact_lines_in_nynorsk_and_english():
    df = pd.DataFrame([SKIEN, row("4003", "Skien", "2021", 12.0, num=1200, den=10000), NORWAY,
                       row("0", "Landet", "2021", 9.9, num=99000, den=1000000, level="land")])
    f = facts.facts(NEET, df, "4003", county=None, period="2022")
    with i18n.use("en"):
        lines = {x.kind: x.text for x in facts.fact_lines(f, None)}
        assert lines["interval"].startswith("95% uncertainty interval: ")
        assert lines["change"] == "Change since 2021: −0.3 percentage points (no certain change)"
        assert lines["five_years"] == "Change over five years (since 2017): no figures"
        assert lines["national"].startswith("▲ Higher than Norway (9.7%)")     # both intervals
        heading = facts.family_heading(views.FAMILIES[3][1], indicators.get("arbeidssokere"), "alle")
        assert heading.startswith("Jobseekers registered with NAV, all ages (no figures for young people")
    with i18n.use("nn"):
        texts = [x.text for x in facts.fact_lines(f, None)]
        assert texts[2] == "Endring sidan 2021: −0,3 prosentpoeng (inga sikker endring)"
        assert not any(bokmaal_words(x) for x in texts), texts
    assert [x.text for x in facts.fact_lines(f, None)][2] == \
        "Endring siden 2021: −0,3 prosentpoeng (ingen sikker endring)"


# --- charts, maps and tables -------------------------------------------------------------------

def spec(fig) -> dict:
    return json.loads(pio.to_json(fig))


def test_a_trend_chart_in_english_has_english_words_and_numbers():
    df = pd.DataFrame([row("4003", "Skien", "2021", 12.04, num=1204, den=10000, status="provisional"),
                       SKIEN, row("40", "Telemark", "2021", 11.0, level="fylke"),
                       row("40", "Telemark", "2022", 11.1, level="fylke")])
    lines = [("4003", "kommune"), ("40", "fylke")]
    with i18n.use("en"):
        s = spec(charts.trend(df, ind=NEET, lines=lines, demo=True))
    lay = s["layout"]
    assert lay["separators"] == ".,"
    assert lay["yaxis"]["title"]["text"] == "Per cent" and lay["yaxis"]["ticksuffix"] == "%"
    names = [t["name"] for t in s["data"]]
    assert "Telemark (county)" in names and "Preliminary figure" in names
    assert lay["annotations"][0]["text"] == "DEMO DATA"
    skien = s["data"][0]
    assert skien["customdata"][0][1:] == ["2021", "12.0%", "<br>preliminary · 1,204 of 10,000"]
    assert skien["hovertemplate"].startswith("<b>%{customdata[0]}</b>")     # plotly's own, intact
    assert lay["meta"]["innenfor"]["caption"].startswith("Definition: ")
    nb = spec(charts.trend(df, ind=NEET, lines=lines))
    assert nb["layout"]["separators"] == "," + NB and "Telemark (fylket)" in [t["name"] for t in nb["data"]]
    assert nb["data"][0]["customdata"][0][3] == f"<br>foreløpig · 1{NB}204 av 10{NB}000"


def test_ranking_region_bars_and_the_table_behind_them_in_nynorsk():
    t = pd.DataFrame([SKIEN, row("4010", "Siljan", "2022", None, status="suppressed")])
    with i18n.use("nn"):
        s = spec(charts.ranking(t, ind=NEET, period="2022", area_name="Telemark",
                                references=[("Heile landet", NORWAY)]))
        table = views.display_table(t, NEET)
        groups = spec(charts.region_bars(
            pd.DataFrame([row("g1", "Vestfold", "2022", 10.0, level="region"), NORWAY]),
            ind=NEET, period="2022", order=["g1", "0"]))
    assert s["layout"]["title"]["subtitle"]["text"] == \
        "Kommunane i Telemark, sorterte. Strekane syner 95 % usikkerheitsintervall."
    assert "Siljan  skjerma" in s["data"][0]["y"]
    assert list(table.columns) == ["Område", "Periode", "Verdi", "Tal", "Av (folketal)",
                                   "95 % intervall", "Status"]
    assert list(table["Status"])[1] == "skjerma"
    assert groups["data"][0]["y"][-1].startswith("Vestfold (regiongruppe)")
    with i18n.use("en"):
        table = views.display_table(t, NEET)
        wide = views.wide_table(t, NEET)
    assert list(table.columns) == ["Area", "Period", "Value", "Number", "Of (population)",
                                   "95% interval", "Status"]
    assert wide.columns[0] == "Period"
    assert list(views.display_table(t, NEET).columns)[:3] == ["Område", "Periode", "Verdi"]


def test_map_classes_and_words_in_english():
    frame = pd.DataFrame([SKIEN, row("4010", "Siljan", "2022", None, status="suppressed"),
                          row("4012", "Bamble", "2022", None, status="missing")])
    with i18n.use("en"):
        entries, _index = maps.classes(frame, [9.5, 10.5], NEET)
        words = maps.words(frame, NEET, "2022")
        assert maps.credit().startswith("Map: ")
    assert [e[0] for e in entries] == ["No data", "Suppressed", "under 9.5%", "9.5–10.4%",
                                       "10.5% and over"]
    assert words[0][2].startswith("1,170 of 10,000 · 95% interval ")
    with i18n.use("nn"):
        assert views.class_labels([], NEET) == ["alle verdiar"]
    assert views.class_labels([9.5, 10.5], NEET) == [f"under 9,5{NB}%", f"9,5–10,4{NB}%",
                                                     f"10,5{NB}% og over"]


# --- the mission -------------------------------------------------------------------------------

def target(status="ikke_på_sporet", **kw) -> progress.Progress:
    base = dict(indicator=NEET, region_code="4003", region_name="Skien", age="15-29",
                category="alle", baseline_period="2020", baseline_value=12.0, target_value=8.0,
                target_year=2030, decided_by="Skien bystyre", latest_period="2024",
                latest_value=10.5, expected_value=9.6, status=status)
    return progress.Progress(**(base | kw))


def test_a_target_speaks_nynorsk_and_english():
    p = target()
    with i18n.use("nn"):
        nn = p.sentence()
        rules = progress.rules()
        status = p.status_text
    assert nn == ("Skien har som mål at delen unge 15–29 år utanfor arbeid og utdanning skal ned "
                  f"til 8,0{NB}% innan 2030 (vedteke av Skien bystyre). I 2024 var den 10,5{NB}%, "
                  f"over banen mot målet (9,6{NB}%).")
    assert status == "✖ Ikkje på sporet"
    assert not bokmaal_words(nn) and not any(bokmaal_words(t) for _label, t in rules)
    assert rules[4][1] == "Færre enn 2 periodar med tal etter basisperioden."
    with i18n.use("en"):
        en = p.sentence()
        assert p.label == "Target 2030: 8.0%"
        assert progress.chart_note(p).startswith("Target 2030: 8.0% (✖ Not on track), adopted by ")
        assert progress.measure_period(dt.date(2023, 3, 1), None) == "from March 2023 (ongoing)"
        assert progress.measure_line({"name": "Ungdomslos", "start_date": dt.date(2023, 1, 1),
                                      "responsible": "kommune"}) == \
            "Ungdomslos (from 2023 (ongoing); responsible: The municipality)"
    assert en == ("Skien aims to bring the share of young people (15–29 years) not in employment, "
                  "education or training down to 8.0% by 2030 (adopted by Skien bystyre). In 2024 "
                  "it was 10.5%, above the path to the target (9.6%).")
    assert progress.measure_period(dt.date(2023, 3, 1), None) == "fra mars 2023 (pågår)"
    assert p.status_text == "✖ Ikke på sporet"


def test_the_mission_table_and_chart_in_english():
    items = [target(), target(status="på_sporet", region_name="Porsgrunn", region_code="4001")]
    with i18n.use("en"):
        t = mission.table(items)
        counts = mission.counts(items)
        fig = charts.trend(pd.DataFrame([SKIEN]), ind=NEET, lines=[("4003", "kommune")])
        measures = pd.DataFrame([{"name": f"Tiltak {i}", "start_date": dt.date(2021, 1, 1),
                                  "end_date": None} for i in range(8)])
        with_path = chart_targets.with_mission(fig, ind=NEET, target=target(), measures=measures,
                                               all_periods=["2022"], newest="2022", age="15-29",
                                               category="alle")
    assert list(t.columns) == ["Area", "Indicator", "Age", "Target", "Baseline", "Newest",
                               "Expected on the path", "Status", "Explanation"]
    assert t.iloc[0]["Target"] == "8.0% by 2030" and t.iloc[0]["Status"] == "✖ Not on track"
    assert counts == [("✔ On track", 1), ("✖ Not on track", 1)]
    notes = charts.meta(with_path)["notes"]
    assert "2 more measures are listed on the page." in notes
    assert any(n.startswith("Measures: Tiltak 0 (from 2021 (ongoing))") for n in notes)
    assert [d["name"] for d in spec(with_path)["data"]][-2] == "Path to the target"
    assert list(mission.table(items).columns) == mission.TABLE_COLUMNS


def test_the_cost_line_in_english_and_nynorsk():
    c = cost.Cost(1_000_000, "SØF-rapport 2/2021", None, None)
    with i18n.use("en"):
        assert cost.sentence(2310, c) == ("2,310 young people outside work and education ≈ NOK 2,310 "
                                          "million per year (estimate: NOK 1,000,000 per person per "
                                          "year; source: SØF-rapport 2/2021)")
    with i18n.use("nn"):
        assert "kjelde: SØF-rapport" in str(cost.sentence(2310, c))
    assert cost.sentence(2310, c) == (f"2{NB}310 unge utenfor ≈ 2{NB}310 mill. kr per år (anslag: "
                                      f"1{NB}000{NB}000 kr per person per år; kilde: SØF-rapport 2/2021)")
