"""The store built from the bundled demo data: schema, harmonised codes, honest aggregation,
the seeds' figures, and the command-line interface."""
import csv
import io
import subprocess
import sys

import duckdb
import pandas as pd
import pytest

from indicators import queries
from loaders import pipeline, store
from tests.conftest import ROOT, add_rows

pytestmark = pytest.mark.both_backends   # the store tests run on DuckDB and on PostgreSQL (conftest)

HEADER = "indikator;kommunenr;periode;alder;kjonn;kategori;antall;nevner;status\n"


def q(db, sql, *params):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def test_schema_has_the_long_table_and_its_dimensions(demo_db):
    cols = {r[0] for r in q(demo_db, "SELECT column_name FROM information_schema.columns "
                                     "WHERE table_name = 'observations'")}
    assert {"indicator", "region_code", "period", "age", "sex", "category", "value", "unit",
            "status", "numerator", "denominator", "source_id"} <= cols
    tables = {r[0] for r in q(demo_db, "SELECT table_name FROM information_schema.tables")}
    assert {"observations", "regions", "region_members", "code_changes", "sources"} <= tables
    assert q(demo_db, "SELECT count(*) FROM code_changes")[0][0] == 511


def test_regions_use_2024_numbers_and_the_partnership_groups(demo_db):
    levels = dict(q(demo_db, "SELECT code, level FROM regions"))
    assert levels["4003"] == "kommune" and levels["40"] == "fylke" and levels["39"] == "fylke"
    assert levels["38"] == "fylke" and levels["0"] == "land" and levels["R-grenland"] == "region"
    assert sum(1 for c, lvl in levels.items() if lvl == "kommune" and len(c) == 4
               and c not in ("0720", "1507", "1613", "1850", "5012")) == 357
    grenland = {r[0] for r in q(demo_db, "SELECT member_code FROM region_members "
                                         "WHERE group_code = 'R-grenland'")}
    assert grenland == {"4003", "4001", "4010", "4012", "4014", "4016"}
    members_38 = q(demo_db, "SELECT count(*) FROM region_members WHERE group_code = '38'")[0][0]
    assert members_38 == 23


def test_every_observation_is_under_a_known_region_and_linked_to_its_file(demo_db):
    assert q(demo_db, "SELECT count(*) FROM observations o LEFT JOIN regions r ON r.code = o.region_code "
                      "WHERE r.code IS NULL")[0][0] == 0
    assert q(demo_db, "SELECT count(*) FROM observations o LEFT JOIN sources s USING (source_id) "
                      "WHERE s.sha256 IS NULL")[0][0] == 0
    files = q(demo_db, "SELECT file_name, format, rows_loaded, is_demo FROM sources ORDER BY 1")
    assert len(files) == 4 and all(f[3] for f in files)
    assert {f[1] for f in files} == {"SSB Statistikkbanken CSV", "Innenfor leveransemal (CSV)"}


def test_suppressed_values_are_never_numbers(demo_db):
    rows = q(demo_db, "SELECT count(*), count(value), count(numerator) FROM observations "
                      "WHERE status = 'suppressed'")
    assert rows[0][0] > 0 and rows[0][1] == 0 and rows[0][2] == 0


@pytest.mark.parametrize("sql,expected", [
    # NEET 15–29, Vestfold og Telemark 2022 = 8 126 of 72 158; Skien 1 125 of 9 641
    ("SELECT sum(numerator), sum(denominator) FROM observations WHERE indicator='neet' AND period='2022' "
     "AND age='15-29' AND (region_code LIKE '39__' OR region_code LIKE '40__')", (8126, 72158)),
    ("SELECT numerator, denominator FROM observations WHERE indicator='neet' AND period='2022' "
     "AND age='15-29' AND region_code='4003'", (1125, 9641)),
    # NAV May 2021, under 30, Vestfold og Telemark: 2 080 / 1 246 / 454
    ("SELECT list(value ORDER BY category) FROM observations WHERE indicator='arbeidssokere' "
     "AND period='2021-05' AND region_code='38'", ([1246.0, 2080.0, 454.0],)),
])
def test_demo_data_is_calibrated_to_the_seeds(demo_db, sql, expected):
    row = q(demo_db, sql)[0]
    assert tuple(row) == expected


def test_demo_nav_publishes_the_total_per_municipality(demo_db):
    """NAV publishes job seekers in all per municipality: a small hidden group does not hide the
    municipality's, the region's or the county's total."""
    total = q(demo_db, "SELECT sum(value), count(*) FROM observations WHERE indicator = 'arbeidssokere' "
                       "AND period = '2021-05' AND category = 'alle' AND length(region_code) = 4 "
                       "AND region_code[1:2] IN ('39', '40')")[0]
    assert total == (3780, 23)
    # every municipality and month has it; it is hidden only when the total itself is under 4
    assert q(demo_db, "SELECT count(*) FROM observations WHERE indicator = 'arbeidssokere' AND "
                      "category = 'alle' AND length(region_code) = 4 AND status = 'suppressed'")[0][0] == 0
    period, = q(demo_db, "SELECT min(period) FROM observations WHERE indicator = 'arbeidssokere' AND "
                         "status = 'suppressed' AND region_code IN ('4024', '4030', '4032', '4034')")[0]
    with store.reader(demo_db) as con:
        shown = queries.series(con, "arbeidssokere", ["R-vest-telemark", "40"], periods=[period])
    assert list(shown.status) == ["ok", "ok"] and shown.value.notna().all()


def test_demo_ot_and_ufore_match_the_seeds(demo_db):
    with store.reader(demo_db) as con:
        ot = {c: queries.series(con, "ot_tilmeldt", ["38"], category=c, periods=["2020-2021"]).value.iat[0]
              for c in ("alle", "ikke_sokt", "takket_nei", "avbrutt", "andre")}
        uf = queries.series(con, "ufore", ["38"], periods=["2021"])
        munis = queries.table(con, "ufore", "kommune", period="2021", county="38")
    assert ot == {"alle": 2939, "ikke_sokt": 1381, "takket_nei": 460, "avbrutt": 581, "andre": 517}
    assert round(uf.value.iat[0], 1) == 3.8 and uf.numerator.iat[0] > 2100
    shown = munis[munis.status == "ok"].value
    assert round(shown.min(), 1) == 0.9 and round(shown.max(), 1) == 5.1


def test_a_value_published_under_0806_3807_or_4003_lands_on_4003(empty_db, tmp_path):
    f = tmp_path / "skien.csv"
    f.write_text(HEADER + "ufore;0806 Skien;2019;18-29;alle;alle;280;7800;\n"
                          "ufore;3807 Skien;2021;18-29;alle;alle;301;7902;\n"
                          "ufore;4003 Skien;2024;18-29;alle;alle;310;7950;\n", encoding="utf-8")
    assert pipeline.load_path(f, empty_db).outcome == "loaded"
    assert q(empty_db, "SELECT region_code, period FROM observations ORDER BY period") == [
        ("4003", "2019"), ("4003", "2021"), ("4003", "2024")]


def test_a_merge_sums_counts_and_recomputes_the_share(empty_db, tmp_path):
    f = tmp_path / "faerder.csv"
    f.write_text(HEADER + "ufore;0722 Nøtterøy;2017;18-29;alle;alle;90;3000;\n"
                          "ufore;0723 Tjøme;2017;18-29;alle;alle;30;600;\n", encoding="utf-8")
    assert pipeline.load_path(f, empty_db).outcome == "loaded"
    (code, value, num, den, note), = q(empty_db, "SELECT region_code, value, numerator, denominator, note "
                                                 "FROM observations")
    assert (code, num, den) == ("3911", 120, 3600)
    assert value == pytest.approx(100 * 120 / 3600)       # not the mean of 3,0 % and 5,0 %
    assert "0722" in note and "0723" in note


def test_a_merge_with_a_suppressed_part_is_suppressed(empty_db, tmp_path):
    f = tmp_path / "faerder.csv"
    f.write_text(HEADER + "ufore;0722;2017;18-29;alle;alle;90;3000;\n"
                          "ufore;0723;2017;18-29;alle;alle;;600;:\n", encoding="utf-8")
    assert pipeline.load_path(f, empty_db).outcome == "loaded"
    assert q(empty_db, "SELECT status, value FROM observations") == [("suppressed", None)]


def test_alesund_values_stay_on_1507_with_a_warning(empty_db, tmp_path):
    f = tmp_path / "alesund.csv"
    f.write_text(HEADER + "ufore;1507 Ålesund;2022;18-29;alle;alle;200;9000;\n", encoding="utf-8")
    r = pipeline.load_path(f, empty_db)
    assert r.outcome == "loaded" and any("1508" in w and "1580" in w for w in r.warnings)
    assert q(empty_db, "SELECT region_code FROM observations") == [("1507",)]


def test_aggregates_sum_numerators_and_denominators(demo_db):
    with store.reader(demo_db) as con:
        munis = queries.table(con, "neet", "kommune", period="2022", county="40")
        county = queries.series(con, "neet", ["40"], periods=["2022"])
    assert county.numerator.iat[0] == munis.numerator.sum()
    assert county.denominator.iat[0] == munis.denominator.sum()
    assert county.value.iat[0] == pytest.approx(100 * munis.numerator.sum() / munis.denominator.sum())
    assert county.computed.iat[0]


def test_an_aggregate_with_a_suppressed_member_is_suppressed(demo_db):
    with store.reader(demo_db) as con:
        munis = queries.table(con, "neet", "kommune", age="15-19", county="40", period="2022")
        county = queries.series(con, "neet", ["40", "R-vest-telemark"], age="15-19", periods=["2022"])
    assert (munis.status == "suppressed").any()
    assert set(county.status) == {"suppressed"} and county.value.isna().all()


def test_a_published_aggregate_is_used_as_published(demo_db):
    with store.reader(demo_db) as con:
        norway = queries.series(con, "neet", ["0"], periods=["2022"])
    assert not norway.computed.iat[0] and norway.numerator.iat[0] == 99160


def test_an_aggregate_with_members_missing_is_missing(demo_db):
    with store.reader(demo_db) as con:
        norway = queries.series(con, "ot_tilmeldt", ["0"], periods=["2020-2021"])
    assert norway.status.iat[0] == "missing" and "kommuner" in norway.note.iat[0]


def test_norway_and_38_add_up_published_counties_when_a_municipality_hides_the_sum(empty_db, tmp_path):
    """Norway 2022 from the 11 counties of 2020–2023 (no national figure, and municipalities
    only for some), and 38 in 2022–2023 from 39 + 40 although Siljan is suppressed. A county set
    with a hole is not summed. 38 existed 2020–2023 only: no figure of its own after that, not
    even a sum of 39 and 40 (its parts stand for themselves)."""
    counties = {"03": 60, "11": 40, "15": 25, "18": 20, "30": 120, "34": 30, "38": 50, "42": 28,
                "46": 55, "50": 45, "54": 22}
    lines = [f"ot_tilmeldt;{c};2021-2022;16-21;alle;alle;{n};;" for c, n in counties.items()]
    lines += ["ot_tilmeldt;4003;2021-2022;16-21;alle;alle;12;;",
              "ot_tilmeldt;39;2022-2023;16-21;alle;alle;30;;",
              "ot_tilmeldt;40;2022-2023;16-21;alle;alle;25;;",
              "ot_tilmeldt;4010;2022-2023;16-21;alle;alle;;;*",
              "ot_tilmeldt;39;2019-2020;16-21;alle;alle;31;;",   # 40 missing: no sum for 38
              "ot_tilmeldt;39;2024-2025;16-21;alle;alle;33;;",
              "ot_tilmeldt;40;2024-2025;16-21;alle;alle;26;;"]
    f = tmp_path / "ot.csv"
    f.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    assert pipeline.load_path(f, empty_db).outcome == "loaded"
    with store.reader(empty_db) as con:
        norway = queries.series(con, "ot_tilmeldt", ["0"], periods=["2021-2022"]).iloc[0]
        vt = queries.series(con, "ot_tilmeldt", ["38"]).set_index("period")
    assert norway.status == "ok" and norway.value == sum(counties.values())
    assert norway.note == "summert over 11 fylker" and norway.computed
    assert vt.loc["2022-2023", "value"] == 55 and vt.loc["2022-2023", "note"] == "summert over 2 fylker"
    assert vt.loc["2019-2020", "status"] == "missing" and pd.isna(vt.loc["2019-2020", "value"])
    assert "summert" not in vt.loc["2019-2020", "note"]
    assert sorted(vt.index) == ["2019-2020", "2021-2022", "2022-2023"]      # never 2024-2025


def test_shares_without_counts_are_not_summed_over_categories(empty_db):
    """NAV's share per job-seeker group has no counts: the total is missing, not 'ok' and empty."""
    # As NAV's long file gives them (loaders/nav_long.py): a share per group, no counts.
    add_rows(empty_db, [{"indicator": "arbeidssokere_andel", "region_code": "4003", "period": "2022-05",
                         "age": "under30", "category": c, "value": v}
                        for c, v in (("helt_ledige", 2.1), ("delvis_ledige", 1.0), ("tiltak", 0.4))],
             "nav.csv")
    with store.reader(empty_db) as con:
        total = queries.series(con, "arbeidssokere_andel", ["4003"], age="under30").iloc[0]
    assert total.status == "missing" and pd.isna(total.value) and "kan ikke summeres" in total.note


def test_demo_flag_follows_the_selection_shown(writable_db):
    """Demodata marks only what the views show from demo files: a period or age band with no
    demo figures is not marked, and other indicators keep their (marked) demo."""
    with store.reader(writable_db) as con:
        assert queries.is_demo(con, "ufore") and queries.is_demo(con, "ufore", periods=["2025"])
        assert not queries.is_demo(con, "ufore", periods=["2031"])
        assert not queries.is_demo(con, "ufore", age="15-29")
        assert queries.is_demo(con, "arbeidssokere", category="helt_ledige")


def test_real_data_replaces_the_demo_of_its_indicator(writable_db):
    """Demo and real never mix inside one indicator: once a real file has ufore, the demo ufore
    is gone from every view (kept as history), and nothing of ufore is marked Demodata."""
    with store.reader(writable_db) as con:
        demo_periods = queries.periods(con, "ufore")
    assert "2020" in demo_periods
    add_rows(writable_db, [{"indicator": "ufore", "region_code": "4003", "period": "2026", "age": "18-29",
                            "value": 4.2, "numerator": 300.0, "denominator": 7143.0}], "ekte.csv")
    with store.reader(writable_db) as con:
        assert queries.periods(con, "ufore") == ["2026"]
        assert not queries.is_demo(con, "ufore")
        assert queries.is_demo(con, "neet")                      # other indicators keep their demo
        skien = queries.series(con, "ufore", ["4003"])
        assert skien[["region_code", "period", "value"]].values.tolist() == [["4003", "2026", 4.2]]
        hist = queries.history(con, "ufore", "4003", "2020")
        assert len(hist) == 1 and not hist["shown"].iat[0]       # the demo figure is history
        assert set(queries.sources_for(con, "ufore")["file_name"]) == {"ekte.csv"}


def _cli(*args):
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_cli_table_prints_the_documented_csv(demo_db):
    out = _cli("-m", "indicators", "table", "--db", str(demo_db), "--indicator", "neet",
               "--period", "2022", "--level", "kommune", "--age", "15-19")
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert out.stdout.splitlines()[0] == ("indicator,region_code,region_name,period,value,"
                                          "numerator,denominator,status")
    skien = next(r for r in rows if r["region_code"] == "4003")
    assert "." in skien["value"] and "," not in skien["value"]
    suppressed = [r for r in rows if r["status"] == "suppressed"]
    assert suppressed and all(r["value"] == "" for r in suppressed)
    assert all(len(r["region_code"]) == 4 for r in rows)


def test_cli_table_says_why_it_is_empty(demo_db):
    out = _cli("-m", "indicators", "table", "--db", str(demo_db), "--indicator", "neet", "--age", "30-61")
    assert out.returncode == 0 and out.stdout.splitlines() == [
        "indicator,region_code,region_name,period,value,numerator,denominator,status"]
    assert "Ingen tall for neet med dette utvalget" in out.stderr and "15-29" in out.stderr


@pytest.mark.parametrize("level,codes", [("fylke", {"31", "39", "40"}), ("land", {"0"}),
                                         ("region", {"R-grenland", "R-vestfold", "R-ost-midt-telemark",
                                                     "R-vest-telemark"})])
def test_cli_table_levels(demo_db, level, codes):
    out = _cli("-m", "indicators", "table", "--db", str(demo_db), "--indicator", "neet",
               "--period", "2024", "--level", level)
    assert out.returncode == 0, out.stderr
    assert {r["region_code"] for r in csv.DictReader(io.StringIO(out.stdout))} == codes


def test_cli_load_exit_codes_and_norwegian_lines(tmp_path):
    db = tmp_path / "s.duckdb"
    good, bad = tmp_path / "god.csv", tmp_path / "feil.csv"
    good.write_text(HEADER + "ufore;4003;2021;18-29;alle;alle;301;7902;\n", encoding="utf-8")
    bad.write_text(HEADER + "ufore;4099;2021;18-29;alle;alle;301;7902;\n", encoding="utf-8")
    ok = _cli("-m", "loaders", "load", "--db", str(db), str(good))
    assert ok.returncode == 0 and "1 rader lastet inn" in ok.stdout
    before = db.read_bytes()
    fail = _cli("-m", "loaders", "load", "--db", str(db), str(bad))
    assert fail.returncode == 1 and "AVVIST" in fail.stdout and "4099" in fail.stdout
    assert db.read_bytes() == before
    again = _cli("-m", "loaders", "load", "--db", str(db), str(good))
    assert again.returncode == 0 and "allerede lastet inn" in again.stdout
    assert db.read_bytes() == before


def test_year_kind_and_computed_are_stored_at_load_time(demo_db):
    """Queries read the year and kind of a period, and whether Innenfor computed a figure, from
    columns filled once when the file is loaded (never from the period text or the note)."""
    from vocab import periods
    with store.reader(demo_db) as con:
        rows = con.execute("SELECT DISTINCT period, year, period_kind FROM observations").fetchall()
        merged = con.execute("SELECT count(*), bool_and(computed) FROM observations "
                             "WHERE note LIKE 'summert fra %'").fetchone()
        plain = con.execute("SELECT bool_or(computed) FROM observations WHERE note IS NULL").fetchone()
    assert rows and all(y == periods.year(p) and k == periods.kind(p) for p, y, k in rows)
    assert {k for _p, _y, k in rows} == {"year", "month", "school_year"}
    assert merged[0] > 0 and merged[1]            # merged municipalities' sums (Færder 2017 …)
    assert plain[0] is False


# The tables as stores written before 2026-12 have them.
OLD_SCHEMA = """
CREATE TABLE regions (code TEXT PRIMARY KEY, name TEXT NOT NULL, level TEXT NOT NULL, parent TEXT,
    valid_from INTEGER, valid_to INTEGER, note TEXT);
CREATE TABLE sources (source_id INTEGER PRIMARY KEY, file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL UNIQUE, format TEXT NOT NULL, rows_loaded INTEGER NOT NULL,
    loaded_at TIMESTAMP NOT NULL, loaded_by TEXT, is_demo BOOLEAN NOT NULL DEFAULT FALSE);
CREATE TABLE observations (indicator TEXT NOT NULL, region_code TEXT NOT NULL, period TEXT NOT NULL,
    age TEXT NOT NULL, sex TEXT NOT NULL, category TEXT NOT NULL, value DOUBLE, unit TEXT NOT NULL,
    status TEXT NOT NULL, numerator DOUBLE, denominator DOUBLE, source_id INTEGER NOT NULL, note TEXT);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
"""


def test_an_older_store_is_upgraded_with_the_new_columns(tmp_path):
    import duckdb
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    con.execute(OLD_SCHEMA)
    con.execute("INSERT INTO meta VALUES ('version', '3'), ('store_id', 'x')")
    con.execute("INSERT INTO sources VALUES (1, 'f.csv', 'abc', 'test', 2, now(), NULL, FALSE)")
    con.execute("INSERT INTO observations VALUES ('neet', '3911', '2017', '15-29', 'alle', 'alle', 10.0, "
                "'prosent', 'ok', 10, 100, 1, 'summert fra 0722, 0723'), "
                "('ot_tilmeldt', '4003', '2020-2021', '16-21', 'alle', 'alle', 5, 'personer', 'ok', "
                "NULL, NULL, 1, NULL)")
    con.close()
    with store.reader(db) as con:
        assert store.needs_upgrade(con)
    assert store.upgrade(db)
    with store.reader(db) as con:
        got = con.execute("SELECT region_code, year, period_kind, computed FROM observations "
                          "ORDER BY 1").fetchall()
        assert not store.needs_upgrade(con)
    assert got == [("3911", 2017, "year", True), ("4003", 2021, "school_year", False)]
    with store.reader(db) as con:       # each old file is its own release of its format
        assert con.execute("SELECT product, priority, preliminary FROM sources").fetchall() == \
            [("test", 0, False)]
    assert not store.upgrade(db)                  # once is enough
