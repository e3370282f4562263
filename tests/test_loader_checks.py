"""Smaller rules: sign-in with a broken hash, how rejections are counted and worded, source ids
that are never reused, escaped file names in the coordinator's messages, and formulas only
checked on the sheets that are read."""
from __future__ import annotations

import logging

import duckdb
import pytest

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


# --- totals against their parts (loaders.totals) -------------------------------------------------

def _dry(tmp_path, rows, name="levering.csv"):
    return pipeline.load_path(_file(tmp_path, name, rows), tmp_path / "s.duckdb", dry_run=True)


def test_a_total_a_little_below_its_parts_is_rounding_and_loads(tmp_path):
    """SSB's published totals can differ by a person or two from their parts (13556: 230 for
    15–19 år beside 118 + 113): within 2 % of the whole plus one per part is not refused."""
    r = _dry(tmp_path, ["ot_tilmeldt;40;2020-2021;16-21;alle;alle;1000;;",
                        "ot_tilmeldt;4003;2020-2021;16-21;alle;alle;600;;",
                        "ot_tilmeldt;4001;2020-2021;16-21;alle;alle;421;;"])
    assert r.outcome == "checked", r.line()
    over = _dry(tmp_path, ["ot_tilmeldt;40;2020-2021;16-21;alle;alle;1000;;",
                           "ot_tilmeldt;4003;2020-2021;16-21;alle;alle;600;;",
                           "ot_tilmeldt;4001;2020-2021;16-21;alle;alle;423;;"])
    assert over.outcome == "rejected" and "summerer til 1\u00a0023 (rad 3 og 4)" in over.line()


def test_an_unknown_part_never_proves_a_sum_too_large(tmp_path):
    rows = ["ot_tilmeldt;4003;2020-2021;16-21;alle;alle;100;;",
            "ot_tilmeldt;4003;2020-2021;16-21;alle;ikke_sokt;60;;",
            "ot_tilmeldt;4003;2020-2021;16-21;alle;andre;;;skjermet"]
    assert _dry(tmp_path, [*rows, "ot_tilmeldt;4003;2020-2021;16-21;alle;avbrutt;40;;"]).outcome == "checked"
    r = _dry(tmp_path, [*rows, "ot_tilmeldt;4003;2020-2021;16-21;alle;avbrutt;45;;"])
    assert r.outcome == "rejected" and "kategoriene summerer til 105" in r.line(), r.line()


def test_parts_that_make_up_the_whole_warn_when_clearly_below_it(tmp_path):
    """menn + kvinner must be alle: far below is stored with a warning. Municipalities may be a
    few of a county's, so a county above them is no warning."""
    r = _dry(tmp_path, ["ufore;4003;2026;18-29;alle;alle;301;7902;",
                        "ufore;4003;2026;18-29;menn;alle;100;3000;",
                        "ufore;4003;2026;18-29;kvinner;alle;100;3000;",
                        "ufore;40;2026;18-29;alle;alle;3000;80000;"])
    assert r.outcome == "checked", r.line()
    warned = [w for w in r.warnings if "klart mindre enn totalen" in w]
    assert len(warned) == 1 and "2 tall" in warned[0] and "menn og kvinner 200, totalen 301" in warned[0]
    whole = _dry(tmp_path, ["ufore;4003;2026;18-29;alle;alle;301;7902;",
                            "ufore;4003;2026;18-29;menn;alle;150;4000;",
                            "ufore;4003;2026;18-29;kvinner;alle;151;3902;"])
    assert whole.outcome == "checked" and not any("klart mindre" in w for w in whole.warnings)


def test_an_old_county_is_compared_with_its_own_municipalities(tmp_path):
    """2019: 08 Telemark against 0806 Skien and 0805 Porsgrunn, as published then."""
    r = _dry(tmp_path, ["ot_tilmeldt;08 Telemark;2019-2020;16-21;alle;alle;500;;",
                        "ot_tilmeldt;0806 Skien;2019-2020;16-21;alle;alle;400;;",
                        "ot_tilmeldt;0805 Porsgrunn;2019-2020;16-21;alle;alle;300;;"])
    assert r.outcome == "rejected" and "Rad 2: antallet i 40 Telemark 2019-2020" in r.line(), r.line()
    assert "kommunene i fylket summerer til 700 (rad 3 og 4)" in r.line()


def test_an_area_under_an_old_and_a_new_number_is_counted_once(tmp_path):
    """Skien in 2019 as 0806 (in use) and 3807 (the 2020 number, recalculated back): one area,
    so Norway's 1 000 is not below 600 + 600."""
    rows = ["ufore;0 Hele landet;2019;18-29;alle;alle;1000;90000;",
            "ufore;0806 Skien;2019;18-29;alle;alle;600;7000;",
            "ufore;3807 Skien;2019;18-29;alle;alle;600;7000;"]
    assert _dry(tmp_path, rows).outcome == "checked", _dry(tmp_path, rows).line()
    r = _dry(tmp_path, [*rows, "ufore;0805 Porsgrunn;2019;18-29;alle;alle;600;7000;"])
    assert r.outcome == "rejected" and "kommunene summerer til 1\u00a0200" in r.line(), r.line()


# --- empty, NaN and -0 cells: one rule for every reader (loaders.base.parse_cell) ----------------

def _prepared(name: str, data: bytes):
    from loaders.base import RawFile
    _mod, obs, r = pipeline.prepare(RawFile(name, data))
    assert obs is not None, r.line()
    return obs


def _minus_zero_and_empty_files():
    from tests.bad_input_corpus import (
        NEET,
        UDIR_HEAD,
        js,
        jsonstat,
        long_row,
        nav_csv,
        ssb_long,
        statbank,
        template,
        udir,
    )
    yield "levering.csv", 1, True, template("ot_tilmeldt;4003;2024-2025;16-21;alle;ikke_sokt;-0;;",
                                   "ot_tilmeldt;4003;2024-2025;16-21;alle;avbrutt;;;")
    yield "13563.csv", 1, True, statbank('"K-3807 Skien";"15-29 år";"I alt";9480;',
                                f'"K-3807 Skien";"15-29 år";"{NEET}";-0;1100')
    # (the long reader leaves out an empty cell altogether: still never a 0)
    yield "13563_langt.csv", 1, False, ssb_long(long_row(status="I alt", value="9500"), long_row(value="-0"),
                                      long_row(status="I alt", year="2023", value="9400"),
                                      long_row(year="2023", value=""))
    yield "13563.json", 1, True, js(jsonstat(years=("2021", "2022"), values=[9480, None, -0.0, 1100]))
    # (a count of 0 beside a share above 0 is NAV's «*» turned into 0: -0 % here as well)
    yield "nav.csv", 2, True, nav_csv("2026;202601;4003 Skien;Helt ledige;Kvinner;-0;-0",
                                      "2026;202601;4003 Skien;Helt ledige;Menn;;")
    yield "udir.csv", 1, True, udir(["1", "I", "", "Hele landet", "Alle fylker", "Hele landet", "-0", ""],
                           head=UDIR_HEAD)


@pytest.mark.parametrize("name, zeros, missing, data", list(_minus_zero_and_empty_files()),
                         ids=[f[0] for f in _minus_zero_and_empty_files()])
def test_minus_zero_is_zero_and_an_empty_cell_is_missing_never_zero(name, zeros, missing, data):
    import numpy as np
    obs = _prepared(name, data)
    for col in ("value", "numerator", "denominator"):
        v = obs[col].to_numpy(dtype="float64")
        assert not np.signbit(v[v == 0]).any(), (col, v)
    # one cell was -0 (read as 0); the empty one is missing, not a second 0
    assert ((obs["value"] == 0) | (obs["numerator"] == 0)).sum() == zeros, obs.to_dict("records")
    empty = obs[(obs["status"] == "missing") & obs["value"].isna()]
    assert empty.empty != missing and not (empty["numerator"] == 0).any(), obs.to_dict("records")


def test_minus_zero_and_empty_cells_in_an_xlsx():
    import numpy as np

    from tests.bad_input_corpus import SSB_XLSX
    def edit(wb):
        wb["13563"].cell(9, 4).value = -0.0
        wb["13563"].cell(9, 6).value = None
    obs = _prepared("13563.xlsx", edited(SSB_XLSX, edit))
    skien = obs[obs["region_code"] == "4003"]
    by_year = {p: r for p, r in zip(skien["period"], skien.itertuples(index=False))}
    assert by_year["2021"].numerator == 0 and not np.signbit(by_year["2021"].numerator)
    assert by_year["2022"].status == "missing" and np.isnan(by_year["2022"].numerator)
