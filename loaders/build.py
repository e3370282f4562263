"""Build the store from the bundled demo files (data/demo/, written by `python -m data.demo`)
through the same pipeline as any file, and decide when a rebuild is allowed: a store holding
files coordinators loaded is never replaced unasked (`make run` runs `build --if-stale`)."""
from __future__ import annotations

import os
from pathlib import Path

from loaders import pipeline, store

DEMO_DIR = store.ROOT / "data" / "demo"


def build(db, if_stale: bool, replace: bool):
    """The demo build's results, or an exit code when it leaves the store as it is. A store
    with coordinators' files is never replaced unasked (`make run` runs build --if-stale)."""
    report_leftovers(db)
    kind = store_kind(db)
    if kind in ("coordinator", "empty") and store.upgrade(db):
        print(f"Lageret {db} er oppgradert til den nye tabellformen (år og periodetype lagret).")
    if not replace and (kind in KEPT or (if_stale and kind == "empty")):
        if if_stale:
            print(why_kept(db, kind))
            return 0
        print(why_kept(db, kind) + " Ingenting er endret. Vil du likevel erstatte lageret med "
              "demodataene, kjør: python -m loaders build --replace"
              + ("" if db == store.DEFAULT_DB else f" --db {db}")
              + f" (originalfilene blir liggende i {db.parent / 'raw'}).")
        return 1
    if if_stale and not is_stale(db):
        print("Lageret er oppdatert.")
        return 0
    try:
        return build_store(db, replace=replace, keep_empty=if_stale)
    except StoreInUse as e:
        print(f"{e} Ingenting er endret.")
        return 0 if if_stale else 1
    except store.Busy as e:
        print(e)
        return 1
    except Exception as e:
        if (why := store.disk_problem(e, db, "Lageret er som før.")) is None:
            raise
        print(why)
        return 1


def report_leftovers(db: Path) -> None:
    """Say what an interrupted load or build left (and remove what dead processes left), and
    which files in the store lack their original in the archive (loading them again mends it)."""
    removed = store.clean_leftovers(db)
    if removed:
        print(f"Ryddet bort {len(removed)} halvskrevne filer etter en avbrutt lagring eller bygging: "
              + ", ".join(f.name for f in removed) + ". Lageret er som det var før den.")
    left = [f for f in store.leftovers(db)[0] if f.exists()]
    if left:
        print("Kunne ikke fjerne halvskrevne filer (skrivebeskyttet mappe?): "
              + ", ".join(str(f) for f in left))
    if store.store_is_readable(db):
        with store.reader(db) as con:
            missing = store.missing_originals(con, db.parent / "raw")
        if missing:
            names = ", ".join(f"«{n}»" for n, _sha in missing[:5]) + (
                f" og {len(missing) - 5} til" if len(missing) > 5 else "")
            print(f"{len(missing)} filer i lageret mangler originalfilen i arkivet {db.parent / 'raw'}: "
                  f"{names}. Last inn de samme filene på nytt, så arkiveres originalene "
                  "(tallene endres ikke).")


def demo_files() -> list[Path]:
    return sorted(DEMO_DIR.glob("*_DEMO.csv"))


def is_stale(db: Path) -> bool:
    """The store is missing or older than the demo files or the code that reads them."""
    if not db.exists():
        return True
    inputs = demo_files() + list((store.ROOT / "loaders").glob("*.py")) + \
        list((store.ROOT / "vocab").glob("*.*")) + list((store.ROOT / "geo" / "reference").glob("*.csv"))
    return db.stat().st_mtime < max(p.stat().st_mtime for p in inputs)


class StoreInUse(Exception):
    """The store holds what coordinators did (files loaded, or every file removed)."""


def store_kind(db: Path) -> str:
    """'missing', 'demo' (only the bundled demo files), 'empty' (every file removed),
    'coordinator' (at least one file a coordinator loaded) or 'unreadable'."""
    if not db.exists():
        return "missing"
    try:
        with store.reader(db) as con:
            n, real = con.execute("SELECT count(*), count(*) FILTER (WHERE NOT is_demo) FROM sources"
                                  ).fetchone()
    except Exception:  # noqa: BLE001 - never replace what we cannot look into
        return "unreadable"
    return "coordinator" if real else "demo" if n else "empty"


KEPT = ("coordinator", "unreadable")   # never rebuilt unless asked to replace


def why_kept(db: Path, kind: str) -> str:
    """Why a rebuild leaves the store, in Norwegian."""
    if kind == "unreadable":
        return (f"Lageret {db} kan ikke leses som et Innenfor-lager, så det bygges ikke på nytt fra "
                "demodataene (det kan ha tall som ellers ville gått tapt).")
    if kind == "empty":
        return (f"Lageret {db} er tomt fordi alle filene er fjernet; demodataene legges ikke inn "
                "igjen. (Vil du ha dem tilbake: python -m loaders build)")
    return (f"Lageret {db} har filer som koordinatorer har lastet inn, så det bygges ikke på nytt "
            "fra demodataene (da ville de filene forsvunnet).")


def _last_source_id(db: Path) -> int:
    try:
        with store.reader(db) as con:
            return store.last_source_id(con)
    except Exception:  # noqa: BLE001 - no store, or one that cannot be read: start from 1
        return 0


def build_store(db: Path, replace: bool = False, keep_empty: bool = False, files=None):
    """Build a fresh store from the demo files through the real loaders (all or nothing) and
    swap it in under the writers' lock. Unless `replace`, a store with a coordinator's files
    (or, with `keep_empty`, one whose files were all removed) is left as it is: StoreInUse."""
    tmp = db.with_name(f"{db.name}.{os.getpid()}.building")   # two builds never share one
    for p in (tmp, Path(str(tmp) + ".wal")):
        p.unlink(missing_ok=True)
    files = demo_files() if files is None else files
    if not files:
        raise SystemExit(f"Fant ingen demodata i {DEMO_DIR}. Kjør: python -m data.demo")
    try:
        if last := _last_source_id(db):   # ids stay unique across a rebuild
            con = store.connect(tmp)
            store.set_last_source_id(con, last)
            con.close()
        results = [pipeline.load_path(f, tmp, is_demo=True) for f in files]
        if all(r.outcome == "loaded" for r in results):
            with store.locked(db):   # a coordinator may have saved meanwhile: look again
                kind = store_kind(db)
                if not replace and (kind in KEPT or (keep_empty and kind == "empty")):
                    raise StoreInUse(why_kept(db, kind))
                tmp.replace(db)    # readers never see a half-built store
    finally:
        for p in (tmp, Path(str(tmp) + ".wal"), tmp.with_name(tmp.name + ".lock")):
            p.unlink(missing_ok=True)
    return results
