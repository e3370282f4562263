"""The pipeline every file goes through: detect → read → normalise (the format module) →
validate → harmonise → load. A load is all or nothing: the whole file in one transaction on a
copy of the store, swapped in when done (loaders.store), or nothing and a Norwegian message."""
from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from loaders import store
from loaders.base import LoadError, RawFile, coded_strings, factorize, remember_factors
from loaders.detect import detect
from loaders.harmonise import harmonise
from loaders.validate import validate
from vocab import indicators, settings
from vocab.keys import KEY
from vocab.numbers import integer
from vocab.text import rows as n_rows

MAX_BYTES = settings.env_int("INNENFOR_MAX_UPLOAD_MB") * 1024 * 1024

log = logging.getLogger(__name__)


@dataclass
class LoadResult:
    file_name: str
    outcome: str = "rejected"          # loaded | duplicate | rejected | checked
    format_name: str = ""
    rows: int = 0
    rejected_rows: int = 0
    message: str = ""
    problems: list = field(default_factory=list)
    problem_count: int = 0             # all problems; `problems` may list only the first ones
    warnings: list = field(default_factory=list)
    observations: pd.DataFrame | None = None
    source_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.outcome in ("loaded", "duplicate", "checked")

    def line(self) -> str:
        """One line in Norwegian for the command line and the upload page."""
        fmt = self.format_name or "ukjent format"
        if self.outcome == "loaded":
            s = f"{self.file_name}: {fmt} – {integer(self.rows)} rader lastet inn, 0 avvist."
        elif self.outcome == "duplicate":
            s = f"{self.file_name}: {fmt} – {self.message}"
        elif self.outcome == "checked":
            s = f"{self.file_name}: {fmt} – {integer(self.rows)} rader er gyldige (ikke lagret ennå)."
        else:
            gone = f"{integer(self.rejected_rows)} avvist" if self.rejected_rows else "hele filen avvist"
            s = f"{self.file_name}: {fmt} – AVVIST, 0 rader lastet inn, {gone}. {self.message}"
            if self.problems:
                s += " " + " ".join(self.problems[:5])
                total = max(self.problem_count, len(self.problems))
                if total > 5:
                    s += f" (og {integer(total - 5)} problemer til)"
        if self.warnings and self.outcome != "rejected":   # a rejected file stored nothing
            s += " Merk: " + " ".join(self.warnings[:3])
        return s


def too_big(size: int) -> str:
    return (f"Filen er for stor ({size / 1024 / 1024:.0f} MB). "
            f"Største tillatte størrelse er {MAX_BYTES // 1024 // 1024} MB.")


def prepare(raw: RawFile, period: str | None = None):
    """detect, read, normalise, validate and harmonise: (format module, observations, result).
    `period` is the user's answer for a file that does not state its year (raw.period_hint)."""
    with remember_factors():   # columns are factorized once, however many checks group by them
        return _prepare(raw, period)


def _prepare(raw: RawFile, period: str | None):
    if period is not None:
        raw.period_hint = period
    result = LoadResult(file_name=raw.name)
    if len(raw.data) > MAX_BYTES:
        result.message = too_big(len(raw.data))
        return None, None, result
    if not raw.data[:4096].strip() and not raw.data.strip():   # (no copy of a big file)
        result.message = "Filen er tom."
        return None, None, result
    mod = None
    try:
        mod = detect(raw)
        result.format_name = mod.NAME
        table = mod.read(raw)
        df = mod.normalise(table)
    except LoadError as e:
        result.message, result.problems = e.message, e.problems
        return None, None, result
    except Exception:
        log.exception("uventet feil ved lesing av %s", raw.name)
        result.message = ("Filen kunne ikke leses på grunn av en feil i Innenfor, ikke nødvendigvis i "
                          "filen" + (f" (lest som {mod.NAME})" if mod else "") + ". Ingenting er "
                          "lagret. Send filen til den som drifter Innenfor.")
        return None, None, result
    result.rejected_rows = len(df)
    if df.empty:
        result.message = "Fant ingen tallrader i filen."
        return mod, None, result
    found = validate(df)
    extra = list(getattr(mod, "validate", lambda d: [])(df))
    problems, total = found + extra, found.total + len(extra)
    if problems:  # still name unknown regions, so one round of fixing is enough
        more = harmonise(df)[1]
    else:
        df, more, result.warnings = harmonise(df)
    problems, total = problems + more, total + len(more)
    result.warnings[:0] = raw._notes  # what the format module left out (sheets, non-regions)
    if problems:
        result.message = f"Fant {integer(total)} problem(er); ingenting er lagret."
        result.problems, result.problem_count = problems, total
        return mod, None, result
    units = {k: ind.unit for k, ind in indicators.all_indicators().items()}
    idx, ids = factorize(df["indicator"])
    df = df.assign(unit=coded_strings([units.get(i, "") for i in ids], idx),
                   note=df["note"].where(df["note"] != "", None))
    df = df.assign(computed=df["computed"].fillna(False).astype(bool) if "computed" in df else False)
    obs = df[KEY + ["value", "unit", "status", "numerator", "denominator", "note", "computed"]]
    result.rows, result.rejected_rows = len(obs), 0
    result.observations = obs.reset_index(drop=True)
    return mod, result.observations, result


def load_raw(raw: RawFile, db=None, *, loaded_by: str | None = None, is_demo: bool = False,
             dry_run: bool = False, period: str | None = None) -> LoadResult:
    """Load one file into the store: all rows or none. Loading the same bytes twice is a no-op.
    `period`: the year for files that do not state it (e.g. an SSB extract without a year column)."""
    if period is not None:
        raw.period_hint = period
    path = store.db_path(db)
    # The hash is needed only once the file is read: compute it meanwhile (hashlib lets go of
    # the GIL), then ask whether these bytes were loaded before, whatever prepare() found.
    hashing = threading.Thread(target=lambda: raw.sha256, daemon=True)
    hashing.start()
    mod, obs, result = prepare(raw)
    hashing.join()
    if path.exists():
        with store.reader(path) as con:
            seen = store.find_source(con, raw.sha256)
        if seen:
            return LoadResult(file_name=raw.name, outcome="duplicate", format_name=result.format_name,
                              message=f"Filen er allerede lastet inn (som «{seen[1]}», "
                                      f"{seen[2]:%d.%m.%Y %H:%M}); ingenting endret.")
    if obs is None:
        return result
    table = store.as_arrow(obs)   # converted once, for the conflict check and the write
    if dry_run:
        if path.exists():
            with store.reader(path) as con:
                clash = store.conflicts(con, table)
            if clash:
                return _conflict(result, obs, clash)
            _rounded(result, clash)
        result.outcome = "checked"
        return result
    try:
        with store.writer(path) as con:
            # Checked again under the lock: another coordinator may have saved meanwhile.
            seen = store.find_source(con, raw.sha256)
            if seen:
                result.outcome, result.rows = "duplicate", 0
                result.message = f"Filen er allerede lastet inn (som «{seen[1]}»); ingenting endret."
                raise store.Rollback
            clash = store.conflicts(con, table)
            if clash:
                _conflict(result, obs, clash)
                raise store.Rollback
            _rounded(result, clash)
            result.source_id = store.write(con, table, file_name=raw.name, sha256=raw.sha256,
                                           fmt=mod.NAME, loaded_by=loaded_by, is_demo=is_demo)
    except store.Rollback:
        return result
    except store.Busy as e:
        result.outcome, result.rows = "rejected", 0
        result.message = str(e)
        return result
    store.archive(raw.data, raw.sha256, path.parent / "raw")
    result.outcome = "loaded"
    return result


def _conflict(result: LoadResult, obs: pd.DataFrame, clash: store.Clash) -> LoadResult:
    result.outcome = "rejected"
    result.rejected_rows, result.rows = len(obs), 0
    result.message = (f"Filen har andre tall enn det som allerede er lagret fra en annen fil "
                      f"({n_rows(clash.total)}); ingenting er lagret.")
    result.problems, result.problem_count = clash.problems, clash.total
    return result


def _rounded(result: LoadResult, clash: store.Clash) -> None:
    """Say which rows agree with the store only up to rounding. Both are stored (so undoing
    either file loses nothing); readers show the one stored first (indicators.queries)."""
    if clash.rounded:
        example = clash.rounded_example
        result.warnings.append(
            f"{n_rows(clash.rounded)} har samme tall som allerede er lagret, bare avrundet annerledes"
            + (f" (f.eks. {example})" if example else "") + ". Tallene som allerede var lagret, "
            "vises fortsatt; filens tall lagres også og brukes hvis den andre filen fjernes.")


def load_path(file: str | os.PathLike, db=None, **kw) -> LoadResult:
    p = Path(file)
    try:
        if p.stat().st_size > MAX_BYTES:  # refuse before reading a huge file into memory
            return LoadResult(file_name=p.name, message=too_big(p.stat().st_size))
        data = p.read_bytes()
    except OSError as e:
        why = ("filen finnes ikke" if isinstance(e, FileNotFoundError) else
               "mangler tilgang til filen" if isinstance(e, PermissionError) else
               "dette er en mappe, ikke en fil" if isinstance(e, IsADirectoryError) else
               "lesefeil fra disken")
        return LoadResult(file_name=p.name, message=f"Kunne ikke lese filen: {why}.")
    return load_raw(RawFile(p.name, data), db, **kw)
