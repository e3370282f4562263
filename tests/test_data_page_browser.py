"""The coordinator's round trip in a real browser against `streamlit run app.py`: sign in,
upload a delivery CSV, see the preview, Lagre, see it in the history and on Kart, download the
original (same bytes), Angre. The server runs on a copy of the demo store with an account made
here; it is stopped (only that process) when the module is done."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest

from loaders import access
from tests.conftest import ROOT, require_chromium

PASSWORD = "nettleser-test-passord"
HEADER = "indikator;kommunenr;periode;alder;kjonn;kategori;antall;nevner;status\n"
UPLOAD = (HEADER + "ufore;4003 Skien;2026;18-29;alle;alle;301;7902;\n"
                   "ufore;4010 Siljan;2026;18-29;alle;alle;;320;*\n").encode("utf-8")
SCRIPT_IDLE = ("() => document.querySelector('[data-testid=stApp]')"
               "?.getAttribute('data-test-script-state') === 'notRunning'")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(demo_db, tmp_path_factory, request):
    """(url, store) for a private `streamlit run app.py`."""
    chromium = require_chromium()
    tmp = tmp_path_factory.mktemp("browser_store")
    db = tmp / "innenfor.duckdb"
    shutil.copy(demo_db, db)
    if (demo_db.parent / "raw").exists():
        shutil.copytree(demo_db.parent / "raw", tmp / "raw")
    port = free_port()
    env = {**os.environ, "INNENFOR_DB": str(db),
           "INNENFOR_COORDINATORS": f"kari={access.make_hash(PASSWORD)}"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop():
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    request.addfinalizer(stop)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            pytest.fail("streamlit run app.py startet ikke")
        time.sleep(0.2)
    return url, db, chromium


def count(db: Path, where: str) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(f"SELECT count(*) FROM observations WHERE {where}").fetchone()[0]
    finally:
        con.close()


def idle(page) -> None:
    page.wait_for_function(SCRIPT_IDLE, timeout=30_000)


def test_sign_in_upload_save_history_kart_original_and_undo(server, playwright, tmp_path):
    """`playwright` is pytest-playwright's session fixture: other browser modules use it too, and
    a second sync_playwright() in the same process would fail inside its event loop."""
    from playwright.sync_api import expect
    url, db, chromium = server
    upload = tmp_path / "uføre 2026.csv"
    upload.write_bytes(UPLOAD)
    t0 = time.monotonic()
    browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
    try:
        ctx = browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True,
                                  locale="nb-NO")
        page = ctx.new_page()
        page.set_default_timeout(30_000)
        page.goto(url + "/data")
        expect(page.get_by_text("Logg inn for koordinatorer")).to_be_visible()
        expect(page.locator('input[type="file"]')).to_have_count(0)      # anonymous

        page.get_by_label("Brukernavn").fill("kari")
        page.get_by_label("Passord").fill(PASSWORD)
        page.get_by_role("button", name="Logg inn").click()
        expect(page.get_by_text("Logget inn som")).to_be_visible()

        page.locator('input[type="file"]').set_input_files(str(upload))
        expect(page.get_by_text("Filen er gyldig og kan lagres")).to_be_visible()
        card = page.locator('[class*="st-key-card_"]').filter(has_text="uføre 2026.csv")
        expect(card).to_contain_text("Innenfor leveransemal (CSV)")
        expect(card).to_contain_text("Kommuner: 2")
        expect(card).to_contain_text("Skjermet: 1")
        assert count(db, "period = '2026'") == 0                     # a preview stores nothing

        page.get_by_role("button", name="Lagre", exact=True).click()
        expect(page.get_by_text("Lagret «uføre 2026.csv»: 2 rader")).to_be_visible()
        idle(page)
        assert count(db, "indicator = 'ufore' AND period = '2026'") == 2
        row = page.locator('[class*="st-key-hist_"]').filter(has_text="uføre 2026.csv")
        expect(row).to_have_count(1)
        expect(row).to_contain_text("kari")

        with page.expect_download() as dl:
            row.get_by_role("button", name="Original").click()
        assert dl.value.suggested_filename == "uføre 2026.csv"
        assert Path(dl.value.path()).read_bytes() == UPLOAD

        kart = ctx.new_page()                                          # another visitor's view
        kart.goto(url + "/?indikator=ufore&periode=2026&kommune=4003")   # Kart is the default page
        kart.get_by_text("Vis tabell").first.click()
        skien = kart.get_by_role("row").filter(has_text="Skien")
        expect(skien.first).to_contain_text("3,8")
        kart.close()

        row.get_by_role("button", name="Angre").click()
        page.get_by_role("button", name="Ja, fjern filen").click()
        expect(page.get_by_text("«uføre 2026.csv» er fjernet (2 rader)")).to_be_visible()
        idle(page)
        assert count(db, "period = '2026'") == 0
        expect(row).to_have_count(0)
    finally:
        browser.close()
    assert time.monotonic() - t0 < 60
