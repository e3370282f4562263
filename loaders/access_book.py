"""The sign-in book (loaders.access): failed tries per name and client, browsers that have
signed in, and scrypt upgrades of old hashes. One interface, two places:

- without INNENFOR_DATABASE_URL, `<store>.innlogging.sqlite3` beside the store (SQLite with its
  own lock; not a table in the DuckDB store, because every write to the store copies and swaps
  the whole file);
- with it, tables in that PostgreSQL database, so every replica counts the same tries and sees
  the same pause, and a restarted replica keeps it.

Either way each attempt is counted *before* its password is checked, in one transaction that
holds the name (SQLite: the whole book; PostgreSQL: the name's row, FOR UPDATE), so parallel
guesses, from threads, processes or replicas, cannot slip past the limit. Names and clients come
here already hashed (the book holds no names, addresses or cookies)."""
from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

from loaders import shared
from vocab.i18n import N_, _

MAX_FAILURES = 5                        # per name and client before a pause
MAX_FAILURES_PER_NAME = 20              # per name, from clients that never signed in as it
LOCKOUT_SECONDS = 15 * 60
TRUSTED_SECONDS = 180 * 24 * 3600       # a browser that signed in is known this long

# Shown to the user who tries to sign in (translated where raised).
FOLDER_PROBLEM = N_("Innlogging er ikke mulig akkurat nå: Innenfor får ikke skrevet i mappen {folder} "
                    "(full disk eller skrivebeskyttet mappe), og uten det kan ikke innloggingsforsøkene "
                    "telles. Si fra til den som drifter Innenfor.")
SERVER_PROBLEM = N_("Innlogging er ikke mulig akkurat nå: Innenfor får ikke kontakt med den felles "
                    "databasen (PostgreSQL), og uten den kan ikke innloggingsforsøkene telles. Si fra "
                    "til den som drifter Innenfor.")


class Unavailable(Exception):
    """The book cannot be read or written; str() is the Norwegian sentence for the user."""


class Book(Protocol):
    where: str                          # for the log: the file, or «PostgreSQL»

    def reserve(self, name: str, client: str, now: float) -> tuple[int, bool, int]: ...
    def succeeded(self, name: str, client: str, now: float, upgrade: tuple[str, str] | None) -> None: ...
    def upgraded(self, name: str, configured: str) -> str | None: ...
    def reset(self) -> None: ...
    def unlock(self, name: str) -> int: ...


# The same statements for both (SQLite's «?» becomes PostgreSQL's «%s»).
_TABLES = {
    "attempts": "id {serial} PRIMARY KEY, name TEXT NOT NULL, client TEXT NOT NULL, at {real} NOT NULL, "
                "trusted INTEGER NOT NULL",
    "trusted": "name TEXT NOT NULL, client TEXT NOT NULL, at {real} NOT NULL, PRIMARY KEY (name, client)",
    "upgraded": "name TEXT NOT NULL, configured TEXT NOT NULL, hash TEXT NOT NULL, at {real} NOT NULL, "
                "PRIMARY KEY (name, configured)",
}


class _SqlBook:
    """The counting, written once; subclasses give a transaction that holds the name."""
    prefix = ""
    where = ""

    def _tx(self, name: str | None) -> contextlib.AbstractContextManager[Any]:
        raise NotImplementedError

    def _q(self, con, sql: str, params=()):
        raise NotImplementedError

    def reserve(self, name: str, client: str, now: float) -> tuple[int, bool, int]:
        """(seconds to wait, whether the pause is for the name across clients, tries left) — and,
        when not paused, this attempt counted as a failure until it succeeds."""
        t = self.prefix
        since = now - LOCKOUT_SECONDS
        with self._tx(name) as con:
            self._q(con, f"DELETE FROM {t}attempts WHERE at <= ?", [since])
            self._q(con, f"DELETE FROM {t}trusted WHERE at <= ?", [now - TRUSTED_SECONDS])
            trusted = self._q(con, f"SELECT count(*) FROM {t}trusted WHERE name = ? AND client = ?",
                              [name, client]).fetchone()[0] > 0
            mine = [r[0] for r in self._q(
                con, f"SELECT at FROM {t}attempts WHERE name = ? AND client = ? AND at > ? ORDER BY at",
                [name, client, since]).fetchall()]
            if len(mine) >= MAX_FAILURES:
                return int(LOCKOUT_SECONDS - (now - mine[-MAX_FAILURES])) + 1, False, 0
            if not trusted:
                theirs = [r[0] for r in self._q(
                    con, f"SELECT at FROM {t}attempts WHERE name = ? AND trusted = 0 AND at > ? ORDER BY at",
                    [name, since]).fetchall()]
                if len(theirs) >= MAX_FAILURES_PER_NAME:
                    return int(LOCKOUT_SECONDS - (now - theirs[-MAX_FAILURES_PER_NAME])) + 1, True, 0
            self._q(con, f"INSERT INTO {t}attempts (name, client, at, trusted) VALUES (?, ?, ?, ?)",
                    [name, client, now, int(trusted)])
        return 0, False, MAX_FAILURES - len(mine) - 1

    def succeeded(self, name: str, client: str, now: float, upgrade: tuple[str, str] | None) -> None:
        """The tries from this client are forgotten and the client is known; `upgrade` is
        (hashed old hash, its scrypt hash) to keep."""
        t = self.prefix
        with self._tx(name) as con:
            self._q(con, f"DELETE FROM {t}attempts WHERE name = ? AND client = ?", [name, client])
            self._q(con, f"INSERT INTO {t}trusted VALUES (?, ?, ?) ON CONFLICT (name, client) "
                         "DO UPDATE SET at = excluded.at", [name, client, now])
            if upgrade:
                self._q(con, f"INSERT INTO {t}upgraded VALUES (?, ?, ?, ?) ON CONFLICT (name, configured) "
                             "DO UPDATE SET hash = excluded.hash, at = excluded.at",
                        [name, upgrade[0], upgrade[1], now])

    def upgraded(self, name: str, configured: str) -> str | None:
        with self._tx(None) as con:
            row = self._q(con, f"SELECT hash FROM {self.prefix}upgraded WHERE name = ? AND configured = ?",
                          [name, configured]).fetchone()
        return row[0] if row else None

    def reset(self) -> None:
        with self._tx(None) as con:
            self._q(con, f"DELETE FROM {self.prefix}attempts")
            self._q(con, f"DELETE FROM {self.prefix}trusted")

    def unlock(self, name: str) -> int:
        with self._tx(name) as con:
            return self._q(con, f"DELETE FROM {self.prefix}attempts WHERE name = ?", [name]).rowcount


class SqliteBook(_SqlBook):
    """`<store>.innlogging.sqlite3`: BEGIN IMMEDIATE takes the book's write lock at once."""

    def __init__(self, path: Path):
        self.path = path
        self.where = str(path)

    def _q(self, con, sql: str, params=()):
        return con.execute(sql, params)

    @contextlib.contextmanager
    def _tx(self, name: str | None) -> Iterator[sqlite3.Connection]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.closing(sqlite3.connect(self.path, timeout=30, isolation_level=None)) as con:
                con.executescript("".join(
                    f"CREATE TABLE IF NOT EXISTS {t} ({cols.format(serial='INTEGER', real='REAL')});\n"
                    for t, cols in _TABLES.items())
                    + "CREATE INDEX IF NOT EXISTS attempts_name ON attempts (name, at);")
                con.execute("BEGIN IMMEDIATE")
                try:
                    yield con
                    con.execute("COMMIT")
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
        except (sqlite3.Error, OSError) as e:
            raise Unavailable(_(FOLDER_PROBLEM).format(folder=self.path.parent)) from e

    def reset(self) -> None:
        if self.path.exists():          # forgetting needs no book
            super().reset()

    def unlock(self, name: str) -> int:
        return super().unlock(name) if self.path.exists() else 0


_READY: set[str] = set()                # PostgreSQL URLs whose tables this process has made


class PostgresBook(_SqlBook):
    """Tables signin_* in the shared store's PostgreSQL database. A transaction locks the name's
    row in signin_names (made on first use): tries for one name wait for each other, on every
    replica, and tries for other names do not."""
    prefix = "signin_"
    where = "PostgreSQL"

    def __init__(self, url: str):
        self.url = url

    def _q(self, con, sql: str, params=()):
        return con.execute(sql.replace("?", "%s"), params)

    def _schema(self, pg) -> None:
        with pg.transaction():
            pg.execute("SELECT pg_advisory_xact_lock(%s)", [shared.LOCK_KEY + 2])  # one replica at a time
            for t, cols in _TABLES.items():
                pg.execute(f"CREATE TABLE IF NOT EXISTS signin_{t} "
                           f"({cols.format(serial='BIGSERIAL', real='DOUBLE PRECISION')})")
            pg.execute("CREATE INDEX IF NOT EXISTS signin_attempts_name ON signin_attempts (name, at)")
            pg.execute("CREATE TABLE IF NOT EXISTS signin_names (name TEXT PRIMARY KEY)")
        _READY.add(self.url)

    @contextlib.contextmanager
    def _tx(self, name: str | None) -> Iterator[Any]:
        import psycopg  # only a deployment with PostgreSQL needs the driver loaded
        try:
            with shared.connect(self.url) as pg:
                if self.url not in _READY:
                    self._schema(pg)
                with pg.transaction():
                    if name is not None:
                        pg.execute("INSERT INTO signin_names VALUES (%s) ON CONFLICT DO NOTHING", [name])
                        pg.execute("SELECT name FROM signin_names WHERE name = %s FOR UPDATE", [name])
                    yield pg
        except psycopg.Error as e:
            raise Unavailable(_(SERVER_PROBLEM)) from e


def open_book(store_file: Path) -> Book:
    """PostgreSQL's book when INNENFOR_DATABASE_URL is set, else the SQLite file beside the store."""
    url = shared.url()
    return PostgresBook(url) if url else SqliteBook(store_file)
