"""The DuckDB store: schema, reference tables, the writers' lock and the one place that writes
observations. What an incoming file says against the store is loaders.compare."""
from __future__ import annotations

import fcntl
import os
import shutil
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo import codes, regions
from loaders import disk, shared
from loaders.base import Release
from loaders.disk import has_original as has_original  # re-exported: part of the store's interface
from loaders.disk import missing_originals as missing_originals
from vocab import periods, settings
from vocab.i18n import _
from vocab.keys import KEY
from vocab.status import SQL_HAS_VALUE, SQL_STATUSES

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = ROOT / "data" / "innenfor.duckdb"
RAW_ARCHIVE = ROOT / "data" / "raw"

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS regions (
    code TEXT PRIMARY KEY, name TEXT NOT NULL, level TEXT NOT NULL, parent TEXT,
    valid_from INTEGER, valid_to INTEGER, note TEXT);
CREATE TABLE IF NOT EXISTS region_members (group_code TEXT NOT NULL, member_code TEXT NOT NULL,
    PRIMARY KEY (group_code, member_code));
CREATE TABLE IF NOT EXISTS code_changes (change_date DATE, old_code TEXT, old_name TEXT,
    new_code TEXT, new_name TEXT, kind TEXT);
CREATE TABLE IF NOT EXISTS sources (
    source_id INTEGER PRIMARY KEY, file_name TEXT NOT NULL, sha256 TEXT NOT NULL UNIQUE,
    format TEXT NOT NULL, rows_loaded INTEGER NOT NULL, loaded_at TIMESTAMP NOT NULL,
    loaded_by TEXT, is_demo BOOLEAN NOT NULL DEFAULT FALSE,
    -- The release a file holds (loaders.base.Release): the newest release of a product is shown,
    -- older ones stay as history. `priority` settles a conflict between two products the
    -- coordinator chose to keep both of (higher is shown).
    product TEXT, published_at TIMESTAMP, preliminary BOOLEAN DEFAULT FALSE, release_words TEXT,
    priority INTEGER DEFAULT 0);
CREATE TABLE IF NOT EXISTS observations (
    indicator TEXT NOT NULL, region_code TEXT NOT NULL, period TEXT NOT NULL,
    age TEXT NOT NULL, sex TEXT NOT NULL, category TEXT NOT NULL,
    value DOUBLE, unit TEXT NOT NULL, status TEXT NOT NULL CHECK (status IN {SQL_STATUSES}),
    numerator DOUBLE, denominator DOUBLE,
    -- No PRIMARY KEY / FOREIGN KEY: the index made loads 2x slower and DuckDB cannot delete a
    -- source and its rows in one transaction. The loader checks duplicates within a file and
    -- conflicts across files; tests check every row links to a source.
    source_id INTEGER NOT NULL, note TEXT,
    -- Stored at load time so no query re-derives them: the calendar year and kind of `period`
    -- (vocab.periods), and whether Innenfor computed the figure (a merged municipality's sum).
    year INTEGER NOT NULL, period_kind TEXT NOT NULL, computed BOOLEAN NOT NULL DEFAULT FALSE,
    CHECK ((status IN {SQL_HAS_VALUE}) = (value IS NOT NULL)));
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
""" + """
-- The partnership's plans (loaders.plans): each row belongs to the file or form entry it came in.
CREATE TABLE IF NOT EXISTS targets (
    indicator TEXT NOT NULL, region_code TEXT NOT NULL, age TEXT NOT NULL, category TEXT NOT NULL,
    baseline_period TEXT NOT NULL, target_value DOUBLE NOT NULL, target_year INTEGER NOT NULL,
    decided_by TEXT NOT NULL, decided_on DATE, source_id INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS measures (
    name TEXT NOT NULL, region_code TEXT NOT NULL, start_date DATE NOT NULL, end_date DATE,
    age TEXT, indicators TEXT, responsible TEXT, category TEXT, description TEXT, link TEXT,
    source_id INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS costs (
    kr_per_year DOUBLE NOT NULL, source_text TEXT NOT NULL, decided_by TEXT, decided_on DATE,
    source_id INTEGER NOT NULL);
"""

# The columns of `observations`, in the order write() inserts them.
OBSERVATION_COLUMNS = KEY + ["value", "unit", "status", "numerator", "denominator", "source_id",
                             "note", "year", "period_kind", "computed"]


def db_path(path: str | os.PathLike[str] | None = None) -> Path:
    if path:
        return Path(path)
    return Path(settings.env("INNENFOR_DB") or DEFAULT_DB) if settings.is_set("INNENFOR_DB") else DEFAULT_DB


def connect(path=None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    p = db_path(path)
    if read_only:
        return duckdb.connect(str(p), read_only=True)
    p.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(p))
    ensure_schema(con)
    return con


def ensure_schema(con) -> None:
    if con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"
                   ).fetchone()[0]:
        _upgrade(con)
        return
    con.execute("BEGIN")
    con.execute(SCHEMA)
    con.register("r", pd.DataFrame(regions.region_rows()))
    con.execute("INSERT INTO regions SELECT code, name, level, parent, valid_from, valid_to, note FROM r")
    con.register("m", pd.DataFrame(regions.member_rows()).drop_duplicates())
    con.execute("INSERT INTO region_members SELECT group_code, member_code FROM m")
    con.register("c", pd.DataFrame([c.__dict__ for c in codes.changes()]))
    con.execute("INSERT INTO code_changes SELECT CAST(date AS DATE), old_code, old_name, new_code,"
                " new_name, kind FROM c")
    con.execute("INSERT INTO meta VALUES ('version', '0'), ('store_id', ?)", [uuid.uuid4().hex])
    con.execute("COMMIT")
    for name in ("r", "m", "c"):
        con.unregister(name)


# Columns added since the first stores were written: (table, column, type, value for old rows).
_ADDED = [("sources", "product", "TEXT", "format"), ("sources", "published_at", "TIMESTAMP", "NULL"),
          ("sources", "preliminary", "BOOLEAN DEFAULT FALSE", "FALSE"),
          ("sources", "release_words", "TEXT", "''"), ("sources", "priority", "INTEGER DEFAULT 0", "0")]


def _columns(con, table: str) -> set[str]:
    return {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns "
                                      "WHERE table_name = ?", [table]).fetchall()}


def needs_upgrade(con) -> bool:
    """A store written before observations had year, period_kind and computed, or sources
    their release."""
    obs, src = _columns(con, "observations"), _columns(con, "sources")
    return bool(obs) and ("year" not in obs or any(c not in src for _t, c, _k, _f in _ADDED)
                          or not _columns(con, "targets") or not _columns(con, "costs"))


def _upgrade(con) -> None:
    """Add the columns an older store lacks, filled as a load fills them: the year and kind of
    each distinct period (vocab.periods), `computed` for merged municipalities' sums (which the
    loader then marked only by their note), and each file as its own release of its format."""
    if not needs_upgrade(con):
        return
    con.execute("BEGIN")
    con.execute(SCHEMA)                  # tables added since (CREATE … IF NOT EXISTS)
    for table, col, kind, fill in _ADDED:
        if col not in _columns(con, table):
            con.execute(f"ALTER TABLE {table} ADD COLUMN {col} {kind}")
            con.execute(f"UPDATE {table} SET {col} = {fill}")
    if "year" in _columns(con, "observations"):
        con.execute("COMMIT")
        return
    found = [r[0] for r in con.execute("SELECT DISTINCT period FROM observations").fetchall()]
    con.register("pk", pd.DataFrame({"period": found, "year": [periods.year(p) or 0 for p in found],
                                     "kind": [periods.kind(p) or "" for p in found]}))
    con.execute("ALTER TABLE observations ADD COLUMN year INTEGER")
    con.execute("ALTER TABLE observations ADD COLUMN period_kind TEXT")
    con.execute("ALTER TABLE observations ADD COLUMN computed BOOLEAN DEFAULT FALSE")
    con.execute("UPDATE observations o SET year = pk.year, period_kind = pk.kind FROM pk "
                "WHERE pk.period = o.period")
    con.execute("UPDATE observations SET computed = coalesce(note LIKE 'summert fra %', FALSE)")
    con.execute("COMMIT")
    con.unregister("pk")


def upgrade(path=None) -> bool:
    """Bring an older store's schema up to date (under the writers' lock); True if it did."""
    p = db_path(path)
    if not p.exists():
        return False
    with reader(p) as con:
        if not needs_upgrade(con):
            return False
    with writer(p):   # connect() inside writer() runs ensure_schema → _upgrade
        pass
    return True


def version(con) -> int:
    return int(con.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()[0])


def identity(con) -> str:
    """«<store id>:<version>»: changes with every write, and differs between two stores built
    at the same path (a rebuilt store starts again at version 0). Caches are keyed on it."""
    rows = dict(con.execute("SELECT key, value FROM meta WHERE key IN ('store_id', 'version')"
                            ).fetchall())
    return f"{rows.get('store_id', '')}:{rows['version']}"


def exists(path=None) -> bool:
    return db_path(path).exists()


def store_is_readable(path=None) -> bool:
    """The file is there and opens as a store (has the sources table)."""
    if not exists(path):
        return False
    try:
        with reader(path) as con:
            return bool(_columns(con, "sources"))
    except Exception:  # noqa: BLE001 - anything that does not open is "not a store"
        return False


@contextmanager
def reader(path=None):
    """A read-only connection; readers never take the writer's lock. With PostgreSQL, the local
    copy is first brought up to date when another replica has changed it (loaders.shared)."""
    shared.refresh(db_path(path))
    con = connect(path, read_only=True)
    try:
        yield con
    finally:
        con.close()


class Busy(Exception):
    """Another coordinator is saving right now."""


class Rollback(Exception):
    """Raised inside `writer()` to leave the store exactly as it was."""


@contextmanager
def locked(path=None, wait_seconds: float = 30.0):
    """Hold the writers' lock (<db>.lock) for the store at `path`: whoever swaps a new file in
    (a load, an undo, a rebuild of the demo store) holds it, so no swap undoes another's."""
    p = db_path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    lock = open(p.with_name(p.name + ".lock"), "w")  # noqa: SIM115 - held until the swap is done
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() > deadline:
                lock.close()
                raise Busy(_("En annen lagring pågår. Vent litt og prøv igjen; ingenting er "
                             "endret.")) from None
            time.sleep(0.1)
    try:
        yield p
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()


@contextmanager
def writer(path=None, wait_seconds: float = 30.0):
    """Write to a copy of the store and swap it in atomically when done.

    Readers keep reading the old file (DuckDB allows one writing process per file, and a
    reader must never see half a load); writers queue on a lock file, so two coordinators
    saving at once are serialised and nothing is lost. What a dead writer left (its copy, a
    half-written original) is removed first. Whatever the block archives (a load's original)
    is on disk before the swap: a store never holds a file whose original is missing."""
    # With PostgreSQL (loaders.shared), its lock is held too, the local copy is made current
    # first, and what the block changed is sent there before the local swap.
    with locked(path, wait_seconds) as p, shared.session(p, wait_seconds) as pg:
        clean_leftovers(p)
        tmp = p.with_name(f"{p.name}.{os.getpid()}.writing")
        try:
            if p.exists():
                shutil.copyfile(p, tmp)
            con = connect(tmp)
            try:
                before = shared.source_ids(con)
                yield con
                if pg is not None:
                    after = shared.source_ids(con)
                    shared.push(pg, con, sorted(after - before), sorted(before - after), p.parent / "raw")
                con.execute("CHECKPOINT")
            finally:
                con.close()
            disk.fsync(tmp)
            os.replace(tmp, p)
            disk.fsync_dir(p.parent, after_swap=True)
        finally:
            for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
                try:
                    leftover.unlink(missing_ok=True)
                except OSError:   # (a read-only folder): reported by the next clean_leftovers
                    pass


# --- files beside the store (loaders.disk) ---------------------------------------------------------

def leftovers(path=None) -> tuple[list[Path], list[Path]]:
    """(dead, busy) half-written files beside the store at `path` (loaders.disk.leftovers)."""
    return disk.leftovers(db_path(path))


def clean_leftovers(path=None) -> list[Path]:
    """Remove what dead writers left beside the store at `path` (loaders.disk.clean_leftovers)."""
    return disk.clean_leftovers(db_path(path))


def archive(raw_data: bytes, sha256: str, archive_dir: Path | None = None) -> Path:
    """Keep the original bytes, named by hash, durably (loaders.disk.archive)."""
    return disk.archive(raw_data, sha256, archive_dir or RAW_ARCHIVE)


def disk_problem(e: BaseException, path=None, outcome: str | None = None) -> str | None:
    """A sentence (in the current language) for a write the disk under the store at `path`
    refused, or None (loaders.disk.problem). `outcome` (translated) says what became of the
    store; by default that nothing was saved."""
    return disk.problem(e, db_path(path).parent, outcome)


def find_source(con, sha256: str):
    return con.execute("SELECT source_id, file_name, loaded_at FROM sources WHERE sha256 = ?",
                       [sha256]).fetchone()


def as_arrow(obs):
    """The observations as an Arrow table: DuckDB scans it without converting Python objects
    (a pandas frame with object/str columns costs seconds per million rows)."""
    if isinstance(obs, pa.Table):
        return obs
    return pa.Table.from_pandas(obs, preserve_index=False)


def write(con, obs, *, file_name: str, sha256: str, fmt: str, loaded_by: str | None = None,
          is_demo: bool = False, release: Release | None = None, priority: int = 0) -> int:
    """Insert one file's observations (DataFrame or Arrow table) in a single transaction;
    returns the new source id. `release` says which release of which product the file is
    (default: its own release of the format, published when loaded)."""
    obs = _with_period_columns(as_arrow(obs))
    rel = release or Release()
    con.execute("BEGIN")
    try:
        source_id = last_source_id(con) + 1
        set_last_source_id(con, source_id)
        con.execute("INSERT INTO sources (source_id, file_name, sha256, format, rows_loaded, loaded_at, "
                    "loaded_by, is_demo, product, published_at, preliminary, release_words, priority) "
                    "VALUES (?, ?, ?, ?, ?, now(), ?, ?, ?, ?, ?, ?, ?)",
                    [source_id, file_name, sha256, fmt, len(obs), loaded_by, is_demo,
                     rel.product or fmt, rel.published, rel.preliminary, rel.words, priority])
        con.register("incoming", obs)
        con.execute(f"""INSERT INTO observations ({", ".join(OBSERVATION_COLUMNS)})
            SELECT indicator, region_code, period, age, sex, category, value, unit, status,
                   numerator, denominator, {int(source_id)}, note, year, period_kind, computed
            FROM incoming""")
        con.unregister("incoming")
        con.execute("UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) "
                    "WHERE key = 'version'")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return source_id


def _with_period_columns(obs):
    """`obs` with year and period_kind for its periods, and computed (False unless given):
    worked out once per distinct period, not per row."""
    col = obs["period"]
    if not pa.types.is_dictionary(col.type):
        col = pc.dictionary_encode(col)
    enc = col.unify_dictionaries().combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    distinct = [str(p) for p in enc.dictionary.to_pylist()]
    years = pa.array([periods.year(p) or 0 for p in distinct], pa.int32())
    kinds = pa.array([periods.kind(p) or "" for p in distinct], pa.string())
    for name, values in (("year", years), ("period_kind", kinds)):
        if name in obs.column_names:
            obs = obs.drop_columns([name])
        obs = obs.append_column(name, pc.take(values, enc.indices))
    if "computed" not in obs.column_names:
        return obs.append_column("computed", pa.array([False] * obs.num_rows, pa.bool_()))
    i = obs.column_names.index("computed")
    return obs.set_column(i, "computed", pc.fill_null(obs["computed"].cast(pa.bool_()), False))


def last_source_id(con) -> int:
    """The highest source id this store has given out, undone loads included. Ids are never
    reused, so a pending «Ja, fjern filen» for a removed file cannot remove another."""
    return con.execute("""SELECT greatest((SELECT coalesce(max(source_id), 0) FROM sources),
        (SELECT coalesce(max(CAST(value AS INTEGER)), 0) FROM meta WHERE key = 'last_source_id'))
        """).fetchone()[0]


def set_last_source_id(con, n: int) -> None:
    con.execute("INSERT OR REPLACE INTO meta VALUES ('last_source_id', ?)", [str(int(n))])


def remove_source(con, source_id: int) -> int:
    """Undo one loaded file: its rows (figures, targets or measures) go; the same rows from
    other files stay. Returns how many rows went."""
    con.execute("BEGIN")
    try:
        n = 0
        for table in ("observations", "targets", "measures", "costs"):
            n += con.execute(f"SELECT count(*) FROM {table} WHERE source_id = ?", [source_id]).fetchone()[0]
            con.execute(f"DELETE FROM {table} WHERE source_id = ?", [source_id])
        con.execute("DELETE FROM sources WHERE source_id = ?", [source_id])
        con.execute("UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) "
                    "WHERE key = 'version'")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return n


def history(con):
    """Every loaded file with what it touched, newest first."""
    return con.execute("""
        SELECT s.source_id, s.file_name, s.format, s.rows_loaded, s.loaded_at, s.loaded_by,
               s.sha256, s.is_demo, s.product, s.published_at, s.preliminary,
               string_agg(DISTINCT o.indicator, ', ' ORDER BY o.indicator) AS indicators,
               min(o.period) AS first_period, max(o.period) AS last_period
        FROM sources s LEFT JOIN observations o USING (source_id)
        GROUP BY ALL ORDER BY s.source_id DESC""").df()
