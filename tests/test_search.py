"""Finding a municipality in the pickers (issue 13): by number, by name without diacritics and by
its Sami or Kven name, and typed text + Enter adds exactly what the list showed.

The browser filters a picker's list itself: with filter_mode «contains» it shows the options
whose label, lower-cased, contains the typed text lower-cased (Streamlit's frontend:
`label.toLowerCase().includes(text.toLowerCase())`). `shown()` is that rule, so what a user can
find is tested on the labels the app makes. The label functions are tested on all 357
municipalities of the reference list; the pickers themselves through AppTest on the demo store
(which names every municipality in Norway)."""
from __future__ import annotations

import re

import pytest
from streamlit.proto.SelectWidgetFilterMode_pb2 import SelectWidgetFilterMode

from geo import codes
from indicators import views
from tests.test_pages import open_page, text
from vocab.text import fold

CONTAINS = SelectWidgetFilterMode.FILTER_MODE_CONTAINS


def shown(typed: str, options) -> list[str]:
    """The codes the browser lists for typed text, in list order (filter_mode «contains»)."""
    return [c for c, _n, label in options if typed.lower() in label.lower()]


@pytest.fixture(scope="module")
def reference() -> list[tuple[str, str, str]]:
    """(code, name, label) for the 357 municipalities of 2024, as the pickers label them."""
    m = codes.municipalities_2024()
    return [(c, r["name"], views.picker_label(c, r["name"], r["county_name"])) for c, r in m.items()]


@pytest.fixture
def store_options(app_env):
    """The sidebar picker's own options, in its order, from the demo store."""
    from ui import data
    return data.municipality_options()


# --- labels ----------------------------------------------------------------------------------

def test_labels_are_readable_and_unique_and_name_the_county_once(reference):
    assert len(reference) == 357
    labels = {c: label for c, _n, label in reference}
    assert len(set(labels.values())) == 357
    assert labels["3911"] == "Færder (Vestfold) · 3911 · faerder, farder"
    assert labels["1515"] == "Herøy (Møre og Romsdal) · 1515 · heroy"
    assert labels["1818"] == "Herøy (Nordland) · 1818 · heroy"
    assert labels["3114"] == "Våler (Østfold) · 3114 · valer"
    assert labels["0301"] == "Oslo · 0301"                        # not «Oslo (Oslo)»
    assert labels["4003"] == "Skien (Telemark) · 4003"            # no folded form: nothing to fold
    assert labels["5610"] == "Kárášjohka - Karasjok (Finnmark) · 5610 · karasjohka"
    assert labels["5612"] == "Guovdageaidnu - Kautokeino (Finnmark) · 5612"
    m = codes.municipalities_2024()
    for c, label in labels.items():
        shown_part = label.split(" · ")[0]
        assert shown_part.count("(") <= 1, label               # «Herøy (…) (…)» no more
        assert label.count(f"({m[c]['county_name']})") <= 1, label
        assert f" · {c}" in label


@pytest.mark.parametrize("typed,code", [
    ("farder", "3911"), ("faerder", "3911"), ("Færder", "3911"), ("tonsberg", "3905"),
    ("TØNSBERG", "3905"), ("barum", "3201"), ("4003", "4003"), ("0301", "0301"),
    ("Guovdageaidnu", "5612"), ("kautokeino", "5612"), ("Kárášjohka", "5610"),
    ("karasjohka", "5610"), ("Karasjok", "5610"), ("Porsángu", "5622"), ("porsangu", "5622"),
    ("Hamarøy", "1875"), ("habmer", "1875"), ("Tråante", "5001"), ("Raisi", "5544"),
    ("Porsgrunn", "4001"), ("oslo", "0301")])
def test_the_list_shows_exactly_the_municipality(reference, typed, code):
    """Each of these finds one municipality and nothing else (fuzzy matching listed Farsund for
    «farder», Herøy for «oslo» and Porsanger for «Porsgrunn»), and Enter picks it."""
    assert shown(typed, reference) == [code]
    assert views.pick(typed, reference) == code


def test_every_municipality_is_found_by_number_name_and_each_parallel_name(reference):
    """By number, by its name, and by each of its Norwegian, Sami and Kven names with and
    without diacritics (æ also typed as a): it is in the list, and its full name or number +
    Enter picks it."""
    for code, name, _label in reference:
        parts = re.sub(r"\([^)]*\)", "", name).split(" - ")
        typed = [code, name, *parts, *(fold(p) for p in parts),
                 *(fold(p.replace("æ", "a")) for p in parts)]
        for t in typed:
            assert code in shown(t, reference), (t, name)
        assert views.pick(code, reference) == code
        assert views.pick(name, reference) == code, name


# --- typed text + Enter ------------------------------------------------------------------------

def test_enter_prefers_the_exact_name_then_the_first_shown(store_options):
    opts = store_options
    nes = shown("nes", opts)
    assert nes[0] != "3228" and "3228" in nes           # Sandnes … are listed before Nes
    assert views.pick("nes", opts) == "3228"              # but «nes» is Nes
    assert views.pick("Ås", opts) == "3218" and views.pick("as", opts) == "3218"
    assert views.pick("herøy", opts) == shown("herøy", opts)[0] == "1515"
    assert views.pick("Herøy (Nordland)", opts) == "1818"
    assert views.pick("midt", opts) == shown("midt", opts)[0] == "4020"   # ambiguous: first shown
    # Text no label holds: names folded as a whole, with the county, or with parallel names.
    assert shown("heroy (nordland)", opts) == []
    assert views.pick("heroy (nordland)", opts) == "1818"
    assert views.pick("karasjohka - karasjok", opts) == "5610"
    assert views.pick("atlantis", opts) is None and views.pick("  ", opts) is None
    assert views.pick("9999", opts) is None


def test_match_name_compares_the_whole_name_first():
    choices = [("1515", "Herøy (Møre og Romsdal)"), ("1818", "Herøy (Nordland)")]
    assert views.match_name("Herøy (Nordland)", choices) == "1818"
    assert views.match_name("heroy (nordland)", choices) == "1818"
    assert views.match_name("herøy", choices) == "1515"


# --- the pickers in the app --------------------------------------------------------------------

def type_and_enter(at, key: str, typed: str):
    """What the browser sends when text is typed into a picker that accepts new options and
    Enter is pressed (the list's first entry is then «Add: text»): the text as the value."""
    box = at.selectbox(key=key)
    box.options.append(typed)         # AppTest sends an option's text; this makes it the typed one
    return box.set_value(typed).run()


@pytest.mark.parametrize("typed,code,name", [("farder", "3911", "Færder"),
                                             ("Porsgrunn", "4001", "Porsgrunn"),
                                             ("4003", "4003", "Skien"),
                                             ("kautokeino", "5612", "Guovdageaidnu - Kautokeino")])
def test_sidebar_picker_finds_and_enter_picks(app_env, typed, code, name):
    at = open_page("min-kommune")
    box = at.selectbox(key="w_kommune")
    assert box.proto.filter_mode == CONTAINS
    listed = [o for o in box.options if typed.lower() in o.lower()]
    assert len(listed) == 1 and f" · {code}" in listed[0]
    at = type_and_enter(at, "w_kommune", typed)
    assert not at.exception, [e.message for e in at.exception]
    assert at.selectbox(key="w_kommune").value == code
    assert at.title[0].value == f"Min kommune: {name}"
    assert "Fant ingen kommune" not in text(at)


def test_sidebar_picker_says_so_when_nothing_matches(app_env):
    at = type_and_enter(open_page("kart"), "w_kommune", "Atlantis")
    assert "Fant ingen kommune som heter «Atlantis». Velg i lista." in [w.value for w in at.warning]
    assert at.selectbox(key="w_kommune").value == "4003"      # the municipality shown before


def test_utvikling_enter_adds_only_the_first_match(app_env):
    """Enter in the compare list adds the first option the list shows. Streamlit's «Select N
    matches» entry (first when two or more match) is off: «Porsgrunn» + Enter added Porsanger."""
    at = open_page("utvikling")
    ms = at.multiselect(key="w_kommuner")
    assert ms.proto.filter_mode == CONTAINS
    assert ms.proto.HasField("select_all") and ms.proto.select_all == 0

    def enter(typed: str):
        listed = [o for o in at.multiselect(key="w_kommuner").options if typed.lower() in o.lower()]
        first = re.findall(r" · (\d{4})", listed[0])[0]
        at.multiselect(key="w_kommuner").select(first).run()
        assert not at.exception, [e.message for e in at.exception]
        return listed

    assert len(enter("Porsgrunn")) == 1
    assert at.multiselect(key="w_kommuner").value == ["4001"]
    assert len(enter("heroy")) == 2                       # two listed, the first added
    assert at.multiselect(key="w_kommuner").value == ["4001", "1515"]
    # The demo store has no figures for Herøy: the page names it in full, county and all.
    assert "Herøy (Møre og Romsdal): ingen tall" in text(at)
