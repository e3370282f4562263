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


class ByTable:
    """Serves the recorded response of each table (tests/fixtures/ssb/<table>_jsonstat2.json)."""

    def __init__(self):
        self.urls = []

    def __call__(self, url, timeout=None):
        self.urls.append(url)
        table = url.split("/tables/")[1].split("/")[0]
        return io.BytesIO((RECORDED.parent / f"{table}_jsonstat2.json").read_bytes())


def test_both_neet_tables_are_fetched_and_loaded(empty_db, monkeypatch):
    monkeypatch.setattr(ssb_api, "MIN_SECONDS_BETWEEN", 0)
    opener = ByTable()
    results = ssb_api.fetch_all_and_load(empty_db, opener=opener)
    assert [r.outcome for r in results] == ["loaded", "loaded"], [r.line() for r in results]
    assert ["tables/13563/data" in opener.urls[0], "tables/13556/data" in opener.urls[1]] == [True, True]
    q = ssb_api.QUERIES["13563"]
    assert q["valueCodes[HovArbStyrkStatus]"] == "NEET2,TOT" and q["valueCodes[InnvandrKat]"] == "A-G"
    import duckdb
    con = duckdb.connect(str(empty_db), read_only=True)
    names = [n for (n,) in con.execute("SELECT file_name FROM sources ORDER BY source_id").fetchall()]
    skien = con.execute("SELECT numerator, denominator FROM observations WHERE region_code = '4003' "
                        "AND period = '2022' AND age = '15-29'").fetchall()
    con.close()
    assert names[0].startswith("SSB API tabell 13563") and names[1].startswith("SSB API tabell 13556")
    assert skien == [(1100, 9500)]   # 13563 gives the residents 13556 lacks


def test_cell_count_is_the_product_of_the_dimension_sizes():
    q = {"lang": "no", "valueCodes[Region]": "4003,4001", "valueCodes[Alder]": "15-29",
         "valueCodes[ContentsCode]": "Bosatte,BosatteProsent", "valueCodes[Tid]": "top(5)",
         "codelist[Region]": "agg_KommGjeldende"}
    assert ssb_api.cells(q) == 2 * 1 * 2 * 5
    for table, query in ssb_api.QUERIES.items():
        assert ssb_api.cells(query) <= ssb_api.MAX_CELLS, table
        assert ssb_api.cells(query) >= 357 * 2 * 5   # '*' counts every municipality at least


def test_a_request_over_ssbs_cell_limit_is_never_sent(writable_db, monkeypatch):
    big = dict(ssb_api.QUERIES["13556"], **{"valueCodes[Tid]": "top(100)",
                                            "valueCodes[Alder]": ",".join(f"{a}-{a}" for a in range(15, 45))})
    monkeypatch.setitem(ssb_api.QUERIES, "13556", big)
    assert ssb_api.cells(big) > ssb_api.MAX_CELLS
    opener = Recorded(RECORDED.read_bytes())
    before = writable_db.read_bytes()
    r = ssb_api.fetch_and_load(writable_db, opener=opener)
    assert r.outcome == "rejected" and not opener.urls
    assert "SSB tillater høyst 800\u00a0000 per spørring" in r.message and "Ingenting er hentet" in r.message
    assert writable_db.read_bytes() == before
