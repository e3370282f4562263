"""«Hent nyeste fra SSB» with a recorded JSON-stat2 response, offline, and (opt-in) online."""
import io
import os
import urllib.error
from pathlib import Path

import pytest

from loaders import ssb_api

RECORDED = Path(__file__).parent / "fixtures" / "ssb" / "13556_jsonstat2.json"


class Recorded:
    """Serves the bytes SSB returned for the request (recorded); checks the URL we send."""

    def __init__(self, data: bytes):
        self.data, self.urls = data, []

    def __call__(self, url, timeout=None):
        self.urls.append(url)
        return io.BytesIO(self.data)


def test_recorded_response_loads_as_ssb_api_source(empty_db):
    opener = Recorded(RECORDED.read_bytes())
    r = ssb_api.fetch_and_load(empty_db, opener=opener)
    assert r.outcome == "loaded", r.line()
    assert "outputFormat=json-stat2" in opener.urls[0] and "tables/13556/data" in opener.urls[0]
    import duckdb
    con = duckdb.connect(str(empty_db), read_only=True)
    (by, name, fmt), = con.execute("SELECT loaded_by, file_name, format FROM sources").fetchall()
    con.close()
    assert by == "SSB API" and name.startswith("SSB API tabell 13556") and "JSON-stat2" in fmt


def test_offline_says_so_and_changes_nothing(writable_db):
    def offline(url, timeout=None):
        raise urllib.error.URLError("Name or service not known")
    before = writable_db.read_bytes()
    r = ssb_api.fetch_and_load(writable_db, opener=offline)
    assert r.outcome == "rejected" and "Fikk ikke kontakt med SSB" in r.message
    assert writable_db.read_bytes() == before


def test_request_stays_within_ssb_limits():
    q = ssb_api.QUERIES["13556"]
    # municipalities × ages × statuses × contents × years
    assert 400 * 1 * 2 * 2 * 5 < ssb_api.MAX_CELLS
    assert ssb_api.MIN_SECONDS_BETWEEN >= 2 and q["outputFormat"] == "json-stat2"


@pytest.mark.skipif(not os.environ.get("INNENFOR_ONLINE"), reason="nettverkstest: sett INNENFOR_ONLINE=1")
def test_real_api(empty_db):
    r = ssb_api.fetch_and_load(empty_db, dry_run=True)
    assert r.outcome in ("checked", "loaded"), r.line()
