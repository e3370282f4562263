"""Innenfor on several replicas behind nginx, on this machine: what `make cluster` runs.

    .venv/bin/python -m deploy.cluster [--replicas 2] [--port 8500] [--first-port 8511]
                                       [--base-path innenfor] [--db FILE]
    .venv/bin/python -m deploy.cluster --render [...]   # print the filled-in nginx file and stop

Writes an nginx configuration from deploy/innenfor.nginx.conf into a temporary prefix (config,
logs, temp and cache directories all inside it; nothing under /etc or /var), starts N replicas
of `streamlit run app.py` on 127.0.0.1 (ports first-port, first-port+1, …) and nginx on
127.0.0.1:port in front of them, waits until every replica and nginx answer /_stcore/health,
prints the address, and stops everything (its own processes only) on Ctrl-C or when it ends.

Every replica reads the same store file read-only (INNENFOR_DB, default data/innenfor.duckdb).
A coordinator's load through any replica swaps the file atomically (loaders.store.writer, with
a lock file), and every replica notices the new file at its next rerun (ui/data.py compares
the file's stat()), so on one machine the replicas need no copying. Loopback only: nginx and
the replicas listen on 127.0.0.1.

Used by bench/load_test.py (--cluster) and tests/test_cluster.py through `Cluster`.
"""
from __future__ import annotations

import argparse
import contextlib
import ctypes
import grp
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:                    # `python deploy/cluster.py` works as well as -m
    sys.path.insert(0, str(ROOT))

from vocab import settings  # noqa: E402 - after the path for `python deploy/cluster.py`

TEMPLATE = Path(__file__).resolve().parent / "innenfor.nginx.conf"
HOST = "127.0.0.1"
REPLICA_HEADER = "X-Innenfor-Replica"             # the local cluster names the replica that answered
MAX_REPLICAS = 8
DEFAULT_DB = ROOT / "data" / "innenfor.duckdb"      # as loaders.store


def store_path() -> Path:
    """The store the app reads (loaders.store.db_path without importing DuckDB here)."""
    return Path(str(settings.env("INNENFOR_DB"))) if settings.is_set("INNENFOR_DB") else DEFAULT_DB


def nginx_binary() -> str | None:
    return next((p for p in (shutil.which("nginx"), "/usr/sbin/nginx") if p and os.path.exists(p)), None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def normalise_base(base: str | None) -> str:
    """'innenfor', '/innenfor/' → '/innenfor'; '' or None → ''."""
    b = (base or "").strip().strip("/")
    return f"/{b}" if b else ""


def render(*, listen: str, ports: list[int], base: str = "", cache_dir: str,
           max_body: str = "60m", replica_header: bool = False, host: str = HOST,
           template: Path = TEMPLATE) -> str:
    """deploy/innenfor.nginx.conf with its @PLACEHOLDERS@ filled in."""
    base = normalise_base(base)
    servers = "\n    ".join(f"server {host}:{p} max_fails=1 fail_timeout=10s;" for p in ports)
    extra = f"add_header {REPLICA_HEADER} $upstream_addr always;" if replica_header else ""
    values = {"@LISTEN@": listen, "@BASE_SLASH@": base + "/", "@BASE@": base, "@SERVERS@": servers,
              "@CACHE_DIR@": cache_dir, "@MAX_BODY@": max_body, "@EXTRA@": extra}
    lines = []
    for line in template.read_text(encoding="utf-8").splitlines(keepends=True):
        if not line.lstrip().startswith("#"):         # the comments name the placeholders
            for k in sorted(values, key=len, reverse=True):   # @BASE_SLASH@ before @BASE@
                line = line.replace(k, values[k])
            if "@" in line:
                raise ValueError(f"plassholder uten verdi i nginx-malen: {line.strip()}")
        lines.append(line)
    return "".join(lines)


def main_conf(prefix: Path, site: Path) -> str:
    """A whole nginx.conf for a private prefix: pid, logs, temp and cache paths inside it, in
    the foreground (the cluster supervises it). Run as root, the workers run as nobody."""
    user = ""
    if os.geteuid() == 0:
        pw = pwd.getpwnam("nobody")
        user = f"user {pw.pw_name} {grp.getgrgid(pw.pw_gid).gr_name};\n"
    tmp = prefix / "tmp"
    return (f"{user}worker_processes 1;\ndaemon off;\npid {prefix}/nginx.pid;\n"
            f"error_log {prefix}/logs/error.log warn;\n"
            "events { worker_connections 4096; }\n"
            "http {\n"
            "    default_type application/octet-stream;\n"
            "    log_format innenfor '$remote_addr [$time_local] \"$request\" $status $body_bytes_sent '\n"
            "                        'upstream=$upstream_addr rt=$request_time';\n"
            f"    access_log {prefix}/logs/access.log innenfor;\n"
            + "".join(f"    {k}_temp_path {tmp}/{k};\n"
                      for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
            + f"    include {site};\n}}\n")


def _die_with_parent() -> None:
    """In the child before exec: end with the cluster process even if it is killed hard
    (Linux prctl PR_SET_PDEATHSIG), so no replica outlives a crashed test or load test."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)


def get(url: str, timeout: float = 2.0, headers: dict | None = None) -> tuple[int, dict, bytes]:
    req = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.status, dict(r.headers.items()), r.read()


@dataclass
class Cluster:
    """nginx on HOST:port in front of `replicas` Streamlit processes. port=0 and
    first_port=0 take free ports (tests); stop() ends only the processes started here."""
    replicas: int = 2
    port: int = 8500
    first_port: int = 8511
    base: str = ""
    db: Path | None = None
    prefix: Path | None = None
    replica_header: bool = True
    env: dict = field(default_factory=dict)
    ports: list[int] = field(default_factory=list)
    procs: dict[int, subprocess.Popen] = field(default_factory=dict)
    nginx: subprocess.Popen | None = None
    _own_prefix: bool = False

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}{normalise_base(self.base)}"

    def replica_url(self, port: int) -> str:
        return f"http://{HOST}:{port}{normalise_base(self.base)}"

    # --- start -----------------------------------------------------------------------------
    def start(self, timeout: float = 90.0) -> Cluster:
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError("nginx mangler: installer med «apt-get install -y nginx».")
        if not 1 <= self.replicas <= MAX_REPLICAS:
            raise ValueError(f"1–{MAX_REPLICAS} replikaer")
        self.db = Path(self.db) if self.db else store_path()
        if not self.db.exists():
            raise RuntimeError(f"Fant ikke lageret {self.db}: bygg det med «make build».")
        if self.prefix is None:
            self.prefix = Path(tempfile.mkdtemp(prefix="innenfor-cluster-"))
            self._own_prefix = True
        (self.prefix / "logs").mkdir(parents=True, exist_ok=True)
        (self.prefix / "tmp").mkdir(exist_ok=True)
        if os.geteuid() == 0:                       # nginx's workers run as nobody
            self.prefix.chmod(0o755)
        self.port = self.port or free_port()
        self.ports = ([self.first_port + i for i in range(self.replicas)] if self.first_port
                      else [free_port() for _ in range(self.replicas)])
        for p in [self.port, *self.ports]:
            if not _port_free(p):
                raise RuntimeError(f"Porten {HOST}:{p} er i bruk (velg andre med --port/--first-port).")
        try:
            for p in self.ports:
                self.start_replica(p)
            site = self.prefix / "innenfor.conf"
            site.write_text(render(listen=f"{HOST}:{self.port}", ports=self.ports, base=self.base,
                                   cache_dir=str(self.prefix / "cache"),
                                   replica_header=self.replica_header), encoding="utf-8")
            conf = self.prefix / "nginx.conf"
            conf.write_text(main_conf(self.prefix, site), encoding="utf-8")
            test = subprocess.run([binary, "-t", "-q", "-p", str(self.prefix), "-c", str(conf),
                                   "-e", str(self.prefix / "logs" / "error.log")],
                                  capture_output=True, text=True)
            if test.returncode:
                raise RuntimeError(f"nginx -t: {test.stderr.strip()}")
            with open(self.prefix / "logs" / "nginx.out", "wb") as out:
                self.nginx = subprocess.Popen(
                    [binary, "-p", str(self.prefix), "-c", str(conf),
                     "-e", str(self.prefix / "logs" / "error.log")],
                    stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                    preexec_fn=_die_with_parent)
            self.wait_healthy(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def start_replica(self, port: int) -> subprocess.Popen:
        """(Re)start the replica on `port`; it logs to <prefix>/logs/replica-<port>.log."""
        cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
               "--server.port", str(port), "--server.address", HOST, "--server.headless", "true",
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
        if normalise_base(self.base):
            cmd += ["--server.baseUrlPath", normalise_base(self.base).strip("/")]
        env = {**os.environ, "INNENFOR_DB": str(self.db), **self.env}
        assert self.prefix is not None
        with open(self.prefix / "logs" / f"replica-{port}.log", "ab") as out:
            self.procs[port] = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out,
                                                stderr=subprocess.STDOUT, start_new_session=True,
                                                preexec_fn=_die_with_parent)
        return self.procs[port]

    def wait_healthy(self, timeout: float = 90.0, ports: list[int] | None = None) -> None:
        """Until each replica (then nginx) answers /_stcore/health with ok."""
        deadline = time.monotonic() + timeout
        for url in [self.replica_url(p) for p in (ports or self.ports)] + [self.url]:
            while True:
                try:
                    if get(url + "/_stcore/health", timeout=1)[0] == 200:
                        break
                except OSError:
                    pass
                dead = {p: pr.returncode for p, pr in self.procs.items() if pr.poll() is not None}
                if self.nginx is not None and self.nginx.poll() is not None:
                    dead["nginx"] = self.nginx.returncode
                if dead or time.monotonic() > deadline:
                    raise RuntimeError(f"{url}/_stcore/health svarte ikke"
                                       + (f" (avsluttet: {dead})" if dead else "")
                                       + "\n" + self.logs_tail())
                time.sleep(0.2)

    # --- stop ------------------------------------------------------------------------------
    def kill_replica(self, port: int, sig: int = signal.SIGKILL) -> None:
        """End one replica hard (a crash), for the failover test."""
        p = self.procs[port]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(p.pid, sig)
        p.wait(timeout=10)

    def stop(self) -> None:
        for p in [self.nginx, *self.procs.values()]:
            if p is not None and p.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(p.pid, signal.SIGTERM)
        for p in [self.nginx, *self.procs.values()]:
            if p is None:
                continue
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(p.pid, signal.SIGKILL)
                p.wait(timeout=5)
        if self._own_prefix and self.prefix is not None:
            shutil.rmtree(self.prefix, ignore_errors=True)

    def __enter__(self) -> Cluster:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- what it is doing ------------------------------------------------------------------
    def pids(self) -> dict[str, list[int]]:
        """{'replicas': [...], 'nginx': [master, workers...]} for CPU accounting."""
        nginx = []
        if self.nginx is not None and self.nginx.poll() is None:
            nginx = [self.nginx.pid, *_children(self.nginx.pid)]
        return {"replicas": [p.pid for p in self.procs.values() if p.poll() is None], "nginx": nginx}

    def logs_tail(self, chars: int = 2000) -> str:
        if self.prefix is None:
            return ""
        out = []
        for f in sorted((self.prefix / "logs").glob("*")):
            if f.name != "access.log":
                text = f.read_text(errors="replace")[-chars:]
                if text.strip():
                    out.append(f"--- {f.name}\n{text}")
        return "\n".join(out)


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)   # as the servers do: TIME_WAIT is free
        try:
            s.bind((HOST, port))
        except OSError:
            return False
    return True


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m deploy.cluster", description=__doc__.split("\n")[0])
    ap.add_argument("--replicas", type=int, default=2, help=f"Streamlit-prosesser (1–{MAX_REPLICAS})")
    ap.add_argument("--port", type=int, default=8500, help="porten nginx lytter på")
    ap.add_argument("--first-port", type=int, default=8511, help="første replikas port (så +1, +2 …)")
    ap.add_argument("--base-path", default="", help="sti appen ligger under, f.eks. innenfor")
    ap.add_argument("--db", help="lageret (standard: INNENFOR_DB eller data/innenfor.duckdb)")
    ap.add_argument("--render", action="store_true",
                    help="skriv bare nginx-filen (for /etc/nginx/conf.d/) og avslutt")
    ap.add_argument("--listen", help="med --render: hva nginx lytter på (standard 127.0.0.1:PORT)")
    ap.add_argument("--cache-dir", default="/var/cache/nginx/innenfor", help="med --render")
    args = ap.parse_args(argv)
    if args.render:
        ports = [args.first_port + i for i in range(args.replicas)]
        print(render(listen=args.listen or f"{HOST}:{args.port}", ports=ports, base=args.base_path,
                     cache_dir=args.cache_dir), end="")
        return 0
    cluster = Cluster(replicas=args.replicas, port=args.port, first_port=args.first_port,
                      base=args.base_path, db=Path(args.db) if args.db else None)
    # Ctrl-C (even when started with SIGINT ignored, as `cmd &` in a script is), a closed
    # terminal and SIGTERM all end here: stop() runs in finally.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda *_: sys.exit(0))
    print(f"Starter nginx og {args.replicas} replikaer …", flush=True)
    try:
        try:
            cluster.start()
        except (RuntimeError, ValueError) as e:
            print(f"Kunne ikke starte: {e}", file=sys.stderr)
            return 1
        print(f"\nInnenfor: {cluster.url}/   (nginx, klistrete økter)\n"
              + "".join(f"  replika {cluster.replica_url(p)}/  pid {cluster.procs[p].pid}\n"
                        for p in cluster.ports)
              + f"  lager {cluster.db} (skrivebeskyttet)\n  logger og nginx.conf: {cluster.prefix}\n"
              "Ctrl-C stopper alt.", flush=True)
        reported: set[int] = set()
        while True:
            time.sleep(1)
            if cluster.nginx is not None and cluster.nginx.poll() is not None:
                print("nginx stoppet:\n" + cluster.logs_tail(), file=sys.stderr)
                return 1
            for port, proc in cluster.procs.items():
                if proc.poll() is not None and port not in reported:
                    reported.add(port)
                    print(f"Replika {port} stoppet (kode {proc.returncode}); nginx sender øktene "
                          "til de andre.", file=sys.stderr, flush=True)
    except KeyboardInterrupt:
        print("\nStopper …", flush=True)
        return 0
    finally:
        cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
