"""PostgreSQL as the shared store (INNENFOR_DATABASE_URL): two replicas, each with its own local
DuckDB copy, one real PostgreSQL. A file loaded on one is seen on the other; undone on the other,
it is gone on the first; the original is kept in PostgreSQL; the store tests' rules (all or
nothing, releases, conflicts) hold through it."""
from __future__ import annotations

import json
import threading

import pytest

from indicators import queries
from loaders import pipeline, shared, store, workspace
from loaders.base import RawFile
from tests.bad_input_corpus import jsonstat


@pytest.fixture
def replicas(pg_server, tmp_path, monkeypatch):
    """Two replicas' local store files on one fresh PostgreSQL database."""
    monkeypatch.setenv("INNENFOR_DATABASE_URL", pg_server.database())
    monkeypatch.setattr(shared, "REFRESH_SECONDS", 0.0)
    a, b = tmp_path / "a" / "innenfor.duckdb", tmp_path / "b" / "innenfor.duckdb"
    a.parent.mkdir()
    b.parent.mkdir()
    return a, b


def neet_file(neet: int = 1125, updated: str = "2024-03-12T07:00:00Z") -> RawFile:
    doc = jsonstat(values=[9641, neet])
    doc["updated"] = updated
    return RawFile(f"13563_{neet}.json", json.dumps(doc, ensure_ascii=False).encode())


def skien(db):
    with store.reader(db) as con:
        df = queries.series(con, "neet", ["4003"], periods=["2022"])
    return None if df.empty else df.numerator.iat[0]


def test_loaded_on_one_replica_seen_on_the_other_and_undone_there(replicas):
    a, b = replicas
    r = pipeline.load_raw(neet_file(), a, loaded_by="kari")
    assert r.outcome == "loaded", r.line()
    assert skien(b) == 1125                                   # b had never seen the file
    assert "fjernet" in workspace.undo(r.source_id, b)        # undone on the other replica
    assert skien(a) is None
    with shared.connect() as pg:
        assert pg.execute("SELECT count(*) FROM observations").fetchone()[0] == 0
        assert pg.execute("SELECT count(*) FROM originals").fetchone()[0] == 1   # the original stays


def test_the_original_is_in_postgresql(replicas):
    a, b = replicas
    f = neet_file()
    pipeline.load_raw(f, a)
    (a.parent / "raw" / f.sha256).unlink()                     # gone from replica a's disk
    assert workspace.original(f.sha256, b) == f.data           # served from PostgreSQL


def test_the_same_file_twice_on_two_replicas_is_stored_once(replicas):
    a, b = replicas
    assert pipeline.load_raw(neet_file(), a).outcome == "loaded"
    assert pipeline.load_raw(neet_file(), b).outcome == "duplicate"
    with shared.connect() as pg:
        assert pg.execute("SELECT count(*) FROM sources").fetchone()[0] == 1


def test_releases_and_conflicts_work_across_replicas(replicas):
    a, b = replicas
    pipeline.load_raw(neet_file(1125, "2023-03-13T07:00:00Z"), a)
    r = pipeline.load_raw(neet_file(1108, "2024-03-12T07:00:00Z"), b)
    assert any("revidert" in w for w in r.warnings)
    assert skien(a) == 1108
    with store.reader(a) as con:
        assert list(queries.history(con, "neet", "4003", "2022")["shown"]) == [True, False]


def test_concurrent_writers_on_two_replicas_lose_nothing(replicas):
    a, b = replicas
    files = [neet_file(1000 + i, f"20{10 + i}-01-01T00:00:00Z") for i in range(6)]
    errors = []

    def load(db, fs):
        for f in fs:
            r = pipeline.load_raw(f, db)
            if r.outcome != "loaded":
                errors.append(r.line())
    ts = [threading.Thread(target=load, args=(a, files[::2])),
          threading.Thread(target=load, args=(b, files[1::2]))]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert not errors
    with shared.connect() as pg:
        assert pg.execute("SELECT count(*) FROM sources").fetchone()[0] == 6
    with store.reader(a) as con:
        assert len(queries.history(con, "neet", "4003", "2022")) == 6
    assert skien(b) == 1005                                     # the newest release everywhere


def test_without_the_setting_no_postgresql_is_touched(empty_db, monkeypatch):
    monkeypatch.delenv("INNENFOR_DATABASE_URL", raising=False)

    def refuse(*a, **k):
        raise AssertionError("PostgreSQL was contacted")
    monkeypatch.setattr(shared, "connect", refuse)
    assert pipeline.load_raw(neet_file(), empty_db).outcome == "loaded"
    assert skien(empty_db) == 1125


def test_switching_postgresql_on_keeps_the_files_already_loaded(pg_server, tmp_path, monkeypatch):
    """An existing store, then INNENFOR_DATABASE_URL: the empty PostgreSQL takes over that store
    (files, originals, identity) instead of the replica's files vanishing behind an empty one;
    a second replica with a store of its own then gets PostgreSQL's."""
    a, b = tmp_path / "a" / "innenfor.duckdb", tmp_path / "b" / "innenfor.duckdb"
    monkeypatch.delenv("INNENFOR_DATABASE_URL", raising=False)
    f = neet_file()
    assert pipeline.load_raw(f, a, loaded_by="kari").outcome == "loaded"
    assert pipeline.load_raw(neet_file(1200), b).outcome == "loaded"     # b's own, never shared
    before = a.read_bytes()
    monkeypatch.setenv("INNENFOR_DATABASE_URL", pg_server.database())
    monkeypatch.setattr(shared, "REFRESH_SECONDS", 0.0)
    assert skien(a) == 1125 and a.read_bytes() == before                 # a's copy is current as it is
    assert skien(b) == 1125                                              # b's copy is PostgreSQL's
    with shared.connect() as pg:
        assert pg.execute("SELECT file_name, loaded_by FROM sources").fetchall() == [(f.name, "kari")]
        assert shared.get_original(pg, f.sha256) == f.data
    with store.reader(a) as con, shared.connect() as pg:
        assert store.identity(con) == "{store_id}:{version}".format(**shared.state(pg))


@pytest.mark.parametrize("store_backend", ["postgres"], indirect=True)
def test_the_store_fixtures_put_the_store_in_postgresql(writable_db, store_backend, tmp_path):
    """conftest's writable_db on PostgreSQL: the demo store is PostgreSQL's and the local copy
    is current (no rebuild), and a load reaches PostgreSQL."""
    before = writable_db.read_bytes()
    with store.reader(writable_db) as con, shared.connect() as pg:
        local = sorted(shared.source_ids(con))
        assert sorted(r[0] for r in pg.execute("SELECT source_id FROM sources").fetchall()) == local
        assert pg.execute("SELECT count(*) FROM observations").fetchone()[0] == \
            con.execute("SELECT count(*) FROM observations").fetchone()[0] > 0
    assert writable_db.read_bytes() == before
    r = pipeline.load_raw(neet_file(), writable_db)
    with shared.connect() as pg:
        assert pg.execute("SELECT max(source_id) FROM sources").fetchone()[0] == r.source_id


def test_a_copy_made_while_another_replica_writes_is_all_before_or_all_after(replicas, tmp_path,
                                                                             monkeypatch):
    """A replica's new local copy is read from one PostgreSQL snapshot: a load committed by
    another replica between two of the copy's tables is not half in it (its figures without
    its source row, under the new version, so the copy would never be made again)."""
    a, b = replicas
    assert pipeline.load_raw(neet_file(1125, "2023-03-13T07:00:00Z"), a).outcome == "loaded"
    real, meanwhile = shared._copy_out, []

    def copy_out(pg, table, *args):
        out = real(pg, table, *args)
        if table == "sources" and not meanwhile:        # b loads right after c has read sources
            meanwhile.append(None)                      # (once: b's own copy reads sources too)
            meanwhile[0] = pipeline.load_raw(neet_file(1108, "2024-03-12T07:00:00Z"), b)
        return out
    monkeypatch.setattr(shared, "_copy_out", copy_out)
    c = tmp_path / "c" / "innenfor.duckdb"
    c.parent.mkdir()
    assert skien(c) == 1125 and meanwhile[0].outcome == "loaded", meanwhile[0].line()
    with store.reader(c) as con:
        assert con.execute("SELECT count(*) FROM observations WHERE source_id NOT IN "
                           "(SELECT source_id FROM sources)").fetchone()[0] == 0
        assert len(shared.source_ids(con)) == 2                       # and the next read caught up
    assert skien(c) == 1108


def test_postgresql_keeps_every_table_whose_rows_belong_to_a_loaded_file(empty_db):
    """A table added to the local store with a source_id (a file's rows) must be in
    shared.TABLES too, or its rows would vanish from every replica at the next copy."""
    with store.writer(empty_db):
        pass
    with store.reader(empty_db) as con:
        local = {r[0]: [c[0] for c in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
            "ORDER BY ordinal_position", [r[0]]).fetchall()]
            for r in con.execute("SELECT DISTINCT table_name FROM information_schema.columns "
                                 "WHERE column_name = 'source_id'").fetchall()}
    assert local == {t: shared._columns(t) for t in shared.TABLES}
