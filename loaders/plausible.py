"""Plausibility before storage: how many decimals a share was written with (and so how far it
may be from its counts by rounding), whether a column of shares under a percent header holds
fractions (0,032 for 3,2 %), and warnings for values far outside what an indicator can be.

The ranges are data, beside each indicator in vocab/definitions.toml (`plausible`), read
through vocab.indicators. Format modules decide what their own columns hold (they know the
header); validate.py refuses a share that disagrees with its own count and denominator."""
from __future__ import annotations

import numpy as np
import pandas as pd

from loaders.frames import factorize
from vocab import indicators
from vocab.i18n import _, ngettext
from vocab.numbers import as_written, number
from vocab.text import lower_first, where

SHOWN = 5   # rows named in a warning


def decimals(values) -> np.ndarray:
    """The number of decimals each value is written with (3,2 → 1; 0,032 → 3), at most 10."""
    v = np.abs(np.asarray(values, dtype="float64"))
    out = np.full(v.shape, 10, dtype=np.int8)
    left = np.isfinite(v)
    for d in range(10):
        if not left.any():
            break
        scaled = v * 10.0 ** d
        done = left & (np.abs(scaled - np.round(scaled)) <= 1e-6 * np.maximum(1.0, scaled))
        out[done] = d
        left &= ~done
    return out


def rounding_tolerance(values) -> np.ndarray:
    """How far a published share may be from the exact one by rounding alone: half a unit of
    its last decimal (11,3 may stand for 11,25–11,35)."""
    v = np.asarray(values, dtype="float64")
    return 0.5 * 10.0 ** (-decimals(v).astype("float64")) + 1e-9 * np.maximum(1.0, np.abs(v))


def agrees(share, exact) -> np.ndarray:
    """Whether published shares equal the exact ones (100 × count / denominator) but for rounding."""
    share, exact = np.asarray(share, dtype="float64"), np.asarray(exact, dtype="float64")
    return np.abs(share - exact) <= rounding_tolerance(share)


def share_reading(values, indicator: str) -> str:
    """'percent', 'fraction' or 'unclear' for a column of shares under a percent header.
    A column with a share above 1 is percent. When every share is 1 or less, the middle value
    decides: a fraction when only ×100 is plausible for the indicator (0,032 → 3,2 %), percent
    when only the value itself is (0,8 %), unclear when both or neither are."""
    v = np.asarray(values, dtype="float64")
    v = v[np.isfinite(v) & (v > 0)]
    if not v.size or v.max() > 1:
        return "percent"
    low, high = indicators.get(indicator).plausible
    middle = float(np.median(v))
    as_is, scaled = low <= middle <= high, low <= middle * 100 <= high
    if scaled and not as_is:
        return "fraction"
    if as_is and not scaled:
        return "percent"
    return "unclear"


def _range_text(low: float, high: float, unit: str) -> str:
    def show(x: float) -> str:
        return number(x, 0) if float(x).is_integer() else number(x, 2).rstrip("0")
    if unit == "prosent":
        return _("{low}–{high} %").format(low=show(low), high=show(high))
    return _("{low}–{high} personer").format(low=show(low), high=show(high))


def warnings(df: pd.DataFrame) -> list[str]:
    """One warning per indicator with values outside its plausible range, naming the first
    rows. The figures are still stored: an odd value may be true (a small place, a crisis)."""
    out: list[str] = []
    if df.empty:
        return out
    known = indicators.all_indicators()
    value = df["value"].to_numpy(dtype="float64")
    idx, ids = factorize(df["indicator"])
    for k, ind_id in enumerate(ids):
        ind = known.get(ind_id)
        if ind is None:
            continue
        low, high = ind.plausible
        with np.errstate(invalid="ignore"):
            bad = (idx == k) & ((value > high) | ((value > 0) & (value < low)))
        if not bad.any():
            continue
        shown = []
        for r in df[bad].head(SHOWN).to_dict("records"):
            at = lower_first(where(r["sheet"], r["row"])) if r["row"] else _("ukjent rad")
            written = as_written(r["value"])
            if ind.unit == "prosent":
                written = _("{value} %").format(value=written)
            shown.append(f"{at} ({r['region_name'] or r['region']} {r['period']}: {written})")
        n = int(bad.sum())
        if n > SHOWN:
            text = _("{n} tall for {indicator} ligger langt utenfor det indikatoren kan være ({range}): "
                     "{rows} og {more} til. Tallene er lagret; sjekk at kolonnen og enheten er lest "
                     "riktig.")
        else:
            text = ngettext(   # (bokmål and nynorsk say «tall»/«tal» for one and for many)
                "{n} tall for {indicator} ligger langt utenfor det indikatoren kan være ({range}): "
                "{rows}. Tallene er lagret; sjekk at kolonnen og enheten er lest riktig.",
                "{n} tall for {indicator} ligger langt utenfor det indikatoren kan være ({range}): "
                "{rows}. Tallene er lagret; sjekk at kolonnen og enheten er lest riktig.", n)
        out.append(text.format(n=n, indicator=lower_first(ind.short),
                               range=_range_text(low, high, ind.unit), rows="; ".join(shown),
                               more=n - SHOWN))
    return out
