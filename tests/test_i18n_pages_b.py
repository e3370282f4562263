"""Nynorsk and English on Mål 2035, Presentasjon and Data (issue 15): the words these pages and
their helpers write (ui.mission, ui.mission_data, ui.plans_form, ui.present, ui.coordinator,
ui.downloads, ui.guard) come out in the chosen language with its number and date format, bokmål
is unchanged, a download made on click is written in the language of the page that made the
button, and the nynorsk forms are nynorsk (no bokmål-only words).

Reads the real catalogs (locale/<lang>/LC_MESSAGES/innenfor.po)."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from babel.messages.extract import extract_from_file
from streamlit.testing.v1 import AppTest

from indicators import cost
from tests.test_mission_page import planned  # noqa: F401 - the fixture: a store with targets
from ui import coordinator, downloads, guard, mission, mission_data, plans_form, present
from vocab import i18n

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PRESENTATION = str(ROOT / "app_pages" / "presentasjon.py")
DATA_PAGE = str(ROOT / "app_pages" / "data.py")
FILES = ["app_pages/maal.py", "app_pages/presentasjon.py", "app_pages/data.py", "ui/mission.py",
         "ui/mission_data.py", "ui/plans_form.py", "ui/present.py", "ui/coordinator.py",
         "ui/downloads.py", "ui/guard.py"]
SILJAN = "4010"
# Bokmål forms nynorsk does not have (codes in `backticks` are data, left as they are).
BOKMAAL_ONLY = re.compile(
    r"\b(ikke|hvis|hvor|hva|hvem|hvordan|noen|noe|mye|bare|ble|fikk|fra|uten|utenfor|høyere|"
    r"lavere|flere|skole|tall|tallene|tallet|velg|sammenlign|hele|foreløpig|foreløpige|endelig|"
    r"kilde|ennå|mangler|lagret|filen|siden|hentes|vises|lagres)\b", re.IGNORECASE)
WORDS_IN_ENGLISH = re.compile(r"\b(og|ikke|ikkje|tall|tal|kommune|fylke|mål|lagret|filen)\b")


def messages() -> list[str]:
    """Every message marked in this area's files (singular msgid for a plural)."""
    out: list[str] = []
    for f in FILES:
        for found in extract_from_file("python", str(ROOT / f),
                                       keywords={"_": None, "N_": None, "ngettext": (1, 2)}):
            m = found[1]
            out.append(m[0] if isinstance(m, tuple) else m)
    return sorted(set(out))


def forms(lang: str, msgid: str) -> list[str]:
    found = i18n._catalog(lang).get(msgid)
    return list(found) if isinstance(found, tuple) else [found] if found else []


def without_code(s: str) -> str:
    return re.sub(r"`[^`]*`", "", s)


# --- the catalogs ---------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["nn", "en"])
def test_every_message_of_these_pages_has_its_translation_with_the_same_placeholders(lang):
    missing, wrong = [], []
    for m in messages():
        found = forms(lang, m)
        if not found:
            missing.append(m)
        for f in found:
            if sorted(re.findall(r"\{[^}]*\}", f)) != sorted(re.findall(r"\{[^}]*\}", m)):
                wrong.append((m, f))
    assert not missing, missing[:10]
    assert not wrong, wrong[:10]


def test_the_nynorsk_forms_have_no_bokmaal_only_words():
    bad = [(m, f) for m in messages() for f in forms("nn", m) if BOKMAAL_ONLY.search(without_code(f))]
    assert not bad, bad[:10]


def test_the_english_forms_are_not_norwegian():
    # Names of Norwegian bodies and the delivery template's codes stay Norwegian.
    bad = [(m, f) for m in messages() for f in forms("en", m)
           if WORDS_IN_ENGLISH.search(without_code(f).replace("Vestfold og Telemark", ""))]
    assert not bad, bad[:10]


# --- helpers in each language ---------------------------------------------------------------------

def test_presentation_choices_in_each_language():
    with i18n.use("nb"):
        assert [present.view_name(k) for k in present.VIEWS] == ["Kart", "Utvikling", "Mål 2035"]
        assert present.step_name("kommune") == "Kommune"
    with i18n.use("nn"):
        assert present.step_name("kommune") == "Kommune"
    with i18n.use("en"):
        assert [present.view_name(k) for k in present.VIEWS] == ["Map", "Trends", "Targets 2035"]
        assert [present.step_name(k) for k in present.STEPS] == ["Indicator", "Municipality"]


def test_year_field_and_size_limit_messages():
    with i18n.use("nb"):
        assert coordinator.year_input("20x") == (
            None, "«20x» er ikke et årstall. Skriv året med fire sifre, f.eks. 2023.")
    with i18n.use("nn"):
        _year, said = coordinator.year_input("20x")
        assert said == "«20x» er ikkje eit årstal. Skriv året med fire siffer, t.d. 2023."
    with i18n.use("en"):
        _year, said = coordinator.year_input("20x")
        assert said == "“20x” is not a year. Write the year with four digits, e.g. 2023."
        assert coordinator.year_input("2023") == ("2023", None)


def test_file_sizes_use_the_languages_numbers():
    with i18n.use("nb"):
        assert coordinator.size_text(512) == "512\u00a0byte"
        assert coordinator.size_text(1536) == "1,5\u00a0kB"
    with i18n.use("en"):
        assert coordinator.size_text(1) == "1\u00a0byte"
        assert coordinator.size_text(512) == "512\u00a0bytes"
        assert coordinator.size_text(1536) == "1.5\u00a0kB"


def test_load_times_in_each_language():
    t = pd.Timestamp("2026-12-07 14:03", tz="Europe/Oslo")
    with i18n.use("nb"):
        assert coordinator.when(t) == "07.12.2026 14:03"
    with i18n.use("nn"):
        assert coordinator.when(t) == "07.12.2026 14:03"
    with i18n.use("en"):
        assert coordinator.when(t) == "7 Dec 2026 14:03"


def test_the_cost_in_nynorsk_and_english():
    with i18n.use("nn"):
        level, text = plans_form.cost_text(None, signed_in=False)
        assert level == "info" and text.startswith("**Det er ikkje sett nokon kostnad per personår**")
        assert "Ein koordinator set han her på Data-sida" in text
    c = cost.Cost(1_000_000, "Rapport 2024", "kari", dt.date(2026, 3, 2))
    with i18n.use("en"):
        level, text = plans_form.cost_text(c, signed_in=True)
        plain = text.replace("\\", "")
        assert plain.startswith("Cost per person-year in use: NOK 1,000,000; source: Rapport 2024 "
                                "(set by kari, 2 Mar 2026).")
    with i18n.use("nb"):
        _level, text = plans_form.cost_text(c, signed_in=True)
        assert text.replace("\\", "").startswith(
            "Kostnad per person-år i bruk: 1\u00a0000\u00a0000 kr; kilde: Rapport 2024 (satt av kari, "
            "02.03.2026).")


def test_targets_and_measures_tables_have_headers_in_the_language():
    t = pd.DataFrame({"region_code": ["4003"], "region_name": ["Skien"], "indicator": ["neet"],
                      "age": ["15-29"], "category": ["alle"], "baseline_period": ["2021"],
                      "target_value": [8.0], "target_year": [2030], "decided_by": ["bystyret"],
                      "decided_on": [dt.date(2025, 6, 19)]})
    with i18n.use("en"):
        df = plans_form.targets_table(t)
        assert list(df.columns) == ["Place", "Indicator", "Age", "Category", "Baseline", "Target",
                                    "Decided by", "Decided"]
        assert df["Target"].iat[0] == "8.0% by 2030" and df["Decided"].iat[0] == "19 Jun 2025"
    with i18n.use("nn"):
        df = plans_form.targets_table(t)
        assert list(df.columns)[:2] == ["Stad", "Indikator"]
        assert df["Mål"].iat[0] == "8,0\u00a0% innan 2030"
    with i18n.use("nb"):
        df = plans_form.targets_table(t)
        assert df["Mål"].iat[0] == "8,0\u00a0% innen 2030" and df["Vedtatt"].iat[0] == "19.06.2025"
    m = pd.DataFrame({"name": ["Los"], "description": [None], "start_date": [dt.date(2025, 1, 1)],
                      "end_date": [None], "responsible": ["ot"], "category": [None],
                      "link": ["https://example.org"], "region_code": ["4003"],
                      "region_name": ["Skien"]})
    with i18n.use("en"):
        md = mission_data.measures_table(m)
        assert md.splitlines()[0] == "| Measure | Period | Responsible | Category | Link |"
        assert "[Link](https://example.org)" in md
        assert plans_form.measures_table(m)["Responsible"].iat[0] == "The Follow-up Service (OT)"
    with i18n.use("nn"):
        assert mission_data.measures_table(m).splitlines()[0] == \
            "| Tiltak | Periode | Ansvarleg | Kategori | Lenkje |"
        assert plans_form.measures_table(m)["Slutt"].iat[0] == "held fram"


def test_mission_subtitle_for_a_projector():
    with i18n.use("nb"):
        assert mission.presentation_subtitle("40", []) == "Ingen mål satt ennå"
    with i18n.use("nn"):
        assert mission.presentation_subtitle("40", []) == "Ingen mål sette enno"
    with i18n.use("en"):
        assert mission.presentation_subtitle("40", []) == "No targets set yet"


def test_a_download_made_on_click_is_written_in_the_language_of_its_button():
    seen = []

    def make() -> bytes:
        seen.append(i18n.current())
        raise ValueError("kaleido")
    with i18n.use("nn"):
        run = downloads._deferred("bildet", make)
    with pytest.raises(downloads.ExportFailed, match=r"^Kunne ikkje lage biletet: kaleido$"):
        run()                              # called later, from a thread in bokmål
    assert seen == ["nn"]
    with i18n.use("en"):
        run = downloads._deferred("presentasjonen", make)
    with pytest.raises(downloads.ExportFailed, match=r"^Could not make the presentation: kaleido$"):
        run()
    with pytest.raises(downloads.ExportFailed, match=r"^Kunne ikke lage filen: kaleido$"):
        downloads._deferred("filen", make)()


def test_a_broken_secrets_file_is_explained_in_nynorsk(tmp_path, monkeypatch):
    broken = tmp_path / "secrets.toml"
    broken.write_text("[coordinators\n", encoding="utf-8")
    monkeypatch.setattr(st, "get_option", lambda name: [str(broken)])
    with i18n.use("nn"):
        said = guard.secrets_problem()
    assert said is not None
    assert said.startswith(f"Innstillingsfila {broken} kunne ikkje lesast (feil på linje 1")
    assert "Rett feilen i fila og last sida på nytt." in said and not BOKMAAL_ONLY.search(said)
    with i18n.use("en"):
        said = guard.secrets_problem()
    assert said is not None and "could not be read (error on line 1" in said


# --- the pages --------------------------------------------------------------------------------------

def open_presentation(lang: str) -> AppTest:
    """The page from a permalink in `lang`. AppTest formats the widgets' options with their
    format_func in the test's thread too, so the test writes in the page's language as well."""
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in {"indikator": "neet", "periode": "2019", "kommune": SILJAN, "fylke": "40",
                 "lang": lang}.items():
        at.query_params[k] = v
    at.switch_page(PRESENTATION)
    with i18n.use(lang):
        at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def page_html(at: AppTest) -> str:
    return "\n".join(h.proto.body for h in at.get("html"))


def button_labels(at: AppTest) -> list[str]:
    return [b.label for b in at.button]


def test_presentation_in_nynorsk_and_english_with_its_own_language_picker(app_env):
    at = open_presentation("nn")
    assert {"← Førre", "Neste →", "Spel av (mellomrom)"} <= set(button_labels(at))
    page = page_html(at)
    assert "kommunane i Telemark · Siljan har svart kant" in page
    assert "oppdikta tal, ikkje ekte statistikk." in page
    assert re.search(r'class="pres-value">Siljan: \d+,\d\u00a0%<', page)
    picker = at.button_group(key="w_pres_lang")
    assert picker.value == "nn"
    with i18n.use("nn"):                   # the options as drawn in the nynorsk run
        picker.set_value("en").run()
    assert not at.exception
    assert {"← Previous", "Next →", "Play (space)"} <= set(button_labels(at))
    page = page_html(at)
    assert "the municipalities in Telemark · Siljan has a black outline" in page
    assert "made-up figures, not real statistics." in page
    assert re.search(r'class="pres-value">Siljan: \d+\.\d%<', page)     # English numbers
    assert dict(at.query_params)["lang"] == "en"


def test_presentation_in_bokmaal_is_as_before(app_env):
    at = open_presentation("nb")
    assert {"← Forrige", "Neste →", "Spill av (mellomrom)"} <= set(button_labels(at))
    assert "kommunene i Telemark · Siljan har svart kant" in page_html(at)


def test_the_data_page_for_everyone_in_english(app_env, monkeypatch):
    monkeypatch.delenv("INNENFOR_COORDINATORS", raising=False)
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets.update({"innenfor_test": True})
    at.query_params["lang"] = "en"
    with i18n.use("en"):                   # AppTest formats the options in this thread too
        at.run()
        at.switch_page(DATA_PAGE).run()
    assert not at.exception, [e.message for e in at.exception]
    subheaders = [s.value for s in at.subheader]
    assert {"Sign in for coordinators", "Targets and measures", "Delivery template"} <= set(subheaders)
    said = "\n".join([m.value for m in at.markdown] + [x.value for x in at.info])
    assert "Anyone can see the figures in Innenfor without signing in." in said
    assert "**Uploading is switched off:** no coordinators have been set up on this server." in said
    assert not re.search(r"\b(Ingen|ikke|Tallene|Logg inn)\b", without_code(said)), said


@pytest.mark.parametrize("lang, said", [
    ("nn", ["5 mål i Telemark:", "Nyaste tal:", "det nyaste talet er på bana mot målet eller betre"]),
    ("en", ["5 targets in Telemark:", "Most recent figures:",
            "the most recent figure is on the path to the target or better"]),
])
def test_the_mission_page_in_nynorsk_and_english(planned, monkeypatch, lang, said):  # noqa: F811
    monkeypatch.setenv("INNENFOR_DB", str(planned))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["fylke"] = "40"
    at.query_params["lang"] = lang
    with i18n.use(lang):                   # AppTest formats the options in this thread too
        at.run()
        at.switch_page(str(ROOT / "app_pages" / "maal.py")).run()
    assert not at.exception, [e.message for e in at.exception]
    shown = "\n".join(m.value for m in at.markdown)
    for words in said:
        assert words in shown
    labels = [e.label for e in at.expander]
    assert labels[0] == {"nn": "Slik skal du lese statusen", "en": "How to read the status"}[lang]
    excel = {"nn": "Last ned Excel", "en": "Download Excel"}[lang]
    assert any(d.label == excel for d in at.get("download_button"))
    assert at.title[0].value == {"nn": "Mål 2035", "en": "Targets 2035"}[lang]
