"""Loader throughput: a generated 1 M-row NAV long CSV through the whole pipeline (detect →
read → normalise → validate → harmonise → write), against DuckDB's own read_csv of the same
file into a table, in the same run. Prints numbers; asserts nothing. Wall time is what the
target is about; CPU time (all threads) is printed too, since wall time on a shared machine
depends on what else runs.

    .venv/bin/python -m bench.bench_loaders [--rows N] [--repeat N]
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np

from geo import codes

STATUSES = ["Helt ledige", "Delvis ledige", "Arbeidssøkere på tiltak"]
SEXES = ["Kvinner", "Menn"]
AGES = ["Under 30 år", "I alt"]


def make_file(path: Path, rows: int, ages: bool = False) -> int:
    """NAV's long monthly layout, ';' and decimal comma, 2024 municipalities, months back from
    2024-12. With `ages`, NAV's age column too (the benchmark: a million rows then reach back
    to 2005; without it to 1986, which validation rejects as a typo)."""
    munis = [f"{c} {r['name']}" for c, r in sorted(codes.municipalities_2024().items())]
    age_groups = AGES if ages else [None]
    per_month = len(munis) * len(STATUSES) * len(SEXES) * len(age_groups)
    months = -(-rows // per_month)
    rng = np.random.default_rng(1)
    written = 0
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("År;År-måned;Nåværende Kommune Nr Navn;" + ("Alder;" if ages else "")
                + "Arbeidsmarkedsstatus hovedgruppe;Kjønn;Beh personer i mnd;% av arbeidsstyrken\n")
        for i in range(months):
            y, m = 2024 - i // 12, 12 - i % 12
            counts = rng.integers(4, 900, per_month)
            k = 0
            lines = []
            for label in munis:
                for age in age_groups:
                    place = f"{label};{age}" if age else label
                    for st in STATUSES:
                        for sx in SEXES:
                            c = counts[k]
                            if age == "I alt":   # everyone: at least those under 30 (loaders.totals)
                                c += counts[k - len(STATUSES) * len(SEXES)]
                            lines.append(f"{y};{y}{m:02d};{place};{st};{sx};{c};{c / 300:.1f}"
                                         .replace(".", ",") + "\n")
                            k += 1
            take = lines[: rows - written]
            f.writelines(take)
            written += len(take)
    return written


def _n(x: float) -> str:
    return f"{x:,.0f}".replace(",", " ")


def _duckdb(src: Path, db: Path) -> tuple[float, float, int]:
    t, c = time.perf_counter(), time.process_time()
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?, delim=';', decimal_separator=',', header=true)",
                [str(src)])
    rows = con.execute("SELECT count(*) FROM t").fetchone()[0]
    con.close()
    return time.perf_counter() - t, time.process_time() - c, rows


def _innenfor(src: Path, db: Path):
    from loaders import pipeline
    t, c = time.perf_counter(), time.process_time()
    r = pipeline.load_path(src, db)
    return time.perf_counter() - t, time.process_time() - c, r


def main(argv=None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=1,
                    help="run both N times, alternating, and compare the fastest of each "
                         "(on a shared machine the slowest runs measure the neighbours)")
    args = ap.parse_args(argv)
    from loaders import pipeline
    os.environ["INNENFOR_MAX_UPLOAD_MB"] = "2000"
    pipeline.MAX_BYTES = 2000 * 1024 * 1024
    duck, ours = [], []
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "nav_long.csv"
        n = make_file(src, args.rows, ages=True)
        size = src.stat().st_size
        os.sync()   # the generated file's dirty pages must not be flushed during either timing
        for i in range(args.repeat):
            duck.append(_duckdb(src, Path(d) / f"ref{i}.duckdb"))
            ours.append(_innenfor(src, Path(d) / f"run{i}" / "innenfor.duckdb"))
    (t_duck, c_duck, ref_rows), (t_ours, c_ours, r) = min(duck), min(ours, key=lambda x: x[0])
    if args.repeat > 1:
        print(f"{args.repeat} kjøringer (s): DuckDB " + " ".join(f"{x[0]:.2f}" for x in duck)
              + "; Innenfor " + " ".join(f"{x[0]:.2f}" for x in ours) + " – raskeste brukt")
    print(f"fil: {_n(n)} rader, {size / 1e6:.1f} MB (NAV langt format, CSV)")
    print(f"DuckDB read_csv → tabell: {t_duck:.2f} s ({_n(ref_rows / t_duck)} rader/s), "
          f"CPU-tid {c_duck:.2f} s")
    print(f"Innenfor load ({r.outcome}, {_n(r.rows)} observasjoner): {t_ours:.2f} s "
          f"({_n(n / t_ours)} rader/s), CPU-tid {c_ours:.2f} s")
    print(f"forhold Innenfor / DuckDB: {t_ours / t_duck:.1f}x (mål ≤ 2x); "
          f"CPU-tid {c_ours / c_duck:.1f}x")
    if r.outcome != "loaded":
        print("AVVIST:", r.message, r.problems[:3])


if __name__ == "__main__":
    main()
