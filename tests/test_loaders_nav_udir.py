"""NAV (HL060 and the long monthly layout) and Udir (Statistikkbanken CSV) loaders.

Committed fixtures in tests/fixtures/nav and tests/fixtures/udir are written by
tests/fixtures/make_nav_udir_fixtures.py in the published layouts. Real files are read from
../shared/realdata when present; expected figures are read from those files here, with openpyxl
and csv, independently of the loaders."""
from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import duckdb
import openpyxl
import pytest

from loaders import nav_hl060, nav_long, pipeline, udir_csv, workspace

FIX = Path(__file__).parent / "fixtures"
NAV, UDIR = FIX / "nav", FIX / "udir"
REAL = Path(__file__).parents[2] / "shared" / "realdata" / "evensrii_Telemark"
HL060_REAL = REAL / "nav_HL060_helt_ledige_fylke_kommune_tidsserie_maaned_2022-10.xlsx"
MONTHLY_REAL = [REAL / "nav_arbeidsmarkedsstatus_202501_delivery.xlsx",
                REAL / "nav_arbeidsmarkedsstatus_202601_delivery.xlsx"]
NAMES_REAL = REAL / "nav_arbeidsledighet_long_2011-2026_telemark_kommuner.csv"
UDIR_REAL = REAL / "FORMATSAMPLE_udir_statistikkbank_csv_slutta_vgo_utf16_tab.csv"
needs_real = pytest.mark.skipif(not HL060_REAL.exists(), reason="../shared/realdata finnes ikke")


def rows(db, sql, params=()):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def obs(db, indicator, region, period, *, age="alle", sex="alle", category):
    """(value, status, note) for one key; fails unless exactly one row has it.
    `db` is a store path, or a dict from all_obs() for many look-ups."""
    key = (indicator, region, period, age, sex, category)
    if isinstance(db, dict):
        found = db.get(key, [])
    else:
        found = rows(db, "SELECT value, status, note FROM observations WHERE indicator=? AND "
                         "region_code=? AND period=? AND age=? AND sex=? AND category=?", key)
    assert len(found) == 1, (key, found)
    return found[0]


def all_obs(db) -> dict:
    out: dict = {}
    for r in rows(db, "SELECT indicator, region_code, period, age, sex, category, value, status, "
                      "note FROM observations"):
        out.setdefault(r[:6], []).append(r[6:])
    return out


def load(path, db):
    r = pipeline.load_path(path, db)
    return r


def snapshot(db: Path):
    return db.read_bytes() if db.exists() else None


def rejected_untouched(path, db):
    """Load a file that must be rejected; the store must be byte-for-byte what it was."""
    before = snapshot(db)
    r = load(path, db)
    assert r.outcome == "rejected", r.line()
    assert snapshot(db) == before
    return r


# --- NAV HL060 -------------------------------------------------------------------------------

def test_hl060_fixture(tmp_path):
    db = tmp_path / "s.duckdb"
    r = load(NAV / "hl060_helt_ledige_2022.xlsx", db)
    assert r.outcome == "loaded", r.line()
    assert r.format_name == nav_hl060.NAME
    # 7 places (land, 03, 38, 0301, 3806, 3807, 3822) × 3 months × antall and prosent
    assert r.rows == 42
    ok = dict(category="helt_ledige")
    assert obs(db, "arbeidssokere", "4003", "2022-01", **ok)[:2] == (948, "ok")   # 3807 Skien
    assert obs(db, "arbeidssokere_andel", "4003", "2022-03", **ok)[:2] == (2.8, "ok")
    assert obs(db, "arbeidssokere", "38", "2022-03", **ok)[:2] == (5144, "ok")
    assert obs(db, "arbeidssokere", "0", "2022-02", **ok)[:2] == (64439, "ok")     # 'I alt'
    assert obs(db, "arbeidssokere_andel", "0", "2022-02", **ok)[:2] == (2.2, "ok")
    assert obs(db, "arbeidssokere", "0301", "2022-01", **ok)[:2] == (13613, "ok")
    assert obs(db, "arbeidssokere", "03", "2022-01", **ok)[:2] == (13613, "ok")
    value, status, note = obs(db, "arbeidssokere", "4030", "2022-02", **ok)        # 3822 Nissedal '*'
    assert (value, status) == (None, "suppressed") and "færre enn 4" in note
    # HL060 counts all ages: never stored as under 30; one sex, one category.
    assert rows(db, "SELECT DISTINCT age, sex, category FROM observations") == \
        [("alle", "alle", "helt_ledige")]
    # Øvrige områder / Ukjent are not places; the analyst's sheet is not NAV's.
    assert not rows(db, "SELECT 1 FROM observations WHERE region_code IN ('99', 'Ukjent')")
    warn = " ".join(r.warnings)
    assert "«Telemark»" in warn and "«Ukjent»" in warn and "«99 Øvrige områder»" in warn


def test_hl060_period_across_new_year(tmp_path):
    db = tmp_path / "s.duckdb"
    r = load(NAV / "hl060_helt_ledige_nyttaar.xlsx", db)
    assert r.outcome == "loaded", r.line()
    assert [p for (p,) in rows(db, "SELECT DISTINCT period FROM observations ORDER BY 1")] == \
        ["2021-12", "2022-01", "2022-02"]
    assert obs(db, "arbeidssokere", "4003", "2021-12", category="helt_ledige")[0] == 948


def _edit(src: Path, dst: Path, sheet: str, cell: str, value) -> Path:
    wb = openpyxl.load_workbook(src)
    wb[sheet][cell] = value
    wb.save(dst)
    return dst


def test_hl060_county_total_must_match_county_sheet(tmp_path):
    # 'I alt Oslo' (municipality sheet, row 9) differs from '03 Oslo' on the county sheet
    bad = _edit(NAV / "hl060_helt_ledige_2022.xlsx", tmp_path / "hl060_feil.xlsx",
                "3. Kommune Antall", "C9", 13000)
    r = rejected_untouched(bad, tmp_path / "s.duckdb")
    assert "«3. Kommune Antall», rad 9" in r.message and "«1. Fylke Antall»" in r.message


def test_hl060_same_municipality_twice_is_rejected(tmp_path):
    bad = _edit(NAV / "hl060_helt_ledige_2022.xlsx", tmp_path / "dobbel.xlsx",
                "3. Kommune Antall", "B17", "3807 Skien")   # Nissedal's row now says Skien
    r = rejected_untouched(bad, tmp_path / "s.duckdb")
    assert "Arket «3. Kommune Antall», rad 17: Skien står to ganger på arket (også rad 16)" in r.message


def test_hl060_without_period_is_rejected(tmp_path):
    src = NAV / "hl060_helt_ledige_2022.xlsx"
    wb = openpyxl.load_workbook(src)
    for ws in wb.worksheets:
        if ws["B6"].value:
            ws["B6"] = None
    wb.save(tmp_path / "uten_periode.xlsx")
    r = rejected_untouched(tmp_path / "uten_periode.xlsx", tmp_path / "s.duckdb")
    assert "Fant ikke perioden" in r.message


def test_hl060_bad_cell_names_sheet_and_row(tmp_path):
    wb = openpyxl.load_workbook(NAV / "hl060_helt_ledige_2022.xlsx")
    cell = wb["3. Kommune Antall"]["D16"]          # 3807 Skien, Februar
    cell.value, cell.data_type = "=SUM(A1)", "s"   # text, not a formula
    wb.save(tmp_path / "tekst.xlsx")
    r = rejected_untouched(tmp_path / "tekst.xlsx", tmp_path / "s.duckdb")
    assert "Arket «3. Kommune Antall», rad 16" in r.message and "=SUM(A1)" in r.message


def test_hl060_month_missing_from_header_is_rejected(tmp_path):
    bad = _edit(NAV / "hl060_helt_ledige_2022.xlsx", tmp_path / "hull.xlsx",
                "3. Kommune Antall", "D20", None)      # 'Februar' gone from the Ukjent block
    r = rejected_untouched(bad, tmp_path / "s.duckdb")
    assert "Arket «3. Kommune Antall», rad 20: «Mars» følger ikke etter" in r.message


# --- NAV long monthly layout -----------------------------------------------------------------

def test_nav_long_xlsx_fixture(tmp_path):
    db = tmp_path / "s.duckdb"
    r = load(NAV / "nav_arbeidsmarkedsstatus_202501.xlsx", db)
    assert r.outcome == "loaded", r.line()
    assert r.format_name == nav_long.NAME
    m = "2025-01"
    assert obs(db, "arbeidssokere", "4003", m, sex="kvinner", category="helt_ledige")[:2] == (278, "ok")
    assert obs(db, "arbeidssokere", "4003", m, sex="menn", category="helt_ledige")[:2] == (526, "ok")
    # the right-hand pivot block is NAV's 'Begge kjønn': stored as sex 'alle'
    assert obs(db, "arbeidssokere", "4003", m, category="helt_ledige")[:2] == (804, "ok")
    assert obs(db, "arbeidssokere_andel", "4003", m, sex="menn", category="helt_ledige")[:2] == (3.6, "ok")
    assert obs(db, "arbeidssokere", "40", m, category="delvis_ledige")[:2] == (826, "ok")
    assert obs(db, "arbeidssokere", "0", m, sex="kvinner", category="tiltak")[:2] == (8617, "ok")
    # '*' count, published share
    assert obs(db, "arbeidssokere", "4010", m, sex="menn", category="tiltak")[:2] == (None, "suppressed")
    assert obs(db, "arbeidssokere_andel", "4010", m, sex="menn", category="tiltak")[:2] == (0.4, "ok")
    # a file that uses '*' publishes a real 0 as 0
    assert obs(db, "arbeidssokere", "4030", m, category="tiltak")[:2] == (0, "ok")
    assert rows(db, "SELECT DISTINCT age FROM observations") == [("alle",)]
    warn = " ".join(r.warnings)
    assert "yrkesbakgrunn" in warn and "«Ukjent»" in warn and "Svalbard" in warn
    assert not rows(db, "SELECT 1 FROM observations WHERE region_code IN ('97', 'Ukjent')")


def test_nav_long_totals_must_add_up(tmp_path):
    # Begge kjønn for Skien helt ledige (right block) no longer equals Kvinner + Menn
    wb = openpyxl.load_workbook(NAV / "nav_arbeidsmarkedsstatus_202501.xlsx")
    ws = wb["Telemark"]
    row = next(r for r in range(3, ws.max_row + 1)
               if ws.cell(r, 14).value == "4003 Skien" and ws.cell(r, 15).value == "Helt ledige")
    ws.cell(row, 17).value = 805
    wb.save(tmp_path / "summer.xlsx")
    r = rejected_untouched(tmp_path / "summer.xlsx", tmp_path / "s.duckdb")
    assert "begge kjønn" in r.message
    assert any(p.startswith(f"Arket «Telemark», rad {row}: 4003 2025-01 helt_ledige: begge kjønn 805")
               for p in r.problems), r.problems


def test_nav_long_csv_with_codes_and_ages(tmp_path):
    db = tmp_path / "s.duckdb"
    r = load(NAV / "nav_long_koder_alder.csv", db)
    assert r.outcome == "loaded", r.line()
    # 3807 Skien (2020–2023 number) lands on 4003; 'Under 30 år' and 'I alt' kept apart
    assert obs(db, "arbeidssokere", "4003", "2021-05", age="under30", category="helt_ledige")[0] == 231
    assert obs(db, "arbeidssokere", "4003", "2021-05", age="alle", category="helt_ledige")[0] == 1074
    assert obs(db, "arbeidssokere_andel", "4003", "2021-05", age="under30", category="helt_ledige")[0] == 3.4
    assert obs(db, "arbeidssokere", "0", "2025-01", age="under30", category="helt_ledige")[0] == 19850
    assert obs(db, "arbeidssokere", "4030", "2021-05", age="under30",
               category="helt_ledige")[1] == "suppressed"
    assert not rows(db, "SELECT 1 FROM observations WHERE age NOT IN ('under30', 'alle')")
    assert any("«30-39 år»" in w for w in r.warnings)


def test_a_later_nav_extract_is_a_new_release_of_the_same_product(tmp_path):
    """Two extracts of NAV's statistic are releases of one product: the later revises (its
    figures are shown, the earlier kept as history), and undoing it brings the earlier back."""
    from indicators import queries
    from loaders import store
    db = tmp_path / "s.duckdb"
    assert load(NAV / "nav_long_koder_alder.csv", db).outcome == "loaded"
    other = tmp_path / "annen.csv"
    other.write_text("År;År-måned;Nåværende Kommune Nr Navn;Arbeidsmarkedsstatus hovedgruppe;Kjønn;"
                     "Alder;Beh personer i mnd;% av arbeidsstyrken\n"
                     "2021;202105;4003 Skien;Helt ledige;Begge kjønn;Under 30 år;232;3,4\n",
                     encoding="utf-8")
    r = load(other, db)
    assert r.outcome == "loaded" and any("revidert" in w and "Skien mai 2021: " in w and " → 232" in w
                                         for w in r.warnings), r.warnings
    with store.reader(db) as con:
        shown = queries.series(con, "arbeidssokere", ["4003"], age="under30", category="helt_ledige",
                               periods=["2021-05"])
        hist = queries.history(con, "arbeidssokere", "4003", "2021-05")
    assert shown.value.iat[0] == 232
    skien = hist[(hist["age"] == "under30") & (hist["category"] == "helt_ledige")]
    assert list(skien["shown"]) == [True, False] and list(skien["source"]) == \
        ["annen.csv", "nav_long_koder_alder.csv"]
    assert workspace.undo(2, db).startswith("«annen.csv» er fjernet")
    with store.reader(db) as con:                    # undoing the release brings the last one back
        back = queries.series(con, "arbeidssokere", ["4003"], age="under30", category="helt_ledige",
                              periods=["2021-05"])
    assert back.value.iat[0] != 232


def test_nav_long_csv_truncated_row(tmp_path):
    text = (NAV / "nav_long_koder_alder.csv").read_text(encoding="utf-8").rstrip("\n")
    cut = tmp_path / "avkortet.csv"
    cut.write_text(text.rsplit(";", 3)[0] + "\n", encoding="utf-8")
    r = rejected_untouched(cut, tmp_path / "s.duckdb")
    assert re.search(r"Rad 10 har 5 kolonner, men overskriften har 8", r.message), r.message


def test_nav_long_processed_names_csv(tmp_path):
    db = tmp_path / "s.duckdb"
    r = load(NAV / "nav_long_navn_prosessert.csv", db)
    assert r.outcome == "loaded", r.line()
    m = "2025-01"
    # names map to 2024 codes within their level; 'Oslo' under Fylker is the county
    assert obs(db, "arbeidssokere", "4003", m, sex="kvinner", category="helt_ledige")[0] == 278
    assert obs(db, "arbeidssokere", "03", m, category="helt_ledige")[0] == 11580
    assert obs(db, "arbeidssokere", "40", m, category="helt_ledige")[0] == 2447
    assert obs(db, "arbeidssokere", "55", "2024-12", category="helt_ledige")[0] == 2100   # 'Troms '
    assert obs(db, "arbeidssokere", "4020", "2011-01", category="helt_ledige")[0] == 120  # Midt-Telemark
    # 'Andel av arbeidsstyrken' is a fraction: stored as percent
    assert obs(db, "arbeidssokere_andel", "4003", m, sex="kvinner", category="helt_ledige")[0] == 2.1
    # the file turned NAV's '*' into 0 (0 with a share above 0, and no '*' anywhere): no 0 is
    # trusted, so every 0 is stored as suppressed, never as a number that may be false
    for sex, cat, region in [("kvinner", "delvis_ledige", "4010"), ("alle", "tiltak", "4030")]:
        value, status, note = obs(db, "arbeidssokere", region, m, sex=sex, category=cat)
        assert (value, status) == (None, "suppressed") and "gjort om til 0" in note
    assert obs(db, "arbeidssokere", "4010", m, category="delvis_ledige")[0] == 6
    assert any("gjort om til 0" in w for w in r.warnings)
    assert any("«Ukjent»" in w for w in r.warnings)


@pytest.mark.parametrize("level,name,expected", [
    ("Kommuner", "Herøy", "«Herøy» er navnet på flere kommuner (1515, 1818)"),
    ("Kommuner", "Sauherad", "«Sauherad» er ikke et kommunenavn i 2024-inndelingen"),
    ("Vestfold kommuner", "Skien", "«Skien» (4003) ligger ikke i Vestfold"),
    ("Fylker", "Vestfold og Telemark", "ikke et fylkenavn i 2024-inndelingen"),
    ("Bydeler", "Skien", "ukjent nivå «Bydeler»"),
])
def test_nav_long_names_that_cannot_be_placed_are_rejected(tmp_path, level, name, expected):
    f = tmp_path / "navn.csv"
    f.write_text("Nivå,Geografisk enhet,Arbeidsmarkedsstatus,Kjønn,Antall personer,"
                 "Andel av arbeidsstyrken,Dato\n"
                 "Landet,Landet,Helt ledige,Begge kjønn,67821,0.023,2025-01-01\n"
                 f"{level},{name},Helt ledige,Begge kjønn,40,0.012,2025-01-01\n", encoding="utf-8")
    r = rejected_untouched(f, tmp_path / "s.duckdb")
    assert r.message.startswith("Rad 3: ") and expected in r.message, r.message


def test_nav_long_ambiguous_fixture_is_rejected(tmp_path):
    r = rejected_untouched(NAV / "nav_long_navn_tvetydig.csv", tmp_path / "s.duckdb")
    assert "Rad 3" in r.message and "Herøy" in r.message


def test_nav_long_fraction_over_one_is_rejected(tmp_path):
    f = tmp_path / "prosent.csv"
    f.write_text("Nivå,Geografisk enhet,Arbeidsmarkedsstatus,Kjønn,Antall personer,"
                 "Andel av arbeidsstyrken,Dato\n"
                 "Telemark kommuner,Skien,Helt ledige,Begge kjønn,804,2.9,2025-01-01\n",
                 encoding="utf-8")
    r = rejected_untouched(f, tmp_path / "s.duckdb")
    assert "Rad 2" in r.message and "over 1" in r.message


def test_nav_long_unknown_group_is_rejected(tmp_path):
    f = tmp_path / "gruppe.csv"
    f.write_text("År-måned;Nåværende Kommune Nr Navn;Arbeidsmarkedsstatus hovedgruppe;Kjønn;"
                 "Beh personer i mnd\n202501;4003 Skien;Nedsatt arbeidsevne;Kvinner;500\n",
                 encoding="utf-8")
    r = rejected_untouched(f, tmp_path / "s.duckdb")
    assert "Rad 2: ukjent arbeidsmarkedsstatus «Nedsatt arbeidsevne»" in r.message


# --- Udir Statistikkbanken CSV ---------------------------------------------------------------

def test_udir_ot_fixture(tmp_path):
    data = (UDIR / "udir_ot_fylke_utf16.csv").read_bytes()
    assert data.startswith("sep=\t".encode("utf-16-le"))   # UTF-16LE, no BOM, as Udir
    db = tmp_path / "s.duckdb"
    r = load(UDIR / "udir_ot_fylke_utf16.csv", db)
    assert r.outcome == "loaded", r.line()
    assert r.format_name == udir_csv.NAME
    sy = "2020-2021"
    got = {cat: obs(db, "ot_tilmeldt", "38", sy, age="16-21", category=cat)[0]
           for cat in ("ikke_sokt", "takket_nei", "avbrutt", "andre")}
    assert got == {"ikke_sokt": 1381, "takket_nei": 460, "avbrutt": 581, "andre": 517}
    total, status, note = obs(db, "ot_tilmeldt", "38", sy, age="16-21", category="alle")
    assert total == 2939 == sum(got.values())
    assert status == "break" and note.startswith("Endret registreringspraksis")   # '.Brudd' column
    assert obs(db, "ot_tilmeldt", "0", sy, age="16-21", category="alle")[:2] == (13400, "ok")
    assert obs(db, "ot_tilmeldt", "38", "2019-2020", age="16-21", category="alle")[:2] == (3012, "ok")
    assert obs(db, "ot_tilmeldt", "54", "2019-2020", age="16-21", category="takket_nei")[1] == "suppressed"
    assert obs(db, "ot_tilmeldt", "54", sy, age="16-21", category="alle")[1] == "missing"
    assert any("«Andel»" in w for w in r.warnings)


def test_udir_other_table_is_rejected_naming_the_measure(tmp_path):
    r = rejected_untouched(UDIR / "udir_slutta_vgo_utf16.csv", tmp_path / "s.duckdb")
    assert r.format_name == udir_csv.NAME
    assert "«Andel sluttet»" in r.message and "Oppfølgingstjenesten" in r.message


def test_udir_unknown_reason_is_rejected(tmp_path):
    text = (UDIR / "udir_ot_fylke_utf16.csv").read_bytes().decode("utf-16-le")
    f = tmp_path / "aarsak.csv"
    f.write_bytes(text.replace("2019-20.Andre grunner", "2019-20.Ikke fått læreplass")
                  .encode("utf-16-le"))
    r = rejected_untouched(f, tmp_path / "s.duckdb")
    assert "ukjent årsak «Ikke fått læreplass»" in r.message


# --- Real files (../shared/realdata) ---------------------------------------------------------

def _hl060_expected(sheet: str, label_test) -> dict[str, object]:
    """{'2022-01': cell, …} for the first row whose label cells pass label_test, read directly."""
    wb = openpyxl.load_workbook(HL060_REAL, read_only=True, data_only=True)
    months = None
    for row in wb[sheet].iter_rows(values_only=True):
        if "Januar" in row:
            months = {i: f"2022-{n:02d}" for n, i in
                      enumerate([i for i, c in enumerate(row) if isinstance(c, str)], start=1)}
        elif months and label_test([c for c in row[:min(months)] if c is not None]):
            return {p: row[i] for i, p in months.items()}
    raise AssertionError(f"fant ikke raden på {sheet}")


def _check_hl060(db, indicator, region, expected):
    for period, cell in expected.items():
        value, status, _ = obs(db, indicator, region, period, category="helt_ledige")
        if cell == "*":
            assert (value, status) == (None, "suppressed"), (region, period)
        else:
            assert status == "ok" and value == pytest.approx(cell), (region, period, value, cell)


def _monthly_expected(path: Path):
    """Every published (place, group, sex) cell of the Landet/Fylker/Telemark sheets, both blocks."""
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    out = {}
    sexes = {"Kvinner": "kvinner", "Menn": "menn", "Begge kjønn": "alle"}
    groups = {"Helt ledige": "helt_ledige", "Delvis ledige": "delvis_ledige",
              "Arbeidssøkere på tiltak": "tiltak"}
    for sheet in ("Landet", "Fylker", "Telemark"):
        for row in wb[sheet].iter_rows(min_row=3, values_only=True):
            for c0 in (1, 10):   # main block B–I, NAV's second block K–R
                _yr, ym, _lvl, place, group, sex, count, pct = row[c0:c0 + 8]
                if ym is None or place in ("Ukjent",) or str(place).startswith("97 "):
                    continue
                code = "0" if place == "Landet" else place.split()[0]
                key = (code, f"{str(ym)[:4]}-{str(ym)[4:]}", sexes[sex], groups[group])
                out[key] = (count, pct)
    return out


@needs_real
def test_real_hl060_and_monthly_files_in_one_store(tmp_path):
    db = tmp_path / "s.duckdb"
    results = [load(HL060_REAL, db)] + [load(p, db) for p in MONTHLY_REAL]
    assert [r.outcome for r in results] == ["loaded"] * 3, [r.line() for r in results]
    assert [r.format_name for r in results] == [nav_hl060.NAME, nav_long.NAME, nav_long.NAME]
    assert any("«Telemark», «Viz»" in w for w in results[0].warnings)
    assert any("yrkesbakgrunn" in w for w in results[2].warnings)

    store = all_obs(db)
    # HL060: Skien, Vestfold og Telemark and Norway, counts and shares, straight from the sheets
    _check_hl060(store, "arbeidssokere", "4003",
                 _hl060_expected("3. Kommune Antall", lambda ls: ls == ["3807 Skien"]))
    _check_hl060(store, "arbeidssokere_andel", "4003",
                 _hl060_expected("4. Kommune Prosent av arbeidsst", lambda ls: ls == ["3807 Skien"]))
    _check_hl060(store, "arbeidssokere", "38",
                 _hl060_expected("1. Fylke Antall", lambda ls: ls[:1] == ["38"]))
    _check_hl060(store, "arbeidssokere_andel", "38",
                 _hl060_expected("2. Fylke Prosent av arbeidsstyr", lambda ls: ls[:1] == ["38"]))
    _check_hl060(store, "arbeidssokere", "0", _hl060_expected("1. Fylke Antall", lambda ls: ls == ["I alt"]))
    _check_hl060(store, "arbeidssokere", "4032",   # 3823 Fyresdal has '*' months
                 _hl060_expected("3. Kommune Antall", lambda ls: ls == ["3823 Fyresdal"]))
    # all of HL060 is all ages: nothing of it is under 30
    assert rows(db, "SELECT count(*) FROM observations WHERE age <> 'alle'") == [(0,)]
    assert rows(db, "SELECT count(*) FROM observations o JOIN sources s USING (source_id) "
                    "WHERE s.file_name LIKE '%HL060%'") == [(results[0].rows,)]

    # Monthly files: every published cell of Landet/Fylker/Telemark, both pivot blocks
    for path in MONTHLY_REAL:
        expected = _monthly_expected(path)
        assert len(expected) > 200
        for (code, period, sex, cat), (count, pct) in expected.items():
            value, status, _ = obs(store, "arbeidssokere", code, period, sex=sex, category=cat)
            if count == "*":
                assert status == "suppressed", (code, period, sex, cat)
            else:
                assert (value, status) == (count, "ok"), (code, period, sex, cat, value, count)
            share = obs(store, "arbeidssokere_andel", code, period, sex=sex, category=cat)
            assert share[:2] == ((pct, "ok") if pct is not None else (None, "missing"))

    # The two monthly files do not overlap (one month each), so nothing conflicts: every key
    # in the store comes from exactly one file.
    assert rows(db, "SELECT count(*) FROM (SELECT indicator, region_code, period, age, sex, "
                    "category FROM observations GROUP BY ALL HAVING count(*) > 1)") == [(0,)]
    again = load(MONTHLY_REAL[0], db)
    assert again.outcome == "duplicate"


def _names_csv_expected():
    with open(NAMES_REAL, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            if r["Geografisk enhet"] == "Skien" and r["Dato"] == "2025-01-01" \
                    and r["Arbeidsmarkedsstatus"] == "Helt ledige" and r["Kjønn"] == "Kvinner":
                return int(r["Antall personer"]), float(r["Andel av arbeidsstyrken"])
    raise AssertionError("fant ikke Skien 2025-01")


@needs_real
def test_real_processed_names_csv(tmp_path):
    db = tmp_path / "s.duckdb"
    r = load(NAMES_REAL, db)
    assert r.outcome == "loaded", r.line()
    count, fraction = _names_csv_expected()
    assert obs(db, "arbeidssokere", "4003", "2025-01", sex="kvinner",
               category="helt_ledige")[:2] == (count, "ok")
    assert obs(db, "arbeidssokere_andel", "4003", "2025-01", sex="kvinner",
               category="helt_ledige")[0] == pytest.approx(fraction * 100)
    # the processed file has no '*': its zeros are stored as suppressed, never as 0
    assert rows(db, "SELECT count(*) FROM observations WHERE indicator = 'arbeidssokere' "
                    "AND value = 0") == [(0,)]
    assert any("gjort om til 0" in w for w in r.warnings)
    # history back to 2011 under today's numbers (NAV's current geography)
    assert obs(db, "arbeidssokere", "4020", "2011-01", category="helt_ledige")[1] == "ok"


@needs_real
def test_real_processed_csv_after_monthly_xlsx_keeps_the_published_zeros(tmp_path):
    """202601 publishes real zeros where the processed CSV's 0 cannot be told from a '*' (stored
    as skjermet). Hiding a number does not contradict showing it: both files load, and the
    views show the published zero."""
    import duckdb

    from indicators import queries
    from loaders import store
    db = tmp_path / "s.duckdb"
    assert load(MONTHLY_REAL[1], db).outcome == "loaded"
    assert load(NAMES_REAL, db).outcome == "loaded"
    con = duckdb.connect(str(db), read_only=True)
    both = con.execute("""
        SELECT indicator, region_code, period, age, sex, category FROM observations
        WHERE period = '2026-01' GROUP BY ALL
        HAVING bool_or(status = 'suppressed') AND bool_or(status = 'ok' AND value = 0)""").fetchall()
    con.close()
    assert both
    ind, region, period, age, sex, category = both[0]
    with store.reader(db) as con:
        shown = queries.series(con, ind, [region], age=age, sex=sex, category=category, periods=[period])
    assert shown.status.iat[0] == "ok" and shown.value.iat[0] == 0


@needs_real
def test_real_udir_sample_is_rejected(tmp_path):
    r = rejected_untouched(UDIR_REAL, tmp_path / "s.duckdb")
    assert r.format_name == udir_csv.NAME and "«Andel sluttet»" in r.message


def test_detection_is_by_content_not_name(tmp_path):
    for src in (NAV / "hl060_helt_ledige_2022.xlsx", NAV / "nav_long_koder_alder.csv",
                UDIR / "udir_ot_fylke_utf16.csv"):
        dst = tmp_path / ("fil" + src.suffix)
        shutil.copy(src, dst)
        assert load(dst, tmp_path / f"{src.stem}.duckdb").outcome == "loaded"
