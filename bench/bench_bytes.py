"""Bytes sent to the browser per page: one fresh page load (empty cache) of every page, counted
in headless Chromium through the DevTools protocol (HTTP: Network.loadingFinished
encodedDataLength, i.e. on the wire with headers) plus every websocket frame the server sent
(Playwright's framereceived, exact bytes), and the same for a bare one-line Streamlit page.
Also the bytes of one rerun (municipality change on Kart). Prints numbers; asserts nothing.

    .venv/bin/python -m bench.bench_bytes [--db PATH]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from bench.bench_pages import BARE_PAGE, CHROMIUM, MAP_READY, ROOT, SCRIPT_IDLE, server, store_path

PAGES = [("Kart", "/"), ("Utvikling", "/utvikling"), ("Sammenlign", "/sammenlign"),
         ("Min kommune", "/min-kommune"), ("Data", "/data")]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
CHARTS = ("() => [...document.querySelectorAll('[data-testid=stPlotlyChart]')]"
          ".every(c => c.querySelector('.main-svg'))")


def kind(url: str) -> str:
    if "/static/js/" in url or url.endswith(".js"):
        return "js"
    if "/static/css/" in url:
        return "css"
    if "/static/media/" in url or url.endswith((".woff2", ".ttf", ".png", ".jpg", ".svg")):
        return "fonter/bilder"
    if "/app/static/" in url:
        return "kartgeometri"
    return "annet"


def measure(browser, url: str, ready: str | None = None, action=None) -> dict:
    """{http: {kind: bytes}, ws_in, ws_out, frames} for one fresh load (+ optional action)."""
    ctx = browser.new_context(viewport={"width": 1366, "height": 768})
    page = ctx.new_page()
    cdp = ctx.new_cdp_session(page)
    cdp.send("Network.enable")
    urls, http = {}, defaultdict(int)
    cdp.on("Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
    cdp.on("Network.loadingFinished",
           lambda e: http.__setitem__(kind(urls.get(e["requestId"], "")),
                                      http[kind(urls.get(e["requestId"], ""))] + int(e["encodedDataLength"])))
    ws = {"in": 0, "out": 0, "frames": 0}

    def on_ws(w):
        def rx(payload):
            ws["in"] += len(payload)
            ws["frames"] += 1

        def tx(payload):
            ws["out"] += len(payload)
        w.on("framereceived", rx)
        w.on("framesent", tx)
    page.on("websocket", on_ws)
    page.goto(url)
    page.wait_for_timeout(200)
    page.wait_for_function(SCRIPT_IDLE, timeout=60_000)
    if ready:
        page.wait_for_function(ready, timeout=60_000)
    page.wait_for_timeout(700)
    out = {"http": dict(http), "ws_in": ws["in"], "ws_out": ws["out"], "frames": ws["frames"]}
    if action:
        before = (sum(http.values()), ws["in"])
        action(page)
        page.wait_for_timeout(700)
        out["action_http"] = sum(http.values()) - before[0]
        out["action_ws"] = ws["in"] - before[1]
    ctx.close()
    return out


def change_municipality(page) -> None:
    box = page.get_by_role("combobox", name="Kommune")
    box.click()
    box.fill("porsgrunn")
    page.wait_for_timeout(150)
    page.keyboard.press("Enter")
    page.wait_for_timeout(200)
    page.wait_for_function(SCRIPT_IDLE, timeout=60_000)


def kb(n: int) -> str:
    return f"{n / 1024:8.1f} KB"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.bench_bytes")
    ap.add_argument("--db")
    args = ap.parse_args(argv)
    if CHROMIUM is None:
        print("Chromium mangler (apt-get install -y chromium): hopper over.")
        return 0
    from playwright.sync_api import sync_playwright
    with tempfile.TemporaryDirectory(prefix="innenfor-bytes-") as t:
        tmp = Path(t)
        db = store_path(args.db, tmp)
        (tmp / "bare_page.py").write_text(BARE_PAGE)
        with server(ROOT / "app.py", {"INNENFOR_DB": str(db)}, ROOT) as app_url, \
                server(tmp / "bare_page.py", {}, tmp) as bare_url, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            measure(browser, app_url + "/", MAP_READY)            # warm the server's caches
            rows = [("Bar Streamlit-side", measure(browser, bare_url + "/"))]
            for name, path in PAGES:
                ready = MAP_READY if name == "Kart" else (CHARTS if name != "Data" else None)
                action = change_municipality if name == "Kart" else None
                rows.append((name, measure(browser, app_url + path, ready, action)))
            browser.close()
    print("Bytes til nettleseren ved én ny sidevisning (tom hurtigbuffer):")
    print(f"  {'side':<20}{'HTTP i alt':>12}{'  herav JS':>12}{'  kartgeo':>11}"
          f"{'websocket':>12}{'rammer':>8}{'  sum':>12}")
    for name, r in rows:
        h = sum(r["http"].values())
        print(f"  {name:<20}{kb(h):>12}{kb(r['http'].get('js', 0)):>12}"
              f"{kb(r['http'].get('kartgeometri', 0)):>11}{kb(r['ws_in']):>12}{r['frames']:>8}"
              f"{kb(h + r['ws_in']):>12}")
    kart = dict(rows)["Kart"]
    if "action_ws" in kart:
        print(f"  Rerun på Kart (bytte kommune): websocket {kb(kart['action_ws']).strip()}, "
              f"HTTP {kb(kart['action_http']).strip()}")
    bare = rows[0][1]
    print(f"  (JavaScript-pakken til Streamlit lastes én gang per nettleser og caches; "
          f"bar side: {kb(sum(bare['http'].values())).strip()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
