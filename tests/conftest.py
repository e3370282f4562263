"""Shared fixtures: a store built from the bundled demo data through the real loaders."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from vocab import settings

# The browser fixtures (app_server, chromium, web …) for every test module that asks for them.
pytest_plugins = ["tests.browser_support"]

ROOT = Path(__file__).resolve().parent.parent
REALDATA = ROOT.parent / "shared" / "realdata" / "evensrii_Telemark"


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """A demo store built once per test session (read it; copy it before writing)."""
    from loaders import build
    db = tmp_path_factory.mktemp("store") / "innenfor.duckdb"
    results = build.build_store(db)
    assert all(r.outcome == "loaded" for r in results), [r.line() for r in results]
    return db


@pytest.fixture
def writable_db(demo_db, tmp_path) -> Path:
    """A private copy of the demo store for tests that load more files."""
    db = tmp_path / "innenfor.duckdb"
    shutil.copy(demo_db, db)
    return db


@pytest.fixture
def empty_db(tmp_path) -> Path:
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


def add_rows(db: Path, rows: list[dict], file_name: str) -> None:
    """Observations written straight into a store as a source module hands them over (shares
    without counts, say, which the delivery template refuses). Each row needs indicator,
    region_code, period, age and value; the rest defaults to a published figure for «alle»."""
    import hashlib

    import pandas as pd

    from loaders import store
    from vocab import indicators
    full = [{"sex": "alle", "category": "alle", "status": "ok", "numerator": None,
             "denominator": None, "note": None, "unit": indicators.get(r["indicator"]).unit, **r}
            for r in rows]
    con = store.connect(db)
    try:
        store.write(con, pd.DataFrame(full), file_name=file_name, fmt="test",
                    sha256=hashlib.sha256(file_name.encode()).hexdigest())
    finally:
        con.close()
