"""A page's first chart as a picture while plotly.js loads: the same figure, drawn by plotly
itself on the server (kaleido, exports/images), shown at once as an <img>.

Why: before a chart can be drawn in the browser, plotly.js (1.2 MB) must be fetched, parsed and
run, 0,6–1 s after the page's own elements on a two-core machine. The picture needs none of it.
The interactive chart replaces it when drawn (ui/plotly_view.py hides the picture), so hover and
resizing work as before; only the first chart of the first page a browser opens gets a picture,
because after that plotly.js is loaded.

A page never waits for a picture: one background thread makes them and keeps them in memory,
so the first visitor of a view gets the interactive chart only and the next ones the picture
first. Without Chromium, or with INNENFOR_NO_FIRST_PICTURE set, there are no pictures."""
from __future__ import annotations

import base64
import hashlib
import html
import queue
import threading
from collections import OrderedDict

import streamlit as st

from exports import images
from vocab import settings

WIDTH = 900              # the chart column at 1366 px with the sidebar open
KEEP = 200               # pictures kept (an SVG is 20–80 KB)
_SENT = "_plotly_sent"   # session: a chart was drawn, so the browser has plotly.js

_pictures: OrderedDict[str, str] = OrderedDict()
_asked: set[str] = set()
_jobs: queue.Queue = queue.Queue(maxsize=32)
_lock = threading.Lock()
_worker: threading.Thread | None = None
_failures = 0
GIVE_UP = 3              # renders failed in this process: no more pictures (the charts still draw)


def enabled() -> bool:
    return (not settings.env_flag("INNENFOR_NO_FIRST_PICTURE") and _failures < GIVE_UP
            and images.available())


def key(figure_json: str) -> str:
    return hashlib.sha256(figure_json.encode()).hexdigest()


def wanted() -> bool:
    """Whether this run's first chart should get a picture (no chart drawn in this session yet).
    Marks the session: the charts drawn now load plotly.js."""
    first = not st.session_state.get(_SENT)
    st.session_state[_SENT] = True
    return first


def picture(k: str, figure: dict) -> str | None:
    """The figure's picture as a data: URL, or None; a missing one is made in the background."""
    with _lock:
        url = _pictures.get(k)
        if url is not None:
            _pictures.move_to_end(k)
            return url
        if k in _asked or not enabled():
            return None
        _asked.add(k)
    layout = {**figure.get("layout", {}), "width": WIDTH}
    layout.setdefault("height", 450)
    try:
        _jobs.put_nowait((k, {**figure, "layout": layout}))
    except queue.Full:               # busy: ask again on a later visit
        with _lock:
            _asked.discard(k)
        return None
    _start()
    return None


def show(k: str, figure: dict, alt: str) -> None:
    """The picture (when made) in an st.html element; plotly_view hides it once it has drawn."""
    url = picture(k, figure)
    if url is None:
        return
    height = int(figure.get("layout", {}).get("height") or 450)
    st.html(f'<div class="inf-static" style="height:{height}px">'
            f'<img src="{url}" alt="{html.escape(alt)}" style="width:100%;height:{height}px;'
            f'object-fit:contain;object-position:left top"></div>')


def _start() -> None:
    global _worker
    with _lock:
        if _worker is None or not _worker.is_alive():
            _worker = threading.Thread(target=_work, name="innenfor-first-picture", daemon=True)
            _worker.start()


def _work() -> None:
    global _failures
    while True:
        k, figure = _jobs.get()
        try:
            images.start_server()                 # kept for 10 minutes after the last image
            svg = images.render_prepared([(figure, "svg")])[0]
        except Exception:  # noqa: BLE001 - no picture then (not asked again); the chart draws as before
            with _lock:
                _failures += 1
            continue
        url = "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
        with _lock:
            _pictures[k] = url
            _asked.discard(k)
            while len(_pictures) > KEEP:
                _pictures.popitem(last=False)
