"""Files on disk that must survive a crash or a full disk: an original is archived whole or not
at all (written to a copy, flushed, renamed, the folder synced), what a killed writer left
beside the store is found and removed, and a write the disk refused becomes a Norwegian
sentence. Used by loaders.store (its writer, and the names it re-exports)."""
from __future__ import annotations

import errno
import logging
import os
import re
import threading
import time
from pathlib import Path

import duckdb

from vocab.i18n import _

log = logging.getLogger(__name__)


def fsync(p: Path) -> None:
    fd = os.open(p, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(d: Path, after_swap: bool = False) -> None:
    """Make a rename in `d` durable. After the swap the load is done whatever happens here, so
    a failure is only logged (saying «not saved» then would be false)."""
    try:
        fsync(d)
    except OSError:
        if not after_swap:
            raise
        log.warning("kunne ikke synkronisere mappen %s etter lagring", d, exc_info=True)


# --- what an interrupted writer leaves behind ----------------------------------------------------

def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:   # another user's process: alive
        return True
    return True


# A pid-less «<sha>.tmp» is from before archive() named its copies; no archive write takes this long.
_OLD_TMP_SECONDS = 600


def leftovers(p: Path) -> tuple[list[Path], list[Path]]:
    """(dead, busy): the half-written files beside the store `p` — a writer's copy
    (<db>.<pid>.writing), a demo build (<db>.<pid>.building) and a half-archived original
    (raw/<sha>.<pid>[-<thread>].tmp) — of processes that are gone, and of ones still running."""
    dead: list[Path] = []
    busy: list[Path] = []
    own = re.compile(re.escape(p.name) + r"\.(\d+)\.(?:writing|building)(?:\..*)?$")
    if p.parent.is_dir():
        for f in sorted(p.parent.iterdir()):
            if m := own.match(f.name):
                (busy if _pid_alive(int(m[1])) else dead).append(f)
    raw = p.parent / "raw"
    if raw.is_dir():
        for f in sorted(raw.glob("*.tmp")):
            m = re.fullmatch(r"[0-9a-f]{64}\.(\d+)(?:-\d+)?\.tmp", f.name)
            if m:
                (busy if _pid_alive(int(m[1])) else dead).append(f)
            else:
                try:
                    old = time.time() - f.stat().st_mtime > _OLD_TMP_SECONDS
                except OSError:
                    continue
                (dead if old else busy).append(f)
    return dead, busy


def clean_leftovers(p: Path) -> list[Path]:
    """Remove what dead writers left beside the store `p` (see leftovers); returns what was
    removed. Files of running processes stay. A file that cannot be removed (a read-only
    folder) stays too, and is found again next time."""
    removed = []
    for f in leftovers(p)[0]:
        try:
            f.unlink()
        except FileNotFoundError:
            continue
        except OSError:
            log.warning("kunne ikke fjerne %s", f, exc_info=True)
            continue
        removed.append(f)
    if removed:
        log.warning("fjernet halvskrevne filer etter en avbrutt lagring: %s",
                    ", ".join(f.name for f in removed))
    return removed


def missing_originals(con, archive_dir: Path) -> list[tuple[str, str]]:
    """(file name, sha256) of the coordinators' files in the store whose original is not in the
    archive (an older Innenfor archived after the swap; a full disk then lost it). Loading the
    same file again archives it. (The demo files are in data/demo.)"""
    rows = con.execute("SELECT file_name, sha256 FROM sources WHERE NOT is_demo "
                       "ORDER BY source_id").fetchall()
    return [(n, h) for n, h in rows if not (archive_dir / h).is_file()]


# --- a disk that refuses ---------------------------------------------------------------------------

_FULL = (errno.ENOSPC, errno.EDQUOT)
_READ_ONLY = (errno.EROFS, errno.EACCES, errno.EPERM)
_DISK_WORDS = ("No space left", "Disk quota", "Read-only file system", "Permission denied",
               "Could not write file", "Could not open file")


def problem(e: BaseException, folder: Path, outcome: str | None = None) -> str | None:
    """A sentence (in the current language) for a write the disk refused (full, read-only, no
    access, other I/O error), from an OSError or a DuckDB I/O error; None for anything else (a
    bug, which should surface as one). `outcome` (translated) says what became of the store;
    by default that nothing was saved."""
    code = getattr(e, "errno", None)
    text = str(e)
    # DuckDB reports a full disk as an I/O error, or (during a checkpoint) as a fatal error
    # that names the failed write.
    io = isinstance(e, OSError) or type(e).__name__ in ("IOException", "PermissionException")
    if not io and not (isinstance(e, duckdb.Error) and any(w in text for w in _DISK_WORDS)):
        return None
    if outcome is None:
        outcome = _("Ingenting er lagret, og lageret er som før.")
    if code in _FULL or "No space left" in text or "quota" in text.lower():
        said = _("Lagringen stoppet fordi disken er full ({folder}). {outcome} Frigjør plass på disken "
                 "og prøv igjen.")
    elif (code in _READ_ONLY or "Read-only file system" in text or "Permission denied" in text
          or "Operation not permitted" in text):
        said = _("Lagringen stoppet fordi Innenfor får ikke skrive i mappen {folder} (den er "
                 "skrivebeskyttet eller mangler tilgang). {outcome} Si fra til den som drifter Innenfor.")
    else:
        said = _("Lagringen stoppet fordi disken svarte med en skrivefeil ({folder}). {outcome} Prøv "
                 "igjen, og si fra til den som drifter Innenfor hvis det gjentar seg.")
    return said.format(folder=folder, outcome=outcome)


def archive(raw_data: bytes, sha256: str, archive_dir: Path) -> Path:
    """Keep the original bytes, named by hash (never by the user's file name): written to a
    copy named by process and thread, flushed to disk, renamed into place and the folder
    synced, so a crash leaves the original whole or a copy clean_leftovers removes."""
    d = archive_dir
    d.mkdir(parents=True, exist_ok=True)
    p = d / sha256
    if p.is_file() and p.stat().st_size == len(raw_data):
        return p
    tmp = d / f"{sha256}.{os.getpid()}-{threading.get_ident()}.tmp"
    try:
        with open(tmp, "wb") as f:
            f.write(raw_data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, p)
    except BaseException:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        raise
    fsync_dir(d)
    return p


def has_original(sha256: str, archive_dir: Path) -> bool:
    return (archive_dir / sha256).is_file()
