"""Load test: many browser-less sessions against Innenfor on localhost, one process or several
replicas behind nginx (deploy/).

Each session does what a new browser does, speaking Streamlit's own protocol (the
BackMsg/ForwardMsg protobufs shipped in the streamlit package):

1. GET the page (and with --assets the JavaScript and CSS it names, gzip, as a browser with an
   empty cache), which also gives it nginx's sticky cookie, sent with everything after,
2. open the websocket <url>/_stcore/stream and run the app (an empty query string → Kart,
   the map of Vestfold og Telemark),
3. change municipality N times (a rerun with the "Kommune" selectbox's new value as widget
   state, exactly what the frontend sends after a pick), with --think seconds between.

Each run is timed from the BackMsg sent to the server's `script_finished` (the server has sent
everything the browser needs to draw; the browser's own drawing is not included: see
bench.bench_pages for that). An error is: no connection, an HTTP error, a run that does not
finish successfully, an exception element in the output, a missing map, or a timeout.

Arrival: --window 0 (default) starts every session at the same instant (the worst case);
--window 10 lets them arrive at random moments within 10 s (fixed --seed), as at a national
gathering where 200 people open the link from the screen: `--scenario samling` is exactly that
(200 sessions within 10 s, 3 changes each, 3 s thinking, --assets).

Where: without --url and --cluster, one `streamlit run app.py` started here; --cluster N starts
nginx and N replicas here (deploy/cluster.py, as `make cluster`) and goes through nginx, which
keeps each session on one replica; --url uses a running app or cluster (`make cluster`:
http://127.0.0.1:8500). Localhost only: any --url whose host is not 127.0.0.1/localhost is
refused. Bounded: at most 200 sessions, a per-run timeout and a hard stop (--deadline, 180 s).
Prints numbers; asserts nothing (exit code 1 when there were errors).

    .venv/bin/python -m bench.load_test [--sessions 50] [--changes 3] [--window 10]
        [--think 3] [--assets] [--cluster 2 | --url http://127.0.0.1:8500] [--scenario samling]
"""
from __future__ import annotations

import argparse
import asyncio
import gzip
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
LOCAL = {"127.0.0.1", "localhost"}
MAX_SESSIONS = 200
REPLICA_HEADER = "x-innenfor-replica"            # set by the local cluster's nginx (deploy/cluster.py)
# Municipalities of Vestfold og Telemark to switch between (names as the picker shows them
# are read from the selectbox's options at run time).
TARGETS = ["4001", "4005", "4010", "4012", "3905", "3907", "3909", "4020", "4026", "4036"]
SCENARIOS = {"samling": {"sessions": 200, "window": 10.0, "changes": 3, "think": 3.0, "assets": True}}


@dataclass
class Stats:
    opens: list = field(default_factory=list)        # seconds, first run per session
    changes: list = field(default_factory=list)      # seconds, each municipality change
    pages: list = field(default_factory=list)        # seconds, GET of the page (+ assets)
    errors: list = field(default_factory=list)       # text
    replicas: Counter = field(default_factory=Counter)   # sessions per replica (nginx's header)
    bytes_in: int = 0
    http_bytes: int = 0
    messages: int = 0


def walk_elements(fm):
    """The Element of a ForwardMsg delta, or None."""
    if fm.WhichOneof("type") != "delta":
        return None
    d = fm.delta
    return d.new_element if d.WhichOneof("type") == "new_element" else None


async def http_get(url: str, headers: dict, timeout: float, decode: bool = True) -> tuple[int, dict, bytes]:
    """A plain HTTP/1.1 GET on localhost: status, lower-case headers (`_wire`: bytes that came
    over the wire) and, with `decode`, the body with chunking and gzip undone (a browser's
    work the load generator skips for the JavaScript files: it would take the server's CPU)."""
    u = urlsplit(url)
    reader, writer = await asyncio.wait_for(asyncio.open_connection(u.hostname, u.port or 80), timeout)
    try:
        path = (u.path or "/") + (f"?{u.query}" if u.query else "")
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {u.netloc}\r\n{head}Connection: close\r\n\r\n".encode())
        raw = await asyncio.wait_for(reader.read(), timeout)
    finally:
        writer.close()
    top, _, body = raw.partition(b"\r\n\r\n")
    lines = top.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    hdrs: dict = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        k = k.strip().lower()
        hdrs[k] = f"{hdrs[k]}\n{v.strip()}" if k in hdrs else v.strip()
    hdrs["_wire"] = len(raw)
    if not decode:
        return status, hdrs, b""
    if hdrs.get("transfer-encoding") == "chunked":
        out, rest = b"", body
        while rest:
            size, _, rest = rest.partition(b"\r\n")
            n = int(size.split(b";")[0] or b"0", 16)
            if n == 0:
                break
            out, rest = out + rest[:n], rest[n + 2:]
        body = out
    if hdrs.get("content-encoding") == "gzip":
        body = gzip.decompress(body)
    return status, hdrs, body


class Session:
    def __init__(self, url: str, stats: Stats, run_timeout: float):
        u = urlsplit(url)
        self.page_url = url.rstrip("/") + "/"
        self.ws_url = f"ws://{u.netloc}{u.path.rstrip('/')}/_stcore/stream"
        self.origin, self.stats, self.run_timeout = f"{u.scheme}://{u.netloc}", stats, run_timeout
        self.cookies: dict[str, str] = {}
        self.ws = None
        self.kommune_id = None
        self.kommune_options: list[str] = []
        self.page_hash = ""

    def _cookie_header(self) -> dict:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}

    async def load_page(self, assets: bool) -> float:
        """GET the page as a new browser does (keeping its cookies), optionally its assets."""
        t0 = time.perf_counter()
        status, hdrs, body = await http_get(self.page_url, {"Accept-Encoding": "gzip"}, self.run_timeout)
        if status != 200:
            raise RuntimeError(f"GET {self.page_url}: HTTP {status}")
        for c in hdrs.get("set-cookie", "").split("\n"):
            name, _, rest = c.partition("=")
            if name.strip() and rest:
                self.cookies[name.strip()] = rest.split(";")[0]
        self.stats.replicas[hdrs.get(REPLICA_HEADER, "?")] += 1
        self.stats.http_bytes += hdrs["_wire"]
        if assets:                                # six at a time, as a browser does
            links = dict.fromkeys(re.findall(rb'(?:src|href)="(\./static/[^"]+\.(?:js|css))"', body))
            slots = asyncio.Semaphore(6)

            async def fetch(link: bytes) -> None:
                async with slots:
                    st, h, _ = await http_get(urljoin(self.page_url, link.decode()),
                                              {"Accept-Encoding": "gzip", **self._cookie_header()},
                                              self.run_timeout, decode=False)
                if st != 200:
                    raise RuntimeError(f"GET {link.decode()}: HTTP {st}")
                self.stats.http_bytes += h["_wire"]
            await asyncio.gather(*(fetch(link) for link in links))
        return time.perf_counter() - t0

    async def connect(self):
        import websockets
        self.ws = await websockets.connect(self.ws_url, subprotocols=["streamlit"], origin=self.origin,
                                           additional_headers=self._cookie_header(), max_size=None,
                                           open_timeout=self.run_timeout, ping_interval=None)

    async def run(self, widget_value: str | None = None) -> tuple[float, dict]:
        """One rerun; (seconds to script_finished, what was seen)."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = ""
        cs.page_script_hash = self.page_hash
        cs.context_info.timezone = "Europe/Oslo"
        cs.context_info.locale = "nb-NO"
        cs.context_info.url = self.page_url
        if widget_value is not None:
            w = cs.widget_states.widgets.add()
            w.id = self.kommune_id
            w.string_value = widget_value
        seen = {"map": 0, "exception": [], "status": None, "title": ""}
        t0 = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), timeout=self.run_timeout)
            self.stats.bytes_in += len(raw)
            self.stats.messages += 1
            fm = ForwardMsg()
            fm.ParseFromString(raw)
            kind = fm.WhichOneof("type")
            if kind == "new_session":
                self.page_hash = self.page_hash or fm.new_session.page_script_hash
            el = walk_elements(fm)
            if el is not None:
                which = el.WhichOneof("type")
                if which == "bidi_component" and el.bidi_component.component_name == "innenfor_kart":
                    seen["map"] += 1                   # Kart's SVG map (ui/mapview.py)
                elif which == "exception":
                    seen["exception"].append(el.exception.message[:200])
                elif which == "heading" and not seen["title"]:
                    seen["title"] = el.heading.body
                elif which == "selectbox" and el.selectbox.id.endswith("w_kommune"):
                    self.kommune_id = el.selectbox.id
                    self.kommune_options = list(el.selectbox.options)
                    seen["kommune"] = el.selectbox.raw_value if el.selectbox.set_value else None
            if kind == "script_finished":
                seen["status"] = fm.script_finished
                if fm.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue                      # our own rerun replaced it; keep reading
                return time.perf_counter() - t0, seen

    async def close(self):
        if self.ws is not None:
            await self.ws.close()


def option_for(options: list[str], code: str, names: dict[str, str]) -> str | None:
    name = names.get(code)
    return next((o for o in options if name and o.startswith(name + " (")), None)


async def one_session(i: int, url: str, stats: Stats, changes: int, run_timeout: float,
                      names: dict[str, str], start: asyncio.Event, delay: float = 0.0,
                      think: float = 0.0, assets: bool = False, rng: random.Random | None = None) -> None:
    s = Session(url, stats, run_timeout)
    await start.wait()
    if delay:
        await asyncio.sleep(delay)
    try:
        stats.pages.append(await s.load_page(assets))
        await s.connect()
        took, seen = await s.run()
        if seen["status"] != 0 or seen["exception"] or not seen["map"] or not s.kommune_id:
            stats.errors.append(f"økt {i}: åpning {seen}")
            return
        stats.opens.append(took)
        for k in range(changes):
            code = TARGETS[(i + k) % len(TARGETS)]
            label = option_for(s.kommune_options, code, names)
            if think:                             # a reader looks at the map: 0,5–1,5 × think
                await asyncio.sleep(think * (0.5 + (rng.random() if rng else 0.5)))
            took, seen = await s.run(label)
            if seen["status"] != 0 or seen["exception"] or not seen["map"] or seen.get("kommune") != label:
                stats.errors.append(f"økt {i}: bytte {k} {seen}")
                return
            stats.changes.append(took)
    except TimeoutError:
        stats.errors.append(f"økt {i}: tidsavbrudd (> {run_timeout:.0f} s for én kjøring)")
    except Exception as e:  # noqa: BLE001 - every failure counts as an error, the rest go on
        stats.errors.append(f"økt {i}: {type(e).__name__}: {e}")
    finally:
        try:
            await s.close()
        except Exception:  # noqa: BLE001
            pass


def pct(xs: list[float], p: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    k = (len(xs) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def arrivals(sessions: int, window: float, seed: int) -> list[float]:
    """When each session starts: all at 0, or at random moments within `window` seconds
    (independent uniform arrivals: a Poisson process with that many arrivals in the window)."""
    if window <= 0:
        return [0.0] * sessions
    rng = random.Random(seed)
    return sorted(rng.uniform(0, window) for _ in range(sessions))


async def load(url: str, sessions: int, changes: int, run_timeout: float, deadline: float,
               names: dict[str, str], window: float = 0.0, think: float = 0.0,
               assets: bool = False, seed: int = 1) -> tuple[Stats, float, bool]:
    """Every session goes to `url`; behind nginx the cookie keeps it on one replica."""
    stats = Stats()
    start = asyncio.Event()
    rng = random.Random(seed + 1)
    tasks = [asyncio.create_task(one_session(i, url, stats, changes, run_timeout, names, start,
                                             delay=d, think=think, assets=assets, rng=rng))
             for i, d in enumerate(arrivals(sessions, window, seed))]
    t0 = time.perf_counter()
    start.set()
    _done, pending = await asyncio.wait(tasks, timeout=deadline)
    stopped = bool(pending)
    for t in pending:                             # hard stop
        t.cancel()
    if pending:
        await asyncio.gather(*pending, return_exceptions=True)
        stats.errors.append(f"hard stopp etter {deadline:.0f} s: {len(pending)} økter avbrutt")
    return stats, time.perf_counter() - t0, stopped


def cpu_seconds(pids: list[int]) -> float:
    """User+system CPU time of processes so far (Linux /proc); nan when none is running.
    One that has ended is left out (nginx's cache loader exits after a minute)."""
    total, found = 0.0, 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            found += 1
        except (OSError, IndexError, ValueError):
            continue
    return total if found else float("nan")


def machine_cpu() -> tuple[float, float]:
    """(CPU seconds the whole machine has been busy, seconds stolen by the host) from /proc/stat:
    with our processes' share subtracted, what others on the machine took during the test."""
    first = Path("/proc/stat").read_text().split("\n")[0]
    v = [int(x) / os.sysconf("SC_CLK_TCK") for x in first.split()[1:9]]
    return sum(v[:3]) + sum(v[5:7]), v[7]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.load_test")
    ap.add_argument("--scenario", choices=sorted(SCENARIOS),
                    help="samling: 200 økter innen 10 s, 3 bytter, 3 s tenketid, med filene")
    ap.add_argument("--sessions", type=int, default=50)
    ap.add_argument("--changes", type=int, default=3, help="municipality changes per session")
    ap.add_argument("--window", type=float, default=0.0,
                    help="sessions arrive at random moments within this many seconds (0: all at once)")
    ap.add_argument("--think", type=float, default=0.0,
                    help="seconds a user looks at the map before the next change (0: none)")
    ap.add_argument("--assets", action="store_true",
                    help="each session also fetches the page's JavaScript and CSS (empty cache)")
    ap.add_argument("--seed", type=int, default=1, help="arrival times and think times")
    ap.add_argument("--run-timeout", type=float, default=60.0, help="seconds for one run")
    ap.add_argument("--deadline", type=float, default=180.0, help="hard stop for the whole test")
    ap.add_argument("--url", help="a running app or cluster (localhost only); default: start one here")
    ap.add_argument("--cluster", type=int, default=0, metavar="N",
                    help="start nginx and N replicas here (deploy/cluster.py) and go through nginx")
    ap.add_argument("--db", help="store for what is started here (default: $INNENFOR_DB or a demo store)")
    args = ap.parse_args(argv)
    given = {a.split("=")[0][2:].replace("-", "_") for a in (argv if argv is not None else sys.argv[1:])
             if a.startswith("--")}
    for k, v in SCENARIOS.get(args.scenario or "", {}).items():
        if k not in given:                        # a scenario's values, unless given explicitly
            setattr(args, k, v)
    if not 1 <= args.sessions <= MAX_SESSIONS:
        ap.error(f"--sessions må være 1–{MAX_SESSIONS}")
    if args.url and args.cluster:
        ap.error("--url og --cluster kan ikke brukes sammen")
    if not 0 <= args.cluster <= 4:
        ap.error("--cluster må være 1–4")
    if args.url and urlsplit(args.url).hostname not in LOCAL:
        ap.error("bare localhost: --url må være http://127.0.0.1:PORT eller http://localhost:PORT")

    sys.path.insert(0, str(ROOT))
    from bench.__main__ import machine
    from bench.bench_pages import server, store_path
    from geo import codes
    names = {c: r["name"] for c, r in codes.municipalities_2024().items()}

    with tempfile.TemporaryDirectory(prefix="innenfor-load-") as t:
        ctx, cluster, warm_urls = None, None, []
        replica_pids: list[int] = []
        nginx_pids: list[int] = []
        if args.url:
            url = args.url.rstrip("/")
            pid = _server_pid(url)
            replica_pids = [pid] if pid and _comm(pid) != "nginx" else []
            warm_urls = [url] * 4                 # through nginx: most likely both replicas
        elif args.cluster:
            from deploy.cluster import Cluster
            cluster = Cluster(replicas=args.cluster, port=0, first_port=0,
                              db=store_path(args.db, Path(t))).start()
            url = cluster.url
            warm_urls = [cluster.replica_url(p) for p in cluster.ports]
            replica_pids, nginx_pids = cluster.pids()["replicas"], cluster.pids()["nginx"]
        else:
            ctx = server(ROOT / "app.py", {"INNENFOR_DB": str(store_path(args.db, Path(t)))}, ROOT)
            url = ctx.__enter__()
            warm_urls = [url]
            replica_pids = [p for p in [_server_pid(url)] if p]
        try:
            where = (f"nginx + {args.cluster} replikaer" if cluster else "én prosess" if ctx else "--url")
            print(f"{machine()}\nApp: {url} ({where})  ·  {args.sessions} økter × (åpne kartet + "
                  f"{args.changes} kommunebytter)  ·  "
                  + (f"ankomst tilfeldig innen {args.window:g} s" if args.window else "alle på en gang")
                  + f", tenketid {args.think:g} s" + (", med JS/CSS" if args.assets else ""))
            # One session per replica first: the first run after a start compiles and fills
            # the caches (what the first visitor of a fresh server pays; not in the figures).
            warm = Stats()
            for w in warm_urls + ([url] if args.assets else []):     # + nginx's file cache
                s, _, _ = asyncio.run(load(w, 1, 1, args.run_timeout, args.deadline, names,
                                           assets=args.assets))
                warm.opens += s.opens
                warm.errors += s.errors
            print("Oppvarming (første økt per replika, ikke med i tallene): åpning "
                  + ", ".join(f"{x:.2f} s" for x in warm.opens)
                  + (f", feil: {warm.errors}" if warm.errors else ""))
            cpu0, ncpu0, own0 = cpu_seconds(replica_pids), cpu_seconds(nginx_pids), time.process_time()
            busy0, steal0 = machine_cpu()
            stats, wall, stopped = asyncio.run(load(url, args.sessions, args.changes, args.run_timeout,
                                                    args.deadline, names, args.window, args.think,
                                                    args.assets, args.seed))
            cpu = cpu_seconds(replica_pids) - cpu0
            ncpu = cpu_seconds(nginx_pids) - ncpu0
            own = time.process_time() - own0
            busy, steal = (a - b for a, b in zip(machine_cpu(), (busy0, steal0)))
            others = busy - cpu - (ncpu if ncpu == ncpu else 0) - own
        finally:
            if ctx is not None:
                ctx.__exit__(None, None, None)
            if cluster is not None:
                cluster.stop()

    report(stats, wall, stopped, cpu, ncpu, own, others, steal)
    return 1 if stats.errors else 0


def report(stats: Stats, wall: float, stopped: bool, cpu: float, ncpu: float, own: float,
           others: float = float("nan"), steal: float = float("nan")) -> None:
    runs = stats.opens + stats.changes
    cores = os.cpu_count() or 1
    print(f"\nVarighet {wall:.1f} s{' (HARD STOPP)' if stopped else ''}; {len(runs)} kjøringer fullført: "
          f"{len(runs) / wall:.1f} kjøringer/s, {len(runs) / wall / cores:.1f} per kjerne ({cores} kjerner)")
    print(f"  CPU: Streamlit {cpu:.1f} s = {1000 * cpu / max(1, len(runs)):.0f} ms per kjøring; "
          f"nginx {ncpu:.1f} s; lastgeneratoren selv {own:.1f} s; andre prosesser {others:.1f} s, "
          f"tatt av verten (steal) {steal:.1f} s")
    print(f"  Fra serveren: {stats.bytes_in / 1e6:.1f} MB websocket i {stats.messages} meldinger, "
          f"{stats.http_bytes / 1e6:.1f} MB HTTP")
    if len(stats.replicas) > 1 or "?" not in stats.replicas:
        print("  Økter per replika (nginx): "
              + ", ".join(f"{k} {v}" for k, v in sorted(stats.replicas.items())))
    for name, xs in (("Hente siden", stats.pages), ("Åpne kartet", stats.opens),
                     ("Bytte kommune", stats.changes), ("Alle kjøringer", runs)):
        if xs:
            print(f"  {name:<15} n={len(xs):4d}  p50 {pct(xs, 50):5.2f} s  p95 {pct(xs, 95):5.2f} s  "
                  f"maks {max(xs):5.2f} s  snitt {statistics.mean(xs):5.2f} s")
    p95 = pct(runs, 95)
    print(f"  Mål: p95 ≤ 2 s og 0 feil → p95 {p95:.2f} s, {len(stats.errors)} feil: "
          f"{'NÅDD' if p95 <= 2 and not stats.errors else 'IKKE NÅDD'}")
    for e in stats.errors[:10]:
        print("  feil:", e)


def _comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def _server_pid(url: str) -> int | None:
    """The pid listening on the url's port (to read its CPU time), from /proc/net/tcp."""
    port = urlsplit(url).port
    try:
        inodes = set()
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            parts = line.split()
            if int(parts[1].split(":")[1], 16) == port and parts[3] == "0A":
                inodes.add(parts[9])
        for p in Path("/proc").iterdir():
            if not p.name.isdigit():
                continue
            try:
                for fd in (p / "fd").iterdir():
                    link = os.readlink(fd)
                    if link.startswith("socket:[") and link[8:-1] in inodes:
                        return int(p.name)
            except OSError:
                continue
    except OSError:
        return None
    return None


if __name__ == "__main__":
    sys.exit(main())
