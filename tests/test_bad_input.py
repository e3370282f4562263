"""The bad-input corpus (tests/bad_input_corpus.py, bad_input_corpus_more.py and
bad_input_corpus_numbers.py): every malformed file is rejected with a clear, specific Norwegian
message, and the store is left byte-for-byte as it was, with nothing archived."""
from __future__ import annotations

import re
import tracemalloc

import duckdb
import pytest

from loaders import pipeline
from tests.bad_input_corpus import udir
from tests.bad_input_corpus_numbers import ALL as CASES

# What a message must not contain: Python's or the OS's words, or English.
LEAKS = re.compile(r"Traceback|Error\b|Exception|errno|invalid literal|codec can't|No such file|"
                   r"\b(the|file|line|row|expected|unexpected|not|found|cannot|failed)\b")
NORWEGIAN = re.compile(r"\b(filen|rad|arket|verdi nr|ikke|ukjent|mangler|har|er)\b", re.I)


def _state(db):
    """The store's bytes and what lies beside it (the raw archive, half-written copies)."""
    beside = sorted(p.relative_to(db.parent).as_posix() for p in db.parent.rglob("*")
                    if p != db and not p.name.endswith(".lock") and "inn" not in p.parts)
    return db.read_bytes(), beside


def test_corpus_size_and_formats():
    assert len(CASES) >= 150
    assert len({c.id for c in CASES}) == len(CASES)
    formats = {c.id.split("-")[0] if not c.id.startswith("ssb") else "-".join(c.id.split("-")[:2])
               for c in CASES}
    # delivery template, SSB statbank CSV (+ long), XLSX, JSON-stat2, NAV HL060, NAV long, Udir
    assert {"mal", "ssb-csv", "ssb-langt", "ssb-xlsx", "ssb-json", "nav", "udir"} <= formats
    assert any(c.id.startswith("nav-hl060") for c in CASES)
    assert any(c.id.startswith("nav-xlsx") for c in CASES) and any(c.id.startswith("nav-csv") for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_file_is_rejected_clearly_and_the_store_is_untouched(case, writable_db, tmp_path):
    inn = tmp_path / "inn"
    inn.mkdir()
    data = case.build(inn)
    f = inn / case.name
    if data is not None:
        f.write_bytes(data)
    before = _state(writable_db)
    tracemalloc.start()
    try:
        r = pipeline.load_path(f, writable_db)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert r.outcome == "rejected", r.line()
    text = " ".join([r.message, *r.problems])
    for phrase in case.expect:
        assert phrase in text, f"{phrase!r} not in: {text}"
    shown = r.line()
    assert NORWEGIAN.search(shown) and not LEAKS.search(shown), shown
    assert "feil i Innenfor" not in shown, shown   # a reader tripped: logged with a traceback
    assert len(shown) < 2000, len(shown)           # (a million columns are not all named)
    assert "AVVIST, 0 rader lastet inn" in shown
    assert _state(writable_db) == before, "the store or the archive beside it changed"
    # A file is never read whole just to be refused for its size (it is 200 MB).
    if f.stat().st_size > pipeline.MAX_BYTES:
        assert peak < 20 * 1024 * 1024, peak


def test_formula_in_free_text_is_stored_neutralised(tmp_path):
    """Udir's footnotes ('.Brudd') are the one free text Innenfor keeps from a file: a footnote
    that a spreadsheet would run as a formula is stored with a leading apostrophe."""
    head = ["EnhetNivaa", "Nasjonaltkode", "Fylkekode", "Nasjonalt", "Fylke", "EnhetNavn",
            "2020-21.I alt.Antall.Brudd", "2020-21.I alt.Antall", "2020-21.Ikke søkt opplæring.Antall"]
    f = tmp_path / "udir.csv"
    f.write_bytes(udir(["1", "I", "", "Hele landet", "Alle fylker", "Hele landet",
                        '=HYPERLINK("http://x.example";"Les mer")', "13 400", "5 092"], head=head))
    db = tmp_path / "s.duckdb"
    r = pipeline.load_path(f, db)
    assert r.outcome == "loaded", r.line()
    con = duckdb.connect(str(db), read_only=True)
    try:
        status, note = con.execute("SELECT status, note FROM observations WHERE category = 'alle'"
                                   ).fetchone()
    finally:
        con.close()
    assert status == "break" and note == "'=HYPERLINK(\"http://x.example\";\"Les mer\")"


@pytest.mark.parametrize("what, expected", [("mangler", "filen finnes ikke"),
                                            ("mappe", "dette er en mappe, ikke en fil")])
def test_a_path_that_is_not_a_readable_file(what, expected, writable_db, tmp_path):
    p = tmp_path / "finnes_ikke.csv"
    if what == "mappe":
        p.mkdir()
    before = writable_db.read_bytes()
    r = pipeline.load_path(p, writable_db)
    assert r.outcome == "rejected" and expected in r.message, r.message
    assert writable_db.read_bytes() == before


@pytest.mark.parametrize("footnote", ['\uff1dHYPERLINK("http://x.example";"Les mer")',   # full-width =
                                      "\u200b=1+1",                                        # zero-width space
                                      "\ufeff@SUM(A1:A9)", "\u2060\uff0bcmd"])
def test_a_disguised_formula_in_a_footnote_is_neutralised_in_the_exports(footnote, tmp_path):
    """A footnote that looks harmless to a check of its first character (a full-width equals sign, or
    an invisible character before «=») is stored as given, and neutralised when it is written to
    CSV or Excel: a spreadsheet must never run it."""
    import csv
    import io

    import openpyxl
    import pandas as pd

    from exports import csvfile, excel, safe, tables
    from vocab import indicators
    head = ["EnhetNivaa", "Nasjonaltkode", "Fylkekode", "Nasjonalt", "Fylke", "EnhetNavn",
            "2020-21.I alt.Antall.Brudd", "2020-21.I alt.Antall", "2020-21.Ikke søkt opplæring.Antall"]
    f = tmp_path / "udir.csv"
    f.write_bytes(udir(["1", "I", "", "Hele landet", "Alle fylker", "Hele landet", footnote,
                        "13 400", "5 092"], head=head))
    db = tmp_path / "s.duckdb"
    assert pipeline.load_path(f, db).outcome == "loaded"
    con = duckdb.connect(str(db), read_only=True)
    try:
        note = con.execute("SELECT note FROM observations WHERE category = 'alle'").fetchone()[0]
    finally:
        con.close()
    assert safe.needs_neutralising(note), repr(note)
    t = tables.DataTable(ind=indicators.get("ot_tilmeldt"), frame=pd.DataFrame([{
        "region_code": "0", "region_name": "Hele landet", "level": "land", "period": "2020-2021",
        "value": 13400.0, "numerator": None, "denominator": None, "status": "break",
        "note": note, "computed": False}]))
    for data, sep in ((csvfile.csv_no(t), ";"), (csvfile.csv_plain(t), ",")):
        cells = [c for row in csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=sep)
                 for c in row]
        assert "'" + note in cells
        assert not [c for c in cells if safe.needs_neutralising(c)]
    wb = openpyxl.load_workbook(io.BytesIO(excel.xlsx(t)))
    cells = [c.value for row in wb["Data"].iter_rows() for c in row if isinstance(c.value, str)]
    assert "'" + note in cells
    assert not [c for c in cells if safe.needs_neutralising(c)]


def _stored(db, region: str, period: str):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT numerator, denominator, value, status, note FROM observations WHERE "
                           "indicator = 'neet' AND region_code = ? AND period = ? AND age = '15-29' "
                           "AND sex = 'alle' AND category = 'alle'", [region, period]).fetchone()
    finally:
        con.close()


def test_a_suppressed_status_with_a_value_is_stored_suppressed_without_it(tmp_path):
    """JSON-stat value 3 with status «:»: the source's status wins, the 3 is never stored, and the
    user is told."""
    from tests.bad_input_corpus import js, jsonstat
    f = tmp_path / "13563.json"
    f.write_bytes(js(jsonstat(values=[9500, 3], status={"1": ":"})))
    db = tmp_path / "s.duckdb"
    r = pipeline.load_path(f, db)
    assert r.outcome == "loaded", r.line()
    num, _den, value, status, note = _stored(db, "4003", "2022")
    assert (num, value, status, note) == (None, None, "suppressed", "«:» skjermet")
    assert "verdi nr. 2 (3 med «:»)" in r.line() and "symbolet gjelder" in r.line(), r.line()


def test_full_width_digits_and_invisible_characters_are_folded_where_the_meaning_is_certain(tmp_path):
    """A region «K-3807» and a year «2022» in full-width digits, and counts with a zero-width space,
    a BOM or a no-break space in them, mean what they show: stored in ASCII digits, never as written."""
    from tests.bad_input_corpus import NEET, statbank
    fw = str.maketrans("0123456789", "\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19")
    head = '"region";"alder";"prioritert arbeidsstyrkestatus";"Bosatte 20' + "22".translate(fw) + '"'
    f = tmp_path / "13563.csv"
    f.write_bytes(statbank('"K-' + "3807".translate(fw) + ' Skien";"15-29 år";"I alt";9\u00a0500',
                           f'"K-3807\u200b Skien";"15-29 år";"{NEET}";1\u200b1\ufeff00', head=head,
                           enc="utf-8"))
    db = tmp_path / "s.duckdb"
    r = pipeline.load_path(f, db)
    assert r.outcome == "loaded", r.line()
    assert _stored(db, "4003", "2022")[:2] == (1100, 9500)
    con = duckdb.connect(str(db), read_only=True)
    try:
        stored = con.execute("SELECT DISTINCT period, region_code FROM observations").fetchall()
    finally:
        con.close()
    assert all(p.isascii() and c.isascii() for p, c in stored), stored


@pytest.mark.parametrize("cell, expected", [(-0.0, 0.0), ("-0", 0.0), ("\uff11\uff12", 12.0),
                                            ("1\u200b234", 1234.0)])
def test_parse_cell_folds_what_is_certain(cell, expected):
    import math

    from loaders.base import parse_cell
    value = parse_cell(cell)[0]
    assert value == expected and not math.copysign(1, value) < 0


@pytest.mark.parametrize("cell", [float("inf"), float("-inf"), 10 ** 400, "1" + "0" * 400,
                                  "\u0661\u0662"])
def test_parse_cell_refuses_endless_and_foreign_numbers(cell):
    from loaders.base import parse_cell
    with pytest.raises(ValueError, match=r"endelig tall|ikke et tall"):
        parse_cell(cell)
