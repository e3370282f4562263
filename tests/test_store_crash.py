"""A load is complete only with its original, whatever happens to the process or the disk.

Real processes are killed (SIGKILL) at chosen points of a load — a hook in a small script
stops the loader there and prints where it is — and after fixed delays; then the store must be
the old one byte for byte, or the new one with the original in raw/. What the dead loader left
(<db>.<pid>.writing, raw/<sha>.<pid>-….tmp, <db>.<pid>.building) is removed at the next start
(`loaders build --if-stale`, which `make run` runs) and before the next write, and a retry
succeeds. A full disk and a read-only folder are real where the machine allows a small tmpfs
(tests.disk_support), and say so in Norwegian on the command line, never with a traceback."""
from __future__ import annotations

import errno
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from loaders import pipeline, store, workspace
from tests.disk_support import mounted, remount

ROOT = Path(__file__).resolve().parent.parent
HEADER = "indikator;kommunenr;periode;alder;kjonn;kategori;antall;nevner;status\n"


def upload_bytes(years: int = 1, pad: int = 0) -> bytes:
    """A valid delivery file with figures the demo store does not have (2026 on): 357 rows a
    year, three times that with `years` > 1 (women, men and all)."""
    from geo import codes
    sexes = ("alle", "kvinner", "menn") if years > 1 else ("alle",)
    def figures(sex: str, y: int) -> str:   # women and men add up to all (loaders.totals)
        return {"alle": f"{30 + y};{900 + y}", "kvinner": "15;450", "menn": f"{15 + y};{450 + y}"}[sex]
    rows = [f"ufore;{c};{2026 + y};18-29;{sex};alle;{figures(sex, y)};\n"
            for y in range(years) for sex in sexes for c in sorted(codes.municipalities_2024())]
    return (HEADER + "".join(rows) + "\n" * pad).encode("utf-8")


# The loader, with a hook that stops it at a named point (and says so) so the test can kill it.
HOOKED = r"""
import os, shutil, sys, time
from loaders import pipeline, store
db, file, point = sys.argv[1], sys.argv[2], sys.argv[3]

def stop(tag):
    print(tag, flush=True)
    time.sleep(300)

real_copy, real_replace, real_fsync = shutil.copyfile, os.replace, os.fsync
if point == "kopi":              # the store copied to <db>.<pid>.writing, nothing written yet
    def copy(a, b, **k):
        real_copy(a, b, **k)
        stop(point)
    shutil.copyfile = copy
elif point == "skrevet":         # the rows written to the copy, the original not archived
    store.archive = lambda *a, **k: stop(point)
elif point == "arkiverer":       # the original written to raw/<sha>.<pid>-<thread>.tmp, not renamed
    def fsync(fd):
        stop(point)
    os.fsync = fsync
elif point == "arkivert":        # the original in raw/, the store not swapped yet
    def replace(a, b):
        if str(a).endswith(".writing"):
            stop(point)
        return real_replace(a, b)
    os.replace = replace
elif point == "byttet":          # the store swapped, the folder not yet synced
    def replace(a, b):
        real_replace(a, b)
        if str(a).endswith(".writing"):
            stop(point)
    os.replace = replace
print("start", flush=True)
r = pipeline.load_path(file, db, loaded_by="kari")
print("ferdig", r.outcome, flush=True)
"""


def start_loader(db: Path, file: Path, point: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", HOOKED, str(db), str(file), point], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(proc: subprocess.Popen, line: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = proc.stdout.readline()
        if got.strip() == line:
            return
        if not got and proc.poll() is not None:
            break
    proc.kill()
    pytest.fail(f"kom ikke til «{line}»: {proc.stderr.read()}")


def kill(proc: subprocess.Popen) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)             # reaped: the pid is dead, not a zombie


def state(db: Path, data: bytes, before: bytes) -> str:
    """'gammelt' (the store byte for byte as before) or 'nytt' (the file in the store, and its
    original whole in raw/); anything else fails. Every coordinator's file has its original."""
    sha = hashlib.sha256(data).hexdigest()
    with store.reader(db) as con:
        seen = store.find_source(con, sha)
        assert store.missing_originals(con, db.parent / "raw") == []
    if seen:
        assert (db.parent / "raw" / sha).read_bytes() == data
        return "nytt"
    assert db.read_bytes() == before, "the store changed without the file in it"
    return "gammelt"


def next_start(db: Path) -> str:
    """What `make run` does first: loaders build --if-stale (in its own process)."""
    out = subprocess.run([sys.executable, "-m", "loaders", "build", "--if-stale", "--db", str(db)],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr
    return out.stdout


def retry_and_check(db: Path, file: Path, data: bytes, was: str) -> None:
    r = pipeline.load_path(file, db, loaded_by="kari")
    assert r.outcome == ("loaded" if was == "gammelt" else "duplicate"), r.line()
    assert state(db, data, b"") == "nytt"
    assert store.leftovers(db) == ([], [])


@pytest.fixture
def upload(tmp_path):
    data = upload_bytes()
    f = tmp_path / "inn" / "uføre 2026.csv"
    f.parent.mkdir()
    f.write_bytes(data)
    return f, data


@pytest.mark.parametrize("point,expected,left", [
    ("kopi", "gammelt", [".writing"]),
    ("skrevet", "gammelt", [".writing"]),
    ("arkiverer", "gammelt", [".writing", ".tmp"]),
    ("arkivert", "gammelt", [".writing"]),
    ("byttet", "nytt", []),
])
def test_a_loader_killed_at_each_step_leaves_the_old_store_or_the_new_with_its_original(
        point, expected, left, writable_db, upload):
    f, data = upload
    before = writable_db.read_bytes()
    proc = start_loader(writable_db, f, point)
    wait_for(proc, point)
    kill(proc)
    assert state(writable_db, data, before) == expected
    dead, busy = store.leftovers(writable_db)
    assert busy == [] and sorted({p.suffix for p in dead}) == sorted(left), dead
    said = next_start(writable_db)
    if left:
        assert f"Ryddet bort {len(dead)} halvskrevne filer etter en avbrutt lagring" in said, said
    assert store.leftovers(writable_db) == ([], [])
    assert state(writable_db, data, before) == expected           # cleaning changed nothing else
    retry_and_check(writable_db, f, data, expected)


@pytest.fixture(scope="module")
def timed_load(demo_db, tmp_path_factory):
    """(file, its bytes, seconds from «start» to «ferdig» for a whole load on this machine)."""
    tmp = tmp_path_factory.mktemp("tid")
    data = upload_bytes(years=6)                  # 6 400 rows: the load takes a while
    f = tmp / "uføre 2026-2031.csv"
    f.write_bytes(data)
    db = tmp / "innenfor.duckdb"
    db.write_bytes(demo_db.read_bytes())
    proc = start_loader(db, f, "ingen")
    wait_for(proc, "start")
    t0 = time.monotonic()
    wait_for(proc, "ferdig loaded")
    took = time.monotonic() - t0
    proc.wait(timeout=30)
    return f, data, took


@pytest.mark.parametrize("share", [0.1, 0.5, 0.8, 0.9, 0.95, 0.99, 1.1])
def test_a_loader_killed_at_any_moment_is_consistent(share, timed_load, writable_db):
    """Killed at a share of the time a whole load takes on this machine: while the file is read,
    while the copy is written, around the archive and the swap, and after."""
    f, data, took = timed_load
    before = writable_db.read_bytes()
    proc = start_loader(writable_db, f, "ingen")
    wait_for(proc, "start")
    time.sleep(share * took)
    kill(proc)
    was = state(writable_db, data, before)
    left = [p.name for p in store.leftovers(writable_db)[0]]
    print(f"drept etter {share * took:.2f} av {took:.2f} s: lageret er {was}, etterlatt: {left}")
    retry_and_check(writable_db, f, data, was)   # the retry's writer clears what was left first


def test_a_dead_writers_copy_is_removed_before_the_next_write(writable_db, upload):
    f, _ = upload
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()                                               # a pid that no longer runs
    left = [writable_db.with_name(f"{writable_db.name}.{gone.pid}.writing"),
            writable_db.with_name(f"{writable_db.name}.{gone.pid}.writing.wal"),
            writable_db.parent / "raw" / f"{'0' * 64}.{gone.pid}-1.tmp"]
    mine = writable_db.parent / "raw" / f"{'1' * 64}.{os.getpid()}-1.tmp"    # a running process's
    for p in [*left, mine]:
        p.parent.mkdir(exist_ok=True)
        p.write_bytes(b"halvt")
    assert pipeline.load_path(f, writable_db).outcome == "loaded"
    assert not any(p.exists() for p in left) and mine.exists()
    mine.unlink()


def test_a_killed_build_is_cleaned_at_the_next_start(writable_db, tmp_path):
    script = ("import sys, time\nfrom loaders import build, pipeline\nreal = pipeline.load_path\n"
              "n = []\n"
              "def hook(*a, **k):\n"
              "    n.append(1)\n"
              "    if len(n) == 2:\n"
              "        print('bygger', flush=True); time.sleep(300)\n"
              "    return real(*a, **k)\n"
              "pipeline.load_path = hook\n"
              "build.build_store(build.Path(sys.argv[1]), replace=True)\n")
    before = writable_db.read_bytes()
    proc = subprocess.Popen([sys.executable, "-c", script, str(writable_db)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for(proc, "bygger")
    kill(proc)
    dead = store.leftovers(writable_db)[0]
    assert any(p.name.endswith(".building") for p in dead), dead
    said = next_start(writable_db)
    assert "Ryddet bort" in said and ".building" in said
    assert store.leftovers(writable_db) == ([], []) and writable_db.read_bytes() == before


def test_a_store_that_lost_an_original_gets_it_back_from_a_retry(writable_db, upload, capsys):
    """A store written by the old order (archive after the swap) can hold a file without its
    original: the next start says so, and loading the same file again archives it."""
    f, data = upload
    assert pipeline.load_path(f, writable_db).outcome == "loaded"
    sha = hashlib.sha256(data).hexdigest()
    (writable_db.parent / "raw" / sha).unlink()
    said = next_start(writable_db)
    assert ("1 filer i lageret mangler originalfilen i arkivet" in said
            and "«uføre 2026.csv»" in said and "Last inn de samme filene på nytt" in said), said
    r = pipeline.load_path(f, writable_db)
    assert r.outcome == "duplicate" and "Originalfilen manglet i arkivet og er nå lagt dit." in r.message
    assert (writable_db.parent / "raw" / sha).read_bytes() == data


# --- a full disk and a read-only folder -----------------------------------------------------------

FULL = "Lagringen stoppet fordi disken er full"
READ_ONLY = "Innenfor får ikke skrive i mappen"


def fresh_store(folder: Path) -> Path:
    db = folder / "innenfor.duckdb"
    store.connect(db).close()             # an empty store: 2 MB
    return db


@pytest.mark.parametrize("size_kb,pad,where", [
    (3000, 0, "kopien av lageret"),           # no room for the copy of the store
    (4300, 0, "sjekkpunktet"),                # the copy fits, DuckDB's checkpoint does not
    (6500, 2_500_000, "originalen"),          # the store fits, the original does not
])
def test_a_full_disk_stores_nothing_and_says_so(size_kb, pad, where, tmp_path, monkeypatch):
    data = upload_bytes(pad=pad)
    f = tmp_path / "uføre 2026.csv"
    f.write_bytes(data)
    with mounted(tmp_path / "disk", size_kb) as disk:
        real = disk is not None
        if not real:
            print("tmpfs kan ikke monteres her: full disk simulert med OSError(ENOSPC)")
            disk = tmp_path / "disk"

            def full(*a, **k):
                raise OSError(errno.ENOSPC, "No space left on device")
            monkeypatch.setattr(store, "archive", full)
        db = fresh_store(disk)
        before = db.read_bytes()
        r = pipeline.load_path(f, db, loaded_by="kari")
        assert r.outcome == "rejected" and r.message.startswith(FULL), (where, r.line())
        assert "Ingenting er lagret, og lageret er som før. Frigjør plass på disken" in r.message
        assert f"({disk})" in r.message and "Errno" not in r.line()
        assert db.read_bytes() == before
        assert store.leftovers(db) == ([], [])                  # nothing half-written left
        assert not (disk / "raw").exists() or not list((disk / "raw").iterdir())
        if not real:
            return
        # The command line says the same, without a traceback, and exits 1.
        out = subprocess.run([sys.executable, "-m", "loaders", "load", "--db", str(db), str(f)],
                             cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert out.returncode == 1 and "Traceback" not in out.stderr, out.stderr
        assert FULL in out.stdout and "AVVIST, 0 rader lastet inn" in out.stdout, out.stdout
        # Room again: the same file loads, with its original.
        assert subprocess.run(["mount", "-o", "remount,size=20m", str(disk)]).returncode == 0
        assert pipeline.load_path(f, db, loaded_by="kari").outcome == "loaded"
        assert state(db, data, before) == "nytt"


def test_a_read_only_folder_stores_nothing_and_says_so(tmp_path, monkeypatch, upload):
    f, _ = upload
    with mounted(tmp_path / "disk", 8000) as disk:
        real = disk is not None
        if not real:
            print("tmpfs kan ikke monteres her: skrivebeskyttet mappe simulert med OSError(EROFS)")
            disk = tmp_path / "disk"
        db = fresh_store(disk)
        before = db.read_bytes()
        if real:
            assert remount(disk, read_only=True)
        else:
            def read_only(*a, **k):
                raise OSError(errno.EROFS, "Read-only file system")
            monkeypatch.setattr(store, "locked", read_only)
        try:
            r = pipeline.load_path(f, db, loaded_by="kari")
            assert r.outcome == "rejected"
            assert r.message.startswith("Lagringen stoppet fordi " + READ_ONLY), r.message
            assert "Si fra til den som drifter Innenfor" in r.message
            assert db.read_bytes() == before
            assert workspace.undo(1, db).startswith("Lagringen stoppet fordi " + READ_ONLY)
            if real:
                for cmd in (["load", "--db", str(db), str(f)],
                            ["build", "--db", str(disk / "ny.duckdb")]):
                    out = subprocess.run([sys.executable, "-m", "loaders", *cmd], cwd=ROOT,
                                         capture_output=True, text=True, timeout=300)
                    said = out.stdout + out.stderr
                    assert out.returncode == 1 and "Traceback" not in said and READ_ONLY in said, said
        finally:
            if real:
                remount(disk, read_only=False)
