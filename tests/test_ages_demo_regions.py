"""Issue 11, parts 5 and 6: figures say their age band and whether they are demo, each on its
own line, slide and file; regions appear in their own time (no county beside its parts, a
complete sum before a partial published one, Ålesund and Haram under one rule)."""
from __future__ import annotations

import io
import re
import zipfile

import pandas as pd
import pytest
from PIL import Image

from exports import bundle, deck, figures, images, kommune
from geo import boundaries
from geo import regions as georegions
from indicators import charts, facts, maps, queries, views
from indicators import format as fmt
from loaders import store
from tests.conftest import add_rows
from tests.test_pages import open_page, specs
from vocab import indicators

NB = "\u00a0"
SKIEN, TELEMARK, VESTFOLD, NORWAY = "4003", "40", "39", "0"
ANDEL = indicators.get("arbeidssokere_andel")
MONTHS = ["2025-01", "2026-01"]


# --- stores --------------------------------------------------------------------------------------

def _nav_all_ages(db, file_name="nav_alle_aldre.csv") -> None:
    """NAV's share of the labour force, helt ledige, for all ages only (as NAV's long files and
    HL060 give it): Skien 2,7 %, Telemark 2,5 %, Norway 2,1 % in January 2026."""
    values = {SKIEN: (2.9, 2.7), TELEMARK: (2.6, 2.5), NORWAY: (2.0, 2.1), "4001": (1.1, 1.2)}
    add_rows(db, [{"indicator": "arbeidssokere_andel", "region_code": code, "period": p,
                   "age": "alle", "category": "helt_ledige", "value": v}
                  for code, vs in values.items() for p, v in zip(MONTHS, vs)], file_name)


@pytest.fixture
def all_ages_db(empty_db):
    """A store with nothing but NAV's all-ages figures."""
    _nav_all_ages(empty_db)
    return empty_db


def _read(db, fn):
    with store.reader(db) as con:
        return fn(con)


def _choice(con, code=SKIEN):
    return facts.family_choice(
        ["arbeidssokere_andel", "arbeidssokere"], code, ages=lambda i: queries.ages(con, i),
        periods=lambda i, a, c: queries.periods(con, i, age=a, category=c),
        series=lambda i, r, age, category: queries.series(con, i, r, age=age, category=category))


# --- part 5: ages -------------------------------------------------------------------------------

def test_all_ages_figures_are_said_to_be_for_all_ages_in_every_line(all_ages_db):
    """Only all-ages NAV data: the NAV family shows it, and the heading, the sentence, the value
    line, the slide title and the chart title each say «alle aldre» beside the figure."""
    choice = _read(all_ages_db, _choice)
    assert choice == ("arbeidssokere_andel", "alle", "helt_ledige")
    rep = _read(all_ages_db, lambda con: kommune.collect(con, SKIEN))
    (nav,) = [c for c in rep.charts if c.family == "NAV"]
    value = f"2,7{NB}%"
    assert "alle aldre" in nav.title and "alle aldre" in charts.meta(nav.figure)["title"]
    assert value in nav.sentence and "i alle aldre" in nav.sentence
    assert nav.facts[0] == f"Januar 2026: {value} (alle aldre, ikke bare unge)"
    assert all("alle aldre" in line for line in nav.facts + [nav.sentence] if value in line)
    assert facts.family_heading("Arbeidssøkere hos NAV", ANDEL, "alle", "helt_ledige") == (
        "Arbeidssøkere hos NAV, alle aldre, helt ledige (ingen tall for unge under 30 år)")
    # The printed image: the age band in the title block, not only in the footer.
    d = figures.prepare(nav.figure, "print", place="Skien")
    head = d["layout"]["title"]["text"] + " " + d["layout"]["title"]["subtitle"]["text"]
    assert "alle aldre" in head
    # The missing youth families say their own age band.
    assert "Unge utenfor arbeid, utdanning og opplæring (NEET), 15–29 år" in rep.missing


def test_a_youth_figure_is_chosen_before_an_all_ages_one(all_ages_db):
    """NAV's count of job seekers under 30 stands for the family before the share for all ages,
    although the share comes first in the family's list."""
    add_rows(all_ages_db, [{"indicator": "arbeidssokere", "region_code": SKIEN, "period": p,
                            "age": "under30", "category": "helt_ledige", "value": v}
                           for p, v in zip(MONTHS, (410.0, 395.0))], "nav_unge.csv")
    assert _read(all_ages_db, _choice) == ("arbeidssokere", "under30", "helt_ledige")
    rep = _read(all_ages_db, lambda con: kommune.collect(con, SKIEN))
    (nav,) = [c for c in rep.charts if c.family == "NAV"]
    assert "under 30 år" in nav.title and "alle aldre" not in nav.sentence + nav.title
    assert nav.sentence.startswith("Antallet arbeidssøkere under 30 år (helt ledige) i Skien var 395")


def test_min_kommune_page_never_shows_all_ages_as_the_youth_figure(all_ages_db, monkeypatch):
    monkeypatch.setenv("INNENFOR_DB", str(all_ages_db))
    at = open_page("min-kommune", kommune=SKIEN)
    heads = [h.value for h in at.subheader]
    assert "Arbeidssøkere hos NAV, alle aldre, helt ledige (ingen tall for unge under 30 år)" in heads
    assert "Unge utenfor arbeid, utdanning og opplæring (NEET), 15–29 år" in heads
    (metric,) = at.metric
    assert metric.value == f"2,7{NB}%" and "alle aldre" in metric.label
    shown = [m.value for m in at.markdown] + [str(s) for s in specs(at)]
    sentence = next(t for t in shown if t.startswith("**Andelen arbeidssøkere"))
    assert "i alle aldre" in sentence and f"2,7{NB}%" in sentence
    (spec,) = specs(at)
    assert "alle aldre" in spec["layout"]["title"]["text"]
    assert not [w.value for w in at.warning if "Demodata" in w.value]      # no demo in this store


# --- part 5: demo per source ---------------------------------------------------------------------

def _real_nav_youth(db) -> None:
    """Real NAV counts of job seekers under 30 for Skien (replacing the demo NAV indicator)."""
    add_rows(db, [{"indicator": "arbeidssokere", "region_code": code, "period": p, "age": "under30",
                   "category": c, "value": v}
                  for code in (SKIEN, TELEMARK, NORWAY) for p in MONTHS
                  for c, v in (("helt_ledige", 300.0), ("delvis_ledige", 120.0), ("tiltak", 60.0))],
             "nav_ekte_unge.csv")


def _fake_pngs(prepared: list) -> list[bytes]:
    out = []
    for _fd, _fmt in prepared:
        buf = io.BytesIO()
        Image.new("RGB", (1640, 890), "white").save(buf, "PNG")
        out.append(buf.getvalue())
    return out


@pytest.fixture
def mixed_report(writable_db, monkeypatch):
    """Skien with demo NEET, Uføre and OT and real NAV numbers. Images are blank PNGs (what is
    under test is the words on slides and in files, not the rendering)."""
    _real_nav_youth(writable_db)
    monkeypatch.setattr(images, "render_prepared", _fake_pngs)
    with store.reader(writable_db) as con:
        return kommune.collect(con, SKIEN)


def _slides(data: bytes) -> list[str]:
    from pptx import Presentation
    prs = Presentation(io.BytesIO(data))
    return ["\n".join(sh.text_frame.text for sh in s.shapes if sh.has_text_frame) for s in prs.slides]


def test_demo_chip_only_on_slides_of_demo_figures(mixed_report):
    rep = mixed_report
    by_family = {c.family: c for c in rep.charts}
    assert not by_family["NAV"].demo and by_family["NEET"].demo and by_family["Uføre"].demo
    slides = _slides(deck.build(rep))
    chips = {}
    for c in rep.charts:
        (text,) = [t for t in slides[1:-1] if c.sentence in t and c.title in t]
        chips[c.family] = "DEMODATA" in text
    assert chips == {"NEET": True, "Kart": True, "Uføre": True, "OT": True, "NAV": False}
    assert "DEMODATA" not in slides[-1]                       # definitions: no figures
    assert "Arbeidssøkere" in slides[0] and "De andre er ekte" in slides[0]
    nav = by_family["NAV"]
    assert set(nav.table.sources["file_name"]) == {"nav_ekte_unge.csv"}
    assert not nav.table.sources["is_demo"].any()


def test_lesmeg_says_do_not_use_only_for_files_with_demo(mixed_report):
    rep = mixed_report
    _name, data = bundle.build(rep)
    z = zipfile.ZipFile(io.BytesIO(data))
    readme = z.read(bundle.README_NAME).decode("utf-8-sig")
    lines = {line[2:].split(":", 1)[0]: line for line in readme.splitlines() if line.startswith("- ")}
    pngs = [n for n in z.namelist() if n.endswith(".png")]
    assert sorted(pngs) == sorted(lines.keys() & set(pngs))
    for n in pngs:
        demo = "arbeidssokere" not in n
        assert ("Ikke bruk dem i en sak" in lines[n]) == demo, lines[n]
    nav_png = next(n for n in pngs if "arbeidssokere" in n)
    assert "DEMODATA" not in lines[nav_png]
    pptx = next(n for n in z.namelist() if n.endswith(".pptx"))
    assert "DEMODATA i en del av filen" in lines[pptx] and "De andre tallene er ekte" in lines[pptx]
    head = readme.split("Filer\r\n")[0]
    assert "Ikke bruk dem i en sak" not in head and "Noen av tallene er DEMODATA" in head
    nav_section = readme.split("* Arbeidssøkere i Skien")[1].split("\r\n* ")[0]
    assert "DEMODATA" not in nav_section and "nav_ekte_unge.csv" in nav_section
    # The workbook: Demodata «ja» only on the demo rows, and «Om tallene» says which.
    from openpyxl import load_workbook
    wb = load_workbook(io.BytesIO(z.read(next(n for n in z.namelist() if n.endswith(".xlsx")))))
    head = [c.value for c in wb["Data"][1]]
    col = {h: i for i, h in enumerate(head)}
    demo_by_indicator = {}
    for row in wb["Data"].iter_rows(min_row=2, values_only=True):
        demo_by_indicator.setdefault(row[col["Indikator"]], set()).add(row[col["Demodata"]])
    assert demo_by_indicator.pop("Arbeidssøkere") == {"nei"}
    assert set().union(*demo_by_indicator.values()) == {"ja"}
    about = {r[0].value: r[1].value for r in wb["Om tallene"].iter_rows() if r[0].value}
    assert "Uføre under 30" in about["DEMODATA"] and "Arbeidssøkere" not in about["DEMODATA"]
    assert "De andre tallene er ekte" in about["DEMODATA"]


def test_a_demo_only_report_says_so_once_for_all(demo_db):
    rep = _read(demo_db, lambda con: kommune.collect(con, SKIEN, with_map=False))
    assert rep.all_demo
    text = bundle.readme(rep, [("f.png", "figur", bundle.demo_note(rep.charts))])
    assert "tallene i disse filene er oppdiktet" in text
    assert "f.png: figur – " + bundle.DEMO_FILE in text


# --- part 6: counties in their own time ----------------------------------------------------------

COUNTIES_2024 = {"03": 100, "11": 50, "15": 30, "18": 20, "31": 40, "32": 80, "33": 35, "34": 45,
                 "39": 38, "40": 22, "42": 44, "46": 70, "50": 55, "55": 18, "56": 9}
OLD = {"30": ("31", "32", "33"), "38": ("39", "40"), "54": ("55", "56")}


@pytest.fixture
def county_db(empty_db):
    """NAV job seekers (all ages, count) per county as NAV's files have them: today's counties
    for every year (NAV back-casts), and 30, 38, 54 published beside them for all years."""
    rows = []
    for period in ("2019-05", "2021-05", "2024-05"):
        for c, n in COUNTIES_2024.items():
            rows.append({"indicator": "arbeidssokere", "region_code": c, "period": period,
                         "age": "alle", "category": "helt_ledige", "value": float(n)})
        for c, parts in OLD.items():
            rows.append({"indicator": "arbeidssokere", "region_code": c, "period": period,
                         "age": "alle", "category": "helt_ledige",
                         "value": float(sum(COUNTIES_2024[p] for p in parts))})
        rows.append({"indicator": "arbeidssokere", "region_code": NORWAY, "period": period,
                     "age": "alle", "category": "helt_ledige", "value": float(sum(COUNTIES_2024.values()))})
    add_rows(empty_db, rows, "nav_fylker.csv")
    return empty_db


@pytest.mark.parametrize("period", ["2019-05", "2021-05", "2024-05"])
def test_county_table_is_todays_counties_and_adds_up_to_norway(county_db, period):
    """2024: no 38 (it no longer existed); 2019: no 38 (it did not exist yet); 2021: no 38 either
    — the county table is today's division for every period, so its column adds up to Norway."""
    t = _read(county_db, lambda con: queries.table(con, "arbeidssokere", "fylke", period=period,
                                                   age="alle", category="helt_ledige"))
    assert set(t["region_code"]) == set(COUNTIES_2024)
    assert not set(t["region_code"]) & set(OLD)
    norway = _read(county_db, lambda con: queries.series(
        con, "arbeidssokere", [NORWAY], age="alle", category="helt_ledige", periods=[period]))
    assert t["value"].sum() == norway["value"].iat[0]


def test_old_counties_only_in_their_own_years(county_db):
    s = _read(county_db, lambda con: queries.series(con, "arbeidssokere", ["38", "30", "54"],
                                                    age="alle", category="helt_ledige"))
    assert set(s["period"]) == {"2021-05"}
    assert dict(zip(s["region_code"], s["value"])) == {"38": 60, "30": 155, "54": 27}
    assert views.county_lines("38", "2021-05") == ["38"]
    assert views.county_lines("38", "2024-05") == ["39", "40"]
    assert views.county_lines("38", "2019-05") == ["39", "40"]


def test_a_complete_sum_is_preferred_over_a_partial_published_total(empty_db):
    """NAV published only 'helt ledige' for 38 in April 2022 (so its total is missing), and all
    three groups for 39 and 40: 38's total is their sum, and the note says what was done."""
    rows = [{"indicator": "arbeidssokere", "region_code": "38", "period": "2022-04", "age": "alle",
             "category": "helt_ledige", "value": 4673.0}]
    parts = {"39": (2833.0, 1500.0, 621.0), "40": (1840.0, 1100.0, 483.0)}
    for c, vs in parts.items():
        rows += [{"indicator": "arbeidssokere", "region_code": c, "period": "2022-04", "age": "alle",
                  "category": cat, "value": v}
                 for cat, v in zip(("helt_ledige", "delvis_ledige", "tiltak"), vs)]
    rows += [{"indicator": "arbeidssokere", "region_code": "54", "period": "2022-04", "age": "alle",
              "category": "helt_ledige", "value": 2029.0}]           # 55 and 56 not published
    add_rows(empty_db, rows, "nav_hl060.csv")
    s = _read(empty_db, lambda con: queries.series(con, "arbeidssokere", ["38", "54"], age="alle",
                                                   periods=["2022-04"])).set_index("region_code")
    assert s.loc["38", "value"] == sum(parts["39"]) + sum(parts["40"])
    assert s.loc["38", "status"] == "ok" and s.loc["38", "computed"]
    assert s.loc["38", "note"] == "summert over 2 fylker (kildens eget tall er ufullstendig)"
    # No complete sum for 54: its own total stays missing, and its note never says «summert».
    assert s.loc["54", "status"] == "missing" and pd.isna(s.loc["54", "value"])
    assert "summert" not in s.loc["54", "note"] and "1 av 3 kategorier" in s.loc["54", "note"]
    # The published part is still used as published.
    helt = _read(empty_db, lambda con: queries.series(con, "arbeidssokere", ["38"], age="alle",
                                                      category="helt_ledige", periods=["2022-04"]))
    assert helt["value"].iat[0] == 4673 and not helt["computed"].iat[0]


def test_a_missing_sum_never_says_summert(demo_db):
    with store.reader(demo_db) as con:
        for ind, cat in (("arbeidssokere", "alle"), ("neet", "alle"), ("ot_tilmeldt", "alle")):
            s = queries.series(con, ind, ["0", "38", "39", "40", "31", "R-grenland"], category=cat)
            hidden = s[~s["status"].isin(fmt.KNOWN)]
            assert not hidden["note"].fillna("").str.contains("summert").any(), hidden.head()


# --- part 6: Ålesund and Haram ---------------------------------------------------------------------

ALESUND, HARAM, OLD_ALESUND = "1508", "1580", "1507"


@pytest.fixture
def alesund_db(empty_db):
    """NEET with counts: Ålesund and Haram back-cast for 2019, the old Ålesund (1507) for
    2020–2023 as published then, Ålesund and Haram again from 2024; Møre og Romsdal and Norway."""
    rows = []
    for year, parts in (("2019", {ALESUND: (600, 7000), HARAM: (60, 1000)}),
                        ("2022", {OLD_ALESUND: (700, 8200)}), ("2023", {OLD_ALESUND: (690, 8150)}),
                        ("2024", {ALESUND: (610, 7100), HARAM: (70, 1050)})):
        for code, (num, den) in parts.items():
            rows.append({"indicator": "neet", "region_code": code, "period": year, "age": "15-29",
                         "value": 100 * num / den, "numerator": num, "denominator": den})
        for code, (num, den) in (("15", (2500, 30000)), (NORWAY, (99000, 1000000))):
            rows.append({"indicator": "neet", "region_code": code, "period": year, "age": "15-29",
                         "value": 100 * num / den, "numerator": num, "denominator": den})
    add_rows(empty_db, rows, "ssb_neet.csv")
    return empty_db


def _map(db, period):
    area, county = maps.map_area("15")
    frame = _read(db, lambda con: maps.frame(area, county, indicators.get("neet"), lambda codes:
                                             queries.series(con, "neet", codes, periods=[period])))
    return frame.set_index("region_code")


def test_alesund_one_rule_on_the_map(alesund_db):
    split = georegions.splits()[OLD_ALESUND]
    assert [c for c, _n in split.parts] == [ALESUND, HARAM]
    own_time = _map(alesund_db, "2022").loc[OLD_ALESUND]
    assert own_time["region_name"] == "Gamle Ålesund (1507: Ålesund og Haram), 2020–2023"
    assert own_time["value"] == pytest.approx(100 * 700 / 8200)
    after = _map(alesund_db, "2024").loc[OLD_ALESUND]
    assert after["region_name"] == "Ålesund og Haram"
    assert after["value"] == pytest.approx(100 * 680 / 8150) and "summert over" in after["note"]
    assert maps.feature_of(HARAM) == OLD_ALESUND and maps.feature_of(SKIEN) == SKIEN
    feats = {f["properties"]["kode"] for f in boundaries.load("norge")["features"]}
    assert OLD_ALESUND in feats and ALESUND not in feats and HARAM not in feats


def test_alesund_ranking_lists_each_area_only_in_its_own_years(alesund_db):
    def codes(period):
        t = _read(alesund_db, lambda con: queries.table(con, "neet", "kommune", period=period,
                                                        county="15"))
        return dict(zip(t["region_code"], t["region_name"]))
    assert codes("2022") == {OLD_ALESUND: georegions.splits()[OLD_ALESUND].label}
    assert codes("2024") == {ALESUND: "Ålesund", HARAM: "Haram"}
    assert codes("2019") == {ALESUND: "Ålesund", HARAM: "Haram"}


@pytest.mark.parametrize("code,name", [(ALESUND, "Ålesund"), (HARAM, "Haram")])
def test_alesund_and_haram_profiles_show_the_old_alesund_labelled(alesund_db, code, name):
    rep = _read(alesund_db, lambda con: kommune.collect(con, code, period="2022", with_map=False))
    assert rep.split_story.startswith("Ålesund ble delt i Ålesund (1508) og Haram (1580) 1. januar 2024")
    (neet,) = rep.charts
    assert neet.sentence.startswith("Andelen unge 15–29 år utenfor arbeid og utdanning i det gamle "
                                    "Ålesund (1507: Ålesund og Haram) var 8,5")
    assert neet.facts[0] == f"2022: 8,5{NB}% (det gamle Ålesund med Haram)"
    traces = {t.get("name"): t for t in neet.figure.to_dict()["data"]}
    assert "Gamle Ålesund (1507: Ålesund og Haram), 2020–2023" in traces and name in traces
    # The municipality's own line breaks in the old municipality's years (never 2019 → 2024).
    own = dict(zip(traces[name]["x"], traces[name]["y"]))
    assert own["2022"] is None and own["2023"] is None and own["2019"] and own["2024"]
    # 2024: the municipality's own figure, and no change measured across the split.
    rep = _read(alesund_db, lambda con: kommune.collect(con, code, period="2024", with_map=False))
    (neet,) = rep.charts
    assert re.match(rf"Andelen unge 15–29 år utenfor arbeid og utdanning i {name} var", neet.sentence)
    assert "Endring siden 2023: kan ikke sammenlignes (Ålesund ble delt 1. januar 2024)" in neet.facts


def test_alesund_page_explains_the_split(alesund_db, monkeypatch):
    monkeypatch.setenv("INNENFOR_DB", str(alesund_db))
    at = open_page("min-kommune", kommune=HARAM, periode="2022")
    assert any("Ålesund ble delt i Ålesund (1508) og Haram (1580) 1. januar 2024" in i.value
               for i in at.info)
    (metric,) = at.metric
    assert metric.value == f"8,5{NB}%" and "det gamle Ålesund med Haram" in metric.label


@pytest.mark.parametrize("alesund_as", [[OLD_ALESUND], [ALESUND, HARAM]])
def test_a_county_sum_counts_the_old_alesund_in_its_years(empty_db, alesund_as):
    """Møre og Romsdal 2022 summed over its municipalities: with the old Ålesund (1507) as
    published then, or with 1508 and 1580 where a source has back-cast them — complete either
    way, never «mangler tall for 2 av … kommuner», and never Ålesund twice."""
    from geo import codes
    today = [c for c, r in codes.municipalities_2024().items() if r["county_code"] == "15"]
    others = [c for c in today if c not in (ALESUND, HARAM)]
    rows = [{"indicator": "ot_tilmeldt", "region_code": c, "period": "2021-2022", "age": "16-21",
             "value": 10.0} for c in others + alesund_as]
    add_rows(empty_db, rows, "ot.csv")
    county = _read(empty_db, lambda con: queries.series(con, "ot_tilmeldt", ["15"])).iloc[0]
    assert county["status"] == "ok" and county["value"] == 10.0 * len(rows)
    assert county["note"] == f"summert over {len(rows)} kommuner"
