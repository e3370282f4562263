"""The bad-input corpus (tests/bad_input_corpus.py): every malformed file is rejected with a clear,
specific Norwegian message, and the store is left byte-for-byte as it was, with nothing archived."""
from __future__ import annotations

import re
import tracemalloc

import duckdb
import pytest

from loaders import pipeline
from tests.bad_input_corpus import CASES, udir

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
    assert len(CASES) >= 40
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
