"""Numbers as text, one convention everywhere (screen, tables, exports, messages). Norwegian
(nb, nn): decimal comma, NO-BREAK SPACE (U+00A0) as thousands separator and before '%'. English:
decimal point, comma as thousands separator, '%' right after the number. Both: a real minus sign
(U+2212), an en dash for ranges and for a number that is not there."""
from __future__ import annotations

import math

from vocab import i18n

NBSP = "\u00a0"
MINUS = "\u2212"
DASH = "\u2013"
# Plotly's layout.separators: decimal mark, then thousands separator (the same as ours).
PLOTLY_SEPARATORS = "," + NBSP


def plotly_separators() -> str:
    """layout.separators for the current language."""
    return ".," if i18n.current() == "en" else PLOTLY_SEPARATORS


def is_missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def number(x, decimals: int = 0) -> str:
    """1234.5 → '1 234,5' (NBSP; '1,234.5' in English); None/NaN → '–'."""
    if is_missing(x):
        return DASH
    x = float(x)
    s = f"{abs(x):,.{decimals}f}"            # '1,234.5'
    if i18n.current() != "en":
        s = s.replace(",", NBSP).replace(".", ",")
    if x < 0 and s.strip("0,." + NBSP):          # no '−0,0'
        s = MINUS + s
    return s


def integer(n) -> str:
    """A count in a message: 12345 → '12 345'."""
    return number(n, 0)


def percent(x, decimals: int = 1) -> str:
    """11.6689 → '11,7 %' ('11.7%' in English)."""
    if is_missing(x):
        return DASH
    return number(x, decimals) + ("%" if i18n.current() == "en" else NBSP + "%")


def signed(x, decimals: int = 0) -> str:
    """+1,2 / −0,4 / 0 (a zero change has no sign)."""
    if is_missing(x):
        return DASH
    s = number(x, decimals)
    if s.lstrip(MINUS).strip("0,." + NBSP) == "":
        return number(0, decimals)
    return s if s.startswith(MINUS) else "+" + s


def as_written(v, decimals: int | None = None) -> str:
    """A number quoted from a file in a message, as short as it was written: decimal comma, no
    trailing zeros, no thousands separator ('130,5', '-12', '1e+06'); rounded first if asked."""
    v = float(v)
    if decimals is not None:
        v = round(v, decimals)
    return f"{v:g}" if i18n.current() == "en" else f"{v:g}".replace(".", ",")
