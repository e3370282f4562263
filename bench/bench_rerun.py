"""Server CPU per rerun: Kart after a change of municipality, against a bare page, one run.

    .venv/bin/python -m bench rerun        (or: -m bench.bench_rerun [--reruns 200] [--rounds 5]
                                            [--db PATH] [--profile 30 [--profile-out F]])

Starts `streamlit run app.py` and a bare page (one selectbox and a line of text, the floor of
any Streamlit rerun; the same .streamlit/config.toml) on localhost, opens one session in each
with Streamlit's own protocol (bench.load_test.Session) and changes the municipality
`--reruns` times on each, in blocks taken in turn (a busy moment on a shared machine falls on
both). The CPU time the server process used (/proc, user + system) is divided by the reruns:
the whole cost of a rerun on the server (script, Streamlit's elements and messages, protobuf,
websocket), not only the script's wall time as AppTest in bench.bench_pages sees it.

--profile N also runs Kart under cProfile (every thread of the server) and prints the N
functions with the most own time and with the most cumulative time; the profiler slows the
server down, so those runs are not in the ratio.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.load_test import TARGETS, Session, Stats, _server_pid, cpu_seconds, option_for

ROOT = Path(__file__).resolve().parent.parent
BARE = ('import streamlit as st\n'
        'k = st.selectbox("Kommune", ["Porsgrunn", "Skien", "Siljan", "Bamble"], key="w_kommune")\n'
        'st.write(f"Valgt: {k}")\n')
# A server whose threads all run under cProfile; the stats are written when it stops.
# A server whose threads run under cProfile, counting each thread's CPU time (not wall time:
# no sleeps, no waits for the GIL) between SIGUSR1 (start) and SIGUSR2 (stop, write the stats).
PROFILED = '''import cProfile, pstats, signal, sys, threading, time
out = sys.argv.pop(1)
profiles = []
_run = threading.Thread.run
def run(self):
    if not profiles:
        return _run(self)
    p = cProfile.Profile(time.thread_time)
    profiles.append(p)
    p.enable()
    try:
        _run(self)
    finally:
        p.disable()
threading.Thread.run = run
def start(*_):
    profiles[:] = [cProfile.Profile(time.thread_time)]
    profiles[0].enable()
def stop(*_):
    profiles[0].disable()
    s = pstats.Stats(profiles[0])
    for p in profiles[1:]:
        s.add(p)
    profiles.clear()
    s.dump_stats(out)
signal.signal(signal.SIGUSR1, start)
signal.signal(signal.SIGUSR2, stop)
from streamlit.web import cli
sys.argv[0] = "streamlit"
cli.main()
'''


class Target:
    """One open session on a server: `block(n)` changes municipality n times in a row and
    returns (seconds per change, server CPU seconds for the block)."""

    def __init__(self, url: str, names: dict[str, str]):
        self.url, self.names, self.i = url, names, 0
        self.session = Session(url, Stats(), 60.0)
        self.pid = _server_pid(url)
        self.labels: list = []

    async def open(self) -> None:
        s = self.session
        await s.load_page(False)
        await s.connect()
        await s.run()
        opts = s.kommune_options
        labels = [option_for(opts, c, self.names) for c in TARGETS] if len(opts) > 10 else opts
        self.labels = [x for x in labels if x] or [None]     # no picker: plain reruns
        for x in self.labels:                                # every view once: caches filled
            await s.run(x)

    async def block(self, n: int) -> tuple[list[float], float]:
        cpu0 = cpu_seconds([self.pid] if self.pid else [])
        took = []
        for _ in range(n):
            t, seen = await self.session.run(self.labels[self.i % len(self.labels)])
            self.i += 1
            if seen["status"] != 0 or seen["exception"]:
                raise RuntimeError(f"{self.url}: {seen}")
            took.append(t)
        return took, cpu_seconds([self.pid] if self.pid else []) - cpu0


async def _opens(url: str, n: int) -> float:
    """CPU ms on the server per new session: GET the page, open the websocket, first run."""
    pid = _server_pid(url)
    cpu0 = cpu_seconds([pid] if pid else [])
    for _ in range(n):
        s = Session(url, Stats(), 60.0)
        await s.load_page(False)
        await s.connect()
        _t, seen = await s.run()
        if seen["status"] != 0 or seen["exception"]:
            raise RuntimeError(f"{url}: {seen}")
        await s.close()
    return 1000 * (cpu_seconds([pid] if pid else []) - cpu0) / n


async def _interleaved(urls: list[str], n: int, rounds: int, names: dict[str, str]):
    """Blocks of n/rounds changes on each server in turn, so a busy moment on the machine
    falls on both: per server (seconds per change, CPU ms per change of each round)."""
    targets = [Target(u, names) for u in urls]
    for t in targets:
        await t.open()
    out: list[tuple[list[float], list[float]]] = [([], []) for _ in targets]
    per = max(1, n // rounds)
    for _ in range(rounds):
        for t, (took, cpu) in zip(targets, out):
            tk, c = await t.block(per)
            took += tk
            cpu.append(1000 * c / per)
    for t in targets:
        await t.session.close()
    opens = [await _opens(t.url, max(10, n // 10)) for t in targets]
    return out, opens


def profile(db: Path, n: int, top: int, tmp: Path, names: dict[str, str], out: Path,
            opens: bool = False) -> None:
    import pstats
    import subprocess

    from bench.bench_pages import free_port
    launcher = tmp / "profiled.py"
    launcher.write_text(PROFILED)
    port = free_port()
    proc = subprocess.Popen([sys.executable, str(launcher), str(out), "run", str(ROOT / "app.py"),
                             "--server.port", str(port), "--server.address", "127.0.0.1"],
                            cwd=ROOT, env={**os.environ, "INNENFOR_DB": str(db)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        async def go():
            t = Target(url, names)
            await t.open()
            proc.send_signal(signal.SIGUSR1)
            if opens:
                await _opens(url, n)
            else:
                await t.block(n)
            proc.send_signal(signal.SIGUSR2)
            await asyncio.sleep(1)                    # the stats are written
            await t.session.close()
        asyncio.run(go())
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    stats = pstats.Stats(str(out))
    what = "nye økter" if opens else "kommunebytter"
    print(f"\ncProfile, Kart, {n} {what} (CPU-tid i alle tråder, med profilererens påslag):")
    for key in ("tottime", "cumulative"):
        print(f"\n--- sortert etter {key} ---", flush=True)
        stats.sort_stats(key).print_stats(top)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.bench_rerun")
    ap.add_argument("--reruns", type=int, default=200, help="changes per server")
    ap.add_argument("--rounds", type=int, default=5, help="blocks per server, taken in turn")
    ap.add_argument("--db", help="store to use (default: $INNENFOR_DB or a fresh demo store)")
    ap.add_argument("--profile", type=int, default=0, metavar="N",
                    help="also profile Kart and print the top N functions")
    ap.add_argument("--profile-out", help="keep the profile (pstats file) here")
    ap.add_argument("--profile-opens", action="store_true",
                    help="profile new sessions (page, websocket, first run) instead of changes")
    args = ap.parse_args(argv)
    from bench.bench_pages import store_path
    from geo import codes
    names = {c: r["name"] for c, r in codes.municipalities_2024().items()}
    with tempfile.TemporaryDirectory(prefix="innenfor-rerun-") as t:
        tmp = Path(t)
        db = store_path(args.db, tmp)
        (tmp / "bare.py").write_text(BARE)
        from bench.bench_pages import app_settings
        app_settings(tmp)
        print(f"Lager: {db}\nMaskin: {os.cpu_count()} kjerner, Python {sys.version.split()[0]}; "
              f"last ved start {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
        from bench.bench_pages import server
        with server(ROOT / "app.py", {"INNENFOR_DB": str(db)}, ROOT) as app_url, \
                server(tmp / "bare.py", {}, tmp) as bare_url:
            ((kart, kcpu), (bare, bcpu)), (k_open, b_open) = asyncio.run(
                _interleaved([app_url, bare_url], args.reruns, args.rounds, names))
        k_ms, b_ms = statistics.median(kcpu), statistics.median(bcpu)
        print(f"\nServer-CPU per rerun (bytte kommune; {args.rounds} runder à "
              f"{args.reruns // args.rounds} på hver server etter tur, median av rundene):")
        print(f"  Kart:     {k_ms:5.1f} ms CPU (runder {min(kcpu):.1f}–{max(kcpu):.1f}), "
              f"{statistics.median(kart) * 1000:5.1f} ms til script_finished (median)")
        print(f"  Bar side: {b_ms:5.1f} ms CPU (runder {min(bcpu):.1f}–{max(bcpu):.1f}), "
              f"{statistics.median(bare) * 1000:5.1f} ms til script_finished (median)")
        print(f"  Forhold:  {k_ms / b_ms:.1f}× CPU  ·  tak ≈ {1000 / k_ms:.0f} reruns/s per kjerne "
              f"(bar side {1000 / b_ms:.0f})")
        print(f"Ny økt (hente siden, websocket, første kjøring): Kart {k_open:.1f} ms CPU, "
              f"bar side {b_open:.1f} ms ({k_open / b_open:.1f}×)")
        if args.profile:
            profile(db, args.reruns, args.profile, tmp, names,
                    Path(args.profile_out) if args.profile_out else tmp / "kart.prof",
                    opens=args.profile_opens)
    return 0


if __name__ == "__main__":
    sys.exit(main())
