"""Real NEET figures from SSB's API: metadata first, then whole years within SSB's cell limit,
spaced requests, a 429 waited out once, a time-out or no network changing nothing, only what is
newer than the stored release fetched, and (opt-in) the real API. SSB is played by
tests/ssb_server.SSB, which answers in SSB's JSON-stat2 shape."""
from __future__ import annotations

import subprocess
import sys
import urllib.parse

import pytest

from indicators import queries
from loaders import ssb_api, store
from tests.conftest import ROOT
from tests.ssb_server import SSB, counts
from vocab import settings


class Clock:
    """ssb_api's clock: sleep() moves it on without waiting."""

    def __init__(self):
        self.now, self.slept = 1000.0, []

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    monkeypatch.setattr(ssb_api, "_last_request", [0.0])
    return Clock()


def data_requests(ssb: SSB) -> list[dict]:
    return [{k: v for k, (v,) in urllib.parse.parse_qs(urllib.parse.urlsplit(u).query).items()}
            for u in ssb.urls if "/data?" in u]


def neet(db, code: str, year: str, age: str = "15-29"):
    with store.reader(db) as con:
        r = queries.series(con, "neet", [code], age=age, periods=[year])
    return (r.numerator.iat[0], r.denominator.iat[0], r.status.iat[0]) if len(r) else None


def test_every_year_and_age_band_in_requests_within_the_cell_limit(empty_db, clock):
    ssb = SSB(years=("2019", "2020", "2021", "2022", "2023"))
    seen = []
    found = ssb_api.fetch_all(empty_db, opener=ssb, clock=clock, max_cells=100,
                              progress=lambda done, total, what: seen.append((done, total)))
    assert [f.ok for f in found] == [True, True], [f.message for f in found]
    assert ssb.urls[0].endswith("/tables/13563/metadata?lang=no&outputFormat=json-stat2")
    asked = data_requests(ssb)
    per_table = {t: [q for u, q in zip([u for u in ssb.urls if "/data?" in u], asked) if f"/{t}/" in u]
                 for t in ssb_api.TABLES}
    for table, qs in per_table.items():
        dims = {d for d, _l, _c in ssb.dims(table)}
        sizes = {d: len(c) for d, _l, c in ssb.dims(table)}
        for q in qs:
            assert {k[11:-1] for k in q if k.startswith("valueCodes[")} == dims   # every dimension chosen
            assert ssb_api.cells(q, sizes) <= 100
        years = [y for q in qs for y in q["valueCodes[Tid]"].split(",")]
        assert years == ["2019", "2020", "2021", "2022", "2023"]                  # each year once
        assert len(qs) > 1 and all(q["valueCodes[Alder]"] == "*" for q in qs)
    assert seen[-1][0] == seen[-1][1] and len(seen) > 4                          # a progress bar
    res, n = counts("K-4003", "15-29", "2023")
    assert neet(empty_db, "4003", "2023") == (n, res, "ok")
    assert neet(empty_db, "4003", "2019", age="20-24")[2] == "ok"                # every age band
    assert neet(empty_db, "0", "2021")[1] == counts("0", "15-29", "2021")[0]     # the country
    assert neet(empty_db, "4010", "2022", age="15-19")[2] == "suppressed"        # SSB's «:»
    with store.reader(empty_db) as con:
        products = {p for (p,) in con.execute("SELECT product FROM sources").fetchall()}
        assert not queries.is_demo(con, "neet")
    assert products == {"SSB tabell 13563", "SSB tabell 13556"}


def test_requests_are_spaced_for_ssbs_30_a_minute(empty_db, clock):
    ssb = SSB()
    ssb_api.fetch_all(empty_db, opener=ssb, clock=clock, max_cells=200)
    assert len(ssb.urls) >= 4
    assert clock.slept and min(clock.slept) >= 60 / 30 - 1e-9


def test_a_429_is_waited_out_once(empty_db, clock):
    ssb_first = SSB()
    ssb_first.fail = ["429"]              # the first request answers 429; the retry works
    found = ssb_api.fetch_table("13563", empty_db, opener=ssb_first, clock=clock)
    assert found.ok and found.new, found.message
    assert 5.0 in clock.slept                                      # SSB's Retry-After
    twice = SSB()
    twice.fail = ["429", "429"]
    before = empty_db.read_bytes()
    again = ssb_api.fetch_table("13556", empty_db, opener=twice, clock=clock)
    assert not again.ok and "feil 429 (for mange spørringer: SSB tillater 30 i minuttet)" in again.message
    assert empty_db.read_bytes() == before


def test_a_time_out_or_no_network_changes_nothing(writable_db, clock):
    before = writable_db.read_bytes()
    slow = SSB()
    slow.fail = ["timeout"]
    out = ssb_api.fetch_all(writable_db, opener=slow, clock=clock)
    assert not out[0].ok and "SSB svarte ikke i tide" in out[0].message and len(out) == 1
    assert writable_db.read_bytes() == before
    mid = SSB(years=("2021", "2022", "2023"))
    calls = {"n": 0}

    def breaks_on_the_second_page(url, timeout=None):
        calls["n"] += 1
        if calls["n"] == 3:
            raise TimeoutError("timed out")
        return mid(url, timeout)
    out = ssb_api.fetch_table("13563", writable_db, opener=breaks_on_the_second_page, clock=clock,
                              max_cells=60)
    assert not out.ok and not out.results                         # nothing of the table is loaded
    assert writable_db.read_bytes() == before


def test_only_what_ssb_published_since_the_stored_release(empty_db, clock):
    first = SSB(updated="2025-03-13T07:00:00Z")
    ssb_api.fetch_all(empty_db, opener=first, clock=clock)
    same = SSB(updated="2025-03-13T07:00:00Z")
    again = ssb_api.fetch_all(empty_db, opener=same, clock=clock, only_newer=True)
    assert [f.message for f in again] == [
        "Tabell 13563: ingen nye tall (SSB oppdaterte den 13.03.2025).",
        "Tabell 13556: ingen nye tall (SSB oppdaterte den 13.03.2025)."]
    assert not data_requests(same)                                # only the metadata was asked for
    revised = SSB(updated="2026-03-12T07:00:00Z")
    revised.suppressed = ()                                        # Siljan 15–19 now published
    newer = ssb_api.fetch_table("13563", empty_db, opener=revised, clock=clock, only_newer=True)
    assert newer.ok and newer.new
    warnings = " ".join(w for r in newer.results for w in r.warnings)
    assert "revidert i denne utgaven av SSB tabell 13563" in warnings
    assert neet(empty_db, "4010", "2022", age="15-19")[2] == "ok"


def test_a_year_over_the_cell_limit_is_never_asked_for(empty_db, clock):
    ssb = SSB()
    out = ssb_api.fetch_table("13563", empty_db, opener=ssb, clock=clock, max_cells=10)
    assert not out.ok and "SSB tillater høyst 10 per spørring" in out.message
    assert not data_requests(ssb)


def test_preliminary_latest_year_is_marked(empty_db, clock):
    ssb = SSB(note="Tallene for siste årgang er foreløpige.")
    ssb_api.fetch_table("13563", empty_db, opener=ssb, clock=clock)
    assert neet(empty_db, "4003", "2023")[2] == "provisional"
    assert neet(empty_db, "4003", "2022")[2] == "ok"


def test_cli_offline_exits_non_zero_and_if_online_says_how_to_fetch_later(tmp_path):
    """No network in this process (a proxy to nowhere): the real urlopen fails at once."""
    env = {"PATH": "/usr/bin:/bin", "https_proxy": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9"}
    db = tmp_path / "s.duckdb"

    def run(*args):
        return subprocess.run([sys.executable, "-m", "loaders", "fetch", "--db", str(db), *args],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    plain = run("--table", "13563")
    assert plain.returncode == 3 and "Fikk ikke kontakt med SSB" in plain.stdout, plain.stdout
    quiet = run("--if-online", "--table", "13563")
    assert quiet.returncode == 0
    assert "Hent ekte tall fra SSB senere med: python -m loaders fetch" in quiet.stdout
    assert not db.exists()


@pytest.mark.skipif(not settings.env_flag("INNENFOR_ONLINE"), reason="nettverkstest: sett INNENFOR_ONLINE=1")
def test_real_api(empty_db):
    found = ssb_api.fetch_all(empty_db, dry_run=True)
    assert all(f.ok for f in found), [f.message for f in found]
    assert all(r.outcome == "checked" for f in found for r in f.results)   # dry run: nothing stored
