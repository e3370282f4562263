"""`python -m loaders build` (and `make run`, which runs build --if-stale) never replaces what
coordinators loaded or removed, and swaps a rebuilt store in under the writers' lock."""
from __future__ import annotations

import os
import threading
import time

import duckdb
import pytest

from loaders import build, pipeline, store, workspace
from loaders.__main__ import main

HEADER = "indikator;kommunenr;periode;alder;kjonn;kategori;antall;nevner;status\n"


def sources(db) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT source_id, file_name, is_demo FROM sources ORDER BY 1").fetchall()
    finally:
        con.close()


def make_old(db) -> None:
    """Older than every input, so --if-stale would rebuild a demo-only store."""
    os.utime(db, (1_000_000_000, 1_000_000_000))


@pytest.fixture
def coordinator_db(writable_db, tmp_path):
    f = tmp_path / "uføre 2026.csv"
    f.write_text(HEADER + "ufore;4003;2026;18-29;alle;alle;301;7902;\n", encoding="utf-8")
    assert pipeline.load_path(f, writable_db, loaded_by="kari").outcome == "loaded"
    make_old(writable_db)
    return writable_db


def test_if_stale_leaves_a_store_with_coordinators_files_and_says_why(coordinator_db, capsys):
    before = coordinator_db.read_bytes()
    assert main(["build", "--if-stale", "--db", str(coordinator_db)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "koordinatorer har lastet inn" in out[0] and "bygges ikke på nytt" in out[0]
    assert coordinator_db.read_bytes() == before


def test_plain_build_refuses_to_replace_coordinators_files(coordinator_db, capsys):
    before = coordinator_db.read_bytes()
    assert main(["build", "--db", str(coordinator_db)]) == 1
    out = capsys.readouterr().out
    assert "koordinatorer har lastet inn" in out and "Ingenting er endret" in out
    assert "python -m loaders build --replace" in out
    assert coordinator_db.read_bytes() == before


def test_replace_rebuilds_and_never_reuses_a_source_id(coordinator_db, capsys):
    last = max(s[0] for s in sources(coordinator_db))
    assert main(["build", "--replace", "--db", str(coordinator_db)]) == 0
    after = sources(coordinator_db)
    assert len(after) == 4 and all(s[2] for s in after)          # demo files only
    assert min(s[0] for s in after) > last                        # ids continue above the old ones
    assert "uføre 2026.csv" not in {s[1] for s in after}


def test_if_stale_rebuilds_a_demo_only_store(writable_db, capsys):
    make_old(writable_db)
    assert main(["build", "--if-stale", "--db", str(writable_db)]) == 0
    assert writable_db.stat().st_mtime > 1_000_000_000 + 10
    assert len(sources(writable_db)) == 4
    assert main(["build", "--if-stale", "--db", str(writable_db)]) == 0
    assert capsys.readouterr().out.strip().endswith("Lageret er oppdatert.")


def test_removing_all_demo_data_is_not_undone_by_make_run(writable_db, capsys):
    for sid, _name, _demo in sources(writable_db):
        assert "fjernet" in workspace.undo(sid, writable_db)
    make_old(writable_db)
    before = writable_db.read_bytes()
    assert main(["build", "--if-stale", "--db", str(writable_db)]) == 0
    assert "alle filene er fjernet" in capsys.readouterr().out
    assert writable_db.read_bytes() == before and sources(writable_db) == []


def test_build_store_looks_again_under_the_lock(coordinator_db):
    """A coordinator who saves while the demo store is being built is not overwritten."""
    before = coordinator_db.read_bytes()
    with pytest.raises(build.StoreInUse):
        build.build_store(coordinator_db)
    assert coordinator_db.read_bytes() == before
    assert not list(coordinator_db.parent.glob("*.building*"))


def test_the_swap_waits_for_the_writers_lock(tmp_path):
    db = tmp_path / "s.duckdb"
    small = tmp_path / "liten_DEMO.csv"
    small.write_text(HEADER + "ufore;4003;2021;18-29;alle;alle;301;7902;\n", encoding="utf-8")
    done = []
    with store.locked(db):
        t = threading.Thread(target=lambda: done.append(build.build_store(db, files=[small])))
        t.start()
        time.sleep(2)            # the build itself takes well under a second
        assert t.is_alive() and not db.exists() and not done
    t.join(timeout=30)
    assert done and [r.outcome for r in done[0]] == ["loaded"] and db.exists()


def test_a_file_that_is_not_a_store_is_never_replaced_unasked(tmp_path, capsys):
    db = tmp_path / "innenfor.duckdb"
    db.write_bytes(b"ikke en database")
    make_old(db)
    assert main(["build", "--if-stale", "--db", str(db)]) == 0
    assert "kan ikke leses" in capsys.readouterr().out
    assert main(["build", "--db", str(db)]) == 1
    assert db.read_bytes() == b"ikke en database"


def test_a_rebuilt_store_never_looks_like_the_one_it_replaced(coordinator_db):
    """Caches are keyed on (path, store id:version). A rebuild starts its version again, so
    without the store id a running server would serve the old store's figures and labels."""
    with store.reader(coordinator_db) as con:
        before = store.identity(con)
    assert main(["build", "--db", str(coordinator_db), "--replace"]) == 0
    with store.reader(coordinator_db) as con:
        after = store.identity(con)
        assert store.version(con) == len(build.demo_files())
    assert before != after and before.split(":")[0] != after.split(":")[0]
    assert not list(coordinator_db.parent.glob("*.building*"))     # no temporary left behind
