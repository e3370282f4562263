"""Smaller rules: sign-in with a broken hash, how rejections are counted and worded, source ids
that are never reused, escaped file names in the coordinator's messages, and formulas only
checked on the sheets that are read."""
from __future__ import annotations

import logging

import duckdb

from loaders import access, pipeline, validate, workspace
from tests.bad_input_corpus import HL060, edited

HEADER = "indikator;kommunenr;periode;alder;kjonn;kategori;antall;nevner;status\n"


def _file(tmp_path, name, rows):
    p = tmp_path / name
    p.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return p


# --- access ------------------------------------------------------------------------------------

def test_a_malformed_hash_is_a_failed_sign_in_and_a_logged_configuration_error(caplog, tmp_path):
    db = tmp_path / "s.duckdb"                      # its sign-in book: s.duckdb.innlogging.sqlite3
    good, old = access.make_hash("hemmelig"), access.make_pbkdf2_hash("hemmelig")
    _algo, n, r, p, salt, digest = good.split("$")
    _algo, _it, osalt, odigest = old.split("$")
    for i, broken in enumerate((
            f"pbkdf2_sha256$abc${osalt}${odigest}", f"pbkdf2_sha256$100000000000${osalt}${odigest}",
            f"pbkdf2_sha256$-5${osalt}${odigest}", f"pbkdf2_sha256$1000$%%%${odigest}",
            f"scrypt$1000${r}${p}${salt}${digest}",          # N not a power of two
            f"scrypt${2 ** 24}${r}${p}${salt}${digest}",     # 16 GiB: a typo, not a stronger hash
            f"scrypt${n}${r}${p}$%%%${digest}", f"scrypt${n}${r}${salt}${digest}")):
        caplog.clear()
        with caplog.at_level(logging.ERROR, logger="loaders.access"):
            assert access.check_hash("hemmelig", broken) is False
            ok, msg = access.sign_in("kari", "hemmelig", {"kari": broken}, client=str(i), db=db)
        assert not ok and "Feil brukernavn eller passord" in msg
        assert any("koordinatoroppsettet" in r.getMessage() for r in caplog.records), broken
    assert access.check_hash("hemmelig", good) and access.check_hash("hemmelig", old)


# --- how rejections are counted ----------------------------------------------------------------

def test_a_whole_file_rejection_says_so(tmp_path):
    f = tmp_path / "tom.csv"
    f.write_bytes(b"\x00\x01\x02binary")
    r = pipeline.load_path(f, tmp_path / "s.duckdb")
    assert r.outcome == "rejected" and r.rejected_rows == 0
    assert "AVVIST, 0 rader lastet inn, hele filen avvist." in r.line() and "0 avvist" not in r.line()
    rows = pipeline.load_path(_file(tmp_path, "feil.csv", ["ufore;4099;2021;18-29;alle;alle;1;9;"]),
                              tmp_path / "s.duckdb")
    assert "AVVIST, 0 rader lastet inn, 1 avvist." in rows.line()


def test_a_negative_count_is_reported_as_a_count_and_every_problem_is_counted(tmp_path):
    from geo import codes
    places = sorted(codes.municipalities_2024())[:60]        # 60 distinct keys, years in range
    rows = [f"ufore;{c};2022;18-29;alle;alle;-1;7902;" for c in places]
    r = pipeline.load_path(_file(tmp_path, "neg.csv", rows), tmp_path / "s.duckdb")
    assert r.outcome == "rejected"
    assert r.problems[0] == "Rad 2: antallet -1 er ikke et ikke-negativt heltall."
    assert not any("andelen" in p for p in r.problems)     # the share is worked out from the count
    assert r.problem_count == 60 and len(r.problems) == validate.MAX_PROBLEMS
    assert r.message.startswith("Fant 60 problem(er)") and "(og 55 problemer til)" in r.line()


# --- source ids --------------------------------------------------------------------------------

def test_source_ids_are_never_reused_after_undo(writable_db, tmp_path):
    a = pipeline.load_path(_file(tmp_path, "a.csv", ["ufore;4003;2026;18-29;alle;alle;1;9;"]), writable_db)
    b = pipeline.load_path(_file(tmp_path, "b.csv", ["ufore;4003;2027;18-29;alle;alle;1;9;"]), writable_db)
    assert "fjernet" in workspace.undo(b.source_id, writable_db)
    c = pipeline.load_path(_file(tmp_path, "c.csv", ["ufore;4003;2028;18-29;alle;alle;1;9;"]), writable_db)
    assert a.source_id < b.source_id < c.source_id
    # a «Ja, fjern filen» still pending for b cannot remove c
    assert workspace.undo(b.source_id, writable_db) == "Fant ikke filen i historikken; ingenting endret."
    con = duckdb.connect(str(writable_db), read_only=True)
    names = {n for (n,) in con.execute("SELECT file_name FROM sources").fetchall()}
    con.close()
    assert {"a.csv", "c.csv"} <= names and "b.csv" not in names


# --- formulas ----------------------------------------------------------------------------------

def test_formulas_on_sheets_that_are_not_read_do_not_matter(tmp_path):
    def analyst_sheet(wb):
        ws = wb.create_sheet("Min analyse")
        ws["A1"], ws["B1"] = "Sum", "=SUM(C16:C20)"        # saved by a script: no value stored
    f = tmp_path / "HL060.xlsx"
    f.write_bytes(edited(HL060, analyst_sheet))
    r = pipeline.load_path(f, tmp_path / "s.duckdb")
    assert r.outcome == "loaded", r.line()
    assert any("«Min analyse»" in w and "ikke lest inn" in w for w in r.warnings)


def test_a_year_far_outside_the_series_is_a_typo(empty_db, tmp_path):
    """1990 and 2099 are rejected by row (no source here has them), with the store untouched."""
    f = tmp_path / "aar.csv"
    f.write_text("indikator;kommunenr;periode;alder;kjonn;kategori;antall;nevner;status\n"
                 "ufore;4003;2022;18-29;alle;alle;300;7900;\n"
                 "ufore;4003;1990;18-29;alle;alle;280;7800;\n"
                 "ufore;4003;2099;18-29;alle;alle;310;7950;\n", encoding="utf-8")
    r = pipeline.load_path(f, empty_db)
    assert r.outcome == "rejected" and not empty_db.exists()
    text = " ".join(r.problems)
    assert "Rad 3: perioden «1990» ligger utenfor 2000–" in text and "«2099»" in text
