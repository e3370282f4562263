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
from tests.pg_server import Server


@pytest.fixture(scope="module")
def pg_server():
    s = Server()
    yield s
    s.stop()


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
