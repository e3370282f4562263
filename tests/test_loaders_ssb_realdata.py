"""SSB loaders on the real downloads in ../shared/realdata (read in place, never copied).
Skipped when the folder is absent; the fixture tests are in test_loaders_ssb.py."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from loaders import pipeline

REAL = Path(__file__).parents[2] / "shared" / "realdata" / "evensrii_Telemark"
if not REAL.is_dir():
    pytest.skip(f"fant ikke {REAL}", allow_module_level=True)

from tests.test_loaders_ssb import obs, regions, snapshot  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore:Workbook contains no default style")   # openpyxl, harmless

ROOT = Path(__file__).parents[1]
NEET_2023_FOLDER = REAL / "neet_utenfor_arbeid_og_utdanning_2023folder.xlsx"   # statistics year 2022
ONLY_15_PLUS = [REAL / "ssb13563_arbeidsstyrken_2020_fylke.xlsx",
                REAL / "ssb13563_arbeidsmarkedstilknytning_2021_kommune.xlsx"]


@pytest.fixture
def db(tmp_path):
    return tmp_path / "lager" / "innenfor.duckdb"


def test_neet_workbook_with_period_gives_the_published_figures(db):
    r = pipeline.load_path(NEET_2023_FOLDER, db, period="2022")
    assert r.outcome == "loaded", r.line()
    num, den, value, status, _ = obs(db, "38", "2022")
    assert (num, den, status) == (8126, 72158, "ok")              # Vestfold og Telemark
    assert round(value, 1) == 11.3
    assert obs(db, "4003", "2022")[:2] == (1125, 9641)            # Skien 3807 → 4003
    vt = {c for c in regions(db) if c[:2] in ("39", "40") and len(c) == 4}
    assert len(vt) == 23                                           # every VT municipality
    text = " ".join(r.warnings)
    assert "«Innvandrere»" in text and "«30-61 år» er utelatt" in text


def test_neet_workbook_without_period_asks_for_the_year(db):
    r = pipeline.load_path(NEET_2023_FOLDER, db)
    assert r.outcome == "rejected" and not db.exists()
    assert "sier ikke hvilket år" in r.message and "--period 2022" in r.message


def test_cli_loads_the_workbook_with_period(db):
    out = subprocess.run([sys.executable, "-m", "loaders", "load", "--db", str(db), "--period", "2022",
                          str(NEET_2023_FOLDER)], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "SSB Statistikkbanken Excel" in out.stdout and "lastet inn" in out.stdout
    assert obs(db, "38", "2022")[:2] == (8126, 72158)


@pytest.mark.parametrize("path", ONLY_15_PLUS, ids=lambda p: p.name)
def test_15_plus_status_tables_are_rejected_and_store_unchanged(db, path):
    assert pipeline.load_path(NEET_2023_FOLDER, db, period="2022").outcome == "loaded"
    before = snapshot(db.parent)
    r = pipeline.load_path(path, db)
    assert r.outcome == "rejected"
    assert r.format_name == "SSB Statistikkbanken Excel"
    assert r.message.startswith("Filen har ingen NEET-tall for 15–29 år")
    assert "«15 år eller eldre»" in r.message and "NEET kan ikke regnes ut" in r.message
    assert "Last ned SSB-tabell 13563 eller 13556" in r.message
    assert snapshot(db.parent) == before


def test_other_ssb_table_is_rejected(db):
    r = pipeline.load_path(REAL / "FORMATSAMPLE_ssb_statbank_csv_11616_latin1_semicolon.csv", db)
    assert r.outcome == "rejected" and "SSB-tabell 11616 er ikke en NEET-tabell" in r.message
    assert not db.exists()
