"""python -m loaders build [--if-stale] [--replace]
python -m loaders load [--db PATH] [--period ÅR] [--foreløpig] [--ved-konflikt ny|gammel] FILE..."""
from __future__ import annotations

import argparse
import sys

from loaders import build as building
from loaders import pipeline, store


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
    args = p.parse_args(argv)
    if args.cmd == "build":
        results = building.build(store.db_path(args.db), args.if_stale, args.replace)
        if isinstance(results, int):
            return results
    else:
        results = [pipeline.load_path(f, args.db, loaded_by=args.by, period=args.period,
                                      preliminary=args.preliminary, on_conflict=args.on_conflict)
                   for f in args.files]
    for r in results:
        print(r.line())
        for prob in r.problems[5:]:
            print("   ", prob)
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
