"""Load test: many concurrent browser-less sessions against `streamlit run app.py` on localhost.

Each session speaks Streamlit's own protocol (the BackMsg/ForwardMsg protobufs shipped in the
streamlit package) over a websocket to ws://127.0.0.1:PORT/_stcore/stream, as the browser does:

1. open the app (a rerun with an empty query string → Kart, the map of Vestfold og Telemark),
2. change municipality N times (a rerun with the "Kommune" selectbox's new value as widget
   state, exactly what the frontend sends after a pick),

and times each run from the BackMsg sent to the server's `script_finished` (the server has sent
everything the browser needs to draw; the browser's own drawing is not included: see
bench.bench_pages for that). An error is: no connection, a run that does not finish
successfully, an exception element in the output, a missing map, or a timeout.

Bounded: --sessions (default 50, at most 200), --changes per session (default 3), a per-run
timeout and a hard stop for the whole test (--deadline, default 180 s). Localhost only: any
--url whose host is not 127.0.0.1/localhost is refused. Prints numbers; asserts nothing
(exit code 1 when there were errors).

--ramp spreads the sessions' arrival (default 0: a burst, all 50 at the same instant, the worst
case); --think waits between a session's changes, as a reader does.

    .venv/bin/python -m bench.load_test [--sessions 50] [--changes 3] [--replicas 2]
                                        [--url http://127.0.0.1:8501]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
LOCAL = {"127.0.0.1", "localhost"}
MAX_SESSIONS = 200
# Municipalities of Vestfold og Telemark to switch between (names as the picker shows them
# are read from the selectbox's options at run time).
TARGETS = ["4001", "4005", "4010", "4012", "3905", "3907", "3909", "4020", "4026", "4036"]


@dataclass
class Stats:
    opens: list = field(default_factory=list)        # seconds, first run per session
    changes: list = field(default_factory=list)      # seconds, each municipality change
    errors: list = field(default_factory=list)       # text
    bytes_in: int = 0
    messages: int = 0


def walk_elements(fm):
    """The Element of a ForwardMsg delta, or None."""
    if fm.WhichOneof("type") != "delta":
        return None
    d = fm.delta
    return d.new_element if d.WhichOneof("type") == "new_element" else None


class Session:
    def __init__(self, ws_url: str, origin: str, stats: Stats, run_timeout: float):
        self.ws_url, self.origin, self.stats, self.run_timeout = ws_url, origin, stats, run_timeout
        self.ws = None
        self.kommune_id = None
        self.kommune_options: list[str] = []
        self.page_hash = ""

    async def connect(self):
        import websockets
        self.ws = await websockets.connect(self.ws_url, subprotocols=["streamlit"], origin=self.origin,
                                           max_size=None, open_timeout=self.run_timeout,
                                           ping_interval=None)

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
        cs.context_info.url = self.origin + "/"
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
                      think: float = 0.0) -> None:
    u = urlsplit(url)
    s = Session(f"ws://{u.netloc}/_stcore/stream", f"{u.scheme}://{u.netloc}", stats, run_timeout)
    await start.wait()
    if delay:
        await asyncio.sleep(delay)
    try:
        await s.connect()
        took, seen = await s.run()
        if seen["status"] != 0 or seen["exception"] or not seen["map"] or not s.kommune_id:
            stats.errors.append(f"økt {i}: åpning {seen}")
            return
        stats.opens.append(took)
        for k in range(changes):
            code = TARGETS[(i + k) % len(TARGETS)]
            label = option_for(s.kommune_options, code, names)
            if think:
                await asyncio.sleep(think)
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


async def load(urls: list[str], sessions: int, changes: int, run_timeout: float, deadline: float,
               names: dict[str, str], ramp: float = 0.0, think: float = 0.0) -> tuple[Stats, float, bool]:
    """Session i goes to urls[i % len(urls)] and stays there: what a load balancer with sticky
    sessions in front of several replicas does (docs/SKALERING.md)."""
    stats = Stats()
    start = asyncio.Event()
    tasks = [asyncio.create_task(one_session(i, urls[i % len(urls)], stats, changes, run_timeout,
                                             names, start, delay=ramp * i / max(1, sessions),
                                             think=think))
             for i in range(sessions)]
    t0 = time.perf_counter()
    start.set()                                   # all at once, or spread over `ramp` seconds
    _done, pending = await asyncio.wait(tasks, timeout=deadline)
    stopped = bool(pending)
    for t in pending:                             # hard stop
        t.cancel()
    if pending:
        await asyncio.gather(*pending, return_exceptions=True)
        stats.errors.append(f"hard stopp etter {deadline:.0f} s: {len(pending)} økter avbrutt")
    return stats, time.perf_counter() - t0, stopped


def cpu_seconds(pid: int) -> float:
    """User+system CPU time of a process and its children so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / ticks
    except (OSError, IndexError, ValueError):
        return float("nan")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.load_test")
    ap.add_argument("--sessions", type=int, default=50)
    ap.add_argument("--changes", type=int, default=3, help="municipality changes per session")
    ap.add_argument("--run-timeout", type=float, default=60.0, help="seconds for one run")
    ap.add_argument("--deadline", type=float, default=180.0, help="hard stop for the whole test")
    ap.add_argument("--ramp", type=float, default=0.0,
                    help="spread the sessions' arrival over this many seconds (0: all at once)")
    ap.add_argument("--think", type=float, default=0.0,
                    help="seconds a user looks at the map before the next change (0: none)")
    ap.add_argument("--url", help="a running app (localhost only); default: start one here")
    ap.add_argument("--replicas", type=int, default=1,
                    help="start this many app processes on this machine and spread the sessions "
                         "over them, sticky (1–4; not with --url)")
    ap.add_argument("--db", help="store for the app started here (default: $INNENFOR_DB or a demo store)")
    args = ap.parse_args(argv)
    if not 1 <= args.sessions <= MAX_SESSIONS:
        ap.error(f"--sessions må være 1–{MAX_SESSIONS}")
    if not 1 <= args.replicas <= 4 or (args.url and args.replicas != 1):
        ap.error("--replicas må være 1–4, og kan ikke brukes med --url")
    if args.url and urlsplit(args.url).hostname not in LOCAL:
        ap.error("bare localhost: --url må være http://127.0.0.1:PORT eller http://localhost:PORT")

    sys.path.insert(0, str(ROOT))
    from bench.bench_pages import server, store_path
    from geo import codes
    names = {c: r["name"] for c, r in codes.municipalities_2024().items()}

    with tempfile.TemporaryDirectory(prefix="innenfor-load-") as t:
        ctxs, urls, pids = [], [], []
        if args.url:
            urls = [args.url.rstrip("/")]
        else:
            db = store_path(args.db, Path(t))
            for _ in range(args.replicas):        # each replica reads the same store file
                ctxs.append(server(ROOT / "app.py", {"INNENFOR_DB": str(db)}, ROOT))
                urls.append(ctxs[-1].__enter__())
                pids.append(_server_pid(urls[-1]))
        try:
            print(f"App: {', '.join(urls)}  ·  {args.sessions} samtidige økter × (åpne kartet + "
                  f"{args.changes} kommunebytter)  ·  ankomst over {args.ramp:g} s, "
                  f"tenketid {args.think:g} s  ·  maskin: {os.cpu_count()} kjerner, "
                  f"last {os.getloadavg()[0]:.2f}")
            # One session per replica first: the first run after a start compiles and fills
            # the caches (what the first visitor of a fresh server pays; not in the figures).
            warm, _, _ = asyncio.run(load(urls, len(urls), 1, args.run_timeout, args.deadline, names))
            print("Oppvarming (første økt etter start): åpning "
                  + ", ".join(f"{x:.2f} s" for x in warm.opens)
                  + (f", feil: {warm.errors}" if warm.errors else ""))
            cpu0 = sum(cpu_seconds(p) for p in pids) if pids and all(pids) else float("nan")
            stats, wall, stopped = asyncio.run(load(urls, args.sessions, args.changes, args.run_timeout,
                                                    args.deadline, names, args.ramp, args.think))
            cpu = sum(cpu_seconds(p) for p in pids) - cpu0 if pids and all(pids) else float("nan")
        finally:
            for c in ctxs:
                c.__exit__(None, None, None)

    runs = stats.opens + stats.changes
    print(f"\nVarighet {wall:.1f} s{' (HARD STOPP)' if stopped else ''}; {len(runs)} kjøringer fullført, "
          f"{len(runs) / wall:.1f} kjøringer/s; {stats.bytes_in / 1e6:.1f} MB fra serveren i "
          f"{stats.messages} meldinger; server-CPU {cpu:.1f} s")
    for name, xs in (("Åpne kartet", stats.opens), ("Bytte kommune", stats.changes),
                     ("Alle kjøringer", runs)):
        if xs:
            print(f"  {name:<15} n={len(xs):4d}  p50 {pct(xs, 50):5.2f} s  p95 {pct(xs, 95):5.2f} s  "
                  f"maks {max(xs):5.2f} s  snitt {statistics.mean(xs):5.2f} s")
    p95 = pct(runs, 95)
    print(f"  Mål: p95 ≤ 2 s og 0 feil → p95 {p95:.2f} s, {len(stats.errors)} feil: "
          f"{'NÅDD' if p95 <= 2 and not stats.errors else 'IKKE NÅDD'}")
    for e in stats.errors[:10]:
        print("  feil:", e)
    return 1 if stats.errors else 0


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
