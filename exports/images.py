"""PNG, SVG and PDF from a plotly figure, rendered by kaleido 1.x in Debian's Chromium.

Offline by construction: plotly.js comes from the installed plotly package, MathJax is off, and
maps read the empty topojson stub in static/ (plotly.js asks for a world map even when the base
map is hidden). Nothing is fetched from the internet.

Two ways to run:
- `render(fig, "png")` on its own starts a browser, renders and closes it (about 2 s);
- `start_server()` keeps one browser alive in a background thread, so a batch (a deck of five
  charts, the test session) pays the start once. `render` uses it when it runs. The server
  closes itself after `idle_seconds` without work, and restarts on the next call.

When Chromium is missing every call raises `ChromiumMissing`, whose message (Norwegian) says
how to install it: a page shows the message instead of failing.
"""
from __future__ import annotations

import asyncio
import os
import shutil
import threading
import time
from concurrent.futures import Future
from pathlib import Path

import plotly.io as pio

from exports import figures, safe
from indicators import charts

ROOT = Path(__file__).resolve().parent.parent
TOPOJSON_DIR = ROOT / "static"               # holds the stub world_110m.json
TOPOJSON_URL = TOPOJSON_DIR.as_uri() + "/"

FORMATS = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
PRINT_SCALE = 2                               # PNG at twice the CSS size: sharp in print
TIMEOUT = 60.0                                # seconds for one image
CANDIDATES = ("/usr/lib/chromium/chromium",   # the binary: avoids the wrapper's 6–7 s stalls
              "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")

# Anyone else calling plotly's own fig.to_image gets the offline base map too.
if not getattr(pio.defaults, "topojson", None):
    pio.defaults.topojson = TOPOJSON_URL


class ChromiumMissing(RuntimeError):
    """No Chromium on this machine: image export (and the presentation) cannot run."""


MISSING_MESSAGE = (
    "Bildeeksport (PNG, SVG, PDF) og presentasjonen trenger nettleseren Chromium på serveren, "
    "og den er ikke installert. Be den som drifter Innenfor kjøre "
    "«apt-get install -y chromium» (Debian/Ubuntu, om lag 500 MB) og starte appen på nytt. "
    "Excel- og CSV-filene kan lastes ned uten Chromium.")


def chromium_path() -> str | None:
    """The browser kaleido should start: $BROWSER_PATH if set, else Debian's binary."""
    env = os.environ.get("BROWSER_PATH")
    if env:
        return env if os.access(env, os.X_OK) else None
    for p in CANDIDATES:
        if os.access(p, os.X_OK):
            return p
    for name in ("chromium", "chromium-browser", "google-chrome"):
        p = shutil.which(name)
        if p:
            return p
    return None


def available() -> bool:
    return chromium_path() is not None


def _browser() -> str:
    p = chromium_path()
    if p is None:
        raise ChromiumMissing(MISSING_MESSAGE)
    return p


def _kaleido_kwargs() -> dict:
    return {"path": _browser(), "mathjax": False, "timeout": TIMEOUT}


RELOAD_EVERY = 20


def _kaleido_class():
    """kaleido.Kaleido, except that a tab is reloaded every RELOAD_EVERY renders instead of
    after each one. The reload re-reads plotly.js (4–5 MB) and took ~0.35 s of the ~0.45 s per
    image; plotly.toImage draws in a fresh element and purges it, so nothing carries over
    (test_exports checks that a figure renders byte-identical before and after others).
    Relies on kaleido 1.5's `_return_kaleido_tab`; without it, plain kaleido behaviour."""
    import kaleido

    if not hasattr(kaleido.Kaleido, "_return_kaleido_tab"):
        return kaleido.Kaleido

    class _Kaleido(kaleido.Kaleido):
        async def _return_kaleido_tab(self, tab):
            uses = getattr(tab, "_innenfor_uses", 0) + 1
            if uses >= RELOAD_EVERY:
                tab._innenfor_uses = 0
                return await super()._return_kaleido_tab(tab)
            tab._innenfor_uses = uses
            await self.tabs_ready.put(tab)

    return _Kaleido


# --- the kept-alive server -------------------------------------------------------------------

class _Server:
    """One Kaleido (one browser) in its own event loop thread; thread-safe calls."""

    def __init__(self, tabs: int = 1, idle_seconds: float = 600.0):
        self.tabs = tabs
        self.idle_seconds = idle_seconds
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido = None
        self._last_used = time.monotonic()
        self._stop: asyncio.Event | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive() and self._kaleido is not None

    def start(self) -> None:
        with self._lock:
            if self.running:
                return
            kwargs = _kaleido_kwargs()
            ready: Future = Future()
            self._thread = threading.Thread(target=self._run, args=(kwargs, ready),
                                            name="innenfor-kaleido", daemon=True)
            self._thread.start()
            ready.result(timeout=TIMEOUT)      # re-raises a failed start

    def _run(self, kwargs: dict, ready: Future) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop

        async def main():
            try:
                k = _kaleido_class()(n=self.tabs, **kwargs)
                await k.open()
            except BaseException as e:  # noqa: BLE001 - handed to the caller of start()
                ready.set_exception(e)
                return
            self._kaleido = k
            self._stop = asyncio.Event()
            self._last_used = time.monotonic()
            ready.set_result(True)
            try:
                while not self._stop.is_set():
                    try:
                        await asyncio.wait_for(self._stop.wait(), timeout=5)
                    except asyncio.TimeoutError:
                        if time.monotonic() - self._last_used > self.idle_seconds:
                            break
            finally:
                self._kaleido = None
                try:
                    await k.close()
                except Exception:  # noqa: BLE001 - closing a dead browser
                    pass

        try:
            loop.run_until_complete(main())
        finally:
            loop.close()
            self._loop = None

    def stop(self) -> None:
        with self._lock:
            if self._loop is not None and self._stop is not None:
                self._loop.call_soon_threadsafe(self._stop.set)
            if self._thread is not None:
                self._thread.join(timeout=30)
            self._thread = None

    def calc(self, specs: list[tuple[dict, dict]]) -> list[bytes]:
        """Render (figure dict, opts) pairs concurrently over the server's tabs."""
        for _attempt in range(2):              # the server may have just closed for idleness
            if not self.running:
                self.start()
            k, loop = self._kaleido, self._loop
            if k is not None and loop is not None:
                break
        else:
            raise RuntimeError("Kunne ikke starte nettleseren for bildeeksport.")

        async def batch():
            return await asyncio.gather(*(k.calc_fig(fd, opts=o, topojson=TOPOJSON_URL)
                                          for fd, o in specs))

        self._last_used = time.monotonic()
        fut = asyncio.run_coroutine_threadsafe(batch(), loop)
        try:
            return list(fut.result(timeout=TIMEOUT * max(1, len(specs))))
        except Exception:
            fut.cancel()
            self.stop()                        # a browser in a bad state: start afresh next time
            raise
        finally:
            self._last_used = time.monotonic()


_server = _Server()


def start_server(*, tabs: int = 1, idle_seconds: float = 600.0) -> None:
    """Keep a browser alive for the following renders (idempotent). Raises ChromiumMissing."""
    _server.tabs = tabs
    _server.idle_seconds = idle_seconds
    _server.start()


def stop_server() -> None:
    _server.stop()


def server_running() -> bool:
    return _server.running


class server:
    """`with images.server(): ...` keeps one browser for the block (stops it if it started it)."""

    def __enter__(self):
        self._started = not _server.running
        start_server()
        return self

    def __exit__(self, *exc):
        if self._started:
            stop_server()
        return False


def _oneshot(specs: list[tuple[dict, dict]]) -> list[bytes]:
    """A browser for these images only. The images are handed back as soon as they are drawn;
    the browser closes afterwards in its thread (~0.4 s the caller does not wait for)."""
    kwargs = _kaleido_kwargs()
    result: Future = Future()

    async def run():
        async with _kaleido_class()(n=1, **kwargs) as k:
            try:
                out = [await k.calc_fig(fd, opts=o, topojson=TOPOJSON_URL) for fd, o in specs]
            except BaseException as e:  # noqa: BLE001 - handed to the caller
                result.set_exception(e)
                return
            result.set_result(out)

    def thread():                              # own loop: safe inside Streamlit/pytest loops
        try:
            asyncio.run(run())
        except BaseException as e:  # noqa: BLE001
            if not result.done():
                result.set_exception(e)

    threading.Thread(target=thread, name="innenfor-kaleido-once").start()
    return result.result(timeout=TIMEOUT * (1 + len(specs)))


def warm_up() -> None:
    """Start the kept-alive server in the background and return at once (for app start-up,
    so the first export does not wait for Chromium). Errors are left for the first render."""
    if _server.running or not available():
        return

    def go():
        try:
            _server.start()
        except Exception:  # noqa: BLE001 - the first render will report it
            pass

    threading.Thread(target=go, name="innenfor-kaleido-warm", daemon=True).start()


# --- public API ------------------------------------------------------------------------------

def _opts(fd: dict, fmt: str, scale: float | None) -> dict:
    if fmt not in FORMATS:
        raise ValueError(f"ukjent bildeformat {fmt!r}; velg png, svg eller pdf")
    lay = fd["layout"]
    return {"format": fmt, "width": lay["width"], "height": lay["height"],
            "scale": scale if scale is not None else (PRINT_SCALE if fmt == "png" else 1)}


def render_prepared(items: list[tuple[dict, str]], *, scale: float | None = None) -> list[bytes]:
    """Render figure dicts already made by figures.prepare, each in its format."""
    if not items:
        return []
    _browser()
    specs = [(fd, _opts(fd, fmt, scale)) for fd, fmt in items]
    if _server.running:
        return _server.calc(specs)
    return _oneshot(specs)


def render(fig, fmt: str = "png", *, style: str = "print", place: str | None = None,
           title: str | None = None, scale: float | None = None, width: int | None = None,
           height: int | None = None) -> bytes:
    """One image of a chart (PNG at 2×, SVG or PDF) with title, place, unit, source line and
    "Demodata" on it. Raises ChromiumMissing (Norwegian message) without a browser."""
    fd = figures.prepare(fig, style, place=place, title=title, width=width, height=height)
    return render_prepared([(fd, fmt)], scale=scale)[0]


def render_many(figs: list, fmt: str = "png", *, style: str = "print",
                scale: float | None = None) -> list[bytes]:
    """Several charts in one go (over the kept-alive server if it runs, else one browser)."""
    return render_prepared([(figures.prepare(f, style), fmt) for f in figs], scale=scale)


def file_name(fig, fmt: str, *parts) -> str:
    """The figure's own file name stem (from its meta), e.g. innenfor_kart_neet_telemark_2024.png;
    or built from `parts` when given."""
    if parts:
        return safe.file_name("innenfor", *parts, ext=fmt)
    stem = charts.meta(fig).get("filename") or "innenfor"
    return safe.file_name(stem, ext=fmt)
