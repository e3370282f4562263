"""The coordinator's workspace behind the "Data" page: preview, save, history, undo, originals.
The page only lays these out; every rule lives here or in the pipeline."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from loaders import pipeline, shared, store
from loaders.base import RawFile
from vocab import indicators
from vocab.i18n import _, ngettext
from vocab.numbers import integer


@dataclass
class Preview:
    result: pipeline.LoadResult
    summary: dict

    @property
    def can_save(self) -> bool:
        return self.result.outcome == "checked"


def preview(name: str, data: bytes, db=None, period: str | None = None, *,
            preliminary: bool = False, on_conflict: str | None = None) -> Preview:
    """Detect, validate and compare with the store without storing anything."""
    raw = RawFile(name, data, period_hint=period)
    r = pipeline.load_raw(raw, db, dry_run=True, preliminary=preliminary, on_conflict=on_conflict)
    summary = summarise(r.observations)
    if r.observations is not None and store.exists(db):
        with store.reader(db) as con:
            summary["erstatter demodata"] = replaced_demo(con, r.observations)
    return Preview(r, summary)


def summarise(obs: pd.DataFrame | None) -> dict:
    """What a file holds, for the preview: which indicators, places, periods, age bands and
    sexes (so all ages are never mistaken for the young), and how many figures are hidden."""
    if obs is None or obs.empty:
        return {}
    ids = sorted(obs["indicator"].unique())
    return {
        "indikatorer": ", ".join(indicators.get(i).short for i in ids),
        "kommuner": int(obs.loc[obs["region_code"].str.len() == 4, "region_code"].nunique()),
        "perioder": f"{obs['period'].min()} – {obs['period'].max()}",
        "aldersgrupper": ", ".join(indicators.label("age", a) for a in sorted(obs["age"].unique())),
        "kjønn": ", ".join(indicators.label("sex", x) for x in sorted(obs["sex"].unique())),
        "rader": len(obs),
        "skjermet": int((obs["status"] == "suppressed").sum()),
        "mangler": int((obs["status"] == "missing").sum()),
    }


def replaced_demo(con, obs: pd.DataFrame) -> list[str]:
    """The indicators of `obs` whose figures in the views are demo data today: a real file
    replaces all of them (indicators.queries shows demo only where no real data is)."""
    ids = sorted(set(obs["indicator"].astype(str)))
    rows = con.execute(
        "SELECT o.indicator FROM observations o JOIN sources s USING (source_id) "
        "WHERE o.indicator IN (SELECT unnest($ids)) GROUP BY o.indicator "
        "HAVING bool_and(s.is_demo)", {"ids": ids}).fetchall()
    return sorted(r[0] for r in rows)


def save(name: str, data: bytes, user: str, db=None, period: str | None = None, *,
         preliminary: bool = False, on_conflict: str | None = None) -> pipeline.LoadResult:
    return pipeline.load_raw(RawFile(name, data, period_hint=period), db, loaded_by=user,
                             preliminary=preliminary, on_conflict=on_conflict)


def history(db=None) -> pd.DataFrame:
    if not store.exists(db):
        return pd.DataFrame()
    with store.reader(db) as con:
        return store.history(con)


def undo(source_id: int, db=None) -> str:
    """Remove one loaded file's rows; the store returns to the state without that file."""
    try:
        with store.writer(db) as con:
            row = con.execute("SELECT file_name FROM sources WHERE source_id = ?", [source_id]).fetchone()
            if row is None:
                raise store.Rollback
            n = store.remove_source(con, source_id)
    except store.Rollback:
        return _("Fant ikke filen i historikken; ingenting endret.")
    except store.Busy as e:
        return str(e)
    except Exception as e:
        if (why := store.disk_problem(e, db, _("Lageret er som før; filen ligger der fortsatt."))) is None:
            raise
        return why
    return ngettext("«{file}» er fjernet ({n} rader). Originalfilen er fortsatt arkivert.",
                    "«{file}» er fjernet ({n} rader). Originalfilen er fortsatt arkivert.", n).format(
        file=row[0], n=integer(n))   # (bokmål says «rader» after any number here, as it always has)


def original(sha256: str, db=None) -> bytes | None:
    """The file exactly as the coordinator gave it (archived by hash, never by its name)."""
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        return None
    p = store.db_path(db).parent / "raw" / sha256
    if p.exists():
        return p.read_bytes()
    if shared.url() is None:          # with PostgreSQL, another replica may have archived it
        return None
    with shared.connect() as pg:
        return shared.get_original(pg, sha256)
