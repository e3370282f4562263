"""python -m indicators table [--db PATH] --indicator ID [--period P] [--level L] [--age A] [--category C]
python -m indicators history [--db PATH] --indicator ID --region CODE [--period P]
python -m indicators progress [--db PATH] [--indicator ID] [--level kommune|region|fylke|land]

`table` prints CSV on stdout: indicator,region_code,region_name,period,value,numerator,denominator,
status (value with '.' as decimal point; a suppressed or missing value is empty). `history`
prints every stored release of each figure of one region (queries.HISTORY_COLUMNS), `shown`
true for the one the views use."""
from __future__ import annotations

import argparse
import csv
import sys

from indicators import progress, queries
from loaders import store
from vocab import indicators
from vocab.i18n import _
from vocab.status import has_value

HEADER = ["indicator", "region_code", "region_name", "period", "value", "numerator", "denominator", "status"]


def _num(x) -> str:
    if x is None or x != x:   # None or NaN
        return ""
    return str(int(x)) if float(x).is_integer() else repr(round(float(x), 6))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m indicators")
    sub = p.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("table", help=_("skriv en tabell som CSV"))
    t.add_argument("--db")
    t.add_argument("--indicator", required=True, choices=sorted(indicators.all_indicators()))
    t.add_argument("--period")
    t.add_argument("--level", default="kommune", choices=list(queries.LEVELS))
    t.add_argument("--age")
    t.add_argument("--category", default="alle")
    t.add_argument("--sex", default="alle")
    h = sub.add_parser("history", help=_("alle utgaver av tallene for én region, som CSV"))
    h.add_argument("--db")
    h.add_argument("--indicator", required=True, choices=sorted(indicators.all_indicators()))
    h.add_argument("--region", required=True, help=_("regionkode, f.eks. 4003"))
    h.add_argument("--period")
    g = sub.add_parser("progress", help=_("målene og om de nyeste tallene er på sporet, som CSV"))
    g.add_argument("--db")
    g.add_argument("--indicator", choices=sorted(indicators.all_indicators()))
    g.add_argument("--level", choices=list(queries.LEVELS))
    args = p.parse_args(argv)
    if not store.exists(args.db):
        print(_("Fant ikke lageret {path}. Kjør: python -m loaders build").format(
            path=store.db_path(args.db)), file=sys.stderr)
        return 2
    if args.cmd == "history":
        return history(args)
    if args.cmd == "progress":
        return progress_csv(args)
    with store.reader(args.db) as con:
        df = queries.table(con, args.indicator, args.level, period=args.period, age=args.age,
                           sex=args.sex, category=args.category)
        if df.empty:      # still a valid CSV (the header); say on stderr why it is empty
            ages = queries.ages(con, args.indicator)
            periods = queries.periods(con, args.indicator, age=args.age, category=args.category)
            print(_("Ingen tall for {indicator} med dette utvalget. Aldersgrupper i lageret: {ages}; "
                    "perioder: {periods}.").format(
                      indicator=args.indicator, ages=", ".join(ages) or _("ingen"),
                      periods=(periods[0] + "–" + periods[-1]) if periods else _("ingen")),
                  file=sys.stderr)
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(HEADER)
    for r in df.itertuples(index=False):
        known = has_value(str(r.status))
        w.writerow([args.indicator, r.region_code, r.region_name, r.period,
                    _num(r.value) if known else "", _num(r.numerator) if known else "",
                    _num(r.denominator), r.status])
    return 0


def progress_csv(args) -> int:
    with store.reader(args.db) as con:
        found = progress.assess_all(con, args.indicator, args.level)
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(progress.CSV_COLUMNS)
    for g in found:
        w.writerow([g.indicator.id, g.region_code, g.region_name, g.age, g.category,
                    g.baseline_period, _num(g.baseline_value), _num(g.target_value), g.target_year,
                    g.latest_period or "", _num(g.latest_value), _num(g.expected_value), g.status])
    return 0


def history(args) -> int:
    with store.reader(args.db) as con:
        df = queries.history(con, args.indicator, args.region, args.period)
    if df.empty:
        msg = _("Ingen tall for {indicator} i {region} i {period}.") if args.period else \
            _("Ingen tall for {indicator} i {region}.")
        print(msg.format(indicator=args.indicator, region=args.region, period=args.period),
              file=sys.stderr)
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(queries.HISTORY_COLUMNS)
    for r in df.itertuples(index=False):
        known = has_value(str(r.status))
        w.writerow([r.indicator, r.region_code, r.period, r.age, r.sex, r.category,
                    _num(r.value) if known else "", _num(r.numerator) if known else "",
                    _num(r.denominator), r.status, r.release, r.source, str(bool(r.shown)).lower()])
    return 0


if __name__ == "__main__":
    sys.exit(main())
