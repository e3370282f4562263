"""Page speed and map payload, printed as ratios against a bare Streamlit app in the same run.

    .venv/bin/python -m bench.bench_pages [--reps 5] [--db PATH]

1. Time to first visible map in headless Chromium (fresh browser context each time) vs the time
   to first visible text of a one-line Streamlit page; the same for the first drawn chart on
   Utvikling, Sammenlign and Min kommune (goal of issue 13: every page ≤ 1,3×).
2. Rerun after changing municipality (browser: Enter in the picker → the new outline drawn)
   vs a bare rerun (a one-selectbox page: Enter → new text shown); plus the server-side script
   time of the same change in AppTest vs a bare AppTest rerun.
3. Map payload: websocket bytes and geometry bytes for Vestfold og Telemark and all Norway.

Numbers are printed, not asserted (the targets are in issue 4: ≤ 1,3×, ≤ 1,2×, ≤ 80 KB /
≤ 600 KB). Everything runs on localhost; no network.
"""
from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack, contextmanager
from pathlib import Path

from vocab import settings

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
STREAMLIT = str(Path(PY).with_name("streamlit"))
BARE_PAGE = 'import streamlit as st\nst.write("Hei")\n'
BARE_RERUN = ('import streamlit as st\n'
              'k = st.selectbox("Kommune", ["Skien", "Porsgrunn", "Siljan", "Bamble"])\n'
              'st.write(f"Valgt: {k}")\n')
# For context: what plotly itself costs in Streamlit (its 4–5 MB chart bundle loads on demand).
BARE_PLOTLY = ('import streamlit as st\nimport plotly.graph_objects as go\n'
               'k = st.selectbox("Kommune", ["Skien", "Porsgrunn", "Siljan", "Bamble"])\n'
               'st.plotly_chart(go.Figure(go.Scatter(x=[1, 2, 3], y=[1, 3, 2])).update_layout(title=k), '
               'theme=None)\n')
PLOTLY_READY = "() => document.querySelectorAll('.stPlotlyChart .main-svg').length > 0"
PLOTLY_DONE = "() => [...document.querySelectorAll('.gtitle')].some(e => e.textContent === '$CODE')"
CHROMIUM = next((p for p in ("/usr/bin/chromium", "/usr/lib/chromium/chromium") if os.path.exists(p)), None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(script: Path, env: dict, cwd: Path):
    """`streamlit run` on a free port; stopped (only this process) on exit."""
    port = free_port()
    cmd = [STREAMLIT, "run", str(script), "--server.port", str(port), "--server.headless", "true",
           "--browser.gatherUsageStats", "false", "--server.address", "127.0.0.1"]
    proc = subprocess.Popen(cmd, cwd=cwd, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def store_path(arg: str | None, tmp: Path) -> Path:
    if arg:
        return Path(arg)
    if settings.is_set("INNENFOR_DB"):
        return Path(str(settings.env("INNENFOR_DB")))
    from loaders import build
    db = tmp / "innenfor.duckdb"
    build.build_store(db)
    return db


def app_settings(folder: Path) -> None:
    """The app's .streamlit/config.toml in `folder`, for the bare pages run from there: without
    it Streamlit collects garbage after every run and polls the files, and the floor would be
    too slow."""
    (folder / ".streamlit").mkdir()
    (folder / ".streamlit" / "config.toml").write_text((ROOT / ".streamlit" / "config.toml").read_text())


# --- browser measurements --------------------------------------------------------------------

MAP_READY = ("() => { const e = document.querySelectorAll('.inf-map .inf-muni');"
             " return e.length > 0 && e[e.length - 1].getBoundingClientRect().width > 0; }")
# A plotly.js figure drawn with a size, whoever draws it (st.plotly_chart or ui/plotly_view).
CHART_INTERACTIVE = ("() => [...document.querySelectorAll('.js-plotly-plot .main-svg')]"
                     ".some(e => e.getBoundingClientRect().width > 0)")
# The first chart seen: its picture (ui/first_picture.py, decoded and laid out) or plotly's own.
CHART_READY = ("() => [...document.querySelectorAll('.inf-static img')].some(e => e.complete "
               "&& e.naturalWidth > 0 && e.getBoundingClientRect().height > 0) || ("
               + CHART_INTERACTIVE + ")()")
BARE_READY = "() => document.body.innerText.includes('Hei')"
CHART_PAGES = (("Utvikling", "/utvikling"), ("Sammenlign", "/sammenlign"),
               ("Min kommune", "/min-kommune"))
SCRIPT_IDLE = ("() => document.querySelector('[data-testid=stApp]')"
               "?.getAttribute('data-test-script-state') === 'notRunning'")


def first_visible(browser, url: str, ready_js: str, reps: int,
                  then: tuple[str, list[float]] | None = None) -> list[float]:
    """Seconds from navigation to `ready_js` true; with `then` (a second condition, a list), the
    time to that one is added to the list too, in the same load."""
    times = []
    for _ in range(reps):
        ctx = browser.new_context(viewport={"width": 1366, "height": 768})
        page = ctx.new_page()
        t0 = time.perf_counter()
        page.goto(url)
        page.wait_for_function(ready_js, timeout=60_000, polling=20)
        times.append(time.perf_counter() - t0)
        if then is not None:
            page.wait_for_function(then[0], timeout=60_000, polling=20)
            then[1].append(time.perf_counter() - t0)
        ctx.close()
    return times


def pick(page, label: str, value: str) -> None:
    """Type into a selectbox (found by its label) without committing yet."""
    box = page.locator("[data-testid=stSelectbox]", has_text=label).first
    box.locator("input").click()
    box.locator("input").fill(value)
    page.wait_for_timeout(150)


def rerun_times(browser, url: str, label: str, values: list[tuple[str, str]], done_js: str,
                reps: int) -> list[float]:
    ctx = browser.new_context(viewport={"width": 1366, "height": 768})
    page = ctx.new_page()
    page.goto(url)
    page.wait_for_function(SCRIPT_IDLE, timeout=60_000)
    page.wait_for_timeout(1000)
    times = []
    for i in range(reps):
        value, code = values[i % len(values)]
        pick(page, label, value)
        t0 = time.perf_counter()
        page.keyboard.press("Enter")
        page.wait_for_function(done_js.replace("$CODE", code), timeout=60_000, polling=10)
        page.wait_for_function(SCRIPT_IDLE, timeout=60_000, polling=10)
        times.append(time.perf_counter() - t0)
        page.wait_for_timeout(300)
    ctx.close()
    return times


def map_payload(browser, url: str) -> tuple[int, int]:
    """(websocket bytes received, geometry bytes) for one fresh page load of the map."""
    ctx = browser.new_context(viewport={"width": 1366, "height": 768})
    page = ctx.new_page()
    ws_bytes, geo_bytes = [0], [0]

    def on_ws(ws):
        ws.on("framereceived", lambda f: ws_bytes.__setitem__(0, ws_bytes[0] + len(f)))
    page.on("websocket", on_ws)

    def on_response(r):
        if "/app/static/geo/" in r.url:
            try:
                geo_bytes[0] += len(r.body())
            except Exception:  # noqa: BLE001 - body unavailable (cached): count nothing
                pass
    page.on("response", on_response)
    page.goto(url)
    page.wait_for_function(MAP_READY, timeout=60_000)
    page.wait_for_function(SCRIPT_IDLE, timeout=60_000)
    page.wait_for_timeout(500)
    ctx.close()
    return ws_bytes[0], geo_bytes[0]


def chart_pages(browser, apps: list[tuple[str, str]], bare_url: str, reps: int) -> None:
    """First drawn chart on each chart page of each (label, url) app against the bare page,
    taken in turn (bare, then each page, `reps` rounds) so that a change in the machine's load
    hits all sides alike."""
    pages = [("Bar side", bare_url + "/", BARE_READY)] + \
        [(label + name, url + path, CHART_READY) for label, url in apps for name, path in CHART_PAGES]
    for _name, url, ready in pages:                      # warm-up: compile, fill the caches
        first_visible(browser, url, ready, 1)
    time.sleep(5)           # ... and let the first pictures be made (in the background, ~0,1 s each)
    times: dict[str, list[float]] = {name: [] for name, _u, _r in pages}
    full: dict[str, list[float]] = {name: [] for name, _u, _r in pages[1:]}
    for _ in range(reps):
        for name, url, ready in pages:
            then = (CHART_INTERACTIVE, full[name]) if name in full else None
            times[name] += first_visible(browser, url, ready, 1, then)
    bare = statistics.median(times["Bar side"])
    print("\nNettleser: tid til første tegnede figur (bilde eller interaktiv), sidene etter tur "
          "med en bar side (ny nettleserkontekst hver gang):")
    for name, t in times.items():
        print(f"  {name + ':':<19}{ms(t)}  {statistics.median(t) / bare:.2f}× bar side"
              + ("" if name == "Bar side" else "  (mål ≤ 1,3×)"))
    print("Til figuren er interaktiv (plotly.js har tegnet den), samme lasting:")
    for name, t in full.items():
        print(f"  {name + ':':<19}{ms(t)}  {statistics.median(t) / bare:.2f}× bar side")


# --- AppTest (server side only) --------------------------------------------------------------

def apptest_rerun(db: Path, reps: int, tmp: Path) -> tuple[list[float], list[float]]:
    os.environ["INNENFOR_DB"] = str(db)
    from streamlit.testing.v1 import AppTest
    codes = ["4001", "4003", "4010", "4012"]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    for c in codes:                     # warm the caches
        at.selectbox(key="w_kommune").set_value(c).run()
    ours = []
    for i in range(reps * 2):
        t0 = time.perf_counter()
        at.selectbox(key="w_kommune").set_value(codes[i % len(codes)]).run()
        ours.append(time.perf_counter() - t0)
    bare_file = tmp / "bare_rerun.py"
    bare_file.write_text(BARE_RERUN)
    bt = AppTest.from_file(str(bare_file)).run()
    bare = []
    opts = ["Skien", "Porsgrunn", "Siljan", "Bamble"]
    for i in range(reps * 2):
        t0 = time.perf_counter()
        bt.selectbox[0].set_value(opts[i % 4]).run()
        bare.append(time.perf_counter() - t0)
    return ours, bare


def ms(xs) -> str:
    return f"{statistics.median(xs) * 1000:6.0f} ms (median of {len(xs)}, min {min(xs) * 1000:.0f})"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.bench_pages")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--db", help="store to use (default: $INNENFOR_DB or a fresh demo store)")
    ap.add_argument("--first-only", action="store_true",
                    help="only the times to the first map and chart (no reruns, no payload)")
    ap.add_argument("--other-tree", help="a checkout of an earlier version: its chart pages are "
                                         "measured in the same rounds («før:»)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="innenfor-bench-") as t:
        tmp = Path(t)
        db = store_path(args.db, tmp)
        print(f"Lager: {db}")
        print(f"Maskin: {os.cpu_count()} kjerner, Python {sys.version.split()[0]}")
        (tmp / "bare_page.py").write_text(BARE_PAGE)
        (tmp / "bare_rerun.py").write_text(BARE_RERUN)
        (tmp / "bare_plotly.py").write_text(BARE_PLOTLY)
        app_settings(tmp)

        if not args.first_only:
            ours_rr, bare_rr = apptest_rerun(db, args.reps, tmp)
            print("\nAppTest (bare skriptet på serveren), bytte kommune på Kart:")
            print(f"  Innenfor:     {ms(ours_rr)}")
            print(f"  Bar rerun:    {ms(bare_rr)}")
            print(f"  Forhold:      {statistics.median(ours_rr) / statistics.median(bare_rr):.1f}×")

        if CHROMIUM is None:
            print("\nChromium mangler (apt-get install -y chromium): hopper over nettlesermålingene.")
            return 0
        from playwright.sync_api import sync_playwright
        env = {"INNENFOR_DB": str(db)}
        os.environ.pop("INNENFOR_NO_FIRST_PICTURE", None)      # measured as it runs for users
        with server(ROOT / "app.py", env, ROOT) as app_url, \
                server(tmp / "bare_page.py", {}, tmp) as bare_url, \
                server(tmp / "bare_rerun.py", {}, tmp) as bare_rr_url, \
                server(tmp / "bare_plotly.py", {}, tmp) as plotly_url, \
                sync_playwright() as pw, ExitStack() as stack:
            browser = pw.chromium.launch(executable_path=CHROMIUM,
                                         args=["--no-sandbox", "--disable-gpu"])
            # One warm-up each: the first load compiles the script and fills the caches.
            first_visible(browser, app_url + "/", MAP_READY, 1)
            first_visible(browser, bare_url + "/", "() => document.body.innerText.includes('Hei')", 1)
            first_visible(browser, plotly_url + "/", PLOTLY_READY, 1)
            ours = first_visible(browser, app_url + "/", MAP_READY, args.reps)
            bare = first_visible(browser, bare_url + "/",
                                 "() => document.body.innerText.includes('Hei')", args.reps)
            plotly_only = first_visible(browser, plotly_url + "/", PLOTLY_READY, args.reps)
            print("\nNettleser: tid til første synlige kart (ny nettleserkontekst hver gang):")
            print(f"  Kart (Vestfold og Telemark): {ms(ours)}")
            print(f"  Bar side (én linje):         {ms(bare)}")
            print(f"  Bar side med én plotly-figur:{ms(plotly_only)}")
            ratio = statistics.median(ours) / statistics.median(bare)
            print(f"  Forhold mot bar side:        {ratio:.2f}×  (mål ≤ 1,3×)")
            ratio = statistics.median(ours) / statistics.median(plotly_only)
            print(f"  Forhold mot bar plotly-side: {ratio:.2f}×")
            apps = [("", app_url)]
            if args.other_tree:
                apps = [("før: ", stack.enter_context(server(Path(args.other_tree) / "app.py", env,
                                                              Path(args.other_tree)))),
                        ("nå: ", app_url)]
            chart_pages(browser, apps, bare_url, args.reps)
            if args.first_only:
                browser.close()
                return 0

            done_map = "() => !!document.querySelector('.inf-map .inf-sel[data-code=\"$CODE\"]')"
            values = [("Porsgrunn", "4001"), ("Skien", "4003"), ("Bamble", "4012"), ("Siljan", "4010")]
            ours = rerun_times(browser, app_url + "/", "Kommune", values, done_map, args.reps)
            done_bare = "() => document.body.innerText.includes('Valgt: $CODE')"
            bvals = [(n, n) for n in ("Porsgrunn", "Skien", "Bamble", "Siljan")]
            bare = rerun_times(browser, bare_rr_url + "/", "Kommune", bvals, done_bare, args.reps)
            plotly_only = rerun_times(browser, plotly_url + "/", "Kommune", bvals, PLOTLY_DONE, args.reps)
            print("\nNettleser: rerun etter bytte av kommune (Enter → ny kant tegnet):")
            print(f"  Kart:                  {ms(ours)}")
            print(f"  Bar rerun:             {ms(bare)}")
            print(f"  Bar rerun med plotly:  {ms(plotly_only)}")
            ratio = statistics.median(ours) / statistics.median(bare)
            print(f"  Forhold mot bar rerun: {ratio:.2f}×  (mål ≤ 1,2×)")
            print(f"  Forhold mot plotly:    {statistics.median(ours) / statistics.median(plotly_only):.2f}×")

            print("\nKartdata sendt til nettleseren (én ny sidevisning):")
            for name, q in (("Vestfold og Telemark", "?fylke=38"), ("Hele landet", "?fylke=0")):
                ws, geo = map_payload(browser, app_url + "/" + q)
                print(f"  {name:<21} websocket {ws / 1024:6.1f} KB + geometri {geo / 1024:6.1f} KB"
                      f" = {(ws + geo) / 1024:6.1f} KB")
            print("  (kartet er SVG med grensene i selve meldingen: ingen egen geometrifil; "
                  "en rerun sender det samme på nytt)")
            browser.close()

        from indicators import maps  # the path data on its own, for the record
        for area in ("vestfold_telemark", "norge"):
            g = maps.svg_geometry(area)
            size = sum(len(d) for d in g.paths.values())
            print(f"  SVG-stier {area}: {size / 1024:.1f} KB ({len(g.paths)} kommuner)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
