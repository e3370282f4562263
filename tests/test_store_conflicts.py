"""Conflicts between files: the same figure rounded differently is not one (the stored one is
kept, with a warning), a real difference still rejects the file, and the count is the true one."""
from __future__ import annotations

import json
from datetime import datetime

import duckdb
import pytest

from indicators import queries
from loaders import compare, pipeline, store, workspace
from loaders.base import RawFile
from tests.bad_input_corpus import NEET, jsonstat
from tests.conftest import REALDATA

pytestmark = pytest.mark.both_backends   # the store tests run on DuckDB and on PostgreSQL (conftest)

HEADER = "indikator;kommunenr;periode;alder;kjonn;kategori;antall;nevner;status\n"
needs_real = pytest.mark.skipif(not REALDATA.exists(), reason="mangler ../shared/realdata")


def t13563(neet=1125, residents=9641) -> RawFile:
    """Skien 2022 in table 13563's form: counts only (NEET and all residents)."""
    doc = jsonstat(regions=(("K-3807", "Skien"),), years=("2022",), values=[residents, neet])
    return RawFile("13563.json", json.dumps(doc, ensure_ascii=False).encode())


def t13556(neet=1125, share=11.7) -> RawFile:
    """Skien 2022 in table 13556's form: the NEET count and SSB's share rounded to one decimal."""
    dims = [("Region", "region", {"4003": "Skien"}), ("Kjonn", "kjønn", {"0": "Begge kjønn"}),
            ("Alder", "alder", {"15-29": "15-29 år"}),
            ("HovArbStyrkStatus", "arbeidsstyrkestatus", {"NEET": NEET}),
            ("ContentsCode", "statistikkvariabel",
             {"Bosatte": "Bosatte", "BosatteProsent": "Bosatte (prosent)"}),
            ("Tid", "år", {"2022": "2022"})]
    doc = {"version": "2.0", "class": "dataset",
           "label": "13556: Personer 15-29 år, etter region, kjønn, alder, arbeidsstyrkestatus, "
                    "statistikkvariabel og år",
           "id": [d for d, _, _ in dims], "size": [len(c) for _, _, c in dims],
           "role": {"geo": ["Region"], "time": ["Tid"], "metric": ["ContentsCode"]},
           "dimension": {d: {"label": lab, "category": {"index": {c: i for i, c in enumerate(cats)},
                                                          "label": cats}} for d, lab, cats in dims},
           "value": [neet, share]}
    return RawFile("13556.json", json.dumps(doc, ensure_ascii=False).encode())


def skien(db):
    with store.reader(db) as con:
        return queries.series(con, "neet", ["4003"], periods=["2022"]).iloc[0]


def test_share_is_worked_out_from_the_counts(empty_db):
    r = pipeline.load_raw(t13563(), empty_db)
    assert r.outcome == "loaded", r.line()
    assert skien(empty_db).value == pytest.approx(100 * 1125 / 9641)   # 11,669…, not 11,7


@pytest.mark.parametrize("first, second", [(t13563, t13556), (t13556, t13563)])
def test_the_same_figure_rounded_differently_loads_and_the_stored_one_is_kept(empty_db, first, second):
    assert pipeline.load_raw(first(), empty_db).outcome == "loaded"
    kept = skien(empty_db).value
    r = pipeline.load_raw(second(), empty_db)
    assert r.outcome == "loaded", r.line()
    assert any(w.startswith("1 rad har samme tall som allerede er lagret, bare avrundet annerledes")
               for w in r.warnings), r.warnings
    assert skien(empty_db).value == kept
    # both files keep their rows: undoing the first shows the second's figure, nothing is lost
    assert "fjernet" in workspace.undo(1, empty_db)
    now = skien(empty_db).value
    assert now != kept and now == pytest.approx(100 * 1125 / 9641, abs=0.05)


@pytest.mark.parametrize("other", [t13556(neet=1126), t13556(share=11.9), t13563(residents=9700)])
def test_a_real_difference_still_rejects_the_file(empty_db, other):
    assert pipeline.load_raw(t13563() if other.name == "13556.json" else t13556(), empty_db).ok
    before = empty_db.read_bytes()
    r = pipeline.load_raw(other, empty_db)
    assert r.outcome == "rejected" and "har allerede" in " ".join(r.problems), r.line()
    assert empty_db.read_bytes() == before


def test_a_hidden_number_against_a_shown_one_is_not_a_conflict(empty_db, tmp_path):
    f = tmp_path / "a.csv"
    f.write_text(HEADER + "ufore;4003;2021;18-29;alle;alle;301;7902;\n", encoding="utf-8")
    g = tmp_path / "b.csv"
    g.write_text(HEADER + "ufore;4003;2021;18-29;alle;alle;;7902;mangler\n", encoding="utf-8")
    h = tmp_path / "c.csv"
    h.write_text(HEADER + "ufore;4003;2021;18-29;alle;alle;;;*\n", encoding="utf-8")
    assert [pipeline.load_path(p, empty_db).outcome for p in (f, g, h)] == ["loaded"] * 3


def _demo_as_another_real_source(db) -> None:
    """The demo files as if a real source other than the incoming file had loaded them (demo and
    real are never compared: real data replaces the demo)."""
    import duckdb
    con = duckdb.connect(str(db))
    con.execute("UPDATE sources SET is_demo = FALSE, product = 'en annen kilde'")
    con.close()


def test_demo_figures_are_no_conflict_for_real_data(writable_db, tmp_path):
    rows = [f"arbeidssokere;4003;2021-{m:02d};under30;alle;helt_ledige;99999;;" for m in range(1, 13)]
    f = tmp_path / "annen.csv"
    f.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    assert pipeline.load_path(f, writable_db).outcome == "loaded"


def test_the_conflict_count_is_the_true_total(writable_db, tmp_path):
    _demo_as_another_real_source(writable_db)
    rows = [f"arbeidssokere;4003;2021-{m:02d};under30;alle;helt_ledige;99999;;" for m in range(1, 13)]
    f = tmp_path / "annen.csv"
    f.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    r = pipeline.load_path(f, writable_db)
    assert r.outcome == "rejected" and r.problem_count == 12 and len(r.problems) == 5
    assert "(12 rader)" in r.message and "(og 7 problemer til)" in r.line()


@needs_real
def test_real_2023_workbook_against_another_source_counts_every_conflict(writable_db):
    demo_db = writable_db
    _demo_as_another_real_source(demo_db)
    path = REALDATA / "neet_utenfor_arbeid_og_utdanning_2023folder.xlsx"
    _mod, obs, _r = pipeline.prepare(RawFile(path.name, path.read_bytes()), period="2022")
    con = duckdb.connect(str(demo_db), read_only=True)
    con.register("incoming", obs)
    differ = con.execute("""
        SELECT count(*) FROM incoming i
        JOIN observations o USING (indicator, region_code, period, age, sex, category)
        WHERE o.status = 'ok' AND i.status = 'ok'
          AND (i.numerator <> o.numerator OR i.denominator <> o.denominator)""").fetchone()[0]
    con.close()
    assert differ > 6
    r = pipeline.load_path(path, demo_db, dry_run=True, period="2022")
    assert r.outcome == "rejected" and r.problem_count == differ
    assert f"(og {differ - 5} problemer til)" in r.line()


@needs_real
@pytest.mark.parametrize("order", [0, 1])
def test_real_nav_long_csv_and_hl060_agree_up_to_rounding(tmp_path, order):
    files = [REALDATA / "nav_HL060_helt_ledige_fylke_kommune_tidsserie_maaned_2022-10.xlsx",
             REALDATA / "nav_arbeidsledighet_long_2011-2026_telemark_kommuner.csv"]
    if order:
        files.reverse()
    db = tmp_path / "s.duckdb"
    results = [pipeline.load_path(p, db) for p in files]
    assert [r.outcome for r in results] == ["loaded", "loaded"], [r.line() for r in results]
    assert any("avrundet annerledes" in w and "vises fortsatt" in w for w in results[1].warnings)


@pytest.mark.parametrize("stored, incoming, same", [
    ("11,7", "11,65", True),      # 11,65 may round to 11,7
    ("11,7", "11,79", False),     # 11,79 rounds to 11,8: another figure
    ("1,8", "1,9", True),         # both from 1,85
    ("11,0", "11,4", False),      # shares are published with a decimal: 11 is 11,0
])
def test_shares_are_the_same_figure_within_half_a_unit_of_each_ones_decimals(
        tmp_path, stored, incoming, same):
    import pandas as pd

    def obs(v: str) -> pd.DataFrame:
        """NAV's share of helt ledige as its files give it: a rounded share, no counts."""
        return pd.DataFrame([{"indicator": "arbeidssokere_andel", "region_code": "4003",
                              "period": "2022-04", "age": "alle", "sex": "alle",
                              "category": "helt_ledige", "value": float(v.replace(",", ".")),
                              "unit": "prosent", "status": "ok", "numerator": None,
                              "denominator": None, "note": None}])
    con = store.connect(tmp_path / "s.duckdb")
    try:
        store.write(con, obs(stored), file_name="a.csv", sha256="a" * 64, fmt="test")
        clash = compare.compare(con, obs(incoming), product="another source", released=datetime.now())
    finally:
        con.close()
    assert (clash.total == 0) == same, (clash.problems, clash.rounded)
    assert (clash.rounded == 1) == same
