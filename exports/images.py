"""PNG, SVG and PDF from a plotly figure, rendered by kaleido 1.x in Debian's Chromium.

Offline by construction: plotly.js comes from the installed plotly package, MathJax is off, and
maps read the empty topojson stub in static/ (plotly.js asks for a world map even when the base
map is hidden). Nothing is fetched from the internet.

Only kaleido's public API is used: `start_sync_server`, `calc_fig_sync`, `stop_sync_server`.
- `start_server()` keeps one browser alive (kaleido's sync server), so a batch (a deck of five
  charts, the test session) pays the start once. `render` uses it when it runs. It closes
  itself after `idle_seconds` without work; the app calls `start_server()` before each export.
- Without it, `render` starts a browser for its images and hands them back as soon as they are
  drawn; the browser closes afterwards in the background (the next render waits for that).

kaleido's sync server takes one caller at a time and never answers if its browser died (a
failed start, a crash): calls go through one lock and are given up after a timeout.

When Chromium is missing every call raises `ChromiumMissing`, whose message (Norwegian) says
how to install it: a page shows the message instead of failing.
"""
from __future__ import annotations

import os
import shutil
import threading
import time
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path

import plotly.io as pio

from exports import figures, safe
from indicators import charts
from vocab import settings
from vocab.i18n import N_, _

ROOT = Path(__file__).resolve().parent.parent
TOPOJSON_URL = (ROOT / "static").as_uri() + "/"   # holds the stub world_110m.json

FORMATS = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
PRINT_SCALE = 2                               # PNG at twice the CSS size: sharp in print
TIMEOUT = 60.0                                # seconds for one image
BUSY_TIMEOUT = 300.0                          # seconds to wait for another caller's images
CANDIDATES = ("/usr/lib/chromium/chromium",   # the binary: avoids the wrapper's 6–7 s stalls
              "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")

# Anyone else calling plotly's own fig.to_image gets the offline base map too.
if not getattr(pio.defaults, "topojson", None):
    pio.defaults.topojson = TOPOJSON_URL


class ChromiumMissing(RuntimeError):
    """No Chromium on this machine: image export (and the presentation) cannot run."""


# The bokmål message: missing_message() says it in the current language.
MISSING_MESSAGE = N_(
    "Bildeeksport (PNG, SVG, PDF) og presentasjonen trenger nettleseren Chromium på serveren, "
    "og den er ikke installert. Be den som drifter Innenfor kjøre "
    "«apt-get install -y chromium» (Debian/Ubuntu, om lag 500 MB) og starte appen på nytt. "
    "Excel- og CSV-filene kan lastes ned uten Chromium.")


def missing_message() -> str:
    """What to do without Chromium, in the current language."""
    return _(MISSING_MESSAGE)


def chromium_path() -> str | None:
    """The browser kaleido should start: $BROWSER_PATH if set, else Debian's binary."""
    env = settings.env("BROWSER_PATH")
    if env:
        return env if os.access(env, os.X_OK) else None
    for p in CANDIDATES:
        if os.access(p, os.X_OK):
            return p
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def available() -> bool:
    return chromium_path() is not None


def _browser() -> str:
    p = chromium_path()
    if p is None:
        raise ChromiumMissing(missing_message())
    return p


# --- kaleido's sync server, one caller at a time -----------------------------------------------
# State below is guarded by _lock. A plain Lock, not an RLock: after a one-off batch the thread
# that closes the browser in the background releases it.

_lock = threading.Lock()
_running = False            # kaleido's sync server was started by us and not stopped
_kept = False               # ... by start_server() (not for one batch)
_idle_seconds = 600.0
_last_used = 0.0
_idle_timer: threading.Timer | None = None


def _acquire() -> None:
    if not _lock.acquire(timeout=BUSY_TIMEOUT):
        raise RuntimeError(_("Bildeeksporten er opptatt med andre bilder. Prøv igjen om litt."))


def _open(path: str) -> None:
    global _running
    if not _running:
        import kaleido  # ~0.5 s to import: only when an image is wanted
        kaleido.start_sync_server(path=path, mathjax=False, timeout=TIMEOUT,
                                  silence_warnings=True)
        _running = True


def _close() -> None:
    global _running, _kept
    if _idle_timer is not None:
        _idle_timer.cancel()
    if _running:
        _running = _kept = False
        import kaleido
        kaleido.stop_sync_server(silence_warnings=True)


def _touch() -> None:
    """Note work now and (re)arm the idle close of the kept browser."""
    global _last_used, _idle_timer
    _last_used = time.monotonic()
    if _idle_timer is not None:
        _idle_timer.cancel()
    _idle_timer = threading.Timer(_idle_seconds, _close_if_idle)
    _idle_timer.daemon = True
    _idle_timer.start()


def _close_if_idle() -> None:
    with _lock:
        if _kept and time.monotonic() - _last_used >= _idle_seconds:
            _close()


def _calc(specs: list[tuple[dict, dict]]) -> list[bytes]:
    """Render (figure dict, opts) pairs on the running server. The calls run in a helper thread
    so that a server whose browser died (it would never answer) costs a timeout, not a hang."""
    import kaleido

    done: Future = Future()
    given_up = threading.Event()

    def run():
        try:
            out = []
            for fd, opts in specs:
                if given_up.is_set():
                    return
                out.append(kaleido.calc_fig_sync(fd, opts=opts, topojson=TOPOJSON_URL))
            done.set_result(out)
        except BaseException as e:  # noqa: BLE001 - handed to the caller
            done.set_exception(e)

    threading.Thread(target=run, name="innenfor-kaleido-call", daemon=True).start()
    try:
        return done.result(timeout=TIMEOUT * (1 + len(specs)))
    except FutureTimeout:
        given_up.set()
        raise RuntimeError(_("Nettleseren for bildeeksport svarte ikke (startet den ikke?).")) \
            from None


def start_server(*, idle_seconds: float = 600.0) -> None:
    """Keep a browser alive for the following renders (idempotent). Raises ChromiumMissing.
    Returns at once: the browser starts in the background and the first render waits for it."""
    global _idle_seconds, _kept
    path = _browser()
    _acquire()
    try:
        _idle_seconds = idle_seconds
        _open(path)
        _kept = True
        _touch()
    finally:
        _lock.release()


def stop_server() -> None:
    _acquire()
    try:
        _close()
    finally:
        _lock.release()


def _close_and_release() -> None:
    try:
        _close()
    finally:
        _lock.release()


# --- public API ------------------------------------------------------------------------------

def _opts(fd: dict, fmt: str, scale: float | None) -> dict:
    if fmt not in FORMATS:
        raise ValueError(_("ukjent bildeformat {format}; velg png, svg eller pdf").format(
            format=repr(fmt)))
    lay = fd["layout"]
    return {"format": fmt, "width": lay["width"], "height": lay["height"],
            "scale": scale if scale is not None else (PRINT_SCALE if fmt == "png" else 1)}


def render_prepared(items: list[tuple[dict, str]], *, scale: float | None = None) -> list[bytes]:
    """Render figure dicts already made by figures.prepare, each in its format: over the kept
    browser if it runs, else over one browser started for these images."""
    if not items:
        return []
    path = _browser()
    specs = [(fd, _opts(fd, fmt, scale)) for fd, fmt in items]
    _acquire()
    once = not _running
    try:
        _open(path)
        out = _calc(specs)
    except BaseException:
        _close_and_release()                   # a browser in a bad state: start afresh next time
        raise
    if once:                                   # close in the background; it holds the lock
        threading.Thread(target=_close_and_release, name="innenfor-kaleido-close").start()
    else:
        _touch()
        _lock.release()
    return out


def render(fig, fmt: str = "png", *, style: str = "print", place: str | None = None,
           title: str | None = None, scale: float | None = None, width: int | None = None,
           height: int | None = None) -> bytes:
    """One image of a chart (PNG at 2×, SVG or PDF) with title, place, unit, source line and
    "Demodata" on it. Raises ChromiumMissing (Norwegian message) without a browser."""
    fd = figures.prepare(fig, style, place=place, title=title, width=width, height=height)
    return render_prepared([(fd, fmt)], scale=scale)[0]


def file_name(fig, fmt: str, *parts) -> str:
    """The figure's own file name stem (from its meta), e.g. innenfor_kart_neet_telemark_2024.png;
    or built from `parts` when given."""
    if parts:
        return safe.file_name("innenfor", *parts, ext=fmt)
    stem = charts.meta(fig).get("filename") or "innenfor"
    return safe.file_name(stem, ext=fmt)
