"""The pipeline every file goes through: detect → read → normalise (the format module) →
validate → harmonise → load. A load is all or nothing: the whole file in one transaction on a
copy of the store, swapped in when done (loaders.store), or nothing and a Norwegian message."""
from __future__ import annotations

import csv
import logging
import os
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from loaders import compare, plans, store, totals
from loaders.base import LoadError, RawFile, Release
from loaders.detect import detect
from loaders.frames import coded_strings, factorize, remember_factors
from loaders.harmonise import harmonise
from loaders.validate import MAX_PROBLEMS, validate
from vocab import indicators, settings
from vocab.i18n import N_, _, ngettext
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
    release: Release | None = None
    conflicts: int = 0                 # figures another source has otherwise (to be settled)

    @property
    def ok(self) -> bool:
        return self.outcome in ("loaded", "duplicate", "checked")

    def line(self) -> str:
        """One line in the current language for the command line and the upload page. The
        format's name is stored in bokmål (it keys releases): translated here, where shown.
        (Bokmål says «rader» after any number here, as it always has: both forms are the same.)"""
        fmt = _(self.format_name) if self.format_name else _("ukjent format")
        name, rows = self.file_name, integer(self.rows)
        if self.outcome == "loaded":
            s = ngettext("{file}: {format} – {rows} rader lastet inn, 0 avvist.",
                         "{file}: {format} – {rows} rader lastet inn, 0 avvist.", self.rows).format(
                file=name, format=fmt, rows=rows)
        elif self.outcome == "duplicate":
            s = f"{name}: {fmt} – {self.message}"
        elif self.outcome == "checked":
            s = ngettext("{file}: {format} – {rows} rader er gyldige (ikke lagret ennå).",
                         "{file}: {format} – {rows} rader er gyldige (ikke lagret ennå).", self.rows).format(
                file=name, format=fmt, rows=rows)
        else:
            if self.rejected_rows:
                s = _("{file}: {format} – AVVIST, 0 rader lastet inn, {n} avvist. {message}").format(
                    file=name, format=fmt, n=integer(self.rejected_rows), message=self.message)
            else:
                s = _("{file}: {format} – AVVIST, 0 rader lastet inn, hele filen avvist. {message}"
                      ).format(file=name, format=fmt, message=self.message)
            if self.problems:
                s += " " + " ".join(self.problems[:5])
                total = max(self.problem_count, len(self.problems))
                if total > 5:
                    s += " " + _("(og {n} problemer til)").format(n=integer(total - 5))
        if self.warnings and self.outcome != "rejected":   # a rejected file stored nothing
            s += " " + _("Merk: {warnings}").format(warnings=" ".join(self.warnings[:3]))
        return s


def too_big(size: int) -> str:
    return _("Filen er for stor ({size} MB). Største tillatte størrelse er {limit} MB.").format(
        size=f"{size / 1024 / 1024:.0f}", limit=MAX_BYTES // 1024 // 1024)


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
        result.message = _("Filen er tom.")
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
    except csv.Error as e:   # what Python's CSV reader cannot split, in words a user can act on
        result.message = _csv_problem(str(e))
        return None, None, result
    except Exception:
        log.exception("uventet feil ved lesing av %s", raw.name)
        if mod:
            result.message = _("Filen kunne ikke leses på grunn av en feil i Innenfor, ikke nødvendigvis "
                               "i filen (lest som {format}). Ingenting er lagret. Send filen til den som "
                               "drifter Innenfor.").format(format=_(mod.NAME))
        else:
            result.message = _("Filen kunne ikke leses på grunn av en feil i Innenfor, ikke nødvendigvis "
                               "i filen. Ingenting er lagret. Send filen til den som drifter Innenfor.")
        return None, None, result
    result.rejected_rows = len(df)
    if df.empty:
        result.message = _("Fant ingen tallrader i filen.")
        return mod, None, result
    found = validate(df)
    extra = list(getattr(mod, "validate", lambda d: [])(df))
    problems, total = found + extra, found.total + len(extra)
    if problems:  # still name unknown regions, so one round of fixing is enough
        more = harmonise(df)[1]
    else:
        df, more, result.warnings = harmonise(df)
        if not more:   # on one row per 2024 key: no area counted twice (loaders.totals)
            more, over, doubtful = totals.check(df)
            total += over - len(more)
            result.warnings += doubtful
    problems, total = problems + more, total + len(more)
    result.warnings[:0] = raw._notes  # what the format module left out (sheets, non-regions)
    if problems:
        result.message = _("Fant {n} problem(er); ingenting er lagret.").format(n=integer(total))
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


def _csv_problem(error: str) -> str:
    if "field limit" in error:
        return _("En verdi i filen er over {n} tegn lang: filen er trolig skadet, eller mangler "
                 "linjeskift eller et avsluttende anførselstegn. Ingenting er lagret.").format(
            n=integer(csv.field_size_limit()))
    return _("Filen kan ikke deles opp i rader og kolonner (linjeskift eller anførselstegn på uventede "
             "steder). Lagre den på nytt som CSV og prøv igjen. Ingenting er lagret.")


CONFLICT_CHOICES = ("ny", "gammel")   # on_conflict: show this file's figures, or the stored ones
# The release words of figures the coordinator marked preliminary: stored in bokmål (like the
# source's own words), translated where shown.
MARKED_PRELIMINARY = N_("merket foreløpig ved innlasting")


def load_raw(raw: RawFile, db=None, *, loaded_by: str | None = None, is_demo: bool = False,
             dry_run: bool = False, period: str | None = None, preliminary: bool = False,
             on_conflict: str | None = None) -> LoadResult:
    """Load one file into the store: all rows or none. Loading the same bytes twice is a no-op.
    `period`: the year for files that do not state it (e.g. an SSB extract without a year column).
    `preliminary`: the coordinator marks the figures preliminary (a file can also say so itself).
    `on_conflict`: when another source has other figures for the same cells, 'ny' shows this
    file's and 'gammel' keeps showing the stored ones; without it such a file is refused."""
    if plans.kind(raw):                 # the partnership's targets or measures, not figures
        return load_plan(raw, db, loaded_by=loaded_by, dry_run=dry_run)
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
            return _duplicate(raw, path, result.format_name,
                              _("Filen er allerede lastet inn (som «{name}», {when}); ingenting endret.")
                              .format(name=seen[1], when=f"{seen[2]:%d.%m.%Y %H:%M}"), dry_run)
    if obs is None:
        return result
    release = _release(raw, mod, preliminary)
    if release.preliminary:
        obs = _mark_preliminary(obs, release.words, release.periods)
        result.observations = obs
    result.release = release
    table = store.as_arrow(obs)   # converted once, for the comparison and the write
    released = release.published or datetime.now()
    if dry_run:
        if path.exists():
            with store.reader(path) as con:
                found = compare.compare(con, table, product=release.product, released=released,
                                        is_demo=is_demo)
            if found and on_conflict not in CONFLICT_CHOICES:
                return _conflict(result, obs, found)
            _report(result, found, release, on_conflict)
        result.outcome = "checked"
        return result
    try:
        with store.writer(path) as con:
            # Checked again under the lock: another coordinator may have saved meanwhile.
            seen = store.find_source(con, raw.sha256)
            if seen:
                result = _duplicate(raw, path, result.format_name, _(
                    "Filen er allerede lastet inn (som «{name}»); ingenting endret.").format(name=seen[1]),
                    dry_run)
                raise store.Rollback
            found = compare.compare(con, table, product=release.product, released=released,
                                    is_demo=is_demo)
            if found and on_conflict not in CONFLICT_CHOICES:
                _conflict(result, obs, found)
                raise store.Rollback
            _report(result, found, release, on_conflict)
            result.source_id = store.write(con, table, file_name=raw.name, sha256=raw.sha256,
                                           fmt=mod.NAME, loaded_by=loaded_by, is_demo=is_demo,
                                           release=release,
                                           priority=_priority(con, found, on_conflict))
            # The original is archived (and on disk) before the store is swapped: a load is
            # complete only with its original; if archiving fails, nothing is stored. The
            # checkpoint first, so a disk too full for the store leaves no original behind.
            con.execute("CHECKPOINT")
            store.archive(raw.data, raw.sha256, path.parent / "raw")
    except store.Rollback:
        return result
    except store.Busy as e:
        result.outcome, result.rows = "rejected", 0
        result.message = str(e)
        return result
    except Exception as e:
        if (why := store.disk_problem(e, path)) is None:
            raise
        log.warning("lagring av %s stoppet: %s", raw.name, e)
        result.outcome, result.rows, result.source_id = "rejected", 0, None
        result.rejected_rows, result.message, result.warnings = 0, why, []
        return result
    result.outcome = "loaded"
    return result


def load_plan(raw: RawFile, db=None, *, loaded_by: str | None = None,
              dry_run: bool = False) -> LoadResult:
    """A targets or measures template (loaders.plans): checked, then stored with its original
    like any file, all rows or none."""
    plan = plans.read(raw)
    name = plans.NAMES[plan.kind]
    result = LoadResult(file_name=raw.name, format_name=name, rejected_rows=len(plan.rows))
    if plan.problems:
        result.message = _("Fant {n} problem(er); ingenting er lagret.").format(n=integer(len(plan.problems)))
        result.problems, result.problem_count = plan.problems[:MAX_PROBLEMS], len(plan.problems)
        return result
    if plan.rows.empty:
        result.message = _("Fant ingen rader i malen.")
        return result
    path = store.db_path(db)
    result.rows, result.rejected_rows = len(plan.rows), 0
    if dry_run:
        result.outcome = "checked"
        return result
    try:
        with store.writer(path) as con:
            if seen := store.find_source(con, raw.sha256):
                result = _duplicate(raw, path, name, _(
                    "Filen er allerede lastet inn (som «{name}»); ingenting endret.").format(name=seen[1]),
                    dry_run)
                raise store.Rollback
            result.source_id = plans.write(con, plan, file_name=raw.name, sha256=raw.sha256,
                                           loaded_by=loaded_by)
            store.archive(raw.data, raw.sha256, path.parent / "raw")   # before the swap
    except store.Rollback:
        return result
    except store.Busy as e:
        result.outcome, result.rows, result.message = "rejected", 0, str(e)
        return result
    except Exception as e:
        if (why := store.disk_problem(e, path)) is None:
            raise
        result.outcome, result.rows, result.source_id, result.message = "rejected", 0, None, why
        return result
    result.outcome = "loaded"
    return result


def _duplicate(raw: RawFile, path: Path, format_name: str, message: str,
               dry_run: bool) -> LoadResult:
    """These bytes are in the store already. A store written by an older Innenfor (which
    archived after the swap) can lack the original: archived now, so it is never lost."""
    r = LoadResult(file_name=raw.name, outcome="duplicate", format_name=format_name, message=message)
    archive = path.parent / "raw"
    if dry_run or store.has_original(raw.sha256, archive):
        return r
    try:
        store.archive(raw.data, raw.sha256, archive)
    except Exception as e:
        if (why := store.disk_problem(e, path, _("Tallene er lagret fra før."))) is None:
            raise
        r.message += " " + _("Originalfilen mangler i arkivet og kunne ikke legges dit: {why}").format(
            why=why)
        return r
    r.message += " " + _("Originalfilen manglet i arkivet og er nå lagt dit.")
    return r


def _release(raw: RawFile, mod, preliminary: bool) -> Release:
    """The file's release: what its format module read from it, else its format's name, and
    preliminary when the file or the coordinator says so."""
    r, t = raw.release, Release()
    if told := getattr(mod, "release", None):   # what the file itself says (loaders.base.Format)
        try:
            t = told(raw)
        except Exception:
            log.exception("utgaven kunne ikke leses fra %s", raw.name)
    r = Release(product=r.product or t.product, published=r.published or t.published,
                preliminary=r.preliminary or t.preliminary, words=r.words or t.words,
                periods=r.periods or t.periods)
    words = r.words or (MARKED_PRELIMINARY if preliminary else "")
    return Release(product=r.product or mod.NAME, published=r.published,
                   preliminary=r.preliminary or preliminary, words=words,
                   periods=() if preliminary else r.periods)


def _mark_preliminary(obs: pd.DataFrame, words: str, periods: tuple[str, ...]) -> pd.DataFrame:
    """Published figures of a preliminary release (or of its preliminary periods) are stored as
    'provisional' (shown «foreløpig» everywhere), with the source's words as their note."""
    status = obs["status"].astype("str")
    ok = (status == "ok") & (obs["period"].astype("str").isin(periods) if periods else True)
    note = obs["note"].astype("object").where(~ok | obs["note"].notna(), f"foreløpige tall: {words}")
    return obs.assign(status=status.where(~ok, "provisional"), note=note)


def _priority(con, found: compare.Comparison, on_conflict: str | None) -> int:
    """Above every stored file when the coordinator chose this file's figures, below them when
    they chose to keep the stored ones; 0 when there was nothing to choose."""
    if not found:
        return 0
    lo, hi = con.execute("SELECT coalesce(min(priority), 0), coalesce(max(priority), 0) "
                         "FROM sources").fetchone()
    return hi + 1 if on_conflict == "ny" else lo - 1


def _conflict(result: LoadResult, obs: pd.DataFrame, found: compare.Comparison) -> LoadResult:
    result.outcome = "rejected"
    result.rejected_rows, result.rows = len(obs), 0
    result.message = _("Filen har andre tall enn en annen kilde som allerede er lagret ({rows}); "
                       "ingenting er lagret. Velg hvilke tall som skal vises: i forhåndsvisningen, "
                       "eller med --ved-konflikt ny|gammel.").format(rows=n_rows(found.total))
    result.problems, result.problem_count = found.problems, found.total
    result.conflicts = found.total
    return result


def _report(result: LoadResult, found: compare.Comparison, release: Release,
            on_conflict: str | None) -> None:
    """Warnings for what loading this file changes in what the views show."""
    product = _(release.product)   # (a format's name when the file names no product)
    if found.revised:
        if examples := "; ".join(found.revised_examples):
            text = _("{n} tall revidert i denne utgaven av {product}, f.eks. {examples}. De nye tallene "
                     "vises; de forrige blir liggende som historikk (python -m indicators history).")
        else:
            text = _("{n} tall revidert i denne utgaven av {product}. De nye tallene vises; de forrige "
                     "blir liggende som historikk (python -m indicators history).")
        result.warnings.append(text.format(n=integer(found.revised), product=product, examples=examples))
    if found.older:
        result.warnings.append(_(
            "Filen er en eldre utgave av {product} enn den som allerede er lagret ({newer}): {n} tall "
            "lagres som historikk og vises ikke.").format(
                product=product, newer=found.newer_release, n=integer(found.older)))
    if found.total:
        if on_conflict == "ny":
            text = _("{rows} har andre tall enn en annen kilde; du valgte at denne filens tall skal "
                     "vises. Begge lagres.")
        else:
            text = _("{rows} har andre tall enn en annen kilde; du valgte at tallene som allerede var "
                     "lagret skal vises. Begge lagres.")
        result.warnings.append(text.format(rows=n_rows(found.total)))
    if found.rounded:
        if example := found.rounded_example:
            text = _("{rows} har samme tall som allerede er lagret, bare avrundet annerledes (f.eks. "
                     "{example}). Tallene som allerede var lagret, vises fortsatt; filens tall lagres "
                     "også og brukes hvis den andre filen fjernes.")
        else:
            text = _("{rows} har samme tall som allerede er lagret, bare avrundet annerledes. Tallene "
                     "som allerede var lagret, vises fortsatt; filens tall lagres også og brukes hvis "
                     "den andre filen fjernes.")
        result.warnings.append(text.format(rows=n_rows(found.rounded), example=example))
    if release.preliminary:
        result.warnings.append(_("Tallene er foreløpige ({words}) og merkes «foreløpig» overalt.").format(
            words=_(release.words)))


def load_path(file: str | os.PathLike, db=None, **kw) -> LoadResult:
    p = Path(file)
    try:
        if p.stat().st_size > MAX_BYTES:  # refuse before reading a huge file into memory
            return LoadResult(file_name=p.name, message=too_big(p.stat().st_size))
        data = p.read_bytes()
    except OSError as e:
        why = (_("Kunne ikke lese filen: filen finnes ikke.") if isinstance(e, FileNotFoundError) else
               _("Kunne ikke lese filen: mangler tilgang til filen.") if isinstance(e, PermissionError)
               else _("Kunne ikke lese filen: dette er en mappe, ikke en fil.")
               if isinstance(e, IsADirectoryError) else _("Kunne ikke lese filen: lesefeil fra disken."))
        return LoadResult(file_name=p.name, message=why)
    return load_raw(RawFile(p.name, data), db, **kw)
