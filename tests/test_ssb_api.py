"""«Hent nyeste fra SSB» with a recorded JSON-stat2 response, offline, and (opt-in) online."""
import io
import urllib.error
from pathlib import Path

import pytest

from loaders import ssb_api
from vocab import settings

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


SSB_MAX_CELLS = 800_000          # SSB PxWebApi v2: cells per request
SSB_MAX_PER_MINUTE = 30          # requests per minute and IP address
REGIONS_AT_MOST = 1_000          # Region '*': every municipality, county and the country there
#                                  has been in the table (Norway has never had 500 municipalities)


class Clock:
    """ssb_api's `time`: a clock that sleep() moves on, without waiting."""

    def __init__(self):
        self.now, self.slept = 1000.0, []

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


def dimensions(table: str) -> list[str]:
    """The table's dimensions as SSB lists them ("id") in its recorded JSON-stat2 response."""
    text = (RECORDED.parent / f"{table}_jsonstat2.json").read_text(encoding="utf-8")
    listed = text.split('"id":', 1)[1].split("]", 1)[0]
    return [x for x in listed.split('"') if x.strip(" \n\t[,")]


def cells_asked(url: str) -> int:
    """The cells a request URL asks SSB for, counted from the URL alone: the product of the
    values chosen per dimension (SSB's own rule for its limit)."""
    # urllib.parse: loaded with loaders.ssb_api (which builds the URL with it).
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    n = 1
    for key, (value,) in query.items():
        if not key.startswith("valueCodes["):
            continue
        if value == "*":
            assert key == "valueCodes[Region]", f"{key}=* ber om alle verdier: {url}"
            n *= REGIONS_AT_MOST
        elif value.startswith("top(") and value.endswith(")"):
            n *= int(value[4:-1])
        else:
            n *= len(value.split(","))
    return n


def test_request_stays_within_ssb_limits(monkeypatch):
    """The requests fetch() really sends for tables 13563 and 13556 choose a value for every
    dimension of the table and ask for at most 800 000 cells; they are at least 60/30 s apart;
    a request over the limit is refused unsent, one at the limit is sent."""
    clock = Clock()
    monkeypatch.setattr(ssb_api, "time", clock)
    monkeypatch.setattr(ssb_api, "_last_request", [0.0])
    sent = []

    def opener(url, timeout=None):
        sent.append((url, clock.now))
        table = url.split("/tables/")[1].split("/")[0]
        return io.BytesIO((RECORDED.parent / f"{table}_jsonstat2.json").read_bytes())

    for table in ("13563", "13556"):
        assert (ssb_api.fetch(table, opener=opener)
                == (RECORDED.parent / f"{table}_jsonstat2.json").read_bytes())
    assert [u.split("/tables/")[1].split("/")[0] for u, _t in sent] == ["13563", "13556"]
    for url, _t in sent:
        table = url.split("/tables/")[1].split("/")[0]
        assert url.startswith(f"https://data.ssb.no/api/pxwebapi/v2/tables/{table}/data?"), url
        assert "outputFormat=json-stat2" in url
        chosen = {k[len("valueCodes["):-1] for k in urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
                  if k.startswith("valueCodes[")}
        # A dimension left out gets SSB's default selection, which can be every value.
        assert chosen == set(dimensions(table)), (table, sorted(chosen), dimensions(table))
        assert cells_asked(url) <= SSB_MAX_CELLS, (table, cells_asked(url), url)
    assert sent[1][1] - sent[0][1] >= 60 / SSB_MAX_PER_MINUTE, "to spørringer tettere enn SSB tillater"

    # Exactly 800 000 cells is sent; one more year (801 600) is refused before anything is sent.
    regions = ",".join(f"{4000 + i:04d}" for i in range(400))
    at_limit = dict(ssb_api.QUERIES["13556"],
                    **{"valueCodes[Region]": regions, "valueCodes[Tid]": "top(500)"})
    monkeypatch.setitem(ssb_api.QUERIES, "13556", at_limit)
    assert cells_asked(ssb_api.url_for("13556")) == SSB_MAX_CELLS
    ssb_api.fetch("13556", opener=opener)
    assert len(sent) == 3 and cells_asked(sent[-1][0]) == SSB_MAX_CELLS
    monkeypatch.setitem(ssb_api.QUERIES, "13556", dict(at_limit, **{"valueCodes[Tid]": "top(501)"}))
    assert cells_asked(ssb_api.url_for("13556")) == 801_600
    with pytest.raises(ssb_api.TooManyCells, match="801\u00a0600 celler"):
        ssb_api.fetch("13556", opener=opener)
    assert len(sent) == 3, "en spørring over SSBs grense ble sendt"


@pytest.mark.skipif(not settings.env_flag("INNENFOR_ONLINE"), reason="nettverkstest: sett INNENFOR_ONLINE=1")
def test_real_api(empty_db):
    r = ssb_api.fetch_and_load(empty_db, dry_run=True)
    assert r.outcome == "checked", r.line()           # dry_run: checked, never stored


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
