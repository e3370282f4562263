"""Browser tests against the real app: `streamlit run app.py` on a free localhost port and Debian's
Chromium driven by Playwright, with every request and console message recorded.

Fixtures (registered for every test module by tests/conftest.py's pytest_plugins):

- ``app_server`` (session): one read-only app for all browser modules, on a private copy of the
  demo store, no coordinator accounts. Started once, stopped (its own process group) at the end.
- ``coordinator_server`` (module): an app on its own writable copy with one coordinator account
  (COORDINATOR / PASSWORD), for tests that load files.
- ``chromium`` (session): Debian's Chromium (``require_chromium()`` skips, or fails under
  INNENFOR_REQUIRE_BROWSER=1). DNS resolves localhost only, so a request to any other host fails
  fast instead of hanging, and is recorded.
- ``web`` (function): opens pages in fresh 1366×768 contexts, records every request, websocket,
  console error and uncaught exception, and at the end of the test fails on a request to a host
  other than localhost/127.0.0.1 or on a console error (see ``Web.problems``).

Screenshots go to test-artifacts/screens/ (gitignored); the server logs to test-artifacts/logs/.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import ROOT, require_chromium

ARTIFACTS = ROOT / "test-artifacts"
SCREENS = ARTIFACTS / "screens"
LOGS = ARTIFACTS / "logs"
VIEWPORT = {"width": 1366, "height": 768}
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run",
                 # Only localhost resolves: a stray CDN/font/telemetry request fails at once
                 # (and is recorded by Web), it cannot hang a test on a machine without internet.
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"]
COORDINATOR = "testkoordinator"
PASSWORD = "nettleser-journey-passord"

# Streamlit's own state: 'running' while the script runs; elements left from the previous run
# are marked data-stale until the new run has replaced them.
SCRIPT_IDLE = ("() => { const a = document.querySelector('[data-testid=stApp]');"
               " return !!a && a.getAttribute('data-test-script-state') === 'notRunning'"
               " && !document.querySelector('[data-stale=true]'); }")
# Kart draws its own SVG map (ui/mapview.py); Presentasjon a plotly map. Either counts.
MAP_PATHS = ".inf-map path.inf-muni, .stPlotlyChart path.choroplethlocation"
MAP_DRAWN = ("() => { const e = document.querySelectorAll('" + MAP_PATHS + "');"
             " return e.length > 0 && e[e.length - 1].getBoundingClientRect().width > 0; }")
# Every plotly chart (st.plotly_chart, or ui/plotly_view's component, which carries the same test
# id) has its SVG, and every v2 component has drawn (a chart's SVG, or Kart's map root).
# At least one chart, and every one drawn (an empty page is not "drawn": the components arrive late).
CHARTS_DRAWN = ("() => { const cs = [...document.querySelectorAll("
                "'[data-testid=stPlotlyChart], [data-testid=stBidiComponentRegular]')];"
                " return cs.length > 0 && cs.every(c => c.querySelector('.main-svg, .inf-root')); }")

# Every context opened through the `chromium` fixture runs this before the page's own scripts:
# it notes when the page asks the server for a run and when one of Streamlit's runs finishes,
# so idle() knows whether a run the page asked for (the first one, or a rerun after a click or a
# key) has been done, instead of sleeping "long enough" for the request to reach the server.
# A rerun request is a BackMsg with `rerun_script` (field 11, length-delimited, written first):
# its first byte is 0x5A. The run state is stApp's data-test-script-state attribute.
RUN_TRACKER = r"""(() => {
  if (window.__infRuns) return;
  const t = window.__infRuns = {asked: 0, finished: 0, lastAsked: -1, lastFinished: -1};
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    const b = data instanceof ArrayBuffer ? new Uint8Array(data)
      : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;
    if (b && b[0] === 0x5A) { t.asked++; t.lastAsked = performance.now(); }
    return send.call(this, data);
  };
  new MutationObserver(ms => { for (const m of ms) {
      const now = m.target.getAttribute('data-test-script-state');
      if (now === m.oldValue) continue;
      if (now === 'notRunning') { t.finished++; t.lastFinished = performance.now(); } } })
    .observe(document, {subtree: true, attributes: true, attributeOldValue: true,
                        attributeFilter: ['data-test-script-state']});
})();"""
# Idle: a run has finished since the page last asked for one (its first run is asked for on
# connect), nothing is running and nothing is left stale.
RUNS_DONE = ("() => { const t = window.__infRuns, a = document.querySelector('[data-testid=stApp]');"
             " return !!t && !!a && t.finished > 0 && t.lastFinished > t.lastAsked"
             " && a.getAttribute('data-test-script-state') === 'notRunning'"
             " && !document.querySelector('[data-stale=true]'); }")
# Steady: what Playwright calls "stable" for one element, for the whole page: every chart, map
# and heading has the same box as one animation frame before, the web fonts are in, and no
# finite CSS animation or transition is still running. Polled every frame (see Web.steady).
STEADY = """() => {
  const boxes = [...document.querySelectorAll('[data-testid=stPlotlyChart] .main-svg, .inf-map svg, h1')]
    .map(e => { const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height].join(','); })
    .join(';') + '|' + document.querySelectorAll('.stPlotlyChart svg text').length;
  const moving = document.getAnimations().some(a => a.playState === 'running'
    && a.effect && a.effect.getComputedTiming().iterations !== Infinity);
  const same = window.__infSteady === boxes;
  window.__infSteady = boxes;
  return same && !moving && document.fonts.status === 'loaded';
}"""

# The only console error we accept, and why: opened directly on a sub-page (/min-kommune), the
# Streamlit frontend cannot know whether "min-kommune" is the app's base path
# (server.baseUrlPath) or a page, so it first probes <origin>/min-kommune/_stcore/health and
# /_stcore/host-config, gets 404 (logged by Chromium as "Failed to load resource"), and then
# uses <origin>/_stcore/... which answers. Nothing is broken; the app is served at /.
BASE_PATH_PROBE = re.compile(r"^/(?P<seg>[^/]+)/_stcore/(health|host-config)$")
FAILED_RESOURCE_404 = "Failed to load resource: the server responded with a status of 404"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def is_local(url: str) -> bool:
    u = urlsplit(url)
    if u.scheme in ("data", "blob", "about", "chrome-error", ""):
        return True
    return (u.hostname or "") in LOCAL_HOSTS


# --- the app server -----------------------------------------------------------------------------

@dataclass
class AppServer:
    """`streamlit run app.py` on 127.0.0.1:<free port>; stop() ends this process group only."""
    db: Path
    env: dict = field(default_factory=dict)
    name: str = "app"
    script: Path = ROOT / "app.py"
    port: int = 0
    proc: subprocess.Popen | None = None
    log: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> AppServer:
        LOGS.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.log = LOGS / f"streamlit-{self.name}.log"
        env = {**os.environ, "INNENFOR_DB": str(self.db), **self.env}
        cmd = [sys.executable, "-m", "streamlit", "run", str(self.script),
               "--server.port", str(self.port), "--server.address", "127.0.0.1",
               "--server.headless", "true", "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none", "--server.runOnSave", "false"]
        with open(self.log, "wb") as out:
            # Own process group: kaleido's Chromium (exports) is ended with the server.
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        return self
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                tail = self.log.read_text(errors="replace")[-3000:]
                pytest.fail(f"streamlit run app.py svarte ikke på /_stcore/health:\n{tail}")
            time.sleep(0.2)

    def stop(self) -> None:
        p = self.proc
        if p is None or p.poll() is not None:
            return
        try:
            os.killpg(p.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait(timeout=10)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log and self.log.exists() else ""


def private_store(demo_db: Path, folder: Path) -> Path:
    """A copy of the demo store (and its archive of originals) that only this server uses."""
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "innenfor.duckdb"
    shutil.copy(demo_db, db)
    if (demo_db.parent / "raw").exists():
        shutil.copytree(demo_db.parent / "raw", folder / "raw", dirs_exist_ok=True)
    return db


@pytest.fixture(scope="session")
def app_server(demo_db, tmp_path_factory):
    require_chromium()          # no browser: skip (or fail on CI) before starting anything
    server = AppServer(db=private_store(demo_db, tmp_path_factory.mktemp("app_store")),
                       env={"INNENFOR_COORDINATORS": ""}, name="delt").start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def coordinator_server(demo_db, tmp_path_factory, request):
    require_chromium()
    from loaders import access
    name = request.module.__name__.rsplit(".", 1)[-1]
    server = AppServer(db=private_store(demo_db, tmp_path_factory.mktemp("coordinator_store")),
                       env={"INNENFOR_COORDINATORS": f"{COORDINATOR}={access.make_hash(PASSWORD)}"},
                       name=f"koordinator-{name}").start()
    yield server
    server.stop()


# --- the browser --------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def chromium(playwright):
    """Debian's Chromium through pytest-playwright's `playwright` (Playwright cannot download
    its own browser here)."""
    path = require_chromium()
    browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
    yield TrackedBrowser(browser)
    browser.close()


class TrackedBrowser:
    """The browser, with RUN_TRACKER in every new context (idle() relies on it)."""

    def __init__(self, browser):
        self._browser = browser

    def new_context(self, **kw):
        # A Norwegian browser unless a test says otherwise: the app follows Accept-Language.
        ctx = self._browser.new_context(**{"locale": "nb-NO", **kw})
        ctx.add_init_script(RUN_TRACKER)
        return ctx

    def __getattr__(self, name):
        return getattr(self._browser, name)


@dataclass
class Record:
    requests: list = field(default_factory=list)      # every URL the pages asked for
    sockets: list = field(default_factory=list)       # websocket URLs
    errors: list = field(default_factory=list)        # (page url, text, source url)
    ignored: list = field(default_factory=list)       # known Streamlit noise, kept for the record
    failed: list = field(default_factory=list)        # (status, url) of HTTP answers ≥ 400


class Web:
    """Fresh browser contexts for one test, all recorded into one Record."""

    def __init__(self, browser, base_url: str, test_name: str):
        self.browser = browser
        self.base_url = base_url
        self.test_name = re.sub(r"[^\w.-]+", "_", test_name)
        self.rec = Record()
        self.contexts = []
        self.page = None

    # pages and contexts ----------------------------------------------------------------------
    def new_context(self, **kw):
        opts = {"viewport": VIEWPORT, "locale": "nb-NO", "timezone_id": "Europe/Oslo",
                "accept_downloads": True, **kw}
        ctx = self.browser.new_context(**opts)
        ctx.set_default_timeout(30_000)
        ctx.on("request", lambda r: self.rec.requests.append(r.url))
        ctx.on("response", lambda r: self.rec.failed.append((r.status, r.url)) if r.status >= 400 else None)
        ctx.on("console", self._console)
        ctx.on("weberror", lambda e: self.rec.errors.append(("", f"uncaught: {e.error}", "")))
        ctx.on("page", self._watch_page)
        self.contexts.append(ctx)
        return ctx

    def _watch_page(self, page):
        page.on("websocket", lambda ws: self.rec.sockets.append(ws.url))

    def _console(self, msg):
        if msg.type != "error":
            return
        src = (msg.location or {}).get("url", "")
        entry = (msg.page.url if msg.page else "", msg.text, src)
        if self._known_noise(msg.text, src):
            self.rec.ignored.append(entry)
        else:
            self.rec.errors.append(entry)

    def _known_noise(self, text: str, src: str) -> bool:
        if not text.startswith(FAILED_RESOURCE_404) or not src.startswith(self.base_url):
            return False
        return bool(BASE_PATH_PROBE.match(urlsplit(src).path))

    def open(self, path: str = "/", *, context=None, wait_for: str | None = SCRIPT_IDLE):
        """A page at base_url + path in a new (or the given) context, the script finished."""
        ctx = context or self.new_context()
        page = ctx.new_page()
        page.goto(self.base_url + path)
        if wait_for:
            idle(page)
        if self.page is None:
            self.page = page
        return page

    # evidence --------------------------------------------------------------------------------
    def steady(self, page, timeout: float = 10_000) -> None:
        """Wait until the page has stopped moving (STEADY: charts laid out, fonts loaded,
        transitions over)."""
        page.evaluate("() => { delete window.__infSteady; }")
        page.wait_for_function(STEADY, timeout=timeout, polling="raf")

    def shot(self, page, name: str, *, full_page: bool = False) -> Path:
        """A screenshot of the page once it is steady (as the user sees it after the run)."""
        self.steady(page)
        SCREENS.mkdir(parents=True, exist_ok=True)
        path = SCREENS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    def foreign_requests(self) -> list[str]:
        return sorted({u for u in self.rec.requests + self.rec.sockets if not is_local(u)})

    def problems(self) -> list[str]:
        out = [f"forespørsel utenfor localhost: {u}" for u in self.foreign_requests()]
        out += [f"konsollfeil på {p}: {t} ({s})" for p, t, s in self.rec.errors]
        return out

    def assert_clean(self) -> None:
        """No request left localhost, no console error except the named Streamlit probe."""
        assert not self.problems(), "\n".join(self.problems())
        for page_url, _text, src in self.rec.ignored:     # what was ignored is exactly the probe
            seg = BASE_PATH_PROBE.match(urlsplit(src).path).group("seg")
            assert urlsplit(page_url).path.strip("/").split("/")[0] == seg, (page_url, src)

    def close(self) -> None:
        for ctx in self.contexts:
            try:
                ctx.close()
            except Exception:       # noqa: BLE001 - already closed with the browser
                pass


@pytest.fixture
def web_factory(chromium, request):
    """web_factory(server) → a Web on that server; every Web is checked clean at the end."""
    made = []

    def make(server: AppServer) -> Web:
        w = Web(chromium, server.url, request.node.name)
        made.append(w)
        return w
    yield make
    problems = [p for w in made for p in w.problems()]
    for w in made:
        w.close()
    assert not problems, "\n".join(problems)


@pytest.fixture
def web(web_factory, app_server) -> Web:
    return web_factory(app_server)


# --- helpers for Streamlit pages ----------------------------------------------------------------

def idle(page, timeout: float = 60_000) -> None:
    """Wait until the last run the page asked for (its first run, a rerun after a click, a key
    or a page link) has finished, nothing runs and nothing is left stale (RUNS_DONE)."""
    if not page.evaluate("() => !!window.__infRuns"):
        pytest.fail("idle(): siden er ikke åpnet i en kontekst fra «chromium»-fixturen "
                    "(RUN_TRACKER mangler), så en ny kjøring kan ikke sees.")
    page.wait_for_function(RUNS_DONE, timeout=timeout, polling=50)


def pick_municipality(page, typed: str) -> None:
    """Type into the sidebar's municipality picker and press Enter, as a user does."""
    box = page.get_by_role("combobox", name="Kommune")
    box.click()
    box.fill(typed)
    # The list has caught up with the typing: it offers the typed text (as a match, or as
    # Streamlit's «Add: …» entry that the app resolves by name without diacritics).
    page.get_by_role("option").filter(has_text=typed).first.wait_for()
    page.keyboard.press("Enter")
    idle(page)


def svg_map(page) -> dict:
    """The Kart page's map as drawn: each municipality's code, fill, outline and words."""
    return page.evaluate("""() => {
        const f = document.querySelector('.inf-map');
        if (!f) return null;
        const regions = [...f.querySelectorAll('path.inf-muni')].map(p => {
            const s = getComputedStyle(p);
            return {code: p.dataset.code, fill: s.fill, stroke: s.stroke,
                    width: parseFloat(s.strokeWidth), label: p.getAttribute('aria-label'),
                    selected: p.classList.contains('inf-sel'), focusable: p.tabIndex};
        });
        const legend = [...f.querySelectorAll('.inf-legend li')].map(li => {
            const s = getComputedStyle(li.querySelector('.inf-swatch'));
            return {label: li.innerText.trim(), fill: s.backgroundColor, border: s.borderTopColor,
                    borderWidth: parseFloat(s.borderTopWidth)};
        });
        return {title: f.querySelector('.inf-title').innerText, label: f.getAttribute('aria-label'),
                role: f.getAttribute('role'), background: getComputedStyle(document.body).backgroundColor,
                regions, legend};
    }""")


def plotly_figures(page) -> list[dict]:
    """{data, layout} of every plotly chart as drawn in the browser (plotly's full figure)."""
    return page.evaluate("""() => [...document.querySelectorAll(
            '[data-testid=stPlotlyChart] .js-plotly-plot')]
        .map(gd => ({data: gd._fullData.map(t => ({type: t.type, colorscale: t.colorscale,
                      marker: t.marker ? {line: t.marker.line} : null,
                      colorbar: t.colorbar ? {outlinecolor: t.colorbar.outlinecolor,
                                              outlinewidth: t.colorbar.outlinewidth} : null,
                      customdata: t.customdata, locations: t.locations})),
                     layout: {paper_bgcolor: gd._fullLayout.paper_bgcolor,
                              plot_bgcolor: gd._fullLayout.plot_bgcolor,
                              title: gd._fullLayout.title && gd._fullLayout.title.text}}))""")


def filled_map_paths(page) -> int:
    """Municipality outlines drawn with a real fill (not none/transparent) in the map's SVG."""
    return page.evaluate("""() => [...document.querySelectorAll('""" + MAP_PATHS + """')]
        .filter(p => { const f = getComputedStyle(p).fill; const b = p.getBBox();
                       return f && f !== 'none' && !/rgba\\(.*,\\s*0\\)$/.test(f) &&
                           b.width > 0 && b.height > 0; })
        .length""")
