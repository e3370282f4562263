"""Plain text and tables as Streamlit markdown (pure: cached views build their tables here)."""
from __future__ import annotations

import pandas as pd


def escape(text: str) -> str:
    """Plain text inside Streamlit markdown: no links, emphasis, LaTeX ($) or table breaks."""
    for ch in "\\`*_[]$~|<>#":
        text = text.replace(ch, "\\" + ch)
    return text


def table(df: pd.DataFrame | None) -> str:
    """The numbers as a markdown table: a real <table> that screen readers read (the data
    grid is a canvas), and no Arrow renderer to download before the first chart."""
    if df is None or df.empty:
        return "Ingen tall å vise."
    cols = [str(c) for c in df.columns]
    lines = ["| " + " | ".join(escape(c) for c in cols) + " |",
             "|" + "|".join([":---"] + ["---:"] * (len(cols) - 1)) + "|"]
    for row in df.itertuples(index=False):
        lines.append("| " + " | ".join(escape(str(x)) for x in row) + " |")
    return "\n".join(lines)
