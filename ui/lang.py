"""The page language. Streamlit's index.html hard-codes <html lang="en">, so screen readers read
the Norwegian text with English pronunciation (WCAG 3.1.1). A script-only st.html element sets
lang="nb" in the browser; it renders nothing (height 0) and needs no request. Call it once per
run (parts.sidebar does; it is idempotent). tests/test_browser_pages.py checks the result."""
import streamlit as st

LANG = "nb"


def set_document_language() -> None:
    st.html(f"<script>document.documentElement.lang = '{LANG}';</script>",
            unsafe_allow_javascript=True)
