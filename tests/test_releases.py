"""Statistics over time: every release of a figure is kept, the newest release of a product is
shown, a preliminary release is marked, and `indicators history` lists them all."""
from __future__ import annotations

import csv
import io
import json

import pytest

from indicators import queries
from indicators.__main__ import main as indicators_cli
from loaders import pipeline, store, workspace
from loaders.base import RawFile
from tests.bad_input_corpus import jsonstat

pytestmark = pytest.mark.both_backends   # the store tests run on DuckDB and on PostgreSQL (conftest)

# SSB's 2022 NEET for Skien (4003), as first published (preliminary) and as final (made-up counts
# with the same shape: the final figure is lower, as SSB's was for the county).
PRELIMINARY = (9641, 1125)     # 11,67 %
FINAL = (9641, 1108)           # 11,49 %


def release(counts, updated: str, *, preliminary_note: bool = False) -> RawFile:
    doc = jsonstat(values=list(counts))
    doc["updated"] = updated
    if preliminary_note:
        doc["note"] = ["Tallene for 2022 er foreløpige."]
    return RawFile(f"13563_{updated[:10]}.json", json.dumps(doc, ensure_ascii=False).encode())


def shown(db) -> tuple[float, str]:
    with store.reader(db) as con:
        r = queries.series(con, "neet", ["4003"], periods=["2022"]).iloc[0]
    return round(r.value, 2), r.status


def history_csv(db, capsys) -> list[dict]:
    assert indicators_cli(["history", "--db", str(db), "--indicator", "neet", "--region", "4003",
                           "--period", "2022"]) == 0
    out = capsys.readouterr().out
    rows = list(csv.DictReader(io.StringIO(out)))
    assert out.splitlines()[0] == ("indicator,region_code,period,age,sex,category,value,numerator,"
                                   "denominator,status,release,source,shown")
    return rows


def test_preliminary_then_final_shows_the_final_and_keeps_the_preliminary(empty_db, capsys):
    first = pipeline.load_raw(release(PRELIMINARY, "2023-03-13T07:00:00Z", preliminary_note=True), empty_db)
    assert first.outcome == "loaded", first.line()
    assert shown(empty_db) == (11.67, "provisional")            # «foreløpig» on every view
    assert any("foreløpige (Tallene for 2022 er foreløpige.)" in w for w in first.warnings)
    second = pipeline.load_raw(release(FINAL, "2024-03-12T07:00:00Z"), empty_db)
    assert second.outcome == "loaded", second.line()
    assert any(w.startswith("1 tall revidert i denne utgaven av SSB tabell 13563, f.eks. "
                            "Skien 2022: 11,67\u00a0% → 11,49\u00a0%")
               for w in second.warnings), second.warnings
    assert shown(empty_db) == (11.49, "ok")
    rows = history_csv(empty_db, capsys)
    assert [(r["numerator"], r["status"], r["shown"]) for r in rows] == \
        [("1108", "ok", "true"), ("1125", "provisional", "false")]
    assert rows[0]["release"] == "SSB tabell 13563, 2024-03-12 07:00"
    assert rows[1]["release"] == "SSB tabell 13563, foreløpig, 2023-03-13 07:00"
    assert rows[0]["source"] == "13563_2024-03-12.json"


def test_an_older_release_loaded_later_goes_to_history(empty_db, capsys):
    assert pipeline.load_raw(release(FINAL, "2024-03-12T07:00:00Z"), empty_db).outcome == "loaded"
    late = pipeline.load_raw(release(PRELIMINARY, "2023-03-13T07:00:00Z", preliminary_note=True),
                             empty_db)
    assert late.outcome == "loaded"
    assert any(w.startswith("Filen er en eldre utgave av SSB tabell 13563 enn den som allerede er "
                            "lagret (13563_2024-03-12.json (12.03.2024)): 1 tall lagres som historikk")
               for w in late.warnings), late.warnings
    assert shown(empty_db) == (11.49, "ok")
    assert [r["shown"] for r in history_csv(empty_db, capsys)] == ["true", "false"]


def test_undoing_the_newest_release_brings_the_previous_back(empty_db):
    pipeline.load_raw(release(PRELIMINARY, "2023-03-13T07:00:00Z"), empty_db)
    final = pipeline.load_raw(release(FINAL, "2024-03-12T07:00:00Z"), empty_db)
    assert shown(empty_db)[0] == 11.49
    workspace.undo(final.source_id, empty_db)
    assert shown(empty_db)[0] == 11.67


def test_the_coordinator_can_mark_a_file_preliminary(empty_db):
    r = pipeline.load_raw(release(FINAL, "2024-03-12T07:00:00Z"), empty_db, preliminary=True)
    assert r.outcome == "loaded" and shown(empty_db) == (11.49, "provisional")
    with store.reader(empty_db) as con:
        note = con.execute("SELECT DISTINCT note FROM observations WHERE status = 'provisional'").fetchall()
        src = con.execute("SELECT product, preliminary, published_at FROM sources").fetchone()
    assert note == [("foreløpige tall: merket foreløpig ved innlasting",)]
    assert src[0] == "SSB tabell 13563" and src[1] is True and src[2].year == 2024


def test_two_products_that_disagree_are_a_conflict_the_coordinator_settles(empty_db, tmp_path):
    """13563 and a delivery are different sources: a different figure is refused until the
    coordinator chooses which is shown; both are kept either way."""
    assert pipeline.load_raw(release(FINAL, "2024-03-12T07:00:00Z"), empty_db).outcome == "loaded"
    f = tmp_path / "levering.csv"
    f.write_text("indikator;kommunenr;periode;alder;kjonn;kategori;antall;nevner;status\n"
                 "neet;4003;2022;15-29;alle;alle;1200;9641;\n", encoding="utf-8")
    refused = pipeline.load_path(f, empty_db)
    assert refused.outcome == "rejected" and refused.conflicts == 1
    assert "--ved-konflikt ny|gammel" in refused.message
    kept = pipeline.load_path(f, empty_db, on_conflict="gammel")
    assert kept.outcome == "loaded" and shown(empty_db)[0] == 11.49
    workspace.undo(kept.source_id, empty_db)
    chosen = pipeline.load_path(f, empty_db, on_conflict="ny")
    assert chosen.outcome == "loaded" and shown(empty_db)[0] == round(100 * 1200 / 9641, 2)
    assert any("du valgte at denne filens tall skal vises" in w for w in chosen.warnings)
