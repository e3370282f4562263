"""PostgreSQL as the shared store, when INNENFOR_DATABASE_URL is set: the system of record for
what coordinators change (sources and their releases, observations, targets, measures, the
originals), so any replica can take an upload and every replica sees it.

Each replica keeps its own DuckDB file for fast reads (loaders.store). The two meet here:
- pull(): when PostgreSQL's version differs from the local copy's, the local copy is rebuilt from
  PostgreSQL and swapped in atomically (readers never see half a copy);
- a write (store.writer) holds PostgreSQL's advisory lock, pulls first, writes the local copy as
  without PostgreSQL, then push() sends exactly the sources it added or removed, with their rows
  and originals, in one PostgreSQL transaction, and only then is the local copy swapped in.
Reference tables (regions, code changes) are built locally from geo/, as without PostgreSQL.
A PostgreSQL database nobody has written to yet takes over the first replica's existing store
(adopt()), so switching PostgreSQL on does not hide the files already loaded."""
from __future__ import annotations

import contextlib
import io
import time
from collections.abc import Iterator

import duckdb
import pyarrow as pa
import pyarrow.csv as pcsv

from vocab import settings
from vocab.i18n import _

# The tables PostgreSQL keeps, with their columns in the local store's order (loaders.store).
TABLES = {
    "sources": ("source_id INTEGER PRIMARY KEY, file_name TEXT NOT NULL, sha256 TEXT NOT NULL UNIQUE, "
                "format TEXT NOT NULL, rows_loaded INTEGER NOT NULL, loaded_at TIMESTAMP NOT NULL, "
                "loaded_by TEXT, is_demo BOOLEAN NOT NULL, product TEXT, published_at TIMESTAMP, "
                "preliminary BOOLEAN, release_words TEXT, priority INTEGER"),
    "observations": ("indicator TEXT NOT NULL, region_code TEXT NOT NULL, period TEXT NOT NULL, "
                     "age TEXT NOT NULL, sex TEXT NOT NULL, category TEXT NOT NULL, value DOUBLE PRECISION, "
                     "unit TEXT NOT NULL, status TEXT NOT NULL, numerator DOUBLE PRECISION, "
                     "denominator DOUBLE PRECISION, source_id INTEGER NOT NULL, note TEXT, "
                     "year INTEGER NOT NULL, period_kind TEXT NOT NULL, computed BOOLEAN NOT NULL"),
    "targets": ("indicator TEXT NOT NULL, region_code TEXT NOT NULL, age TEXT NOT NULL, "
                "category TEXT NOT NULL, baseline_period TEXT NOT NULL, "
                "target_value DOUBLE PRECISION NOT NULL, target_year INTEGER NOT NULL, "
                "decided_by TEXT NOT NULL, decided_on DATE, source_id INTEGER NOT NULL"),
    "measures": ("name TEXT NOT NULL, region_code TEXT NOT NULL, start_date DATE NOT NULL, end_date DATE, "
                 "age TEXT, indicators TEXT, responsible TEXT, category TEXT, description TEXT, link TEXT, "
                 "source_id INTEGER NOT NULL"),
    "costs": ("kr_per_year DOUBLE PRECISION NOT NULL, source_text TEXT NOT NULL, decided_by TEXT, "
              "decided_on DATE, source_id INTEGER NOT NULL"),
}
LOCK_KEY = 2035_0001            # the advisory lock every writer takes (any number, the same everywhere)


def url() -> str | None:
    """The PostgreSQL URL from INNENFOR_DATABASE_URL, or None: then the DuckDB file alone is the store."""
    return settings.env("INNENFOR_DATABASE_URL") if settings.is_set("INNENFOR_DATABASE_URL") else None


_ARROW = {"TEXT": pa.string(), "INTEGER": pa.int64(), "DOUBLE": pa.float64(), "BOOLEAN": pa.bool_(),
          "TIMESTAMP": pa.timestamp("us"), "DATE": pa.date32()}


def _types(table: str) -> dict[str, pa.DataType]:
    """Column → Arrow type, from the table's PostgreSQL columns."""
    return {c.split()[0]: _ARROW[c.split()[1]] for c in (x.strip() for x in TABLES[table].split(", "))}


def _columns(table: str) -> list[str]:
    return list(_types(table))


def connect(dsn: str | None = None):
    import psycopg  # only a deployment with PostgreSQL needs the driver loaded
    return psycopg.connect(dsn or url() or "", autocommit=True, connect_timeout=10)


def ensure_schema(pg) -> None:
    with pg.transaction():
        # One replica at a time: PostgreSQL's CREATE … IF NOT EXISTS is not safe run in parallel.
        pg.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY + 1])
        for table, cols in TABLES.items():
            pg.execute(f"CREATE TABLE IF NOT EXISTS {table} ({cols})")
        pg.execute("CREATE INDEX IF NOT EXISTS observations_source ON observations (source_id)")
        pg.execute("CREATE TABLE IF NOT EXISTS originals (sha256 TEXT PRIMARY KEY, data BYTEA NOT NULL)")
        pg.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        pg.execute("INSERT INTO meta VALUES ('version', '0'), ('store_id', md5(random()::text)), "
                   "('last_source_id', '0') ON CONFLICT (key) DO NOTHING")


def state(pg) -> dict[str, str]:
    """PostgreSQL's store_id, version and last_source_id."""
    return dict(pg.execute("SELECT key, value FROM meta").fetchall())


def fresh(pg) -> bool:
    """Nobody has written to this PostgreSQL store yet."""
    return "written" not in state(pg) and not pg.execute("SELECT count(*) FROM sources").fetchone()[0]


def local_state(con) -> dict[str, str]:
    return dict(con.execute("SELECT key, value FROM meta").fetchall())


@contextlib.contextmanager
def lock(pg, wait_seconds: float = 30.0) -> Iterator[None]:
    """The writers' lock, across every replica: PostgreSQL's advisory lock."""
    from loaders.store import Busy
    deadline = time.monotonic() + wait_seconds
    while not pg.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY]).fetchone()[0]:
        if time.monotonic() > deadline:
            raise Busy(_("En annen lagring pågår. Vent litt og prøv igjen; ingenting er endret."))
        time.sleep(0.1)
    try:
        yield
    finally:
        pg.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])


def _copy_out(pg, table: str, where: str = "TRUE", params=()) -> pa.Table:
    cols = _columns(table)
    buf = io.BytesIO()
    with pg.cursor().copy(f"COPY (SELECT {', '.join(cols)} FROM {table} WHERE {where}) "
                          "TO STDOUT (FORMAT csv, HEADER true)", params) as cp:
        for chunk in cp:
            buf.write(chunk)
    types = _types(table)
    if buf.tell() == 0:
        return pa.table({c: pa.array([], types[c]) for c in cols})
    buf.seek(0)
    # PostgreSQL's CSV: NULL is an unquoted empty field, an empty text a quoted one; t/f booleans.
    return pcsv.read_csv(buf, convert_options=pcsv.ConvertOptions(
        column_types=types, strings_can_be_null=True, quoted_strings_can_be_null=False,
        true_values=["t", "true"], false_values=["f", "false"]))


def pull(pg, con) -> None:
    """Replace the plan and figure tables of the local store `con` (inside its transaction)
    with PostgreSQL's, and take PostgreSQL's identity and version."""
    for table in TABLES:
        con.execute(f"DELETE FROM {table}")
        data = _copy_out(pg, table)
        if data.num_rows:
            con.register("pulled", data)
            cols = ", ".join(_columns(table))
            con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM pulled")
            con.unregister("pulled")
    for key, value in state(pg).items():
        con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])


def push(pg, con, added: list[int], removed: list[int], archive_dir=None) -> None:
    """Send the sources the local write added (with their rows and, from `archive_dir`, their
    originals) and the ones it removed, and the local version, to PostgreSQL in one transaction."""
    with pg.transaction():
        if added and archive_dir is not None:
            for (sha,) in con.execute("SELECT sha256 FROM sources WHERE list_contains(?, source_id)",
                                      [added]).fetchall():
                if (archive_dir / sha).is_file():
                    put_original(pg, sha, (archive_dir / sha).read_bytes())
        for table in TABLES:
            if removed:
                pg.execute(f"DELETE FROM {table} WHERE source_id = ANY(%s)", [removed])
            if not added:
                continue
            cols = _columns(table)
            rows = con.sql(f"SELECT {', '.join(cols)} FROM {table} WHERE list_contains($ids, source_id)",
                           params={"ids": added}).to_arrow_table()
            if rows.num_rows:
                buf = io.BytesIO()
                pcsv.write_csv(rows, buf, pcsv.WriteOptions(include_header=False, quoting_style="needed"))
                with pg.cursor().copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN (FORMAT csv)") as cp:
                    cp.write(buf.getvalue())
        _take_meta(pg, con, ("version", "last_source_id"))


def _take_meta(pg, con, keys) -> None:
    for key, value in local_state(con).items():
        if key in keys:
            pg.execute("INSERT INTO meta VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = "
                       "excluded.value", [key, value])
    pg.execute("INSERT INTO meta VALUES ('written', 'ja') ON CONFLICT (key) DO NOTHING")


def adopt(pg, con, archive_dir=None) -> None:
    """Make a fresh PostgreSQL store hold the local store `con`: every source with its rows and
    originals, and the local identity and version (so the local copy is current as it is)."""
    with pg.transaction():
        push(pg, con, sorted(source_ids(con)), [], archive_dir)
        _take_meta(pg, con, ("store_id", "version", "last_source_id"))


def put_original(pg, sha256: str, data: bytes) -> None:
    pg.execute("INSERT INTO originals VALUES (%s, %s) ON CONFLICT (sha256) DO NOTHING", [sha256, data])


def get_original(pg, sha256: str) -> bytes | None:
    row = pg.execute("SELECT data FROM originals WHERE sha256 = %s", [sha256]).fetchone()
    return bytes(row[0]) if row else None


def source_ids(con) -> set[int]:
    return {r[0] for r in con.execute("SELECT source_id FROM sources").fetchall()}


def behind(con: duckdb.DuckDBPyConnection, pg) -> bool:
    """The local copy is not PostgreSQL's current state."""
    mine, theirs = local_state(con), state(pg)
    return (mine.get("store_id"), mine.get("version")) != (theirs.get("store_id"), theirs.get("version"))


_checked = {"at": 0.0}
REFRESH_SECONDS = 2.0             # how often a reader asks PostgreSQL whether something changed


def rebuild(pg, path) -> None:
    """A new local copy of PostgreSQL's state at `path`, swapped in atomically (the caller holds
    the local writers' lock)."""
    import os

    from loaders import store
    tmp = path.with_name(f"{path.name}.{os.getpid()}.pulling")
    for p in (tmp, tmp.with_name(tmp.name + ".wal")):
        p.unlink(missing_ok=True)
    con = store.connect(tmp)
    try:
        con.execute("BEGIN")
        with pg.transaction():   # one snapshot: a write committed meanwhile is all in or all out
            pg.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            pull(pg, con)
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    os.replace(tmp, path)


@contextlib.contextmanager
def session(path, wait_seconds: float = 30.0) -> Iterator[object | None]:
    """For a writer (inside the local writers' lock): None without PostgreSQL; else a connection
    holding PostgreSQL's writers' lock, with the local copy at `path` made current first."""
    if url() is None:
        yield None
        return
    pg = connect()
    try:
        ensure_schema(pg)
        with lock(pg, wait_seconds):
            _make_current(pg, path)
            yield pg
    finally:
        pg.close()


def _make_current(pg, path) -> None:
    """Under PostgreSQL's writers' lock: a fresh PostgreSQL adopts the local store; otherwise a
    local copy that is missing or behind is rebuilt."""
    if path.exists() and fresh(pg):
        con = duckdb.connect(str(path), read_only=True)
        try:
            adopt(pg, con, path.parent / "raw")
        finally:
            con.close()
    elif not path.exists() or _behind_file(path, pg):
        rebuild(pg, path)


def _behind_file(path, pg) -> bool:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return behind(con, pg)
    finally:
        con.close()


def refresh(path) -> bool:
    """For readers: when PostgreSQL has changed since the local copy was made, make a new copy
    (at most every REFRESH_SECONDS). True when it did."""
    if url() is None or time.monotonic() - _checked["at"] < REFRESH_SECONDS:
        return False
    _checked["at"] = time.monotonic()
    from loaders import store
    pg = connect()
    try:
        ensure_schema(pg)
        if path.exists() and not _behind_file(path, pg):
            return False
        with store.locked(path):
            if path.exists() and not _behind_file(path, pg):
                return False
            if path.exists() and fresh(pg):
                with lock(pg):            # adopting writes to PostgreSQL: as a writer does
                    _make_current(pg, path)
            else:
                rebuild(pg, path)
        return True
    finally:
        pg.close()
