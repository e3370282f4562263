"""The coordinator's workspace behind the "Data" page: preview, save, history, undo, originals.
The page only lays these out; every rule lives here or in the pipeline."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from loaders import pipeline, store
from loaders.base import RawFile
from vocab import indicators
from vocab.numbers import integer


@dataclass
class Preview:
    result: pipeline.LoadResult
    summary: dict

    @property
    def can_save(self) -> bool:
        return self.result.outcome == "checked"


def preview(name: str, data: bytes, db=None, period: str | None = None) -> Preview:
    """Detect and validate without storing anything."""
    raw = RawFile(name, data, period_hint=period)
    r = pipeline.load_raw(raw, db, dry_run=True)
    return Preview(r, summarise(r.observations))


def summarise(obs: pd.DataFrame | None) -> dict:
    if obs is None or obs.empty:
        return {}
    return {
        "indikatorer": ", ".join(indicators.get(i).short for i in sorted(obs["indicator"].unique())),
        "kommuner": int(obs.loc[obs["region_code"].str.len() == 4, "region_code"].nunique()),
        "perioder": f"{obs['period'].min()} – {obs['period'].max()}",
        "rader": len(obs),
        "skjermet": int((obs["status"] == "suppressed").sum()),
        "mangler": int((obs["status"] == "missing").sum()),
    }


def save(name: str, data: bytes, user: str, db=None, period: str | None = None) -> pipeline.LoadResult:
    return pipeline.load_raw(RawFile(name, data, period_hint=period), db, loaded_by=user)


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
        return "Fant ikke filen i historikken; ingenting endret."
    except store.Busy as e:
        return str(e)
    return f"«{row[0]}» er fjernet ({integer(n)} rader). Originalfilen er fortsatt arkivert."


def original(sha256: str, db=None) -> bytes | None:
    """The file exactly as the coordinator gave it (archived by hash, never by its name)."""
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        return None
    p = store.db_path(db).parent / "raw" / sha256
    return p.read_bytes() if p.exists() else None
