"""Where the figures come from, said under every chart and in every export: «Kilde: SSB, tabell
13563, hentet 7. desember 2026» for SSB releases (the date the newest shown release came into
the store), «lastet inn <dato>» for other real files, the indicator's own source line for demo
data (labelled demo). And Min kommune: a card whose period is not the sidebar slider's says so.

A real-layout SSB file (tests/fixtures/ssb) is loaded through the pipeline into a fresh store;
the demo store is the one the other tests use."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from exports import tables
from indicators import charts, queries, views
from indicators import format as fmt
from loaders import pipeline, store
from tests.test_pages import metas, open_page
from ui import data
from vocab import i18n, indicators
from vocab.periods import date_text

ROOT = Path(__file__).resolve().parent.parent
SSB = ROOT / "tests" / "fixtures" / "ssb"
NEET = indicators.get("neet")
UFORE = indicators.get("ufore")
SKIEN = "4003"
OLD_LINE = "Kilde: SSB, tabell 13563 og 13556 (Tilknytning til arbeid, utdanning og " \
           "velferdsordninger). Bearbeidet av Innenfor."


@pytest.fixture
def fragments(monkeypatch):
    """This work's nynorsk and English messages (locale/fragments/i13_provenance.*.po) until
    the lead merges them into the catalogs; a message the catalog has keeps the catalog's form."""
    from babel.messages.pofile import read_po
    real = i18n._catalog

    def merged(lang: str) -> dict:
        out = dict(real(lang))
        path = ROOT / "locale" / "fragments" / f"i13_provenance.{lang}.po"
        if path.exists():
            with open(path, "rb") as f:
                for m in read_po(f, locale=lang):
                    if m.id:
                        k = m.id[0] if isinstance(m.id, (list, tuple)) else m.id
                        out.setdefault(k, tuple(m.string) if isinstance(m.string, (list, tuple))
                                       else m.string)
        return out
    monkeypatch.setattr(i18n, "_catalog", merged)


@pytest.fixture
def ssb_db(tmp_path):
    """A fresh store with SSB table 13563 (Statistikkbanken CSV, real layout) loaded."""
    db = tmp_path / "lager" / "innenfor.duckdb"
    r = pipeline.load_path(SSB / "13563_med_tittel_latin1.csv", db)
    assert r.outcome == "loaded", r.line()
    return db


def loaded_at(db, product: str = "SSB tabell 13563") -> datetime:
    with duckdb.connect(str(db), read_only=True) as con:
        row = con.execute("SELECT max(loaded_at) FROM sources WHERE product = ?", [product]).fetchone()
    assert row is not None and row[0] is not None
    return row[0]


# --- the one source line -----------------------------------------------------------------------

def test_source_line_names_the_ssb_tables_and_the_day_they_were_fetched():
    when = datetime(2026, 12, 7, 12, 14)
    one = fmt.Provenance(("SSB tabell 13563",), when)
    assert fmt.source_line(NEET, one) == \
        "Kilde: SSB, tabell 13563, hentet 7. desember 2026. Bearbeidet av Innenfor."
    # Two tables, in the order the indicator's source names them, the newest load's day.
    two = fmt.provenance_of([
        {"product": "SSB tabell 13556", "loaded_at": datetime(2026, 11, 2), "is_demo": False},
        {"product": "SSB tabell 13563", "loaded_at": when, "is_demo": False}])
    assert fmt.source_line(NEET, two) == \
        "Kilde: SSB, tabell 13563 og 13556, hentet 7. desember 2026. Bearbeidet av Innenfor."


def test_other_real_files_say_when_they_were_loaded_and_demo_or_nothing_keeps_the_old_line():
    nav = fmt.Provenance(("Innenfor leveransemal (CSV)",), datetime(2026, 3, 1))
    assert fmt.source_line(UFORE, nav) == (
        "Kilde: NAV, uføretrygd etter kommune (levert til partnerskapet), og SSB befolkning, "
        "lastet inn 1. mars 2026. Bearbeidet av Innenfor.")
    demo = fmt.provenance_of([{"product": "SSB tabell 13563", "loaded_at": datetime(2026, 3, 1),
                               "is_demo": True}])
    assert demo is not None and demo.demo
    assert fmt.source_line(NEET, demo) == fmt.source_line(NEET) == OLD_LINE
    assert fmt.provenance_of([]) is None and fmt.source_line(NEET, None) == OLD_LINE


def test_source_line_in_nynorsk_and_english(fragments):
    p = fmt.Provenance(("SSB tabell 13563",), datetime(2026, 12, 7))
    with i18n.use("nn"):
        assert fmt.source_line(NEET, p) == \
            "Kjelde: SSB, tabell 13563, henta 7. desember 2026. Bearbeidd av Innenfor."
        assert tables.source_text(NEET, p) == "SSB, tabell 13563, henta 7. desember 2026. " \
                                              "Bearbeidd av Innenfor."
    with i18n.use("en"):
        assert fmt.source_line(NEET, p) == ("Source: SSB (Statistics Norway), table 13563, "
                                            "retrieved 7 December 2026. Processed by Innenfor.")
        two = fmt.Provenance(("SSB tabell 13556 og 13563",), datetime(2026, 12, 7))
        assert "tables 13563 and 13556, retrieved 7 December 2026" in fmt.source_line(NEET, two)
        nav = fmt.Provenance(("NAV HL060",), datetime(2026, 3, 1))
        assert fmt.source_line(UFORE, nav).endswith(", loaded 1 March 2026. Processed by Innenfor.")


# --- a loaded SSB file: charts and exports ------------------------------------------------------

def test_a_loaded_ssb_table_is_named_with_its_date_in_chart_captions_and_exports(ssb_db):
    day = date_text(loaded_at(ssb_db))
    want = f"SSB, tabell 13563, hentet {day}"
    with store.reader(ssb_db) as con:
        prov = queries.provenance(con, "neet", ["2021", "2022"])
        df = queries.series(con, "neet", [SKIEN, views.NORWAY], age="15-29")
        table = tables.from_store(con, "neet", df, age="15-29")
    assert prov is not None and prov.products == ("SSB tabell 13563",) and not prov.demo
    fig = charts.trend(df, ind=NEET, lines=[(SKIEN, "kommune"), (views.NORWAY, "land")],
                       age="15-29", provenance=prov)
    m = charts.meta(fig)
    assert m["source"] == f"Kilde: {want}. Bearbeidet av Innenfor."
    assert f"Kilde: {want}. Bearbeidet av Innenfor." in m["caption"]
    # Without provenance the same chart says only the indicator's source (as before).
    assert charts.meta(charts.trend(df, ind=NEET, lines=[(SKIEN, "kommune")]))["source"] == OLD_LINE
    ranked = charts.ranking(df[df["region_code"] == SKIEN], ind=NEET, period="2022",
                            area_name="Telemark", provenance=prov)
    assert want in charts.meta(ranked)["caption"]
    # The export table: every row's Kilde and the «Om tallene» Kilde.
    rows = tables.rows(table)
    assert rows and all(r["source"] == f"{want}. Bearbeidet av Innenfor." for r in rows)
    assert dict(tables.about(table))["Kilde"] == f"{want}. Bearbeidet av Innenfor."


def test_demo_data_keeps_the_indicators_own_source_line(demo_db):
    with store.reader(demo_db) as con:
        prov = queries.provenance(con, "neet")
        df = queries.series(con, "neet", [SKIEN], age="15-29")
        table = tables.from_store(con, "neet", df, age="15-29")
    assert prov is not None and prov.demo
    fig = charts.trend(df, ind=NEET, lines=[(SKIEN, "kommune")], age="15-29", demo=True,
                       provenance=prov)
    assert charts.meta(fig)["source"] == OLD_LINE and "hentet" not in charts.meta(fig)["caption"]
    assert {r["source"] for r in tables.rows(table)} == {OLD_LINE.removeprefix("Kilde: ")}
    assert dict(tables.about(table))["Kilde"] == OLD_LINE.removeprefix("Kilde: ")


def test_ui_provenance_follows_the_store_it_reads(ssb_db, demo_db, monkeypatch):
    monkeypatch.setenv("INNENFOR_DB", str(ssb_db))
    real = data.provenance("neet", ["2022", "2021"])
    assert real is not None and real.products == ("SSB tabell 13563",) and not real.demo
    assert real.loaded == loaded_at(ssb_db)
    monkeypatch.setenv("INNENFOR_DB", str(demo_db))
    demo = data.provenance("neet", ["2022", "2021"])          # another store, another answer
    assert demo is not None and demo.demo


# --- Min kommune: the slider's period and the cards' periods -----------------------------------

def test_cards_with_newer_figures_than_the_slider_say_so(app_env):
    """The demo store: NEET up to 2024 (the slider), disability benefit to 2025, jobseekers to
    December 2025. Each card shows its newest figures, and those not the slider's say so."""
    at = open_page("min-kommune", kommune=SKIEN)
    labels = [m.label for m in at.metric]
    assert any(lbl.startswith("Unge utenfor (NEET), 15–29 år, 2024") for lbl in labels)
    assert any(lbl.startswith("Uføre under 30") and lbl.endswith("2025") for lbl in labels)
    notes = [m.value for m in at.markdown if "Nyeste tall" in m.value]
    assert any("Nyeste tall: 2025. Perioden i sidemenyen (2024) gjelder Unge utenfor (NEET)." in n
               for n in notes), notes
    assert any("Nyeste tall: desember 2025." in n for n in notes), notes
    assert len(notes) == 3          # NEET (the slider's own) needs none; the other three do


def test_a_chosen_period_is_followed_and_a_family_without_it_shows_its_newest_saying_so(app_env):
    at = open_page("min-kommune", kommune=SKIEN, indikator="ufore", periode="2025")
    labels = [m.label for m in at.metric]
    assert any(lbl.startswith("Uføre under 30") and lbl.endswith("2025") for lbl in labels)
    assert any("Arbeidssøkere" in lbl and "desember 2025" in lbl for lbl in labels), labels
    neet = [lbl for lbl in labels if lbl.startswith("Unge utenfor (NEET)")]
    assert neet and neet[0].endswith("2024")          # not «Ingen data»: its newest, said so
    notes = [m.value for m in at.markdown if "Kortet viser de nyeste tallene" in m.value]
    assert any("Ingen tall for 2025. Kortet viser de nyeste tallene: 2024." in n for n in notes)
    assert not any("Nyeste tall:" in m.value for m in at.markdown)   # the rest follow 2025


def test_min_kommune_chart_names_the_loaded_ssb_table(writable_db, monkeypatch):
    db = writable_db
    r = pipeline.load_path(SSB / "13563_med_tittel_latin1.csv", db)
    assert r.outcome == "loaded", r.line()
    monkeypatch.setenv("INNENFOR_DB", str(db))
    at = open_page("min-kommune", kommune=SKIEN)
    neet = [m for m in metas(at) if m["indicator"] == "neet"]
    assert neet and neet[0]["source"] == \
        f"Kilde: SSB, tabell 13563, hentet {date_text(loaded_at(db))}. Bearbeidet av Innenfor."
    others = [m for m in metas(at) if m["indicator"] == "ufore"]   # still demo: the old line
    assert others and "lastet inn" not in others[0]["source"]
