"""Sign-in (loaders.access): the time taken does not tell whether a name exists, parallel guesses
cannot slip past the limit, the pause survives a restart, a stranger cannot lock a coordinator
out from another browser, old PBKDF2 hashes are accepted and upgraded to scrypt, and a sign-in
book that cannot be written is a Norwegian sentence. The tests that count run against both books
(SQLite beside the store; PostgreSQL when INNENFOR_DATABASE_URL is set), and with PostgreSQL a
pause made on one replica holds on the other."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from loaders import access, shared
from tests.disk_support import mounted

pytestmark = pytest.mark.both_backends   # tests using `db` run with either book (conftest)

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "riktig hest batteri"
HASH = access.make_hash(PASSWORD)


@pytest.fixture
def db(tmp_path, store_backend) -> Path:
    """A store path; its sign-in book is <store>.innlogging.sqlite3 (the store need not exist),
    or, for store_backend 'postgres', tables in a new PostgreSQL database."""
    return tmp_path / "s.duckdb"


def book_rows(db, table: str) -> list[tuple]:
    """What the book in use holds in `table` (attempts, trusted, upgraded)."""
    if shared.url():
        with shared.connect() as pg:
            return [tuple(r) for r in pg.execute(f"SELECT * FROM signin_{table}").fetchall()]
    with sqlite3.connect(access.book_path(db)) as con:
        return con.execute(f"SELECT * FROM {table}").fetchall()


def attempt(db, name, password, client="nettleser:a", accounts=None, now=None):
    return access.sign_in(name, password, accounts or {"kari": HASH}, now, client=client, db=db)


# --- the hash ----------------------------------------------------------------------------------

def test_new_hashes_are_scrypt_and_memory_hard():
    h = access.make_hash(PASSWORD)
    algo, n, r, p, _salt, _digest = h.split("$")
    assert (algo, int(n), int(r), int(p)) == ("scrypt", 2 ** 15, 8, 3)
    assert 128 * int(r) * int(n) >= 32 * 1024 * 1024            # 32 MiB per hash
    assert access.check_hash(PASSWORD, h) and not access.check_hash(PASSWORD + " ", h)


def test_hash_command_prints_an_scrypt_hash():
    # A new session has no terminal: getpass reads the two answers from stdin.
    out = subprocess.run([sys.executable, "-m", "loaders.access", "hash"], cwd=ROOT,
                         input="hemmelig ord\nhemmelig ord\n", capture_output=True, text=True,
                         timeout=60, start_new_session=True)
    assert out.returncode == 0, out.stderr
    printed = out.stdout.strip().splitlines()[-1]
    assert printed.startswith("scrypt$32768$8$3$") and access.check_hash("hemmelig ord", printed)
    wrong = subprocess.run([sys.executable, "-m", "loaders.access"], cwd=ROOT, capture_output=True,
                           text=True, timeout=60)
    assert wrong.returncode != 0 and "python -m loaders.access hash" in wrong.stderr


# --- timing ------------------------------------------------------------------------------------

def _work(db, monkeypatch, name: str, accounts=None) -> list[tuple[int, int, int]]:
    """The hashes one failed sign-in computes, as (N, r, p): the work an observer can time.
    (Checked as work, not as a timed assertion, so a busy machine cannot fail or pass it.)"""
    done: list[tuple[int, int, int]] = []
    real = access._scrypt
    monkeypatch.setattr(access, "_scrypt", lambda pw, salt, n, r, p, length=32:
                        done.append((n, r, p)) or real(pw, salt, n, r, p, length))
    ok, msg = attempt(db, name, "gjetning", client=f"nettleser:{name}", accounts=accounts)
    assert not ok and msg.startswith("Feil brukernavn eller passord")
    return done


def test_an_unknown_name_takes_as_long_as_a_wrong_password(db, monkeypatch):
    """Before: an unknown name hashed twice (2,7× a wrong password), so names could be probed.
    Now every failed sign-in computes exactly one hash of the default cost."""
    one = [(access.SCRYPT_N, access.SCRYPT_R, access.SCRYPT_P)]
    assert _work(db, monkeypatch, "ukjent") == one
    assert _work(db, monkeypatch, "kari") == one


def test_a_malformed_hash_costs_the_same_as_a_wrong_password(db, monkeypatch):
    broken = {"kari": HASH, "per": "scrypt$ødelagt"}
    one = [(access.SCRYPT_N, access.SCRYPT_R, access.SCRYPT_P)]
    assert _work(db, monkeypatch, "per", broken) == one
    assert _work(db, monkeypatch, "kari", broken) == one


# --- counting ----------------------------------------------------------------------------------

def test_twelve_parallel_guesses_in_one_process_give_at_most_five_tries(db, monkeypatch):
    """Before: 12 of 12 got through (each session checked the count before any had added to it)."""
    hashed = []
    real = access._matches
    monkeypatch.setattr(access, "_matches", lambda pw, parsed: hashed.append(pw) or real(pw, parsed))
    start = threading.Barrier(12)
    said: list[str] = []

    def guess(i: int) -> None:
        start.wait()
        said.append(attempt(db, "kari", f"gjetning {i}", client="nettleser:angriper")[1])
    threads = [threading.Thread(target=guess, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    tried = [m for m in said if m.startswith("Feil brukernavn")]
    print(f"{len(tried)} av 12 parallelle gjetninger ble prøvd")
    assert len(tried) == access.MAX_FAILURES and len(hashed) == access.MAX_FAILURES
    assert sum(m.startswith("For mange mislykkede forsøk") for m in said) == 12 - access.MAX_FAILURES


GUESS = """
import json, sys, time
from loaders import access
db, client, password, at = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
accounts = {"kari": sys.argv[5]}
time.sleep(max(0.0, at - time.time()))
print(json.dumps(access.sign_in("kari", password, accounts, client=client, db=db)))
"""


def run_guesses(db, n: int, client, password="feil", delay=4.0) -> list[tuple[bool, str]]:
    """`n` processes that each try once, all at the same moment."""
    at = time.time() + delay
    procs = [subprocess.Popen([sys.executable, "-c", GUESS, str(db(i) if callable(db) else db),
                               client(i) if callable(client) else client, password, str(at), HASH],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i in range(n)]
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=120)
        assert p.returncode == 0, stderr
        out.append(tuple(json.loads(stdout.strip().splitlines()[-1])))
    return out


def test_twelve_parallel_guesses_from_twelve_processes_give_at_most_five_tries(tmp_path):
    """(The SQLite book; PostgreSQL's: test_eight_processes_on_two_replicas_give_at_most_five_tries.)"""
    db = tmp_path / "s.duckdb"
    said = run_guesses(db, 12, "nettleser:angriper")
    tried = [m for ok, m in said if m.startswith("Feil brukernavn")]
    assert len(tried) == access.MAX_FAILURES, said
    assert not any(ok for ok, _ in said)


def test_the_pause_survives_a_restart(tmp_path):
    """(The SQLite book; PostgreSQL's restart is in
    test_five_wrong_tries_on_one_replica_pause_the_browser_on_the_other.)"""
    db = tmp_path / "s.duckdb"
    said = run_guesses(db, access.MAX_FAILURES, "nettleser:a", delay=0)
    assert all(m.startswith("Feil brukernavn") for _, m in said)
    # A new process (a restarted server): the right password still waits, from that browser.
    [(ok, msg)] = run_guesses(db, 1, "nettleser:a", password=PASSWORD, delay=0)
    assert not ok and msg.startswith("For mange mislykkede forsøk. Prøv igjen om 15 minutter"), msg
    [(ok, msg)] = run_guesses(db, 1, "nettleser:b", password=PASSWORD, delay=0)
    assert ok, msg


def test_a_stranger_cannot_lock_the_coordinator_out_from_another_browser(db):
    for i in range(access.MAX_FAILURES):
        attempt(db, "kari", f"gjetning {i}", client="adresse:203.0.113.9")
    ok, msg = attempt(db, "kari", PASSWORD, client="adresse:203.0.113.9")
    assert not ok and "For mange" in msg                     # the stranger's browser waits
    ok, msg = attempt(db, "kari", PASSWORD, client="nettleser:karis")
    assert ok, msg                                           # the coordinator's does not


def test_many_browsers_are_capped_per_name_but_a_known_browser_gets_in(db):
    """A stranger who changes browser (cookie) for every guess gets MAX_FAILURES_PER_NAME
    guesses per LOCKOUT_SECONDS in all; a browser that has signed in as the name before is not
    paused by them, a new one is."""
    assert attempt(db, "kari", PASSWORD, client="nettleser:karis", now=1000.0)[0]
    said = [attempt(db, "kari", f"gjetning {i}", client=f"nettleser:ny{i}", now=1001.0 + i)[1]
            for i in range(access.MAX_FAILURES_PER_NAME + 5)]
    tried = [m for m in said if m.startswith("Feil brukernavn")]
    assert len(tried) == access.MAX_FAILURES_PER_NAME
    assert said[-1] == ("For mange mislykkede forsøk. Prøv igjen om 15 minutter, eller fra en "
                        "nettleser du har logget inn med før.")
    assert attempt(db, "kari", PASSWORD, client="nettleser:karis", now=1100.0)[0]
    assert not attempt(db, "kari", PASSWORD, client="nettleser:helt-ny", now=1100.0)[0]
    assert attempt(db, "kari", PASSWORD, client="nettleser:helt-ny",
                   now=1001.0 + access.LOCKOUT_SECONDS + 30)[0]       # until the pause is over


def test_unknown_names_are_counted_and_paused_alike(db):
    said = [attempt(db, "ingen", "x", client="nettleser:a")[1] for _ in range(access.MAX_FAILURES + 1)]
    assert said[0] == "Feil brukernavn eller passord. 4 forsøk igjen før pause."
    assert said[-1].startswith("For mange mislykkede forsøk")


def test_the_book_holds_no_names_or_addresses(db, store_backend):
    attempt(db, "kari", "feil", client="adresse:198.51.100.7")
    attempt(db, "kari", PASSWORD, client="adresse:198.51.100.8")
    rows = repr([book_rows(db, t) for t in ("attempts", "trusted", "upgraded")]).encode()
    assert rows.count(access._key("kari").encode()) == 2          # one attempt, one known browser
    data = access.book_path(db).read_bytes() if store_backend == "duckdb" else rows
    assert b"kari" not in data and b"198.51.100" not in data


def test_unlock_lifts_the_pause_for_a_name(db):
    for i in range(access.MAX_FAILURES):
        attempt(db, "kari", f"gjetning {i}")
    assert not attempt(db, "kari", PASSWORD)[0]
    assert access.unlock("kari", db) == access.MAX_FAILURES
    assert attempt(db, "kari", PASSWORD)[0]


def test_reset_forgets_every_pause(db):
    for i in range(access.MAX_FAILURES):
        attempt(db, "kari", f"gjetning {i}")
    assert not attempt(db, "kari", PASSWORD)[0]
    access.reset_rate_limits(db)
    assert book_rows(db, "attempts") == [] and attempt(db, "kari", PASSWORD)[0]


# --- PostgreSQL: one book for every replica ----------------------------------------------------

@pytest.fixture
def two_replicas(tmp_path, pg_server, monkeypatch):
    """Two replicas' store paths (on two machines they would not share a folder) and one
    PostgreSQL database with the book."""
    monkeypatch.setenv("INNENFOR_DATABASE_URL", pg_server.database())
    return tmp_path / "a" / "s.duckdb", tmp_path / "b" / "s.duckdb"


def test_five_wrong_tries_on_one_replica_pause_the_browser_on_the_other(two_replicas):
    a, b = two_replicas
    said = [attempt(a, "kari", f"gjetning {i}")[1] for i in range(access.MAX_FAILURES)]
    assert said[-1] == "Feil brukernavn eller passord."
    ok, msg = attempt(b, "kari", PASSWORD)
    assert not ok and msg.startswith("For mange mislykkede forsøk. Prøv igjen om 15 minutter"), msg
    assert not access.book_path(a).exists() and not access.book_path(b).exists()  # no SQLite book
    # A restarted replica (a new process, a new connection) still holds the pause.
    [(ok, msg)] = run_guesses(b, 1, "nettleser:a", password=PASSWORD, delay=0)
    assert not ok and msg.startswith("For mange mislykkede forsøk"), msg
    assert attempt(b, "kari", PASSWORD, client="nettleser:b")[0]          # another browser gets in
    assert access.unlock("kari", b) == access.MAX_FAILURES               # lifted on one replica …
    assert attempt(a, "kari", PASSWORD)[0]                                # … lifted on the other


def test_parallel_guesses_on_two_replicas_give_at_most_five_tries(two_replicas, monkeypatch):
    """16 threads, half through each replica's path, all at once: the name's row lock lets
    exactly MAX_FAILURES be checked; the rest are paused before any hash."""
    a, b = two_replicas
    hashed = []
    real = access._matches
    monkeypatch.setattr(access, "_matches", lambda pw, parsed: hashed.append(pw) or real(pw, parsed))
    start = threading.Barrier(16)
    said: list[str] = []

    def guess(i: int) -> None:
        start.wait()
        said.append(attempt(a if i % 2 else b, "kari", f"gjetning {i}", client="nettleser:angriper")[1])
    threads = [threading.Thread(target=guess, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(hashed) == access.MAX_FAILURES
    assert sum(m.startswith("Feil brukernavn") for m in said) == access.MAX_FAILURES
    assert sum(m.startswith("For mange mislykkede forsøk") for m in said) == 16 - access.MAX_FAILURES
    assert len(book_rows(a, "attempts")) == access.MAX_FAILURES


def test_eight_processes_on_two_replicas_give_at_most_five_tries(two_replicas):
    a, b = two_replicas
    said = run_guesses(lambda i: a if i % 2 else b, 8, "nettleser:angriper")
    assert sum(m.startswith("Feil brukernavn") for _, m in said) == access.MAX_FAILURES, said
    access.reset_rate_limits(b)                                           # forgotten everywhere
    assert attempt(a, "kari", PASSWORD, client="nettleser:angriper")[0]


def test_a_postgresql_that_cannot_be_reached_is_said_in_norwegian(tmp_path, monkeypatch):
    import socket
    with socket.socket() as s:                          # a port where nothing listens
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("INNENFOR_DATABASE_URL", f"postgresql://postgres@127.0.0.1:{port}/innenfor")
    ok, msg = access.sign_in("kari", PASSWORD, {"kari": HASH}, client="x", db=tmp_path / "s.duckdb")
    assert not ok and msg.startswith("Innlogging er ikke mulig akkurat nå: Innenfor får ikke kontakt "
                                     "med den felles databasen (PostgreSQL)")
    assert not (tmp_path / ("s.duckdb" + access.BOOK_SUFFIX)).exists()   # no quiet fallback


# --- old hashes --------------------------------------------------------------------------------

def test_an_old_pbkdf2_hash_is_accepted_and_upgraded_to_scrypt(db, monkeypatch, caplog):
    old = access.make_pbkdf2_hash(PASSWORD)
    accounts = {"ola": old}
    with caplog.at_level("WARNING", logger="loaders.access"):
        assert attempt(db, "ola", PASSWORD, accounts=accounts)[0]
    assert any("gamle typen (PBKDF2)" in r.getMessage() and "python -m loaders.access hash"
               in r.getMessage() for r in caplog.records)
    [(_name, _old, kept, _at)] = book_rows(db, "upgraded")
    assert kept.startswith("scrypt$") and access.check_hash(PASSWORD, kept)

    def no_pbkdf2(*a, **k):
        raise AssertionError("PBKDF2 used after the upgrade")
    monkeypatch.setattr(access.hashlib, "pbkdf2_hmac", no_pbkdf2)
    assert attempt(db, "ola", PASSWORD, accounts=accounts)[0]            # checked with scrypt
    assert not attempt(db, "ola", "feil", accounts=accounts)[0]
    monkeypatch.undo()
    # A new hash in the configuration (another password) is not shadowed by the upgrade.
    accounts = {"ola": access.make_pbkdf2_hash("nytt passord")}
    assert not attempt(db, "ola", PASSWORD, accounts=accounts, client="nettleser:b")[0]
    assert attempt(db, "ola", "nytt passord", accounts=accounts, client="nettleser:b")[0]


# --- a book that cannot be written -------------------------------------------------------------

def test_a_sign_in_book_that_cannot_be_written_is_said_in_norwegian(tmp_path):
    with mounted(tmp_path / "ro", 1024, read_only=True) as ro:
        where = ro or tmp_path / "fil"
        if ro is None:                   # (no mount here) a folder that is a file cannot be written
            print("tmpfs kan ikke monteres her: en mappe som er en fil står for en skrivebeskyttet mappe")
            where.write_text("")
        ok, msg = access.sign_in("kari", PASSWORD, {"kari": HASH}, client="x", db=where / "s.duckdb")
    assert not ok
    assert msg.startswith("Innlogging er ikke mulig akkurat nå: Innenfor får ikke skrevet i mappen")
    assert "full disk eller skrivebeskyttet mappe" in msg and str(where) in msg


def test_reset_does_not_create_a_book(tmp_path):
    access.reset_rate_limits(tmp_path / "s.duckdb")
    assert not os.listdir(tmp_path)
