"""Plain text and tables as Streamlit markdown (pure: cached views build their tables here)."""
from __future__ import annotations

import re

import pandas as pd

from vocab.i18n import _

# What GitHub-flavoured markdown (Streamlit's renderer) turns into a link without any brackets:
# «www.», «http://» (and other schemes) and e-mail addresses. A word joiner (U+2060, invisible,
# no width) between the parts keeps the text as it looks and stops the link.
_AUTOLINK = re.compile(r"(?i)www(?=\.)|(?:https?|ftp|mailto|xmpp)(?=:)|[\w.+-](?=@)")
_JOIN = "\u2060"
# Streamlit's directives and shortcodes start with «:» and a letter (:red[…], :material/…:,
# :smile:): an escaped colon is a colon.
_DIRECTIVE = re.compile(r":(?=[A-Za-z])")


def escape(text: str) -> str:
    """Plain text inside Streamlit markdown: no links (also bare web and e-mail addresses),
    images, HTML, emphasis, LaTeX ($), colours or icons, or table breaks."""
    for ch in "\\`*_[]$~|<>#":
        text = text.replace(ch, "\\" + ch)
    text = _AUTOLINK.sub(lambda m: m.group(0) + _JOIN, text)
    return _DIRECTIVE.sub(r"\\:", text)


def table(df: pd.DataFrame | None) -> str:
    """The numbers as a markdown table: a real <table> that screen readers read (the data
    grid is a canvas), and no Arrow renderer to download before the first chart."""
    if df is None or df.empty:
        return _("Ingen tall å vise.")
    cols = [str(c) for c in df.columns]
    lines = ["| " + " | ".join(escape(c) for c in cols) + " |",
             "|" + "|".join([":---"] + ["---:"] * (len(cols) - 1)) + "|"]
    for row in df.itertuples(index=False):
        lines.append("| " + " | ".join(escape(str(x)) for x in row) + " |")
    return "\n".join(lines)
