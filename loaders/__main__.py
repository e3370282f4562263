"""python -m loaders build [--if-stale] [--replace]
python -m loaders load [--db PATH] [--period ÅR] [--foreløpig] [--ved-konflikt ny|gammel] FILE...
python -m loaders fetch [--db PATH] [--table 13563|13556 …] [--if-online]"""
from __future__ import annotations

import argparse
import sys

from loaders import build as building
from loaders import pipeline, ssb_api, store


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m loaders", description="Les inn filer i Innenfor-lageret.")
    sub = p.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="bygg lageret fra de medfølgende demodataene")
    b.add_argument("--db", help="databasefil (standard data/innenfor.duckdb)")
    b.add_argument("--if-stale", action="store_true",
                   help="bare hvis lageret mangler, eller har bare demodata og er eldre enn dataene")
    b.add_argument("--replace", action="store_true",
                   help="erstatt lageret også når koordinatorer har lastet inn filer i det")
    ld = sub.add_parser("load", help="les inn filer (formatet gjenkjennes automatisk)")
    ld.add_argument("--db", help="databasefil (standard data/innenfor.duckdb)")
    ld.add_argument("--by", help="hvem som laster inn (vises i historikken)")
    ld.add_argument("--period", help="året tallene gjelder, for filer som ikke oppgir det selv "
                                     "(f.eks. --period 2022)")
    ld.add_argument("--forelopig", "--foreløpig", dest="preliminary", action="store_true",
                    help="merk tallene som foreløpige (når filen ikke sier det selv)")
    ld.add_argument("--ved-konflikt", dest="on_conflict", choices=pipeline.CONFLICT_CHOICES,
                    help="når en annen kilde har andre tall for de samme cellene: vis filens (ny) "
                         "eller de lagrede (gammel); uten valget avvises filen")
    ld.add_argument("files", nargs="+")
    fe = sub.add_parser("fetch", help="hent de nyeste NEET-tallene fra SSBs API (tabell 13563 og 13556)")
    fe.add_argument("--db", help="databasefil (standard data/innenfor.duckdb)")
    fe.add_argument("--table", action="append", choices=ssb_api.TABLES,
                    help="bare denne tabellen (kan gis flere ganger)")
    fe.add_argument("--if-online", action="store_true",
                    help="uten kontakt med SSB: si det på én linje og avslutt uten feil (make run)")
    args = p.parse_args(argv)
    try:
        if args.cmd == "fetch":
            return fetch(args)
        if args.cmd == "build":
            results = building.build(store.db_path(args.db), args.if_stale, args.replace)
            if isinstance(results, int):
                return results
        else:
            results = [pipeline.load_path(f, args.db, loaded_by=args.by, period=args.period,
                                          preliminary=args.preliminary, on_conflict=args.on_conflict)
                       for f in args.files]
    except Exception as e:
        # A full disk or a read-only folder is a sentence, not a traceback.
        if (why := store.disk_problem(e, args.db, "Lageret er som før.")) is None:
            raise
        print(why, file=sys.stderr)
        return 1
    for r in results:
        print(r.line())
        for prob in r.problems[5:]:
            print("   ", prob)
    return 0 if all(r.ok for r in results) else 1


def fetch(args) -> int:
    """Only what SSB has published since the stored release; exit 0 also when nothing is new,
    non-zero when SSB cannot be reached (nothing is changed then)."""
    def bar(done: int, total: int, what: str) -> None:
        filled = round(20 * done / max(total, 1))
        print(f"\r[{'#' * filled}{'.' * (20 - filled)}] {what}", end="" if done < total else "\n",
              flush=True)
    found = ssb_api.fetch_all(store.db_path(args.db), tables=args.table or ssb_api.TABLES,
                              only_newer=True, progress=bar if sys.stdout.isatty() else None)
    for f in found:
        print(f.message)
        for r in f.results:
            for w in r.warnings:
                print("   ", w)
    if all(f.ok for f in found):
        return 0
    if args.if_online and not any(f.results for f in found):
        print("Viser de medfølgende demodataene. Hent ekte tall fra SSB senere med: "
              "python -m loaders fetch")
        return 0
    return 3


if __name__ == "__main__":
    sys.exit(main())
