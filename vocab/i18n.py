"""The language of what is written: bokmål (nb, the source language of every message), nynorsk
(nn) and English (en).

Messages are written in bokmål in the code, marked with `_()` (or `ngettext` where a number
decides the form, `N_` for a constant translated where it is used) so that Babel extracts them
(`make catalogs`). A translator edits locale/<lang>/LC_MESSAGES/innenfor.po with any gettext
tool; those catalogs are read as they are (no compiled .mo to keep in step).
tests/test_i18n.py fails when a message lacks its nynorsk or English form.

The current language is per thread of work (a ContextVar): each Streamlit run sets it from the
view (ui/lang.py), an export or a CLI may set it with `use()`; bokmål when nobody did."""
from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

LANGS = ("nb", "nn", "en")
DEFAULT = "nb"
# The language's own name, for the picker (each in its own language).
NAMES = {"nb": "Bokmål", "nn": "Nynorsk", "en": "English"}
# BCP 47 tags for <html lang> and Accept-Language.
TAGS = {"nb": "nb", "nn": "nn", "en": "en"}
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "innenfor"

_current: ContextVar[str] = ContextVar("innenfor_lang", default=DEFAULT)


def current() -> str:
    return _current.get()


def set_language(lang: str | None) -> str:
    """Make `lang` (nb/nn/en; anything else → bokmål) the language of this thread of work."""
    lang = lang if lang in LANGS else DEFAULT
    _current.set(lang)
    return lang


@contextlib.contextmanager
def use(lang: str | None) -> Iterator[str]:
    """`with use("nn"): …` writes in nynorsk inside the block, then as before."""
    token = _current.set(lang if lang in LANGS else DEFAULT)
    try:
        yield _current.get()
    finally:
        _current.reset(token)


@lru_cache(maxsize=len(LANGS))
def _catalog(lang: str) -> dict[str, object]:
    """msgid → msgstr (or a tuple of plural forms) for `lang`; fuzzy and empty ones left out,
    so they fall back to bokmål (and the completeness test names them)."""
    path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.exists():
        return {}
    from babel.messages.pofile import read_po  # only when a catalog is read

    with open(path, "rb") as f:
        cat = read_po(f, locale=lang)
    out: dict[str, object] = {}
    for m in cat:
        if not m.id or m.fuzzy:
            continue
        key = m.id[0] if isinstance(m.id, (list, tuple)) else m.id
        if m.context:                       # pgettext: the same words meaning something else
            key = f"{m.context}\x04{key}"
        if isinstance(m.string, (list, tuple)):
            if all(m.string):
                out[key] = tuple(m.string)
        elif m.string:
            out[key] = m.string
    return out


def gettext(message: str) -> str:
    """The current language's form of a bokmål message (the message itself in bokmål)."""
    lang = _current.get()
    if lang == DEFAULT:
        return message
    found = _catalog(lang).get(message)
    return found if isinstance(found, str) else message


_ = gettext


def ngettext(singular: str, plural: str, n: int) -> str:
    """One or many: ngettext("{n} rad", "{n} rader", n).format(n=…). nb, nn and en all have
    two forms (one; other)."""
    lang = _current.get()
    forms = _catalog(lang).get(singular) if lang != DEFAULT else None
    if isinstance(forms, tuple) and len(forms) >= 2:
        return forms[0] if n == 1 else forms[1]
    return singular if n == 1 else plural


def pgettext(context: str, message: str) -> str:
    """The same bokmål words where they need another translation: pgettext("ark", "Mål") is an
    Excel sheet of targets («Targets»), _("Mål") a column of one target each («Target»)."""
    lang = _current.get()
    if lang == DEFAULT:
        return message
    found = _catalog(lang).get(f"{context}\x04{message}")
    return found if isinstance(found, str) else message


def NP_(context: str, message: str) -> str:
    """N_ with a context (see pgettext): translate it with pgettext(context, constant)."""
    return message


def N_(message: str) -> str:
    """Marks a constant for translation without translating it now: translate it with `_()`
    where it is used, in the language of that moment."""
    return message


def pick(forms: dict[str, str] | str | None) -> str:
    """The current language's text from {"nb": …, "nn": …, "en": …} (data files such as
    definitions.toml); bokmål when the form is missing; a plain string as it is."""
    if forms is None:
        return ""
    if isinstance(forms, str):
        return forms
    return forms.get(_current.get()) or forms.get(DEFAULT) or ""


_Q = re.compile(r"([a-zA-Z*-]+)(?:;q=([0-9.]+))?")


def from_accept_language(header: str | None) -> str | None:
    """The first of nb/nn/en an Accept-Language header asks for, by weight: 'nn-NO,nn;q=0.9,
    en;q=0.5' → 'nn'. Norwegian without a written form ('no', 'nb-NO') counts as bokmål.
    None when it names none of them."""
    best: tuple[float, int, str] | None = None
    for i, part in enumerate((header or "").replace(" ", "").split(",")):
        m = _Q.fullmatch(part)
        if not m:
            continue
        tag = m.group(1).lower().split("-")[0]
        lang = {"no": "nb", "nb": "nb", "nn": "nn", "en": "en"}.get(tag)
        if lang is None:
            continue
        try:
            q = float(m.group(2)) if m.group(2) else 1.0
        except ValueError:
            continue
        if q <= 0:
            continue
        cand = (-q, i, lang)
        if best is None or cand < best:
            best = cand
    return best[2] if best else None
