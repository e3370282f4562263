"""The DuckDB store: schema, reference tables and the one place that writes observations."""
from __future__ import annotations

import fcntl
import os
import shutil
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo import codes, regions
from vocab import periods, settings
from vocab.keys import KEY
from vocab.numbers import as_written
from vocab.status import SQL_HAS_VALUE, SQL_STATUSES
from vocab.status import word as status_word

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
    loaded_by TEXT, is_demo BOOLEAN NOT NULL DEFAULT FALSE);
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


def needs_upgrade(con) -> bool:
    """A store written before observations had year, period_kind and computed."""
    cols = {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns "
                                      "WHERE table_name = 'observations'").fetchall()}
    return bool(cols) and "year" not in cols


def _upgrade(con) -> None:
    """Add the columns a store from before 2026-12 lacks, filled as a load fills them: the year
    and kind of each distinct period (vocab.periods), and `computed` for merged municipalities'
    sums, which the loader then marked only by their note."""
    if not needs_upgrade(con):
        return
    found = [r[0] for r in con.execute("SELECT DISTINCT period FROM observations").fetchall()]
    con.execute("BEGIN")
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


@contextmanager
def reader(path=None):
    """A read-only connection; readers never take the writer's lock."""
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
                raise Busy("En annen lagring pågår. Vent litt og prøv igjen; ingenting er endret.") from None
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
    saving at once are serialised and nothing is lost."""
    with locked(path, wait_seconds) as p:
        tmp = p.with_name(f"{p.name}.{os.getpid()}.writing")
        try:
            if p.exists():
                shutil.copyfile(p, tmp)
            con = connect(tmp)
            try:
                yield con
                con.execute("CHECKPOINT")
            finally:
                con.close()
            os.replace(tmp, p)
        finally:
            for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
                leftover.unlink(missing_ok=True)


def find_source(con, sha256: str):
    return con.execute("SELECT source_id, file_name, loaded_at FROM sources WHERE sha256 = ?",
                       [sha256]).fetchone()


def as_arrow(obs):
    """The observations as an Arrow table: DuckDB scans it without converting Python objects
    (a pandas frame with object/str columns costs seconds per million rows)."""
    if isinstance(obs, pa.Table):
        return obs
    return pa.Table.from_pandas(obs, preserve_index=False)


def _decimals(col: str) -> str:
    """SQL: the decimals a value was published with (9: more than 3, i.e. computed)."""
    return ("CASE " + " ".join(f"WHEN abs({col} - round({col}, {d})) < 1e-9 THEN {d}" for d in range(4))
            + " ELSE 9 END")


# Pairs of an incoming row and a stored row from another file with the same key. Only shown
# numbers are compared: a hidden one (skjermet, mangler, a part of a merged area) contradicts
# nothing, and readers prefer a shown one. Counts are compared where both sides have them; two
# shares are the same figure rounded twice when they differ by no more than half a unit of each
# one's last published decimal (11,7 and 11,67; 1,8 and 1,9 for 1,85), shares being published
# with at least one decimal (11 is read as 11,0). 11,7 and 11,79 differ.
_PAIRS = f"""
    WITH pairs AS (
        SELECT i.indicator, i.region_code, i.period, i.age, i.sex, i.category,
               i.value AS iv, i.status AS ist, o.value AS ov, o.status AS ost, s.file_name,
               abs(i.value - o.value) AS gap,
               CASE WHEN i.unit <> 'prosent' THEN 1e-6
                    ELSE 0.5 * pow(10, -greatest({_decimals('i.value')}, 1))
                         + 0.5 * pow(10, -greatest({_decimals('o.value')}, 1)) + 1e-6 END AS tol,
               coalesce(abs(i.numerator - o.numerator) > 1e-6, FALSE)
                   OR coalesce(abs(i.denominator - o.denominator) > 1e-6, FALSE) AS counts_differ
        FROM incoming i
        JOIN observations o USING (indicator, region_code, period, age, sex, category)
        JOIN sources s ON s.source_id = o.source_id
        WHERE i.status IN {SQL_HAS_VALUE} AND o.status IN {SQL_HAS_VALUE}),
    judged AS (SELECT *, (ist <> ost OR counts_differ OR gap > tol) AS differs FROM pairs)"""


_KEY = ", ".join(KEY)


@dataclass
class Clash:
    """What an incoming file says against the store: `problems` names the first conflicts,
    `total` counts them all; `rounded` rows agree but for rounding (the store's are kept)."""
    problems: list = field(default_factory=list)
    total: int = 0
    rounded: int = 0
    rounded_example: str = ""

    def __bool__(self) -> bool:
        return self.total > 0


def conflicts(con, obs, limit: int = 5) -> Clash:
    """Rows whose key is already in the store from another file with a different figure.
    `obs` is a DataFrame or an Arrow table (as_arrow)."""
    obs = as_arrow(obs)
    if not _may_overlap(con, obs):
        return Clash()
    con.register("incoming", obs)
    try:
        total, rounded = con.execute(_PAIRS + f"""
            SELECT count(DISTINCT ({_KEY})) FILTER (WHERE differs),
                   count(DISTINCT ({_KEY})) FILTER (WHERE NOT differs AND gap > 1e-6)
            FROM judged""").fetchone()
        query = _PAIRS + """
            SELECT indicator, region_code, period, age, sex, category, iv, ist, ov, ost, file_name
            FROM judged WHERE {} ORDER BY 1, 2, 3, 4, 5, 6, file_name LIMIT ?"""
        clashing = con.execute(query.format("differs"), [limit]).fetchall()
        rounding = con.execute(query.format("NOT differs AND gap > 1e-6"), [1]).fetchall()
    finally:
        con.unregister("incoming")

    def line(r) -> str:
        return (f"{r[0]} {r[1]} {r[2]} (alder {r[3]}, kjønn {r[4]}, kategori {r[5]}): filen har "
                f"{_show(r[6], r[7])}, men «{r[10]}» har allerede {_show(r[8], r[9])}")
    return Clash(problems=[line(r) for r in clashing], total=total, rounded=rounded,
                 rounded_example=line(rounding[0]) if rounding else "")


def _may_overlap(con, obs) -> bool:
    """False when no stored row can share a key with `obs` (same indicator, period in range):
    then the conflict query, a join over every incoming row, is skipped."""
    if obs.num_rows == 0:
        return False
    indicators = pc.unique(obs["indicator"]).to_pylist()
    periods = pc.unique(obs["period"]).to_pylist()   # (min_max has no kernel for dictionaries)
    return con.execute(
        "SELECT EXISTS (SELECT 1 FROM observations WHERE indicator IN (SELECT unnest(?)) "
        "AND period BETWEEN ? AND ?)", [indicators, min(periods), max(periods)]).fetchall()[0][0]


def _show(value, status) -> str:
    if value is None:
        return status_word(status)
    return as_written(value, 2)


def write(con, obs, *, file_name: str, sha256: str, fmt: str,
          loaded_by: str | None = None, is_demo: bool = False) -> int:
    """Insert one file's observations (DataFrame or Arrow table) in a single transaction;
    returns the new source id."""
    obs = _with_period_columns(as_arrow(obs))
    con.execute("BEGIN")
    try:
        source_id = last_source_id(con) + 1
        set_last_source_id(con, source_id)
        con.execute("INSERT INTO sources VALUES (?, ?, ?, ?, ?, now(), ?, ?)",
                    [source_id, file_name, sha256, fmt, len(obs), loaded_by, is_demo])
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
    """Undo one loaded file: its observations go; the same rows from other files stay."""
    con.execute("BEGIN")
    try:
        n = con.execute("SELECT count(*) FROM observations WHERE source_id = ?", [source_id]).fetchone()[0]
        con.execute("DELETE FROM observations WHERE source_id = ?", [source_id])
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
               s.sha256, s.is_demo,
               string_agg(DISTINCT o.indicator, ', ' ORDER BY o.indicator) AS indicators,
               min(o.period) AS first_period, max(o.period) AS last_period
        FROM sources s LEFT JOIN observations o USING (source_id)
        GROUP BY ALL ORDER BY s.source_id DESC""").df()


def archive(raw_data: bytes, sha256: str, archive_dir: Path | None = None) -> Path:
    """Keep the original bytes, named by hash (never by the user's file name)."""
    d = archive_dir or RAW_ARCHIVE
    d.mkdir(parents=True, exist_ok=True)
    p = d / sha256
    if not p.exists():
        tmp = p.with_suffix(".tmp")
        tmp.write_bytes(raw_data)
        tmp.replace(p)
    return p
