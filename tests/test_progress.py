"""Targets toward 2035 and measures: the templates load (and refuse bad rows clearly), a revised
target replaces the old one, undo works as for files, and `indicators progress` gives the five
statuses honestly — both directions of "better", with and without counts."""
from __future__ import annotations

import csv
import io

import pytest

from indicators import progress
from indicators.__main__ import main as indicators_cli
from loaders import pipeline, plans, store, workspace
from loaders.base import RawFile
from tests.conftest import add_rows

pytestmark = pytest.mark.both_backends   # the store tests run on DuckDB and on PostgreSQL (conftest)

HEADER = ";".join(plans.TARGET_COLUMNS) + "\n"


def neet(db, values: dict[str, tuple[int, int]], region: str = "4003") -> None:
    """Skien's NEET per year as (NEET, residents)."""
    add_rows(db, [{"indicator": "neet", "region_code": region, "period": p, "age": "15-29",
                   "value": 100 * k / n, "numerator": float(k), "denominator": float(n)}
                  for p, (k, n) in values.items()], f"neet_{region}_{len(values)}.csv")


def target(db, line: str, name: str = "mal.csv") -> pipeline.LoadResult:
    return pipeline.load_raw(RawFile(name, (HEADER + line + "\n").encode()), db, loaded_by="kari")


def only(db) -> progress.Progress:
    with store.reader(db) as con:
        [p] = progress.assess_all(con)
    return p


def test_on_track_when_the_figure_and_its_interval_are_below_the_path(empty_db):
    neet(empty_db, {"2020": (1200, 10000), "2022": (1050, 10000), "2024": (900, 10000)})
    assert target(empty_db, "neet;4003;15-29;alle;2020;8,0;2030;Skien bystyre;12.03.2021").ok
    p = only(empty_db)
    assert p.baseline_value == 12.0 and p.latest_period == "2024" and p.latest_value == 9.0
    assert p.expected_value == pytest.approx(12.0 - 4.0 * 4 / 10)          # 10,4 % in 2024
    assert p.status == "på_sporet" and p.interval[1] < p.expected_value
    assert p.sentence() == ("Skien har som mål at andelen unge 15–29 år utenfor arbeid og utdanning skal ned "
                            "til 8,0\u00a0% innen 2030 (vedtatt av Skien bystyre). I 2024 var den "
                            "9,0\u00a0%, under banen mot målet (10,4\u00a0%).")


def test_not_on_track_when_the_whole_interval_is_above_the_path(empty_db):
    neet(empty_db, {"2020": (1200, 10000), "2022": (1190, 10000), "2024": (1180, 10000)})
    target(empty_db, "neet;4003;15-29;alle;2020;8,0;2030;Skien bystyre;12.03.2021")
    p = only(empty_db)
    assert p.status == "ikke_på_sporet" and p.interval[0] > p.expected_value
    assert p.sentence().endswith("I 2024 var den 11,8\u00a0%, over banen mot målet (10,4\u00a0%).")


def test_uncertain_when_the_interval_spans_the_path(empty_db):
    neet(empty_db, {"2020": (60, 500), "2022": (55, 500), "2024": (50, 500)})     # a small place
    target(empty_db, "neet;4003;15-29;alle;2020;8,0;2030;Skien bystyre;12.03.2021")
    p = only(empty_db)
    assert p.status == "usikkert" and p.interval[0] < p.expected_value < p.interval[1]
    assert "forskjellen kan være tilfeldig" in p.sentence()


def test_too_early_and_no_data(empty_db):
    neet(empty_db, {"2020": (1200, 10000), "2021": (1000, 10000)})
    target(empty_db, "neet;4003;15-29;alle;2020;8,0;2030;Skien bystyre;12.03.2021")
    assert only(empty_db).status == "for_tidlig"
    target(empty_db, "neet;4003;15-29;alle;2018;8,0;2030;Skien bystyre, revidert;01.06.2022", "mal2.csv")
    p = only(empty_db)                           # the revised target (baseline 2018: no figure)
    assert p.status == "ingen_data" and p.decided_by == "Skien bystyre, revidert"
    assert p.sentence().endswith("Det finnes ingen tall etter basisperioden ennå.")


def test_higher_is_better_and_counts_without_an_interval():
    assert progress.judge(11.0, None, 10.4, "higher", 1) == "på_sporet"
    assert progress.judge(9.0, None, 10.4, "higher", 1) == "ikke_på_sporet"
    assert progress.judge(9.0, (8.0, 11.0), 10.4, "higher", 1) == "usikkert"
    assert progress.judge(231, None, 240.0, "lower", 0) == "på_sporet"       # a count: no interval
    assert progress.judge(10.44, None, 10.4, "lower", 1) == "på_sporet"      # equal as shown
    assert progress.expected(12.0, 2020, 8.0, 2030, 2040) == 8.0             # the path ends at the target


def test_progress_cli_prints_the_documented_csv(empty_db, capsys):
    neet(empty_db, {"2020": (1200, 10000), "2022": (1050, 10000), "2024": (900, 10000)})
    target(empty_db, "neet;4003;15-29;alle;2020;8,0;2030;Skien bystyre;12.03.2021")
    assert indicators_cli(["progress", "--db", str(empty_db), "--level", "kommune"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["indicator", "region_code", "region_name", "age", "category", "baseline_period",
                       "baseline_value", "target_value", "target_year", "latest_period", "latest_value",
                       "expected_value", "status"]
    assert rows[1] == ["neet", "4003", "Skien", "15-29", "alle", "2020", "12", "8", "2030", "2024", "9",
                       "10.4", "på_sporet"]
    assert indicators_cli(["progress", "--db", str(empty_db), "--level", "fylke"]) == 0
    assert len(list(csv.reader(io.StringIO(capsys.readouterr().out)))) == 1   # the header only


@pytest.mark.parametrize("line, phrase", [
    ("nett;4003;15-29;alle;2020;8,0;2030;Skien bystyre;12.03.2021", "ukjent indikator «nett»"),
    ("neet;9999;15-29;alle;2020;8,0;2030;Skien bystyre;12.03.2021", "ukjent region «9999»"),
    ("neet;4003;18-29;alle;2020;8,0;2030;Skien bystyre;12.03.2021", "aldersgruppen «18-29» finnes ikke"),
    ("neet;4003;15-29;alle;2020-05;8,0;2030;Skien bystyre;12.03.2021", "basisperioden «2020-05»"),
    ("neet;4003;15-29;alle;2020;120;2030;Skien bystyre;12.03.2021", "målverdien 120 er utenfor"),
    ("neet;4003;15-29;alle;2020;8,0;2040;Skien bystyre;12.03.2021", "senest 2035"),
    ("neet;4003;15-29;alle;2020;8,0;2030;;12.03.2021", "vedtatt_av mangler"),
    ("neet;4003;15-29;alle;2020;8,0;2030;Skien bystyre;31.02.2021", "er ikke en dato"),
])
def test_bad_target_rows_are_refused_by_row_and_nothing_is_stored(empty_db, line, phrase):
    store.connect(empty_db).close()
    before = empty_db.read_bytes()
    r = target(empty_db, line)
    assert r.outcome == "rejected" and r.problems and r.problems[0].startswith("Rad 2: ")
    assert phrase in r.problems[0], r.problems
    assert empty_db.read_bytes() == before


def test_measures_load_per_region_and_undo_like_a_file(empty_db):
    text = (";".join(plans.MEASURE_COLUMNS) + "\n"
            "Ungdomslos;4003 4001;2023;;16-25;neet,ot_tilmeldt;kommune;samhandling;Los for unge;"
            "https://example.org/los\n")
    r = pipeline.load_raw(RawFile("tiltak.csv", text.encode()), empty_db, loaded_by="kari")
    assert r.ok and r.format_name == plans.MEASURE_NAME
    with store.reader(empty_db) as con:
        m = progress.measures(con, ["4003"], "neet")
        assert list(m["name"]) == ["Ungdomslos"] and m["responsible"].iat[0] == "kommune"
        assert len(progress.measures(con, ["4001", "4003"])) == 2
        assert progress.measures(con, ["4003"], "ufore").empty
    workspace.undo(r.source_id, empty_db)
    with store.reader(empty_db) as con:
        assert progress.measures(con).empty
    bad = text.replace("samhandling", "noe annet").replace("https://example.org/los", "javascript:x")
    refused = pipeline.load_raw(RawFile("feil.csv", bad.encode()), empty_db)
    assert refused.outcome == "rejected" and "kategorien «noe annet» er ikke en av" in refused.problems[0]
