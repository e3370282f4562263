"""The vocabulary in three languages: every indicator text and every label in definitions.toml
has its nynorsk and English form, and what vocab and geo write (indicator names, labels, status
words, where in a file, row counts, lists, the split municipality's story, the map credit)
comes out in the language of the moment, bokmål unchanged."""
from __future__ import annotations

import dataclasses
import re
import tomllib
from pathlib import Path

import pytest

from geo import boundaries, codes
from geo import regions as georegions
from vocab import i18n, indicators, status, text

NB = "\u00a0"
TOML = Path(indicators.__file__).parent / "definitions.toml"
# Bokmål words that are not nynorsk: one of these in a nynorsk text was not translated.
BOKMAAL_ONLY = ["ikke", "hvis", "hvor", "hva", "noen", "noe", "mye", "bare", "ble", "fikk", "fra",
                "uten", "høyere", "lavere", "flere", "skole", "skoleåret", "tall", "tallene",
                "utenfor", "hele", "foreløpig", "endelig", "kilde", "søkere", "arbeidssøkere",
                "personer", "grunner", "mottakere", "tjenesten", "andel", "bosatte",
                "videregående", "aldersgruppen", "arbeidsmarkedstiltak"]


def _bokmaal_words(s: str) -> list[str]:
    words = set(re.findall(r"[a-zæøå]+", s.lower()))
    return [w for w in BOKMAAL_ONLY if w in words]


def _raw() -> dict:
    with open(TOML, "rb") as f:
        return tomllib.load(f)


def test_every_indicator_text_has_its_nynorsk_and_english_form():
    raw = _raw()
    ids = [k for k in raw if k not in ("labels", "measure_categories")]
    assert ids == list(indicators.all_indicators())
    missing, bokmaal = [], []
    for key in ids:
        for field in indicators.TEXTS:
            assert raw[key][field].strip(), (key, field)
            for lang in ("nn", "en"):
                form = raw[key].get(f"{field}_{lang}", "")
                if not isinstance(form, str) or not form.strip():
                    missing.append(f"[{key}] {field}_{lang}")
            if _bokmaal_words(raw[key].get(f"{field}_nn", "")):
                bokmaal.append((key, field, _bokmaal_words(raw[key][f"{field}_nn"])))
    assert not missing, f"definitions.toml mangler: {missing}"
    assert not bokmaal, f"bokmål i nynorsk: {bokmaal}"


def test_every_label_and_measure_category_has_all_three_forms():
    raw = _raw()
    tables = {f"labels.{kind}": words for kind, words in raw["labels"].items()}
    tables["measure_categories"] = raw["measure_categories"]
    assert set(tables) == {"labels.age", "labels.sex", "labels.category", "measure_categories"}
    missing, bokmaal = [], []
    for table, words in tables.items():
        assert words, table
        for code, forms in words.items():
            if not isinstance(forms, dict):
                missing.append(f"[{table}] {code}: bare én tekst")
                continue
            missing += [f"[{table}] {code}.{lang}" for lang in i18n.LANGS
                        if not str(forms.get(lang, "")).strip()]
            if _bokmaal_words(forms.get("nn", "")):
                bokmaal.append((table, code, forms["nn"]))
    assert not missing, f"definitions.toml mangler: {missing}"
    assert not bokmaal, f"bokmål i nynorsk: {bokmaal}"


def test_every_code_an_indicator_offers_has_a_label_in_each_language():
    for ind in indicators.all_indicators().values():
        for lang in i18n.LANGS:
            with i18n.use(lang):
                for age in ind.ages:
                    assert indicators.label("age", age) != age, (ind.id, age, lang)
                for cat in ind.categories:
                    assert indicators.label("category", cat) != cat, (ind.id, cat, lang)


def test_an_indicator_reads_in_the_current_language():
    neet = indicators.get("neet")
    assert neet.name == "Unge utenfor arbeid, utdanning og opplæring (NEET)"
    assert neet.short == "Unge utenfor (NEET)"
    assert neet.source.startswith("SSB, tabell 13563 og 13556 (Tilknytning")
    with i18n.use("nn"):
        assert neet.name == "Unge utanfor arbeid, utdanning og opplæring (NEET)"
        assert neet.short == "Unge utanfor (NEET)"
        assert "korkje" in neet.definition and "aldersgruppa" in neet.definition
        assert not _bokmaal_words(neet.definition)
        ot = indicators.get("ot_tilmeldt")
        assert "Oppfølgingstenesta" in ot.name and "skuleåret" in ot.definition
        assert indicators.get("arbeidssokere").short == "Arbeidssøkjarar"
    with i18n.use("en"):
        assert neet.name == "Young people not in employment, education or training (NEET)"
        assert neet.short == "NEET youth"
        assert "Statistics Norway" in neet.source
        assert indicators.get("arbeidssokere").name == "Jobseekers registered with NAV"
        assert indicators.get("ufore").definition.startswith("Recipients of disability benefit")
    # Back to bokmål outside the blocks; data keys never change.
    assert neet.name.startswith("Unge utenfor") and neet.unit == "prosent" and neet.kind == "share"


def test_labels_and_measure_categories_read_in_the_current_language():
    assert indicators.label("category", "ikke_sokt") == "Ikke søkt opplæring"
    assert indicators.label("age", "alle") == "Alle aldre"
    assert indicators.label("age", "99-99") == "99-99"      # unknown: the code itself
    assert indicators.measure_categories()["medvirkning"] == "Medvirkning (Vestfold og Telemark)"
    with i18n.use("nn"):
        assert indicators.label("category", "ikke_sokt") == "Ikkje søkt opplæring"
        assert indicators.label("age", "alle") == "Alle aldrar"
        assert indicators.label("category", "tiltak") == "Arbeidssøkjarar på tiltak"
        assert indicators.measure_categories()["forebygging"].startswith("Hovudløp 1: førebygging")
    with i18n.use("en"):
        assert indicators.label("sex", "kvinner") == "Women"
        assert indicators.label("age", "15-29") == "15–29 years"
        assert indicators.label("category", "helt_ledige") == "Wholly unemployed"
        cats = indicators.measure_categories()
        assert list(cats) == ["forebygging", "samarbeid", "kunnskap", "samhandling", "medvirkning",
                              "innovasjon"]
        assert cats["innovasjon"] == "Innovation (Vestfold og Telemark)"


def test_an_indicator_can_still_be_made_and_replaced_with_plain_strings():
    ind = indicators.Indicator.make(
        id="x", name="Navn", short={"nb": "Kort", "nn": "Kort nn", "en": "Short"},
        definition="Def", unit="prosent", kind="share", source="Kilde", period_type="year",
        ages=["15-29"], default_age="15-29", categories=["alle"], better="lower")
    assert (ind.name, ind.short, ind.source) == ("Navn", "Kort", "Kilde")
    with i18n.use("en"):
        assert (ind.name, ind.short) == ("Navn", "Short")     # no English name: bokmål
    wider = dataclasses.replace(indicators.get("ufore"), plausible=(0.0, 40.0))
    assert wider.plausible == (0.0, 40.0) and wider.name == "Unge uføre under 30 år"
    with i18n.use("nn"):
        assert wider.definition.startswith("Mottakarar av uføretrygd")
    positional = indicators.Indicator("y", "Navn", "Kort", "Def", "personer", "count", "Kilde",
                                      "month", ("alle",), "alle", ("alle",), "lower")
    assert positional.name == "Navn" and hash(positional) == hash(dataclasses.replace(positional))


def test_status_words_in_each_language():
    assert [status.word(s) for s in ("ok", "provisional", "suppressed")] == ["", "foreløpig", "skjermet"]
    assert status.long("missing") == "Mangler (ikke tilgjengelig)"
    assert status.WORDS["provisional"] == "foreløpig"     # the delivery files' word stays bokmål
    with i18n.use("nn"):
        assert status.word("provisional") == "førebels"
        assert status.word("suppressed") == "skjerma"
        assert status.long("missing") == "Manglar (ikkje tilgjengeleg)"
        assert status.long("provisional") == "Førebels tal"
        assert status.computed_word() == "berekna"
    with i18n.use("en"):
        assert status.word("break") == "break in series"
        assert status.long("suppressed") == "Suppressed (too few persons to be shown)"
        assert status.word("weird") == "weird"        # unknown: itself


def test_where_rows_and_listing_in_each_language():
    assert text.where("Telemark", 14) == "Arket «Telemark», rad 14"
    assert text.where("", 14) == "Rad 14" and text.where("#Verdi", 14) == "Verdi nr. 14"
    assert text.rows(1) == "1 rad" and text.rows(1234) == f"1{NB}234 rader"
    assert text.listing(["Skien", "Siljan", "Bamble"]) == "Skien, Siljan og Bamble"
    with i18n.use("nn"):
        assert text.where("Telemark", 14) == "Arket «Telemark», rad 14"
        assert text.rows(2) == "2 rader"
        assert text.listing(["Skien", "Siljan"]) == "Skien og Siljan"
    with i18n.use("en"):
        assert text.where("Telemark", 14) == "Sheet “Telemark”, row 14"
        assert text.where("", 3) == "Row 3" and text.where("#Verdi", 7) == "Value no. 7"
        assert text.rows(1) == "1 row" and text.rows(1234) == "1,234 rows"
        assert text.listing(["Skien", "Siljan", "Bamble"]) == "Skien, Siljan and Bamble"
        assert text.listing(["Skien"]) == "Skien" and text.listing([]) == ""


def test_the_split_municipality_and_the_country_in_each_language():
    split = georegions.splits()["1507"]
    story_nb = ("Ålesund ble delt i Ålesund (1508) og Haram (1580) 1. januar 2024; tallene for "
                "2020–2023 gjelder hele det gamle Ålesund (1507), med Haram.")
    assert split.story == story_nb
    assert split.label == "Gamle Ålesund (1507: Ålesund og Haram), 2020–2023"
    assert codes.name_of("0") == "Hele landet"
    with i18n.use("nn"):
        assert split.story == ("Ålesund vart delt i Ålesund (1508) og Haram (1580) 1. januar "
                               "2024; tala for 2020–2023 gjeld heile det gamle Ålesund (1507), "
                               "med Haram.")
        assert not _bokmaal_words(split.story)
        assert codes.name_of("0") == "Heile landet"
        assert split.old_area == "det gamle Ålesund med Haram"
    with i18n.use("en"):
        assert split.story == ("Ålesund was split into Ålesund (1508) and Haram (1580) on "
                               "1 January 2024; the figures for 2020–2023 cover the whole former "
                               "Ålesund (1507), including Haram.")
        assert split.label == "Former Ålesund (1507: Ålesund and Haram), 2020–2023"
        assert split.old_place == "the former Ålesund (1507: Ålesund and Haram)"
        assert codes.name_of("0") == "Norway"
        assert codes.name_of("4003") == "Skien"          # names from the data stay
    # The store's rows are shared data: bokmål whatever the language.
    with i18n.use("en"):
        assert georegions.region_rows()[0]["name"] == "Hele landet"


@pytest.mark.parametrize("lang, words", [("nb", "grenser fra 2020, omkodet"),
                                         ("nn", "grenser frå 2020, omkoda"),
                                         ("en", "boundaries from 2020, recoded to 2024 numbers")])
def test_the_map_credit_in_each_language(lang, words):
    with i18n.use(lang):
        assert words in boundaries.credit() and boundaries.credit().startswith("Kartverket")
    assert boundaries.CREDIT.startswith("Kartverket, CC BY 4.0 — grenser fra")   # the files' own
