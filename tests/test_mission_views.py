"""The 2035 mission where the numbers are: Skien (4003) with targets and two measures in a real
store. The Utvikling figure draws the path, the target point and the measures' lanes; the table
export carries the path as rows marked «mål»; Min kommune shows «Mål og tiltak» with the status
words; the mission Excel, the deck and the zip's LESMEG carry the targets and measures."""
from __future__ import annotations

import dataclasses
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from exports import figures, mission, tables
from indicators import chart_targets, charts, progress, queries
from loaders import pipeline, plans, store
from loaders.base import RawFile
from tests.conftest import add_rows
from tests.test_pages import specs
from ui.markdown import escape
from vocab import indicators

ROOT = Path(__file__).resolve().parent.parent
NB = "\u00a0"
NEET = indicators.get("neet")
OT = indicators.get("ot_tilmeldt")
MEASURES = ["Ungdomslos;4003;2021;;16-25;neet,ot_tilmeldt;kommune;samhandling;Los for unge;"
            "https://example.org/los",
            "=Jobbsjansen;4003;2022-03;2023-06;18-29;neet;nav;innovasjon;Arbeidstrening;"]


def load(db, kind: str, lines: list[str], name: str) -> None:
    header = plans.TARGET_COLUMNS if kind == "targets" else plans.MEASURE_COLUMNS
    text = ";".join(header) + "\n" + "\n".join(lines) + "\n"
    r = pipeline.load_raw(RawFile(name, text.encode()), db, loaded_by="kari")
    assert r.ok, r.problems


@pytest.fixture
def skien(empty_db):
    """NEET with counts (2020–2024) and OT counts (school years, no interval) for Skien, a
    target for each and two measures."""
    add_rows(empty_db, [{"indicator": "neet", "region_code": "4003", "period": p, "age": "15-29",
                         "value": 100 * k / 10000, "numerator": float(k), "denominator": 10000.0}
                        for p, k in {"2020": 1200, "2022": 1190, "2024": 1180}.items()], "neet.csv")
    add_rows(empty_db, [{"indicator": "ot_tilmeldt", "region_code": "4003", "period": p, "age": "16-21",
                         "value": v} for p, v in {"2019-2020": 300, "2020-2021": 280, "2021-2022": 250,
                                                  "2022-2023": 240}.items()], "ot.csv")
    load(empty_db, "targets", ["neet;4003;15-29;alle;2020;8,0;2030;Skien bystyre;12.03.2021",
                               "ot_tilmeldt;4003;16-21;alle;2019-2020;200;2030;Skien bystyre, sak 9/21;"],
         "mal.csv")
    load(empty_db, "measures", MEASURES, "tiltak.csv")
    return empty_db


def trend(db, ind, age):
    with store.reader(db) as con:
        df = queries.series(con, ind.id, ["4003"], age=age)
        p = progress.for_view(con, "4003", ind.id, age, "alle")
        ms = progress.measures(con, ["4003"], ind.id)
        allp = queries.periods(con, ind.id, age=age)
    fig = charts.trend(df, ind=ind, lines=[("4003", "kommune")], age=age, all_periods=allp)
    return p, chart_targets.with_mission(fig, ind=ind, target=p, measures=ms, all_periods=allp,
                                         newest=allp[-1], age=age, category="alle")


def named(fig, name):
    return next(t for t in fig.data if t.name == name)


def test_trend_has_the_path_the_target_point_and_the_measures_lanes(skien):
    p, fig = trend(skien, NEET, "15-29")
    path = named(fig, "Bane mot målet")
    assert list(path.x) == [str(y) for y in range(2020, 2031)]
    assert path.y[0] == 12.0 and path.y[4] == pytest.approx(10.4) and path.y[-1] == 8.0
    [point] = [t for t in fig.data if t.meta == "target_point"]
    assert list(point.x) == ["2030"] and list(point.y) == [8.0]
    assert point.text[0] == f"<b>Mål 2030: 8,0{NB}%</b>"
    assert point.textposition == "bottom left"            # a falling path: the label under it
    assert list(fig.layout.xaxis.categoryarray)[-1] == "2030"  # the axis runs to the target year
    labels = {a.name: a.text for a in fig.layout.annotations if (a.name or "").startswith("lane")}
    assert sorted(labels.values()) == ["=Jobbsjansen", "Ungdomslos"]
    bars = {a.name[:5]: s for a in fig.layout.annotations if (a.name or "").startswith("lane")
            for s in fig.layout.shapes if s.name == a.name[:5] + "-bar"}
    cats = list(fig.layout.xaxis.categoryarray)
    by_name = {labels[k + "-label"]: (s.x0, s.x1) for k, s in bars.items()}
    # Ungdomslos: from 2021 (no figures: halfway between 2020 and 2022), open, so to the newest
    # period (2024); Jobbsjansen: 2022 to 2023 (halfway to 2024).
    assert cats[:3] == ["2020", "2022", "2024"]
    assert by_name["Ungdomslos"] == (0.5, 2.45)
    assert by_name["=Jobbsjansen"] == (0.55, 1.5)
    assert fig.layout.yaxis.domain[0] > 0                  # the lanes have their own room
    m = charts.meta(fig)
    assert p.status == "ikke_på_sporet"
    assert m["target"] == f"Mål 2030: 8,0{NB}%" and m["measures"] == ["Ungdomslos", "=Jobbsjansen"]
    assert f"Mål 2030: 8,0{NB}% (✖ Ikke på sporet), vedtatt av Skien bystyre" in m["caption"]
    assert "Tiltak: Ungdomslos (fra 2021 (pågår); ansvarlig: Kommunen;" in m["caption"]


def test_a_count_target_in_school_years_has_no_interval_and_its_own_axis(skien):
    p, fig = trend(skien, OT, "16-21")
    assert p.interval is None and p.baseline_value == 300 and p.latest_value == 240
    # 2022–2023: three school years of an eleven-year path: 300 − 100 × 3/10 = 270; 240 is under.
    assert p.expected_value == pytest.approx(270) and p.status == "på_sporet"
    path = named(fig, "Bane mot målet")
    assert path.x[0] == "2019–20" and path.x[-1] == "2029–30" and path.y[-1] == 200
    assert "Ungdomslos" in charts.meta(fig)["measures"]
    assert "=Jobbsjansen" not in charts.meta(fig)["measures"]     # aimed at NEET only
    assert p.label == "Mål 2030: 200"
    assert " var det 240, under banen mot målet (270)." in p.sentence()     # antallet: «det»


def test_higher_is_better_goes_up_and_labels_over_the_path():
    ind = dataclasses.replace(NEET, better="higher")
    p = progress.Progress(indicator=ind, region_code="4003", region_name="Skien", age="15-29",
                          category="alle", baseline_period="2020", baseline_value=60.0,
                          target_value=70.0, target_year=2030, decided_by="Skien bystyre",
                          latest_period="2024", latest_value=66.0, expected_value=64.0,
                          status="på_sporet")
    [_line, point] = chart_targets.path_traces(p, ind)
    assert point["textposition"] == "top left"
    assert "skal opp til 70,0" in p.sentence()
    assert p.sentence().endswith("over banen mot målet (64,0\u00a0%).")


def test_image_and_table_exports_carry_the_target(skien):
    p, fig = trend(skien, NEET, "15-29")
    d = figures.prepare(fig, "print")
    [footer] = [a for a in d["layout"]["annotations"] if a.get("name") == "innenfor-footer"]
    assert "Mål 2030: 8,0" in footer["text"] and "Ungdomslos" in footer["text"]
    bar = next(s for s in d["layout"]["shapes"] if s.get("name") == "lane0-bar")
    # The lanes: above the footer, under the plot.
    assert bar["y0"] > 0 and bar["y1"] < d["layout"]["yaxis"]["domain"][0]
    with store.reader(skien) as con:
        df = queries.series(con, "neet", ["4003"], age="15-29")
        t = tables.from_store(con, "neet", df, age="15-29", targets=[p],
                              notes=charts.meta(fig)["notes"])
    from exports import excel
    ws = openpyxl.load_workbook(io.BytesIO(excel.xlsx(t)))["Data"]
    rows = [dict(zip([c.value for c in ws[1]], [c.value for c in r])) for r in ws.iter_rows(min_row=2)]
    marked = [r for r in rows if str(r["Status"]).startswith("mål")]
    assert [r["Periode"] for r in marked] == list(range(2020, 2031))
    assert marked[0]["Status"] == "mål: basis" and marked[0]["Verdi"] == 12.0
    assert marked[-1]["Status"] == "mål" and marked[-1]["Verdi"] == 8.0
    assert [r["Verdi"] for r in rows if r["Status"] == "publisert"] == [12.0, 11.9, 11.8]
    about = dict(tables.about(t))
    assert about["Mål"].startswith(f"Mål 2030: 8,0{NB}% (✖ Ikke på sporet).")


def test_mission_excel_has_targets_measures_path_and_assumptions(skien):
    with store.reader(skien) as con:
        data = mission.excel_bytes(con, ["4003"])
        everyone = mission.excel_bytes(con, [])
        elsewhere = mission.excel_bytes(con, ["4001"])
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Mål", "Banen", "Tiltak", "Forutsetninger"]
    head, *targets = [[c.value for c in r] for r in wb["Mål"].iter_rows()]
    rows = {r[2]: dict(zip(head, r)) for r in targets}
    neet, ot = rows["Unge utenfor (NEET)"], rows[OT.short]
    assert (neet["Basisverdi"], neet["Målverdi"], neet["Målår"]) == (12.0, 8.0, 2030)
    assert neet["Nyeste verdi"] == 11.8
    assert neet["Forventet på banen"] == 10.4 and neet["Status"] == "✖ Ikke på sporet"
    assert neet["95 % intervall, nedre"] > 10.4 and neet["Vedtatt dato"].year == 2021
    assert neet["Setning"].startswith("Skien har som mål at andelen unge 15–29 år")
    assert ot["Status"] == "✔ På sporet" and ot["95 % intervall, nedre"] is None
    measures = {r[0]: r for r in wb["Tiltak"].iter_rows(min_row=2, values_only=True)}
    assert set(measures) == {"Ungdomslos", "'=Jobbsjansen"}      # a formula-like name stays text
    assert measures["Ungdomslos"][5] == "fra 2021 (pågår)" and measures["Ungdomslos"][8] == "Kommunen"
    assert measures["'=Jobbsjansen"][5] == "mars 2022 – juni 2023"
    path = [r for r in wb["Banen"].iter_rows(min_row=2, values_only=True) if r[2] == "Unge utenfor (NEET)"]
    assert (path[0][4], path[0][5], path[-1][4], path[-1][5]) == ("2020", 12.0, "2030", 8.0)
    about = {r[0]: r[1] for r in wb["Forutsetninger"].iter_rows(values_only=True)}
    assert about["Banen mot målet"] == progress.PATH_RULE
    assert about["≈ Usikkert"] == progress.STATUS_RULES["usikkert"]
    assert about["Kostnad per person"].startswith("Ikke satt")
    assert "neet.csv" in about["Skien: Unge utenfor (NEET), 15–29 år"]
    assert len(list(openpyxl.load_workbook(io.BytesIO(everyone))["Mål"].iter_rows())) == 3
    assert len(list(openpyxl.load_workbook(io.BytesIO(elsewhere))["Mål"].iter_rows())) == 1


def test_the_cost_assumption_goes_in_the_excel_when_set(skien):
    text = ";".join(plans.COST_COLUMNS) + "\n1 000 000;Rapport X, 2024, s. 12;Styringsgruppen;01.02.2025\n"
    assert pipeline.load_raw(RawFile("kostnad.csv", text.encode()), skien, loaded_by="kari").ok
    with store.reader(skien) as con:
        wb = openpyxl.load_workbook(io.BytesIO(mission.excel_bytes(con, ["4003"])))
    about = {r[0]: r[1] for r in wb["Forutsetninger"].iter_rows(values_only=True)}
    assert "1 000 000 kr per person per år" in about["Kostnad per person"].replace(NB, " ")
    assert "Rapport X, 2024, s. 12" in about["Kostnad per person"]


def test_deck_has_a_mission_slide_and_the_zip_explains_the_targets(skien):
    from pptx import Presentation

    import exports
    from tests.conftest import require_chromium
    require_chromium()
    with store.reader(skien) as con:
        deck = exports.presentation(con, "4003").data
        z = zipfile.ZipFile(io.BytesIO(exports.saksvedlegg(con, "4003").data))
        p = progress.for_view(con, "4003", "neet", "15-29", "alle")
    slides = [[sh.text_frame.text for sh in s.shapes if sh.has_text_frame]
              for s in Presentation(io.BytesIO(deck)).slides]
    [neet] = [s for s in slides if "Mål og tiltak: Unge utenfor (NEET)" in s]
    assert f"{p.status_text}. {p.sentence()}" in neet
    assert any("Ungdomslos (fra 2021 (pågår)" in t and "=Jobbsjansen" in t for t in neet)
    assert any(s[1:2] == ["Mål og tiltak: " + OT.short] for s in slides)
    readme = z.read("LESMEG.txt").decode("utf-8-sig")
    assert "Mål og tiltak" in readme and p.sentence() in readme
    assert progress.PATH_RULE in readme and "Ungdomslos (fra 2021 (pågår)" in readme
    [xlsx] = [n for n in z.namelist() if "maal_og_tiltak" in n]
    assert xlsx in readme
    assert openpyxl.load_workbook(io.BytesIO(z.read(xlsx))).sheetnames[0] == "Mål"


# --- the pages (AppTest) ----------------------------------------------------------------------

def open_page(page: str, **params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    at.switch_page(str(ROOT / "app_pages" / f"{page}.py")).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.fixture
def demo_with_plans(writable_db, monkeypatch):
    load(writable_db, "targets", ["neet;4003;15-29;alle;2019;8,0;2030;Skien bystyre, sak 45/25;"], "mal.csv")
    load(writable_db, "measures", MEASURES, "tiltak.csv")
    monkeypatch.setenv("INNENFOR_DB", str(writable_db))
    with store.reader(writable_db) as con:
        return progress.for_view(con, "4003", "neet", "15-29", "alle")


def test_utvikling_page_draws_the_target_and_says_the_sentence(demo_with_plans):
    p = demo_with_plans
    at = open_page("utvikling", indikator="neet", kommune="4003", alder="15-29")
    [spec] = specs(at)
    [path] = [t for t in spec["data"] if t.get("name") == "Bane mot målet"]
    assert path["x"][0] == "2019" and path["y"][-1] == 8.0
    assert f"**{p.status_text}.** {escape(p.sentence())}" in [m.value for m in at.markdown]
    other = open_page("utvikling", indikator="neet", kommune="4001", alder="15-29")
    [spec] = specs(other)
    assert not [t for t in spec["data"] if t.get("name") == "Bane mot målet"]


def test_min_kommune_shows_goals_and_measures_only_where_there_are_any(demo_with_plans):
    p = demo_with_plans
    at = open_page("min_kommune", kommune="4003")
    text = "\n".join(m.value for m in at.markdown)
    assert "#### Mål og tiltak" in text and p.status_text in text
    assert "| Ungdomslos – Los for unge | fra 2021 (pågår) | Kommunen |" in text
    assert "| =Jobbsjansen – Arbeidstrening | mars 2022 – juni 2023 | NAV |" in text
    assert "[Lenke](https://example.org/los)" in text
    # Ufore, OT and arbeidssøkere have no target; Ungdomslos is aimed at OT too.
    assert text.count("#### Mål og tiltak") == 2
    assert "har ikke satt et mål for disse tallene" in text
    elsewhere = open_page("min_kommune", kommune="4001")
    assert "Mål og tiltak" not in "\n".join(m.value for m in elsewhere.markdown)


def test_min_kommune_says_the_cost_with_its_assumption_only_when_set(demo_with_plans, writable_db):
    before = "\n".join(m.value for m in open_page("min_kommune", kommune="4003").markdown)
    assert "mill. kr per år" not in before
    text = ";".join(plans.COST_COLUMNS) + "\n1 000 000;Rapport X, 2024;Styringsgruppen;01.02.2025\n"
    assert pipeline.load_raw(RawFile("kostnad.csv", text.encode()), writable_db, loaded_by="kari").ok
    with store.reader(writable_db) as con:
        row = queries.series(con, "neet", ["4003"], age="15-29", periods=["2024"]).iloc[0]
    n = int(round(row["numerator"]))
    after = "\n".join(m.value for m in open_page("min_kommune", kommune="4003").markdown)
    assert f"{n:,}".replace(",", NB) + " unge utenfor ≈ " in after
    assert "mill. kr per år (anslag: 1" in after and "kilde: Rapport X, 2024)" in after


def test_the_chart_table_download_has_the_path_rows(demo_with_plans, writable_db):
    from ui import downloads
    downloads._table_bytes.clear()
    with store.reader(writable_db) as con:
        frame = queries.series(con, "neet", ["4003"], age="15-29")
    key = (str(writable_db), "v")
    plain = downloads._table_bytes(key, ("t",), "csv_plain", "neet", "15-29", "alle", "Tittel", (), frame,
                                   target_region="4003").decode("utf-8-sig")
    marked = [line for line in plain.splitlines() if ",mål" in line]
    assert len(marked) == 12 and marked[-1].split(",")[4] == "2030" and ",8.0," in marked[-1]
    without = downloads._table_bytes(key, ("t",), "csv_plain", "neet", "15-29", "alle", "Tittel", (), frame)
    assert ",mål" not in without.decode("utf-8-sig")


def test_a_target_without_a_baseline_figure_draws_no_path_and_says_why(skien):
    load(skien, "targets", ["neet;4003;15-29;alle;2018;8,0;2030;Skien bystyre, revidert;"], "mal2.csv")
    p, fig = trend(skien, NEET, "15-29")
    assert p.status == "ingen_data" and p.baseline_value is None
    assert not [t for t in fig.data if t.meta in ("target_path", "target_point")]
    assert "Ingen bane: ingen tall for basisperioden 2018" in charts.meta(fig)["caption"]
    assert charts.meta(fig)["measures"] == ["Ungdomslos", "=Jobbsjansen"]   # the lanes stay
