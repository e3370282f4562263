"""Shared fixtures: a store built from the bundled demo data through the real loaders.

The store tests run against both backends: DuckDB alone, and PostgreSQL as the shared store
(INNENFOR_DATABASE_URL, loaders.shared). In a module marked `pytestmark =
pytest.mark.both_backends`, every test that uses writable_db, empty_db or store_backend runs
once per backend; elsewhere they use the backend `--store-backend` names (duckdb unless given),
so `pytest --store-backend=postgres` runs the whole suite's store tests against PostgreSQL."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from vocab import settings

# The browser fixtures (app_server, chromium, web …) for every test module that asks for them.
pytest_plugins = ["tests.browser_support"]

# No background kaleido browser behind every page a test opens (servers started by the tests
# inherit this); tests/test_first_picture.py turns the pictures on for its own server.
os.environ.setdefault("INNENFOR_NO_FIRST_PICTURE", "1")

BACKENDS = ("duckdb", "postgres")
ROOT = Path(__file__).resolve().parent.parent
REALDATA = ROOT.parent / "shared" / "realdata" / "evensrii_Telemark"


def pytest_addoption(parser):
    parser.addoption("--store-backend", choices=BACKENDS, default="duckdb",
                     help="the store writable_db and empty_db use outside both_backends modules")


def pytest_configure(config):
    config.addinivalue_line("markers", "both_backends: the module's store tests run against DuckDB "
                                       "alone and against PostgreSQL as the shared store")


def pytest_generate_tests(metafunc):
    if "store_backend" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_backends"):
        metafunc.parametrize("store_backend", BACKENDS, indirect=True)


@pytest.fixture(scope="session")
def pg_server():
    """One throw-away PostgreSQL for the session, started when a test first needs it."""
    from tests.pg_server import Server
    server = Server()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pg_demo(pg_server, demo_db) -> str:
    """The URL of a PostgreSQL store holding the demo store, adopted from demo_db with its
    identity: a copy of it (pg_server.database(template=…)) and a copy of demo_db are one replica
    whose local copy is current."""
    import duckdb

    from loaders import shared
    url = pg_server.database()
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        with shared.connect(url) as pg:
            shared.ensure_schema(pg)
            shared.adopt(pg, con, demo_db.parent / "raw")
    finally:
        con.close()
    return url


@pytest.fixture
def store_backend(request, monkeypatch) -> str:
    """'duckdb': INNENFOR_DATABASE_URL unset. 'postgres': set to a new database of the session's
    PostgreSQL (the demo store's copy when the test uses writable_db, else empty), read back at
    once by every replica (no REFRESH_SECONDS wait)."""
    backend = getattr(request, "param", None) or request.config.getoption("--store-backend")
    monkeypatch.delenv("INNENFOR_DATABASE_URL", raising=False)
    if backend == "postgres":
        from loaders import shared
        template = request.getfixturevalue("pg_demo") if "writable_db" in request.fixturenames else None
        monkeypatch.setenv("INNENFOR_DATABASE_URL", request.getfixturevalue("pg_server").database(template))
        monkeypatch.setattr(shared, "REFRESH_SECONDS", 0.0)
    return backend


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """A demo store built once per test session (read it; copy it before writing)."""
    from loaders import build
    db = tmp_path_factory.mktemp("store") / "innenfor.duckdb"
    results = build.build_store(db)
    assert all(r.outcome == "loaded" for r in results), [r.line() for r in results]
    return db


@pytest.fixture
def writable_db(demo_db, tmp_path, store_backend) -> Path:
    """A private copy of the demo store for tests that load more files."""
    db = tmp_path / "innenfor.duckdb"
    shutil.copy(demo_db, db)
    return db


@pytest.fixture
def empty_db(tmp_path, store_backend) -> Path:
    return tmp_path / "empty.duckdb"


@pytest.fixture
def app_env(demo_db, monkeypatch):
    """Point the app at the demo store."""
    monkeypatch.setenv("INNENFOR_DB", str(demo_db))
    return demo_db


def chromium_path() -> str | None:
    for p in ("/usr/bin/chromium", "/usr/lib/chromium/chromium", shutil.which("chromium") or ""):
        if p and os.path.exists(p):
            return p
    return None


def require_chromium() -> str:
    """The browser, or a skip with the reason (a failure where CI demands the browser)."""
    p = chromium_path()
    if p:
        return p
    msg = "Chromium mangler: installer med «apt-get install -y chromium» for nettlesertestene."
    if settings.env_flag("INNENFOR_REQUIRE_BROWSER"):
        pytest.fail(msg)
    pytest.skip(msg)


@pytest.fixture(scope="session")
def kaleido_browser():
    """One kaleido server (one Chromium) for every image test in the session."""
    from exports import images
    require_chromium()
    images.start_server()
    yield
    images.stop_server()


def add_rows(db: Path, rows: list[dict], file_name: str) -> None:
    """Observations written straight into a store as a source module hands them over (shares
    without counts, say, which the delivery template refuses). Each row needs indicator,
    region_code, period, age and value; the rest defaults to a published figure for «alle»."""
    import functools
    import hashlib

    import pandas as pd

    from loaders import shared, store
    from vocab import indicators
    full = [{"sex": "alle", "category": "alle", "status": "ok", "numerator": None,
             "denominator": None, "note": None, "unit": indicators.get(r["indicator"]).unit, **r}
            for r in rows]
    write = functools.partial(store.write, obs=pd.DataFrame(full), file_name=file_name, fmt="test",
                              sha256=hashlib.sha256(file_name.encode()).hexdigest())
    if shared.url():                      # to PostgreSQL too, as every write there goes
        with store.writer(db) as con:
            write(con)
        return
    con = store.connect(db)
    try:
        write(con)
    finally:
        con.close()
