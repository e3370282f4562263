"""The catalogs are complete and honest: every message in the code (extracted as `make
catalogs` does) has its nynorsk and English form, with the same placeholders; nynorsk is not
bokmål; and the language machinery (choice, numbers, periods) works. This is the CI check the
translators rely on: a message added without its translations fails here."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract, extract_from_dir
from babel.messages.pofile import read_po

from vocab import i18n, numbers, periods

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["app_pages", "ui", "indicators", "exports", "loaders", "geo", "vocab", "data"]
KEYWORDS = {"_": None, "gettext": None, "N_": None, "ngettext": (1, 2),
            "pgettext": ((1, "c"), 2), "NP_": ((1, "c"), 2)}
PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(?:![rs])?(?::[^{}]*)?\}|%\{[^}]*\}|\$[0-9]")
# Words that are bokmål and not nynorsk: one of these in a nynorsk text means it was not
# translated (or only half). Whole words, any case.
BOKMAAL_ONLY = ["ikke", "hvis", "hvor", "hva", "hvem", "hvordan", "noen", "noe", "mye", "bare",
                "ble", "fikk", "uten", "høyere", "lavere", "flere", "skole", "skoleåret",
                "tall", "tallene", "velg", "sammenlign", "utenfor", "hele", "foreløpig",
                "foreløpige", "endelig", "kilde", "kilden", "hentet", "lagret", "disse", "jeg",
                "gjelder", "finnes"]


def _messages() -> dict[str, tuple[str, ...]]:
    """msgid → (msgid, plural) for every message marked in the code."""
    out: dict[str, tuple[str, ...]] = {}
    found = []
    with open(ROOT / "app.py", "rb") as f:
        found += [(msg, ctx) for _lineno, msg, _c, ctx in extract("python", f, keywords=KEYWORDS)]
    for d in SOURCES:
        found += [(msg, ctx) for _fn, _lineno, msg, _c, ctx in extract_from_dir(
            ROOT / d, method_map=[("**.py", "python")], keywords=KEYWORDS)]
    for msg, ctx in found:
        m = msg if isinstance(msg, tuple) else (msg,)
        if m[0]:
            out[_key(m[0], ctx)] = m
    return out


def _key(msgid: str, context: str | None) -> str:
    return f"{context}\x04{msgid}" if context else msgid


MESSAGES = _messages()


def _catalog(lang: str) -> dict[str, object]:
    path = ROOT / "locale" / lang / "LC_MESSAGES" / "innenfor.po"
    with open(path, "rb") as f:
        cat = read_po(f, locale=lang)
    return {_key(m.id[0] if isinstance(m.id, tuple) else m.id, m.context): m for m in cat if m.id}


def _placeholders(s: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(s))


def test_the_code_has_messages_to_translate():
    # Without this the checks below would pass on an empty extraction.
    assert len(MESSAGES) > 500
    assert "Vis tabell" in MESSAGES


@pytest.mark.parametrize("lang", ["nn", "en"])
def test_every_message_has_its_translation_with_the_same_placeholders(lang):
    cat = _catalog(lang)
    missing, broken = [], []
    for msgid, forms in MESSAGES.items():
        m = cat.get(msgid)
        msgid = forms[0]
        strings = (m.string if isinstance(m.string, (list, tuple)) else (m.string,)) if m else ()
        if m is None or m.fuzzy or not strings or not all(strings):
            missing.append(msgid)
            continue
        # A plural form may leave out the number ("one row"): it must match one of the forms.
        allowed = [_placeholders(f) for f in forms]
        broken += [(msgid, s) for s in strings if _placeholders(s) not in allowed]
    assert not missing, f"{len(missing)} meldinger mangler {lang}-oversettelse " \
                        f"(kjør make catalogs og oversett): {missing[:15]}"
    assert not broken, f"plassholderne stemmer ikke ({lang}): {broken[:10]}"


def test_nynorsk_is_not_bokmaal():
    cat = _catalog("nn")
    words = re.compile(r"(?<![\w{])(" + "|".join(map(re.escape, BOKMAAL_ONLY)) + r")(?![\w}])",
                       re.IGNORECASE)
    found = []
    for msgid in MESSAGES:
        m = cat.get(msgid)
        if m is None:
            continue
        for s in (m.string if isinstance(m.string, (list, tuple)) else (m.string,)):
            # Placeholders, quoted file words (SSB's «I alt», a column name) and `code` values
            # are not prose.
            prose = re.sub(r"\{[^}]*\}|«[^»]*»|%\{[^}]*\}|`[^`]*`", "", s or "")
            hit = words.search(prose)
            if hit:
                found.append((hit.group(0), s))
    assert not found, f"bokmålsord i nynorsk: {found[:15]}"


def test_the_catalogs_have_no_message_the_code_no_longer_has():
    """Obsolete entries would mislead a translator (make catalogs drops them)."""
    for lang in ("nn", "en"):
        stale = set(_catalog(lang)) - set(MESSAGES)
        assert not stale, f"{lang}: {sorted(stale)[:10]}"


def test_gettext_follows_the_current_language_and_falls_back_to_bokmaal():
    assert i18n.gettext("Vis tabell") == "Vis tabell"
    with i18n.use("en"):
        assert i18n.gettext("Vis tabell") != "Vis tabell"
        assert i18n.gettext("ingen slik melding finnes") == "ingen slik melding finnes"
    with i18n.use("xx"):                       # unknown: bokmål
        assert i18n.current() == "nb"
    assert i18n.current() == "nb"


@pytest.mark.parametrize("header, lang", [
    ("nn-NO,nn;q=0.9,nb;q=0.8,en;q=0.5", "nn"),
    ("nb-NO,no;q=0.9,en;q=0.8", "nb"),
    ("no", "nb"),
    ("en-GB,en;q=0.9", "en"),
    ("de-DE,en;q=0.3,nn;q=0.7", "nn"),         # by weight, not by order
    ("de-DE,fr;q=0.9", None),
    ("", None),
    (None, None),
    ("nn;q=0,en;q=0.2", "en"),                 # q=0 means «not this one»
    ("garbage;;;,,", None),
])
def test_the_browser_language_chooses_one_of_the_three(header, lang):
    assert i18n.from_accept_language(header) == lang


def test_numbers_and_periods_in_english_use_english_conventions():
    assert numbers.number(1234.5, 1) == "1\u00a0234,5"
    assert numbers.percent(11.66) == "11,7\u00a0%"
    with i18n.use("en"):
        assert numbers.number(1234.5, 1) == "1,234.5"
        assert numbers.percent(11.66) == "11.7%"
        assert numbers.signed(-0.04, 1) == "0.0"
        assert numbers.plotly_separators() == ".,"
        assert periods.text("2021-05") == "May 2021"
        assert periods.phrase("2020-2021") == "in the school year 2020–2021"
    with i18n.use("nn"):
        assert numbers.number(1234.5, 1) == "1\u00a0234,5"
        assert periods.phrase("2020-2021") == "i skuleåret 2020–2021"


def test_notes_written_in_bokmaal_are_shown_in_the_current_language():
    """The queries write their notes in SQL (bokmål); exports show them translated."""
    from indicators import format as fmt
    note = "summert over 2 fylker (kildens eget tall er ufullstendig)"
    assert fmt.note_text(note) == note
    with i18n.use("en"):
        assert fmt.note_text(note) == "sum of 2 counties (the source's own figure is incomplete)"
        assert fmt.note_text("mangler tall for 3 av 17 kommuner") == \
            "no figures for 3 of 17 municipalities"
        assert fmt.note_text("skjermet fordi minst én kommune er skjermet") == \
            "suppressed because at least one municipality is suppressed"
        assert fmt.note_text("en merknad fra fila") == "en merknad fra fila"   # as written
        assert fmt.note_text(None) == "" and fmt.note_text(float("nan")) == ""
    with i18n.use("nn"):
        assert fmt.note_text("summert over 11 fylker") == "summert over 11 fylke"
