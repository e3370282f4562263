"""Mål 2035 through AppTest on a copy of the demo store with targets, measures and a cost loaded
the way a coordinator's form saves them (plans.from_form → the file load path): the page lists
every target of the county or group with the status indicators.progress gives, the sentences,
the status map and the cost with its source; the Data page shows them to everyone and the
forms only when signed in; the optional cost per person-year is refused without its source,
the newest is in force and undo brings back the one before."""
from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from indicators import cost, mission, progress
from loaders import pipeline, plans, store, workspace
from loaders.base import RawFile
from ui import plans_form

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
NB = "\u00a0"
HOSTILE = "Skien *bystyre* _sak_ [45/25](javascript:alert(1)) <b>"


def form(db: Path, kind: str, row: dict, who: str = "kari") -> pipeline.LoadResult:
    return pipeline.load_raw(plans.from_form(kind, row), db, loaded_by=who)


def target(db: Path, region: str, by: str = "Skien bystyre, sak 45/25", base: str = "2018",
           value: str = "6,0", year: str = "2030", ind: str = "neet", age: str = "15-29"):
    return form(db, "targets", {"indikator": ind, "region": region, "alder": age, "kategori": "alle",
                                "basisperiode": base, "malverdi": value, "malaar": year,
                                "vedtatt_av": by, "vedtatt_dato": "12.03.2025"})


@pytest.fixture
def planned(writable_db) -> Path:
    """Targets for Skien (from a hostile decider's name), Porsgrunn, Grenland and Telemark,
    a second indicator for Skien, one measure for Skien."""
    db = writable_db
    for code, by in (("4003", HOSTILE), ("4001", "Porsgrunn bystyre"), ("R-grenland", "Grenlandsrådet"),
                     ("40", "Fylkestinget")):
        assert target(db, code, by).ok
    assert target(db, "4003", "Skien bystyre", base="2019", value="3,0", ind="ufore", age="18-29").ok
    assert form(db, "measures", {"tiltak": "Ungdomslos", "region": "4003", "start": "2023",
                                 "indikatorer": "neet", "ansvarlig": "kommune",
                                 "kategori": "samhandling"}).ok
    return db


def open_page(db: Path, monkeypatch, page: str, **params) -> AppTest:
    monkeypatch.setenv("INNENFOR_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    at.switch_page(str(ROOT / "app_pages" / f"{page}.py")).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def words(p: progress.Progress) -> str:
    return f"{p.symbol} {p.words}"


def maps_of(at) -> list[dict]:
    return [json.loads(m.proto.json) for m in at.get("bidi_component")]


def test_the_mission_page_lists_every_target_of_the_county_with_its_status(planned, monkeypatch):
    with store.reader(planned) as con:
        expected = {(p.region_name, p.indicator.short, words(p)) for p in progress.assess_all(con)
                    if p.region_code in {"4003", "4001", "R-grenland", "40"}}
        sentences = [p.sentence() for p in progress.assess_all(con)]
    at = open_page(planned, monkeypatch, "maal", fylke="40")
    [grid] = at.dataframe
    df = grid.value
    assert list(df.columns) == mission.TABLE_COLUMNS
    assert set(zip(df["Område"], df["Indikator"], df["Status"])) == expected
    assert len(df) == 5 and df["Område"].iloc[0] == "Telemark"      # the wider targets first
    shown = "\n".join(m.value for m in at.markdown)
    for s in sentences:
        assert s.split(" (vedtatt av")[0] in shown
    # The decider's name is the coordinator's text: shown, never as markdown.
    assert "\\*bystyre\\*" in shown and "[45/25](javascript" not in shown
    assert "5 mål i Telemark" in shown and "Nyeste tall:" in shown
    assert any(d.label == "Last ned Excel" for d in at.get("download_button"))
    [m] = maps_of(at)
    drawn = {r["code"]: r for r in m["regions"]}
    with store.reader(planned) as con:
        skien = next(p for p in progress.assess_all(con, "neet") if p.region_code == "4003")
    assert drawn["4003"]["label"] == skien.symbol and drawn["4003"]["fill"] == mission.COLOURS[skien.status]
    assert words(skien) in drawn["4003"]["words"][1]
    assert drawn["4010"]["label"] is None and drawn["4010"]["fill"] == mission.NO_TARGET   # Siljan
    assert [e["label"] for e in m["legend"]][-1] == "Uten mål"
    assert all(e["label"][0] in "✔✖≈…–U" for e in m["legend"])      # a symbol with every colour
    assert not [i for i in at.info if "mill. kr" in i.value]          # no cost set: nothing shown


def test_a_regional_group_and_its_permalink(planned, monkeypatch):
    at = open_page(planned, monkeypatch, "maal", fylke="40", omrade="R-grenland")
    df = at.dataframe[0].value
    assert set(df["Område"]) == {"Grenland", "Skien", "Porsgrunn"}       # not Telemark's own
    assert at.selectbox(key="w_maal_omrade").value == "R-grenland"
    link = at.code[0].value
    assert link.startswith("/maal?") and "omrade=R-grenland" in link and "fylke=40" in link


def test_a_county_without_targets_says_how_to_set_them(planned, monkeypatch):
    at = open_page(planned, monkeypatch, "maal", fylke="31")
    assert not at.dataframe
    assert any("Ingen mål er satt for Østfold" in i.value and "Data" in i.value for i in at.info)


def test_the_cost_is_shown_with_its_source_and_undo_brings_back_the_one_before(planned, monkeypatch):
    refused = form(planned, "costs", {"kostnad_per_aar": "1 000 000", "kilde": ""})
    assert refused.outcome == "rejected" and "kilde mangler" in refused.problems[0]
    first = form(planned, "costs", {"kostnad_per_aar": "800 000", "kilde": "Rapport A 2019"})
    second = form(planned, "costs", {"kostnad_per_aar": "1 200 000", "kilde": "Rapport B 2023",
                                     "vedtatt_av": "Styringsgruppa"})
    assert first.ok and second.ok
    with store.reader(planned) as con:
        c = cost.current(con)
        n, period = next((int(r["numerator"]), r["period"]) for r in
                         progress.queries.series(con, "neet", ["40"]).sort_values("period", ascending=False)
                         .to_dict("records") if r["numerator"] == r["numerator"])
    assert (c.kr_per_year, c.source, c.set_by) == (1_200_000, "Rapport B 2023", "Styringsgruppa")
    at = open_page(planned, monkeypatch, "maal", fylke="40")
    [info] = [i.value for i in at.info if "mill. kr" in i.value]
    assert cost.sentence(n, c) in info.replace("\\", "") and f"Telemark i {period}" in info
    assert f"anslag: 1{NB}200{NB}000 kr per person per år; kilde: Rapport B 2023" in info
    workspace.undo(second.source_id, planned)
    with store.reader(planned) as con:
        assert cost.current(con).source == "Rapport A 2019"


def test_cost_sentence_in_norwegian_numbers():
    c = cost.Cost(250_000, "Kilde X", None, None)
    assert cost.sentence(120, c) == (f"120 unge utenfor ≈ 30,0 mill. kr per år (anslag: 250{NB}000 kr per "
                                     "person per år; kilde: Kilde X)")
    assert cost.sentence(2310, cost.Cost(1_000_000, "Y", None, None)).startswith(
        f"2{NB}310 unge utenfor ≈ 2{NB}310 mill. kr per år")
    assert cost.sentence(None, c) is None and cost.sentence(120, None) is None


def test_data_page_shows_plans_to_everyone_and_forms_only_to_coordinators(planned, monkeypatch):
    monkeypatch.setenv("INNENFOR_COORDINATORS", "")
    at = open_page(planned, monkeypatch, "data")
    labels = [b.label for b in at.button]
    assert "Lagre mål" not in labels and "Lagre tiltak" not in labels and "Lagre kostnad" not in labels
    grids = {tuple(d.value.columns): d.value for d in at.dataframe}
    targets = next(v for k, v in grids.items() if "Vedtatt av" in k)
    assert set(targets["Sted"]) == {"Skien", "Porsgrunn", "Grenland", "Telemark"}
    measures = next(v for k, v in grids.items() if "Tiltak" in k)
    assert list(measures["Tiltak"]) == ["Ungdomslos"] and list(measures["Ansvarlig"]) == ["Kommunen"]
    assert any("Ingen kostnad per person-år er satt" in i.value for i in at.info)
    names = {d.label for d in at.get("download_button")}
    assert {"Last ned målmal (CSV)", "Last ned tiltaksmal (CSV)", "Last ned kostnadsmal (CSV)"} <= names


def test_the_preview_says_what_a_template_file_holds():
    assert plans_form.file_facts("mal.csv", plans.TARGET_EXAMPLE.encode()) == [
        ("Innhold", "mål (målmal)"), ("Rader", "1"), ("Steder", "1"), ("Indikatorer", "Unge utenfor (NEET)")]
    facts = dict(plans_form.file_facts("t.csv", plans.MEASURE_EXAMPLE.encode()))
    assert facts["Innhold"] == "tiltak (tiltaksmal)" and facts["Rader"] == "1"
    assert dict(plans_form.file_facts("k.csv", plans.COST_EXAMPLE.encode()))["Innhold"].startswith("kostnad")
    assert plans_form.file_facts("x.csv", b"indikator;kommunenr;periode\n") == []


def test_the_templates_load_as_they_are(writable_db):
    for text in (plans.TARGET_EXAMPLE, plans.MEASURE_EXAMPLE, plans.COST_EXAMPLE):
        r = pipeline.load_raw(RawFile("mal.csv", text.encode()), writable_db, loaded_by="kari")
        assert r.ok, (r.message, r.problems)


def test_presentasjon_shows_the_mission_view(planned, monkeypatch):
    at = open_page(planned, monkeypatch, "presentasjon", fylke="40", vis="maal")
    html = "\n".join(h.proto.body for h in at.get("html"))
    assert "Mål 2035 – Telemark" in html and "pres-goals" in html
    with store.reader(planned) as con:
        statuses = {words(p) for p in mission.assess(con, "40")}
    assert all(s in html for s in statuses)
    [m] = maps_of(at)
    assert m["legend"][-1]["label"] == "Uten mål"


def test_a_store_from_before_the_cost_table_has_no_cost_and_other_errors_still_surface():
    con = duckdb.connect()
    con.execute("CREATE TABLE sources (source_id INTEGER, loaded_by TEXT, loaded_at TIMESTAMP)")
    assert cost.current(con) is None                 # no costs table: nothing set, no error
    con.close()
    with pytest.raises(duckdb.ConnectionException):   # anything else is not hidden as «unset»
        cost.current(con)
