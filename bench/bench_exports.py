"""Export speed: one PNG with a fresh browser, and a full municipality deck (≥ 5 charts), on the
bundled demo data. Prints numbers; asserts nothing.

    .venv/bin/python -m bench.bench_exports [--kommune 4003] [--repeat 3]

Targets (issue 5): one PNG ≤ 3 s with a fresh browser; a full deck ≤ 10 s.
"Fresh" = start Chromium, render, close it (what a page pays without the kept-alive server).
"Warm" = with exports.images.start_server() running (what the app pays after the first export).
"""
from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path


def _fmt(xs: list[float]) -> str:
    return f"median {statistics.median(xs):.2f} s (" + ", ".join(f"{x:.2f}" for x in xs) + ")"


def main(argv=None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--kommune", default="4003", help="2024 municipality number (Skien: 4003)")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)

    t = time.perf_counter()
    from exports import deck, images, kommune
    from exports.bundle import build as build_zip
    from indicators import charts, queries, views
    from loaders import build, store
    from vocab import indicators
    t_import = time.perf_counter() - t

    if not images.available():
        print(images.MISSING_MESSAGE)
        return
    with tempfile.TemporaryDirectory() as d:
        db = Path(d) / "innenfor.duckdb"
        build.build_store(db)
        with store.reader(db) as con:
            rep = kommune.collect(con, args.kommune)
            ind = indicators.get("neet")
            df = queries.series(con, "neet", [args.kommune, rep.county, views.NORWAY])
            fig = charts.trend(df, ind=ind, lines=[(args.kommune, "kommune"), (rep.county, "fylke"),
                                                   (views.NORWAY, "land")],
                               demo=queries.is_demo(con, "neet"))

            png_fresh, deck_fresh, collect = [], [], []
            for _ in range(args.repeat):
                t = time.perf_counter()
                images.render(fig, "png")
                png_fresh.append(time.perf_counter() - t)
            for _ in range(args.repeat):
                t = time.perf_counter()
                r = kommune.collect(con, args.kommune)
                collect.append(time.perf_counter() - t)
                deck.build(r)
                deck_fresh.append(time.perf_counter() - t)

            t = time.perf_counter()
            images.start_server()
            t_start = time.perf_counter() - t
            png_warm, deck_warm, zip_warm = [], [], []
            try:
                images.render(fig, "png")
                for _ in range(args.repeat):
                    t = time.perf_counter()
                    images.render(fig, "png")
                    png_warm.append(time.perf_counter() - t)
                for _ in range(args.repeat):
                    t = time.perf_counter()
                    deck.build(kommune.collect(con, args.kommune))
                    deck_warm.append(time.perf_counter() - t)
                for _ in range(args.repeat):
                    t = time.perf_counter()
                    build_zip(kommune.collect(con, args.kommune))
                    zip_warm.append(time.perf_counter() - t)
            finally:
                images.stop_server()

    n_charts = len(rep.charts)
    load = os.getloadavg()
    print(f"maskin: {os.cpu_count()} CPU, load {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}; "
          f"nettleser {images.chromium_path()}")
    print(f"import av exports, plotly, kaleido: {t_import:.2f} s (én gang per prosess)")
    print(f"én PNG, ny nettleser (start + tegn): {_fmt(png_fresh)}   mål ≤ 3 s")
    print(f"presentasjon for {rep.name}, {n_charts} figurer, ny nettleser: {_fmt(deck_fresh)}"
          f"   mål ≤ 10 s")
    print(f"  herav data og setninger (kommune.collect): {_fmt(collect)}")
    print(f"start av varm server: {t_start:.2f} s")
    print(f"én PNG, varm server: {_fmt(png_warm)}")
    print(f"presentasjon, varm server: {_fmt(deck_warm)}")
    print(f"saksvedlegg (zip: PPTX, {n_charts} PNG, Excel, LESMEG), varm server: {_fmt(zip_warm)}")


if __name__ == "__main__":
    main()
