"""Writing: all or nothing, idempotent, undo, and real concurrent processes."""
import subprocess
import sys
import textwrap

import duckdb
import pytest

from loaders import pipeline, store
from tests.conftest import ROOT

pytestmark = pytest.mark.both_backends   # the store tests run on DuckDB and on PostgreSQL (conftest)

HEADER = "indikator;kommunenr;periode;alder;kjonn;kategori;antall;nevner;status\n"


def _file(tmp_path, name, rows):
    p = tmp_path / name
    p.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return p


def _count(db, sql="SELECT count(*) FROM observations"):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def test_rejected_file_leaves_the_store_byte_for_byte(writable_db, tmp_path):
    before = writable_db.read_bytes()
    bad = _file(tmp_path, "feil.csv", ["ufore;4003;2021;18-29;alle;alle;301;7902;",
                                       "ufore;4005;2021;18-29;alle;alle;-1;7902;"])
    r = pipeline.load_path(bad, writable_db)
    assert r.outcome == "rejected" and "Rad 3" in " ".join(r.problems)
    assert writable_db.read_bytes() == before


def test_same_file_twice_is_a_no_op(writable_db, tmp_path):
    f = _file(tmp_path, "ny.csv", ["ufore;4003;2026;18-29;alle;alle;301;7902;"])
    assert pipeline.load_path(f, writable_db).outcome == "loaded"
    after_first = writable_db.read_bytes()
    again = pipeline.load_path(f, writable_db)
    assert again.outcome == "duplicate" and "allerede" in again.message
    assert writable_db.read_bytes() == after_first


def test_a_different_value_from_another_file_is_a_reported_conflict(writable_db, tmp_path):
    # Another (real) source already has Skien 2021-05 helt_ledige; a different number is refused.
    con = duckdb.connect(str(writable_db))
    con.execute("UPDATE sources SET is_demo = FALSE, product = 'NAV HL060'")
    con.close()
    f = _file(tmp_path, "annen.csv", ["arbeidssokere;4003;2021-05;under30;alle;helt_ledige;99999;;"])
    before = writable_db.read_bytes()
    r = pipeline.load_path(f, writable_db)
    assert r.outcome == "rejected" and "allerede" in " ".join(r.problems)
    assert writable_db.read_bytes() == before


def test_the_original_file_is_archived_by_hash(writable_db, tmp_path):
    f = _file(tmp_path, "../../etc/passwd.csv".replace("/", "_"), ["ufore;4003;2026;18-29;alle;alle;1;7902;"])
    r = pipeline.load_path(f, writable_db)
    archived = writable_db.parent / "raw"
    names = [p.name for p in archived.iterdir()]
    assert r.outcome == "loaded" and all(len(n) == 64 for n in names)
    assert any((archived / n).read_bytes() == f.read_bytes() for n in names)


def test_undo_returns_the_store_to_the_state_without_the_file(writable_db, tmp_path):
    rows_before = _count(writable_db)
    # One new row and one row the demo NAV file also provides with the same value.
    con = duckdb.connect(str(writable_db), read_only=True)
    v = con.execute("SELECT value FROM observations WHERE indicator='arbeidssokere' AND region_code='4003' "
                    "AND period='2021-05' AND category='helt_ledige'").fetchone()[0]
    con.close()
    f = _file(tmp_path, "ekstra.csv", ["ufore;4003;2026;18-29;alle;alle;301;7902;",
                                       f"arbeidssokere;4003;2021-05;under30;alle;helt_ledige;{int(v)};;"])
    r = pipeline.load_path(f, writable_db)
    assert r.outcome == "loaded" and _count(writable_db) == rows_before + 2
    with store.writer(writable_db) as con:
        assert store.remove_source(con, r.source_id) == 2
    assert _count(writable_db) == rows_before
    assert _count(writable_db, "SELECT count(*) FROM observations WHERE indicator='arbeidssokere' AND "
                               "region_code='4003' AND period='2021-05' AND category='helt_ledige'") == 1


LOADER = textwrap.dedent("""
    import sys
    from loaders import pipeline
    r = pipeline.load_path(sys.argv[1], sys.argv[2])
    print(r.outcome)
""")

READER = textwrap.dedent("""
    import sys, time, duckdb
    seen, errors, t0 = set(), 0, time.time()
    while time.time() - t0 < float(sys.argv[2]):
        try:
            con = duckdb.connect(sys.argv[1], read_only=True)
            n, s = con.execute("SELECT (SELECT count(*) FROM observations), "
                               "(SELECT count(*) FROM sources)").fetchone()
            con.close()
            seen.add((n, s))
        except Exception as e:
            errors += 1
            print("ERR", e, file=sys.stderr)
        time.sleep(0.01)
    print(sorted(seen), errors)
""")


def test_concurrent_writers_and_readers(writable_db, tmp_path):
    n0 = _count(writable_db)
    s0 = _count(writable_db, "SELECT count(*) FROM sources")
    files = [_file(tmp_path, f"g{i}.csv", [f"ufore;{c};{2026 + i};18-29;alle;alle;10;1000;"
                                           for c in ("4003", "4005", "4010")]) for i in range(3)]
    reader = subprocess.Popen([sys.executable, "-c", READER, str(writable_db), "6"], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    writers = [subprocess.Popen([sys.executable, "-c", LOADER, str(f), str(writable_db)], cwd=ROOT,
                                stdout=subprocess.PIPE, text=True) for f in files]
    # The same file from two coordinators at once: exactly one load.
    twins = [subprocess.Popen([sys.executable, "-c", LOADER, str(files[0]), str(writable_db)], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outcomes = [p.communicate(timeout=120)[0].strip() for p in writers + twins]
    out, err = reader.communicate(timeout=120)
    assert outcomes[1:3] == ["loaded"] * 2
    same_file = [outcomes[0]] + outcomes[3:]
    assert sorted(same_file) == ["duplicate", "duplicate", "loaded"]
    assert _count(writable_db) == n0 + 9
    assert _count(writable_db, "SELECT count(*) FROM sources") == s0 + 3
    seen, errors = out.rsplit(" ", 1)
    assert int(errors) == 0, err
    # A reader only ever saw whole loads: rows and files move together, 3 rows per file.
    for n, s in eval(seen):  # noqa: S307 - our own subprocess's output
        assert n - n0 == 3 * (s - s0)
