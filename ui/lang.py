"""The page language: chosen once per run before anything is written.

Where it comes from, first found wins: ?lang= in the URL (permalinks carry it), the session's
choice (the picker), and on a session's first run the browser's Accept-Language when it names
nb, nn or en; bokmål otherwise. Streamlit's index.html hard-codes <html lang="en">, so a
script-only st.html element sets the right lang in the browser (WCAG 3.1.1) and puts Streamlit's
own English words into the chosen language (ui/streamlit_words.py)."""
from __future__ import annotations

import json

import streamlit as st

from ui import state, streamlit_words
from vocab import i18n
from vocab.i18n import _

KEY = "lang"


def choose() -> str:
    """Set this run's language (vocab.i18n) and return it."""
    v = state.raw()
    lang = v.get(KEY)
    if lang not in i18n.LANGS:
        header = None
        try:
            header = st.context.headers.get("Accept-Language")
        except Exception:  # noqa: BLE001 - no request headers in every test harness
            header = None
        lang = i18n.from_accept_language(header) or i18n.DEFAULT
        state.put(KEY, lang)
    return i18n.set_language(lang)


def _picked(key: str) -> None:
    # A click on the chosen language unselects it (None): the language stays as it was.
    if st.session_state.get(key) in i18n.LANGS:
        state.put(KEY, st.session_state.get(key))


def picker(label_visible: bool = True, key: str = "w_lang") -> None:
    """The language picker (the sidebar's; Presentasjon has its own `key` among its controls):
    each language in its own name."""
    st.session_state[key] = i18n.current()
    st.segmented_control(
        _("Språk"), list(i18n.LANGS), key=key, format_func=i18n.NAMES.__getitem__,
        on_change=_picked, args=(key,), selection_mode="single",
        label_visibility="visible" if label_visible else "collapsed")


def set_document_language() -> None:
    """<html lang> and Streamlit's own words in the run's language (idempotent, renders
    nothing)."""
    data = json.dumps(streamlit_words.script_data(), ensure_ascii=False).replace("</", "<\\/")
    st.html(f"<script>{streamlit_words.SCRIPT % data}</script>", unsafe_allow_javascript=True)
