"""A throw-away PostgreSQL for tests: initdb in a temporary folder, started on a free loopback
port (Debian's postgresql package; as root the server runs as the `postgres` user). Skips when
PostgreSQL is not installed, or fails when INNENFOR_REQUIRE_BROWSER says CI must run it."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from vocab import settings

BIN = next((p for p in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), None) \
    if Path("/usr/lib/postgresql").exists() else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(args: list[str], **kw) -> subprocess.CompletedProcess:
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *args]
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=120, **kw)


class Server:
    def __init__(self):
        if BIN is None:
            why = "PostgreSQL mangler (apt-get install -y postgresql)"
            if settings.env_flag("INNENFOR_REQUIRE_BROWSER"):
                pytest.fail(why)
            pytest.skip(why)
        self.dir = Path(tempfile.mkdtemp(prefix="innenfor-pg-"))
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self.data = self.dir / "data"
        self.port = _free_port()
        _as_postgres([str(BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                      "--no-sync", "-E", "UTF8"])
        _as_postgres([str(BIN / "pg_ctl"), "-D", str(self.data), "-w", "-l", str(self.dir / "log"),
                      "-o", f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} -c fsync=off",
                      "start"])
        self.count = 0
        _as_postgres([str(BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                      "innenfor"])

    def database(self, template: str | None = None) -> str:
        """A new store's URL: empty, or a copy of the store at the URL `template`. Each store is
        a schema of one database (the URL sets search_path): a schema costs milliseconds where
        CREATE DATABASE costs most of a second and 8 MB."""
        import psycopg
        self.count += 1
        schema = f"s{self.count}"
        with psycopg.connect(self.url(), autocommit=True) as pg, pg.transaction():
            pg.execute(f"CREATE SCHEMA {schema}")
            if template:
                source = template.rsplit("%3D", 1)[1]
                for (table,) in pg.execute("SELECT table_name FROM information_schema.tables "
                                           "WHERE table_schema = %s", [source]).fetchall():
                    pg.execute(f"CREATE TABLE {schema}.{table} (LIKE {source}.{table} INCLUDING ALL)")
                    pg.execute(f"INSERT INTO {schema}.{table} SELECT * FROM {source}.{table}")
        return self.url(schema)

    def url(self, schema: str | None = None) -> str:
        base = f"postgresql://postgres@127.0.0.1:{self.port}/innenfor"
        return f"{base}?options=-csearch_path%3D{schema}" if schema else base

    def stop(self) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", str(BIN / "pg_ctl"), "-D", str(self.data),
                        "-m", "immediate", "stop"] if os.geteuid() == 0 else
                       [str(BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
                       capture_output=True, timeout=60)
        shutil.rmtree(self.dir, ignore_errors=True)
