"""Kart, Utvikling, Sammenlign and Min kommune with their parts (sidebar, map, tables under the
charts, notices, the link popover) in nynorsk and English, and bokmål as before (issue 15).
The language comes from the URL (?lang=), as a permalink gives it.

AppTest formats a widget's options in the test's own thread as well (to compare values), so
the checks run inside `i18n.use(lang)` there too; the app sets its language in its own thread."""
from __future__ import annotations

import re

import pytest

from indicators import views
from tests.test_pages import open_page, tables, the_map
from ui import data, mapview, markdown, state
from vocab import i18n, indicators

NB = "\u00a0"
# Bokmål forms that nynorsk writes otherwise (ikkje, tal, frå, vel, samanlikn, heile …).
BOKMAL_ONLY = re.compile(r"\b(ikke|hvis|hvor|hva|hvem|noen|noe|mye|bare|ble|fikk|fra|uten|høyere|"
                         r"lavere|flere|tall|tallene|velg|sammenlign|utenfor|hele|foreløpig|"
                         r"endelig|kilde|ennå|kommunene|fylkene)\b", re.IGNORECASE)


def popovers(at) -> list[str]:
    """The labels of the page's popovers («Last ned», the link to the view)."""
    out = []

    def walk(node):
        proto = getattr(node, "proto", None)
        if getattr(node, "type", None) == "popover" and proto is not None:
            out.append(proto.popover.label)
        for child in getattr(node, "children", {}).values():
            walk(child)
    walk(at._tree)
    return out


def page(name: str, lang: str, **params):
    with i18n.use(lang):
        return open_page(name, lang=lang, **params)


def test_kart_in_nynorsk(app_env):
    with i18n.use("nn"):
        at = open_page("kart", lang="nn")
        counties = at.selectbox(key="w_fylke").options
        sidebar = {s.key: (s.label, s.proto.placeholder) for s in at.selectbox}
    md = [m.value for m in at.markdown]
    assert ("Klikk på ein kommune for å opne kommunen i **Min kommune**. Byt år med "
            "periodeveljaren i sidemenyen; fargeklassane er dei same for alle år.") in md
    (demo,) = [w.value for w in at.warning]
    assert demo.startswith("**Demodata.** Tala her er oppdikta for utprøving og er ikkje ekte")
    assert not BOKMAL_ONLY.search(demo)
    assert counties[0] == "Vestfold og Telemark (begge fylka)" and counties[-1] == "Heile landet"
    assert sidebar["w_kommune"] == ("Kommune", "Skriv eit kommunenamn")
    assert sidebar["w_indikator"] == ("Indikator", "Vel")
    m = the_map(at)
    assert m["alt"].endswith("Tala står i tabellen under kartet.")
    assert m["text"]["enter"] == "Enter opnar Min kommune."
    assert m["text"]["help"].startswith("Peik på ein kommune for å sjå tala")
    for words in [m["alt"], *m["text"].values()]:
        assert not BOKMAL_ONLY.search(words), words
    assert "Lenkje til denne visinga" in popovers(at)
    assert any(x.startswith("Kopier lenkja med knappen til høgre i feltet.") for x in md)


def test_utvikling_in_english_with_english_numbers(app_env):
    with i18n.use("en"):
        at = open_page("utvikling", lang="en")
        pills = at.pills(key="w_ref")
        compare = at.multiselect(key="w_kommuner")
        labels = (pills.label, pills.options, compare.label, compare.proto.placeholder)
        kommune = at.selectbox(key="w_kommune")
        kommune_words = (kommune.label, kommune.proto.placeholder, kommune.help)
    assert at.title[0].value.startswith("Trends: ")
    assert labels == ("Reference lines", ["County", "Regional group", "Norway"],
                      "Compare Skien with", "Add municipalities")
    assert kommune_words[:2] == ("Municipality", "Type a municipality name")
    assert kommune_words[2].startswith("Type the name and choose from the list.")
    assert at.expander and all(e.label == "Show table" for e in at.expander)
    assert "Link to this view" in popovers(at)
    (demo,) = [w.value for w in at.warning]
    assert demo.startswith("**Demo data.** The figures here are made up for testing")
    # The table under the chart: shares as 11.7% (decimal point, no space before %).
    t = "\n".join(tables(at))
    assert re.search(r"\d\.\d%", t) and NB + "%" not in t and not re.search(r"\d,\d", t)


def test_utvikling_reference_words_and_moving_average_in_nynorsk(app_env):
    with i18n.use("nn"):
        at = open_page("utvikling", lang="nn", indikator="arbeidssokere_andel")
        toggle = at.toggle(key="w_snitt")
        pills = at.pills(key="w_ref")
        found = (toggle.label, toggle.help, pills.label, pills.options)
    assert found == ("Glidande snitt, 12 mnd.",
                     "Kvart punkt viser gjennomsnittet av dei siste 12 månadene.",
                     "Referanselinjer", ["Fylket", "Regiongruppa", "Heile landet"])
    assert at.multiselect(key="w_kommuner").label == "Samanlikn Skien med"


def test_sammenlign_in_english(app_env):
    at = page("sammenlign", "en")
    heads = [s.value for s in at.subheader]
    assert at.title[0].value.startswith("Compare: ")
    assert heads[0].startswith("Regional groups, counties and Norway ")
    assert heads[1].startswith("Municipalities in Vestfold og Telemark ")
    assert heads[2] == "The four regional groups over time"


def test_min_kommune_in_nynorsk(app_env):
    at = page("min-kommune", "nn")
    md = [m.value for m in at.markdown]
    assert at.title[0].value == "Min kommune: Skien"
    (where,) = [x for x in md if x.endswith("Vel kommune i sidemenyen.")]
    assert "regiongruppe " in where
    legend = next(x for x in md if x.startswith(":small[▲"))
    assert "▲ høgare og ▼ lågare tyder ein sikker skilnad" in legend
    assert not BOKMAL_ONLY.search(legend)
    demo = [w.value for w in at.warning]
    assert demo and demo[0].startswith("**Demodata.** Tala for ")
    assert "er oppdikta for utprøving og er ikkje ekte statistikk" in demo[0]


def test_period_notice_and_unknown_name_in_english(app_env):
    with i18n.use("en"):
        at = open_page("kart", lang="en", periode="1990")
        info = [i.value for i in at.info]
        assert any(x.startswith("No data for ") and
                   x.endswith("Showing 2024, the most recent period with figures.") for x in info)
        at.session_state["_kommune_miss"] = "Atlantis"      # a typed name that matched nothing
        at.run()
        warnings = [w.value for w in at.warning]
    assert "Found no municipality called “Atlantis”. Choose from the list." in warnings


def test_bokmal_is_unchanged(app_env):
    at = page("kart", "nb")
    md = [m.value for m in at.markdown]
    assert ("Klikk på en kommune for å åpne den i **Min kommune**. Bytt år med "
            "periodevelgeren i sidemenyen; fargeklassene er de samme for alle år.") in md
    assert at.selectbox(key="w_fylke").options[-1] == "Hele landet"
    assert all(e.label == "Vis tabell" for e in at.expander)
    assert "Lenke til denne visningen" in popovers(at)
    m = the_map(at)
    assert m["text"] == {"enter": "Enter åpner Min kommune.", "demo": "DEMODATA",
                         "help": "Pek på en kommune for tallene, klikk for å åpne den i Min "
                                 "kommune. Med tastatur: Tab til kartet, piltastene mellom "
                                 "kommunene, Enter åpner."}


def test_cached_words_are_kept_per_language(app_env):
    """The county picker's names and the map (its table, legend, titles) are cached across
    sessions: one language's never reaches another."""
    ind = indicators.get("neet")
    got = {}
    for lang in ("nb", "nn", "en", "nb"):
        with i18n.use(lang):
            period = data.periods(ind.id, ind.default_age)[-1]
            mv = data.map_view(ind.id, period, ind.default_age, "alle", views.VT,
                               "Vestfold og Telemark", None)
            got.setdefault(lang, []).append((dict(state.county_choices()), mv.table))
    assert got["nb"][0] == got["nb"][1]                       # still bokmål after nn and en
    names = {lang: got[lang][0][0] for lang in ("nb", "nn", "en")}
    assert [names[x][views.NORWAY] for x in ("nb", "nn", "en")] == \
        ["Hele landet", "Heile landet", "Norway"]
    assert names["en"][views.VT] == "Vestfold og Telemark (both counties)"
    nb_table, en_table = got["nb"][0][1], got["en"][0][1]
    assert NB + "%" in nb_table and re.search(r"\d,\d", nb_table)
    assert NB + "%" not in en_table and re.search(r"\d\.\d%", en_table)


def test_short_names_follow_the_language(app_env):
    """«Hele landet» as the chosen area (titles, downloads) is words, not a name; inside a
    sentence it is written as one («Kommunene i hele landet»)."""
    for lang, expected in (("nb", "Kommunene i hele landet"), ("nn", "Kommunane i heile landet"),
                           ("en", "Municipalities in Norway")):
        at = page("sammenlign", lang, fylke=views.NORWAY)
        heads = [s.value for s in at.subheader]
        assert any(h.startswith(expected) for h in heads), (lang, heads)


def test_store_and_table_messages(monkeypatch, tmp_path):
    monkeypatch.setenv("INNENFOR_DB", str(tmp_path / "finnes-ikke.duckdb"))
    for lang, start in (("nb", "Fant ikke datalageret"), ("nn", "Fann ikkje datalageret"),
                        ("en", "Could not find the data store")):
        with i18n.use(lang), pytest.raises(data.StoreUnavailable, match=f"^{start} "):
            data._key()
    with i18n.use("nn"):
        assert markdown.table(None) == "Ingen tal å vise."
        assert mapview.words()["help"].startswith("Peik på ein kommune")
    with i18n.use("en"):
        assert markdown.table(None) == "No figures to show."
        assert mapview.words()["demo"] == "DEMO DATA"
    assert markdown.table(None) == "Ingen tall å vise."
