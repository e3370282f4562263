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

A PDF leaves here as a document of its own (`a4_pdf`): Chromium prints the figure on a page of
the figure's size, titled «Kaleido-fier» (kaleido's page) in «en-US». We put that page on an A4
sheet (landscape for a chart wider than tall, portrait otherwise), scaled to fit within 10 mm
margins and centred, with the figure's title as /Title, «Innenfor» as /Author and /Creator and
the current language as /Lang. No PDF library is installed, so this is a PDF incremental update
(ISO 32000-1, 7.5.6) written here: Chromium's bytes stay as they are and the new versions of
the page, the info dictionary and the objects carrying /Lang follow, with their own
cross-reference section and a trailer pointing back (/Prev) to Chromium's. A PDF of a shape we
do not know (an xref stream, encryption, more pages) is handed back as Chromium made it, logged.
"""
from __future__ import annotations

import logging
import os
import re
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

log = logging.getLogger(__name__)

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


# --- PDF: an A4 page with the figure's title (an incremental update of Chromium's PDF) ---------

MM = 72 / 25.4                                # points per millimetre
A4 = (round(297 * MM, 2), round(210 * MM, 2))  # landscape: 841.89 × 595.28 pt
PAGE_MARGIN = 10 * MM
AUTHOR = "Innenfor"
_OBJ = re.compile(rb"(\d+)\s+(\d+)\s+obj\b(.*?)\b(?:endobj|stream)\b", re.S)
_REF = rb"\s+(\d+)\s+(\d+)\s+R\b"
_STRING = rb"\((?:\\.|[^\\()])*\)|<[0-9A-Fa-f\s]*>"


class _Unknown(ValueError):
    """A PDF this module does not know how to update."""


def _xref(b: bytes, at: int) -> tuple[dict[int, tuple[int, int] | None], bytes]:
    """One classic cross-reference section at `at`: {object: (offset, generation), or None for
    a free one}, and its trailer."""
    if b[at:at + 4] != b"xref":
        raise _Unknown("no classic cross-reference table at startxref")
    pos, found = at + 4, {}
    head = re.compile(rb"\s*(\d+)\s+(\d+)[ \t]*\r?\n")
    entry = re.compile(rb"(\d{10}) (\d{5}) ([nf])(?: \r| \n|\r\n)")
    while (m := head.match(b, pos)) is not None:
        start, count = int(m.group(1)), int(m.group(2))
        pos = m.end()
        for i in range(count):
            e = entry.match(b, pos)
            if e is None:
                raise _Unknown("a broken cross-reference entry")
            found[start + i] = (int(e.group(1)), int(e.group(2))) if e.group(3) == b"n" else None
            pos = e.end()
    t = re.compile(rb"\s*trailer\s*<<(.*?)>>\s*startxref", re.S).match(b, pos)
    if t is None:
        raise _Unknown("no trailer after the cross-reference table")
    return found, t.group(1)


def _ref(d: bytes, key: bytes) -> tuple[int, int] | None:
    m = re.search(rb"/" + key + _REF, d)
    return (int(m.group(1)), int(m.group(2))) if m else None


class _Pdf:
    """The objects of a PDF with classic cross-reference tables (newest version of each)."""

    def __init__(self, b: bytes):
        self.b = b
        ends = re.findall(rb"startxref\s+(\d+)\s+%%EOF", b[-1024:])
        if not ends:
            raise _Unknown("no startxref at the end")
        self.startxref = int(ends[-1])
        where: dict[int, tuple[int, int] | None] = {}
        at: int | None = self.startxref
        self.trailer = b""
        seen = set()
        while at is not None and at not in seen:      # the newest section first, then /Prev
            seen.add(at)
            found, trailer = _xref(b, at)
            self.trailer = self.trailer or trailer
            for n, w in found.items():
                where.setdefault(n, w)
            prev = re.search(rb"/Prev\s+(\d+)", trailer)
            at = int(prev.group(1)) if prev else None
        self.where = {n: w for n, w in where.items() if w is not None}
        if re.search(rb"/Encrypt\b", self.trailer):
            raise _Unknown("encrypted")
        size = re.search(rb"/Size\s+(\d+)", self.trailer)
        self.size = int(size.group(1)) if size else max(self.where, default=0) + 1

    def dict_of(self, num: int) -> bytes:
        """The object's text up to `stream` or `endobj` (a dictionary, an array, a number)."""
        off, gen = self.where[num]
        m = _OBJ.match(self.b, off)
        if m is None or int(m.group(1)) != num or int(m.group(2)) != gen:
            raise _Unknown(f"object {num} is not where the cross-reference table says")
        return m.group(3).strip()

    def is_stream(self, num: int) -> bool:
        m = _OBJ.match(self.b, self.where[num][0])
        return m is not None and m.group(0).endswith(b"stream")


def _pdf_string(text: str) -> bytes:
    """A PDF text string: UTF-16BE with its byte order mark, written in hex."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


def _num(v: float) -> bytes:
    return (f"{v:.4f}".rstrip("0").rstrip(".") or "0").encode()


def page_box(width: float, height: float) -> tuple[float, float, float, float, float]:
    """(sheet width, sheet height, scale, x, y): A4 landscape for a figure at least as wide as
    tall, else portrait; the figure scaled to fit inside the margins and centred."""
    pw, ph = A4 if width >= height else (A4[1], A4[0])
    k = min((pw - 2 * PAGE_MARGIN) / width, (ph - 2 * PAGE_MARGIN) / height)
    return pw, ph, k, (pw - k * width) / 2, (ph - k * height) / 2


def a4_pdf(pdf: bytes, *, title: str, lang: str) -> bytes:
    """Chromium's one-page PDF on an A4 sheet with `title`, author «Innenfor» and `lang` (see the
    module's docstring). A PDF this cannot update comes back unchanged (logged)."""
    try:
        return _a4_pdf(pdf, title, lang)
    except (_Unknown, KeyError, ValueError) as e:
        log.warning("PDF-en fra Chromium ble ikke lagt på A4 (%s); den leveres som den er", e)
        return pdf


def _a4_pdf(pdf: bytes, title: str, lang: str) -> bytes:
    doc = _Pdf(pdf)
    root = _ref(doc.trailer, b"Root")
    pages = _ref(doc.dict_of(root[0]), b"Pages") if root else None
    if root is None or pages is None:
        raise _Unknown("no catalog or page tree")
    tree = doc.dict_of(pages[0])
    kids = re.search(rb"/Kids\s*\[\s*(\d+)\s+(\d+)\s+R\s*\]", tree)
    if kids is None or not re.search(rb"/Count\s+1\b", tree):
        raise _Unknown("not a single page")
    page_no, page_gen = int(kids.group(1)), int(kids.group(2))
    page = doc.dict_of(page_no)
    box = re.search(rb"/MediaBox\s*\[\s*([-\d.\s]+?)\s*\]", page)
    contents = re.search(rb"/Contents\s*(\[[^\]]*\]|\d+\s+\d+\s+R)", page)
    if box is None or contents is None:
        raise _Unknown("a page without its own /MediaBox or /Contents")
    x0, y0, x1, y1 = (float(v) for v in box.group(1).split())
    w, h = x1 - x0, y1 - y0
    pw, ph, k, ox, oy = page_box(w, h)

    new: dict[int, tuple[int, bytes]] = {}        # object → (generation, text)
    nxt = max(doc.size, max(doc.where, default=0) + 1)
    before, after, nxt = nxt, nxt + 1, nxt + 2
    # The whole of Chromium's page, scaled and moved onto the sheet, clipped to its own box.
    pre = b" ".join([b"q", _num(k), b"0 0", _num(k), _num(ox - k * x0), _num(oy - k * y0),
                     b"cm", _num(x0), _num(y0), _num(w), _num(h), b"re W n\n"])
    post = b"\nQ\n"
    for num, data in ((before, pre), (after, post)):
        new[num] = (0, b"<</Length %d>>\nstream\n" % len(data) + data + b"\nendstream")
    inner = contents.group(1)
    inner = inner[1:-1].strip() if inner.startswith(b"[") else inner
    page = page[:contents.start()] + b"/Contents [%d 0 R %s %d 0 R]" % (before, inner, after) \
        + page[contents.end():]
    page = re.sub(rb"/MediaBox\s*\[[^\]]*\]", b"/MediaBox [0 0 " + _num(pw) + b" " + _num(ph)
                  + b"]", page)
    page = re.sub(rb"/(?:CropBox|BleedBox|TrimBox|ArtBox)\s*\[[^\]]*\]", b"", page)
    new[page_no] = (page_gen, page)

    # The document's language: every dictionary that states one (the catalog, the structure).
    tag = b"(" + re.sub(rb"[^A-Za-z0-9-]", b"", lang.encode()) + b")"
    for num, (_off, gen) in doc.where.items():
        if num in new or doc.is_stream(num):
            continue
        d = doc.dict_of(num)
        if re.search(rb"/Lang\s*(?:" + _STRING + rb")", d):
            new[num] = (gen, re.sub(rb"/Lang\s*(?:" + _STRING + rb")", b"/Lang " + tag, d))

    # The info dictionary: title, author and creator ours; Chromium's producer and dates kept.
    info_ref = _ref(doc.trailer, b"Info")
    kept = b""
    if info_ref is not None:
        old = doc.dict_of(info_ref[0])
        for key in (b"Producer", b"CreationDate", b"ModDate"):
            m = re.search(rb"/" + key + rb"\s*(" + _STRING + rb")", old)
            if m:
                kept += b"\n/" + key + b" " + m.group(1)
    else:
        info_ref, nxt = (nxt, 0), nxt + 1
    new[info_ref[0]] = (info_ref[1], b"<</Title " + _pdf_string(title) + b"\n/Author ("
                        + AUTHOR.encode() + b")\n/Creator (" + AUTHOR.encode() + b")" + kept
                        + b">>")

    out = bytearray(pdf if pdf.endswith(b"\n") else pdf + b"\n")
    offsets = {}
    for num in sorted(new):
        gen, body = new[num]
        offsets[num] = len(out)
        out += b"%d %d obj\n" % (num, gen) + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 1\n0000000000 65535 f \n"   # object 0 as in every table: the free list
    nums = sorted(new)
    runs: list[list[int]] = []
    for num in nums:
        if runs and runs[-1][-1] == num - 1:
            runs[-1].append(num)
        else:
            runs.append([num])
    for run in runs:
        out += b"%d %d\n" % (run[0], len(run))
        for num in run:
            out += b"%010d %05d n \n" % (offsets[num], new[num][0])
    ident = re.search(rb"/ID\s*\[[^\]]*\]", doc.trailer)
    out += (b"trailer\n<</Size %d\n/Root %d %d R\n/Info %d %d R\n/Prev %d"
            % (max(nxt, doc.size), root[0], root[1], info_ref[0], info_ref[1], doc.startxref)
            + (b"\n" + ident.group(0) if ident else b"") + b">>\nstartxref\n%d\n%%%%EOF\n" % xref_at)
    return bytes(out)


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
    return [a4_pdf(b, title=figures.document_title(fd), lang=figures.language_tag())
            if fmt == "pdf" else b for b, (fd, fmt) in zip(out, items)]


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
