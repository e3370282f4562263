"""The optional cost of being outside work and education, per person and year.

There is no built-in figure: published estimates differ about ten-fold, so a coordinator sets one
with its source (loaders.plans, the cost template or the Data page form), and it is shown only
with that assumption and source beside it. The newest setting is in force; undo removes it like a
file, and the one before is in force again."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from indicators import format as fmt
from vocab.i18n import _
from vocab.numbers import is_missing


@dataclass
class Cost:
    kr_per_year: float
    source: str
    set_by: str | None
    set_at: dt.date | dt.datetime | None

    def assumption(self) -> str:
        """«anslag: 1 000 000 kr per person per år; kilde: …»"""
        return _("anslag: {amount} kr per person per år; kilde: {source}").format(
            amount=fmt.number(self.kr_per_year), source=self.source)


def current(con) -> Cost | None:
    """The cost in force (the newest one set), or None when none is set."""
    try:
        row = con.execute("""
            SELECT c.kr_per_year, c.source_text, coalesce(c.decided_by, s.loaded_by),
                   coalesce(CAST(c.decided_on AS TIMESTAMP), s.loaded_at)
            FROM costs c JOIN sources s USING (source_id)
            ORDER BY c.source_id DESC LIMIT 1""").fetchone()
    except duckdb.CatalogException:     # a store written before the costs table: nothing is set
        return None
    if row is None:
        return None
    at = row[3]
    if at is not None and not pd.isna(at):
        at = pd.Timestamp(at).to_pydatetime()
    else:
        at = None
    return Cost(float(row[0]), str(row[1]), row[2] or None, at)


def millions(count: float, cost: Cost) -> str:
    """The yearly sum in millions, to a sensible precision: «12,3» or «1 234»."""
    m = count * cost.kr_per_year / 1e6
    return fmt.number(m, 1 if m < 100 else 0)


def sentence(count: int | None, cost: Cost | None) -> str | None:
    """«2 310 unge utenfor ≈ 2 310,0 mill. kr per år (anslag: 1 000 000 kr per person per år;
    kilde: …)», or None when the count or the cost is missing."""
    if cost is None or count is None or is_missing(count):
        return None
    n = int(round(float(count)))
    return _("{n} unge utenfor ≈ {millions} mill. kr per år ({assumption})").format(
        n=fmt.number(n), millions=millions(n, cost), assumption=cost.assumption())
