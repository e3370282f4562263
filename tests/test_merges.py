"""A figure for one part of a merged municipality or county is not the whole: it is stored as
'missing' with the lacking parts named, and a later file with the whole loads without conflict."""
from __future__ import annotations

import duckdb
import pytest

from indicators import queries
from loaders import pipeline, store

HEADER = "indikator;kommunenr;periode;alder;kjonn;kategori;antall;nevner;status\n"


def load(tmp_path, db, name, *rows):
    f = tmp_path / name
    f.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return pipeline.load_path(f, db)


def stored(db, region):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT period, value, numerator, denominator, status, note FROM observations "
                           "WHERE region_code = ? ORDER BY source_id", [region]).fetchall()
    finally:
        con.close()


def test_one_part_of_faerder_is_missing_not_faerder(empty_db, tmp_path):
    r = load(tmp_path, empty_db, "tjome.csv", "ufore;0723 Tjøme;2017;18-29;alle;alle;5;200;")
    assert r.outcome == "loaded", r.line()
    (period, value, num, den, status, note), = stored(empty_db, "3911")
    assert (period, value, num, den, status) == ("2017", None, None, None, "missing")
    assert "mangler 0722 Nøtterøy" in note
    assert any("bare en del av en sammenslått kommune" in w and "mangler 0722 Nøtterøy" in w
               for w in r.warnings)


def test_the_other_part_alone_and_then_the_whole_load_without_conflict(empty_db, tmp_path):
    assert load(tmp_path, empty_db, "tjome.csv", "ufore;0723 Tjøme;2017;18-29;alle;alle;5;200;").ok
    notteroy = load(tmp_path, empty_db, "notteroy.csv", "ufore;0722 Nøtterøy;2017;18-29;alle;alle;90;3000;")
    assert notteroy.outcome == "loaded", notteroy.line()
    whole = load(tmp_path, empty_db, "faerder.csv", "ufore;0722 Nøtterøy;2017;18-29;alle;alle;90;3000;",
                 "ufore;0723 Tjøme;2017;18-29;alle;alle;5;200;")
    assert whole.outcome == "loaded", whole.line()
    assert [row[4] for row in stored(empty_db, "3911")] == ["missing", "missing", "ok"]
    with store.reader(empty_db) as con:
        shown = queries.series(con, "ufore", ["3911"], periods=["2017"]).iloc[0]
    assert shown.status == "ok" and shown.value == pytest.approx(100 * 95 / 3200)


def test_two_of_three_parts_are_not_the_whole(empty_db, tmp_path):
    # Holmestrand in 2017 was 0702 Holmestrand, 0714 Hof and 0713 Sande.
    r = load(tmp_path, empty_db, "holmestrand.csv", "ufore;0702;2017;18-29;alle;alle;60;2000;",
             "ufore;0714;2017;18-29;alle;alle;10;400;")
    assert r.outcome == "loaded", r.line()
    (_p, value, _n, _d, status, note), = stored(empty_db, "3903")
    assert (value, status) == (None, "missing")
    assert "bare 0702 Holmestrand og 0714 Hof i filen" in note and "mangler 0713 Sande" in note


def test_one_old_county_is_not_the_new_county(empty_db, tmp_path):
    r = load(tmp_path, empty_db, "agder.csv", "ufore;09 Aust-Agder;2019;18-29;alle;alle;90;3000;")
    assert r.outcome == "loaded", r.line()
    (_p, value, _n, _d, status, note), = stored(empty_db, "42")
    assert (value, status) == (None, "missing") and "mangler 10 Vest-Agder" in note
    both = load(tmp_path, empty_db, "agder2.csv", "ufore;09 Aust-Agder;2019;18-29;alle;alle;90;3000;",
                "ufore;10 Vest-Agder;2019;18-29;alle;alle;110;4000;")
    assert both.outcome == "loaded", both.line()
    assert stored(empty_db, "42")[-1][1:5] == (pytest.approx(100 * 200 / 7000), 200, 7000, "ok")


@pytest.mark.parametrize("row, region", [
    ("ufore;0806 Skien;2021;18-29;alle;alle;280;7800;", "4003"),    # its only part, used after 2019
    ("ufore;3911 Færder;2017;18-29;alle;alle;95;3200;", "3911"),    # today's number: the whole area
    ("ufore;0729 Færder;2019;18-29;alle;alle;95;3200;", "3911"),    # the merged number that year
    ("ufore;07 Vestfold;2019;18-29;alle;alle;95;3200;", "39"),      # Vestfold's one old county
])
def test_a_whole_area_under_any_of_its_numbers_is_kept(empty_db, tmp_path, row, region):
    r = load(tmp_path, empty_db, "hel.csv", row)
    assert r.outcome == "loaded" and not any("sammenslått" in w for w in r.warnings), r.line()
    assert stored(empty_db, region)[0][4] in ("ok", "break")
