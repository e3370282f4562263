"""What an incoming file says against the store, before it is saved.

Each stored figure with the same key is one of three things to the incoming one:
- the same product (SSB table 13563, NAV HL060 …): an earlier or later *release* of it. A newer
  release revises the figures (listed, then shown); an older one is kept as history only.
- demo data against real data: never compared (real data hides the demo, see indicators.queries).
- another product: the same figure from two sources. Equal up to rounding is fine (the one
  stored first is shown); different is a *conflict* the coordinator settles (loaders.pipeline)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pyarrow as pa
import pyarrow.compute as pc

from loaders.store import as_arrow
from vocab import periods
from vocab.i18n import _
from vocab.keys import KEY
from vocab.numbers import as_written
from vocab.status import SQL_HAS_VALUE
from vocab.status import word as status_word

_KEY = ", ".join(KEY)


def _decimals(col: str) -> str:
    """SQL: the decimals a value was published with (9: more than 3, i.e. computed)."""
    return ("CASE " + " ".join(f"WHEN abs({col} - round({col}, {d})) < 1e-9 THEN {d}" for d in range(4))
            + " ELSE 9 END")


# Pairs of an incoming row and a stored row with the same key. Only shown numbers are judged:
# a hidden one (skjermet, mangler, a part of a merged area) contradicts nothing. Counts are
# compared where both sides have them; two shares are the same figure rounded twice when they
# differ by no more than half a unit of each one's last published decimal (11,7 and 11,67; 1,8
# and 1,9 for 1,85), shares being published with at least one decimal. 11,7 and 11,79 differ.
# `relation`: 'same' (product), 'other', or 'demo' (one side demo, the other real: ignored).
_PAIRS = f"""
    WITH pairs AS (
        SELECT i.indicator, i.region_code, i.period, i.age, i.sex, i.category, i.unit,
               i.value AS iv, i.status AS ist, o.value AS ov, o.status AS ost, s.file_name,
               coalesce(s.published_at, s.loaded_at) AS released, s.source_id,
               CASE WHEN s.is_demo <> $is_demo THEN 'demo'
                    WHEN coalesce(s.product, s.format) = $product THEN 'same' ELSE 'other' END
                   AS relation,
               i.status IN {SQL_HAS_VALUE} AND o.status IN {SQL_HAS_VALUE} AS both_shown,
               abs(i.value - o.value) AS gap,
               CASE WHEN i.unit <> 'prosent' THEN 1e-6
                    ELSE 0.5 * pow(10, -greatest({_decimals('i.value')}, 1))
                         + 0.5 * pow(10, -greatest({_decimals('o.value')}, 1)) + 1e-6 END AS tol,
               coalesce(abs(i.numerator - o.numerator) > 1e-6, FALSE)
                   OR coalesce(abs(i.denominator - o.denominator) > 1e-6, FALSE) AS counts_differ
        FROM incoming i
        JOIN observations o USING (indicator, region_code, period, age, sex, category)
        JOIN sources s ON s.source_id = o.source_id),
    judged AS (
        SELECT *, CASE WHEN both_shown THEN ist <> ost OR counts_differ OR gap > tol
                       ELSE ist <> ost OR iv IS DISTINCT FROM ov END AS differs
        FROM pairs),
    -- of the same product, only the release the views show now (the newest) is compared
    newest AS (
        SELECT * FROM judged WHERE relation = 'same'
        QUALIFY row_number() OVER (PARTITION BY {_KEY} ORDER BY released DESC, source_id DESC) = 1),
    other AS (SELECT * FROM judged WHERE relation = 'other' AND both_shown)"""


@dataclass
class Comparison:
    """What an incoming file says against the store: `problems` names the first conflicts with
    other products and `total` counts them; `rounded` rows agree but for rounding (the store's
    are kept); `revised` figures a newer release changes, `revised_examples` the first ones;
    `older` figures where the store already has a newer release of the same product."""
    problems: list = field(default_factory=list)
    total: int = 0
    rounded: int = 0
    rounded_example: str = ""
    revised: int = 0
    revised_examples: list = field(default_factory=list)
    older: int = 0
    newer_release: str = ""          # the stored release that stays shown, for the message

    def __bool__(self) -> bool:      # true when there is a conflict to settle
        return self.total > 0


def compare(con, obs, *, product: str, released: datetime, is_demo: bool = False,
            limit: int = 5) -> Comparison:
    """Compare incoming observations (DataFrame or Arrow table) with the store. `product` and
    `released` say which release the incoming file is (loaders.base.Release)."""
    obs = as_arrow(obs)
    if not _may_overlap(con, obs):
        return Comparison()
    con.register("incoming", obs)
    params = {"product": product, "is_demo": is_demo}
    when = params | {"released": released}
    try:
        total, rounded = con.execute(_PAIRS + f"""
            SELECT count(DISTINCT ({_KEY})) FILTER (WHERE differs),
                   count(DISTINCT ({_KEY})) FILTER (WHERE NOT differs AND gap > 1e-6)
            FROM other""", params).fetchone()
        query = _PAIRS + """
            SELECT indicator, region_code, period, age, sex, category, iv, ist, ov, ost, file_name
            FROM other WHERE {} ORDER BY 1, 2, 3, 4, 5, 6, file_name LIMIT $limit"""
        clashing = con.execute(query.format("differs"), params | {"limit": limit}).fetchall()
        rounding = con.execute(query.format("NOT differs AND gap > 1e-6"), params | {"limit": 1}).fetchall()
        revised, older, newer = con.execute(_PAIRS + """
            SELECT count(*) FILTER (WHERE released <= $released AND differs),
                   count(*) FILTER (WHERE released > $released),
                   max(file_name || ' (' || strftime(released, '%d.%m.%Y') || ')')
                       FILTER (WHERE released > $released)
            FROM newest""", when).fetchone()
        examples = con.execute(_PAIRS + """
            SELECT n.region_code, coalesce(r.name, n.region_code), n.period, n.unit, n.ov, n.ost,
                   n.iv, n.ist
            FROM newest n LEFT JOIN regions r ON r.code = n.region_code
            WHERE n.released <= $released AND n.differs
            ORDER BY (n.category = 'alle') DESC, length(n.region_code) DESC, n.region_code, n.period
            LIMIT 3""", when).fetchall()
    finally:
        con.unregister("incoming")

    def line(r) -> str:
        return _("{indicator} {region} {period} (alder {age}, kjønn {sex}, kategori {category}): filen "
                 "har {new}, men «{file}» har allerede {old}").format(
            indicator=r[0], region=r[1], period=r[2], age=r[3], sex=r[4], category=r[5],
            new=_show(r[6], r[7]), file=r[10], old=_show(r[8], r[9]))
    return Comparison(problems=[line(r) for r in clashing], total=total, rounded=rounded,
                      rounded_example=line(rounding[0]) if rounding else "",
                      revised=revised, older=older, newer_release=newer or "",
                      revised_examples=[f"{name} {periods.text(period)}: {_show(ov, ost, unit)} → "
                                        f"{_show(iv, ist, unit)}"
                                        for _c, name, period, unit, ov, ost, iv, ist in examples])


def _may_overlap(con, obs: pa.Table) -> bool:
    """False when no stored row can share a key with `obs` (same indicator, period in range):
    then the comparison, a join over every incoming row, is skipped."""
    if obs.num_rows == 0:
        return False
    indicators = pc.unique(obs["indicator"]).to_pylist()
    periods = pc.unique(obs["period"]).to_pylist()   # (min_max has no kernel for dictionaries)
    return con.execute(
        "SELECT EXISTS (SELECT 1 FROM observations WHERE indicator IN (SELECT unnest(?)) "
        "AND period BETWEEN ? AND ?)", [indicators, min(periods), max(periods)]).fetchall()[0][0]


def _show(value, status, unit: str = "") -> str:
    if value is None:
        return status_word(status) or _("publisert")
    if unit == "prosent":
        return _("{value}\u00a0%").format(value=as_written(value, 2))
    return as_written(value, 2)
