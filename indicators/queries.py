"""Every read the views make. Pages call these; they never hold SQL.

Aggregates (county, regional group, Norway) use the figure the source published when there is
one; otherwise they sum members' numerators and denominators: over the municipalities, or, when
that sum is hidden, over published counties that make up the area (Norway, from today's counties
or those of 2020–2023; 38 Vestfold og Telemark from 39 and 40; geo.regions.county_partitions).
A sum's status follows vocab.status.PRECEDENCE: with a suppressed member it is suppressed, with a
missing one missing, never summed as if known."""
from __future__ import annotations

import pandas as pd

from geo import regions as georegions
from loaders import store
from vocab import indicators
from vocab.keys import SERIES as SERIES_COLUMNS
from vocab.status import SQL_HAS_VALUE as KNOWN
from vocab.status import VALUE_STATUSES, sql_combined

# A sum's status from its parts' (vocab.status.PRECEDENCE), for the flags each sum computes.
_PART_FLAGS = {s: f"any_{s}" for s in ("suppressed", "missing", "break", "provisional")}

# One row per key even when several files provide it.
_BASE = f"""
    SELECT indicator, region_code, period, year, age, sex, category, value, numerator, denominator,
           status, note, computed
    FROM observations
    WHERE indicator = $indicator AND age = $age AND sex = $sex
    -- several files may give the same key (they agree); a shown number wins over a hidden one
    QUALIFY row_number() OVER (PARTITION BY indicator, region_code, period, age, sex, category
                               ORDER BY (status IN {KNOWN}) DESC, source_id) = 1
"""


def _with_category_total(kind: str, n_parts: int) -> str:
    """Observations for the requested category; 'alle' is summed from the parts when the
    source did not publish a total."""
    # Parts of one total share its denominator (e.g. the labour force), so shares add up.
    share_value = ("CASE WHEN bool_and(numerator IS NOT NULL) AND min(denominator) = max(denominator) "
                   "THEN 100 * sum(numerator) / max(denominator) END") if kind == "share" else "sum(value)"
    flags = {s: f"bool_or(status = '{s}')" for s in _PART_FLAGS} | {"absent": f"count(*) < {n_parts}"}
    return f"""
    base AS ({_BASE}),
    summed AS (
        SELECT region_code, period, any_value(year) AS year, 'alle' AS category,
               {share_value} AS value, sum(numerator) AS numerator,
               CASE WHEN bool_and(denominator IS NOT NULL) THEN max(denominator) END AS denominator,
               {sql_combined(flags)} AS status
        FROM base WHERE category <> 'alle'
        GROUP BY region_code, period
    ),
    totals AS (
        -- Shares published without counts (NAV's '% av arbeidsstyrken') cannot be added up:
        -- such a total is missing, never 'ok' without a value.
        SELECT region_code, period, year, category, value, numerator, denominator,
               CASE WHEN status IN {KNOWN} AND value IS NULL THEN 'missing'
                    ELSE status END AS status,
               CASE WHEN status IN {KNOWN} AND value IS NULL
                    THEN 'kategoriene kan ikke summeres (andeler uten antall)'
                    ELSE 'summert over kategoriene' END AS note
        FROM summed
    ),
    obs AS (
        SELECT region_code, period, year, value, numerator, denominator, status, note, computed
        FROM base WHERE category = $category
        UNION ALL
        SELECT region_code, period, year,
               CASE WHEN status IN {KNOWN} THEN value END,
               CASE WHEN status IN {KNOWN} THEN numerator END,
               denominator, status, note, TRUE
        FROM totals t
        WHERE $category = 'alle' AND NOT EXISTS (
            SELECT 1 FROM base b WHERE b.category = 'alle' AND b.region_code = t.region_code
              AND b.period = t.period)
    )"""


def _query(con, indicator_id: str, age: str | None, sex: str, category: str, regions: list[str],
           periods: list[str] | None) -> pd.DataFrame:
    ind = indicators.get(indicator_id)
    age = age or ind.default_age
    n_parts = len([c for c in ind.categories if c != "alle"])
    # For count indicators a municipality's denominator is not shared within a category sum;
    # for shares, parts of one total share a denominator (max() above keeps it).
    agg_value = ("CASE WHEN bool_and(m.numerator IS NOT NULL AND m.denominator IS NOT NULL) "
                 "THEN 100 * sum(m.numerator) / sum(m.denominator) END") if ind.kind == "share" \
        else "sum(m.value)"
    sum_flags = _PART_FLAGS | {"absent": "n_rows < n_members", "missing": "any_missing OR value IS NULL"}
    sql = f"""
    WITH {_with_category_total(ind.kind, n_parts)},
    wanted AS (SELECT unnest($regions) AS code),
    direct AS (
        SELECT o.region_code, o.period, o.value, o.numerator, o.denominator, o.status, o.note,
               o.computed
        FROM obs o JOIN wanted w ON w.code = o.region_code
    ),
    -- Two ways to add up an area: over its municipalities (via 1), or over counties that make it
    -- up in that year (via 2: Norway, 38 = 39 + 40, …), used when the first is hidden.
    members AS (
        SELECT rm.group_code, rm.member_code, 1 AS via, 0 AS first_year, 9999 AS last_year
        FROM region_members rm JOIN wanted w ON w.code = rm.group_code
        UNION ALL
        SELECT p.group_code, p.member_code, 2, p.first_year, p.last_year
        FROM (SELECT unnest($partitions, recursive := true)) p JOIN wanted w ON w.code = p.group_code
    ),
    sizes AS (SELECT group_code, via, first_year, count(*) AS n_members FROM members GROUP BY ALL),
    computed AS (
        SELECT g.group_code AS region_code, g.via, m.period,
               {agg_value} AS value, sum(m.numerator) AS numerator, sum(m.denominator) AS denominator,
               count(*) AS n_rows, any_value(s.n_members) AS n_members,
               {", ".join(f"bool_or(m.status = '{s}') AS {f}" for s, f in _PART_FLAGS.items())},
               bool_and(m.numerator IS NOT NULL) AS all_num, bool_and(m.denominator IS NOT NULL) AS all_den
        FROM members g
        JOIN sizes s USING (group_code, via, first_year)
        JOIN obs m ON m.region_code = g.member_code
        WHERE m.year BETWEEN g.first_year AND g.last_year
        GROUP BY g.group_code, g.via, g.first_year, m.period
    ),
    candidates AS (
        SELECT *,
            {sql_combined(sum_flags)} AS st,
            CASE WHEN via = 1 THEN ' kommuner' ELSE ' fylker' END AS unit
        FROM computed
    ),
    aggregated AS (
        SELECT region_code, period,
               CASE WHEN st IN {KNOWN} THEN value END AS value,
               CASE WHEN st IN {KNOWN} AND all_num THEN numerator END AS numerator,
               CASE WHEN all_den AND n_rows = n_members THEN denominator END AS denominator,
               st AS status,
               CASE WHEN any_suppressed THEN 'skjermet fordi minst én' || CASE WHEN via = 1
                         THEN ' kommune' ELSE ' av fylkene' END || ' er skjermet'
                    WHEN n_rows < n_members
                       THEN 'mangler tall for ' || (n_members - n_rows) || ' av ' || n_members || unit
                    WHEN any_missing THEN 'mangler fordi minst én' || CASE WHEN via = 1
                         THEN ' kommune' ELSE ' av fylkene' END || ' mangler'
                    ELSE 'summert over ' || n_members || unit END AS note,
               TRUE AS computed
        FROM candidates c
        WHERE NOT EXISTS (SELECT 1 FROM direct d WHERE d.region_code = c.region_code
                          AND d.period = c.period)
        -- a known sum first; of two, the one over municipalities
        QUALIFY row_number() OVER (PARTITION BY region_code, period
                                   ORDER BY (st IN {KNOWN}) DESC, via) = 1
    )
    SELECT r.code AS region_code, r.name AS region_name, r.level, x.period, x.value, x.numerator,
           x.denominator, x.status, x.note, x.computed
    FROM (SELECT * FROM direct UNION ALL SELECT * FROM aggregated) x
    JOIN regions r ON r.code = x.region_code
    WHERE $periods IS NULL OR list_contains($periods, x.period)
    ORDER BY x.period, r.code
    """
    params = {"indicator": indicator_id, "age": age, "sex": sex, "category": category,
              "regions": list(regions), "periods": list(periods) if periods else None,
              "partitions": georegions.county_partitions()}
    return con.execute(sql, params).df()


def series(con, indicator_id: str, regions: list[str], *, age: str | None = None, sex: str = "alle",
           category: str = "alle", periods: list[str] | None = None) -> pd.DataFrame:
    """Values for the given regions (any level) over time."""
    if not regions:
        return pd.DataFrame(columns=SERIES_COLUMNS)
    return _query(con, indicator_id, age, sex, category, regions, periods)


LEVELS = {"kommune": "kommune", "fylke": "fylke", "region": "region", "land": "land"}


def region_codes(con, level: str, county: str | None = None) -> list[str]:
    """Codes at a level; municipalities optionally within a county (2024 number or 38)."""
    if level == "kommune" and county:
        return [r[0] for r in con.execute(
            "SELECT member_code FROM region_members WHERE group_code = ? ORDER BY 1", [county]).fetchall()]
    return [r[0] for r in con.execute(
        "SELECT code FROM regions WHERE level = ? AND (valid_to IS NULL) ORDER BY code",
        [LEVELS[level]]).fetchall()]


def table(con, indicator_id: str, level: str, *, period: str | None = None, age: str | None = None,
          sex: str = "alle", category: str = "alle", county: str | None = None) -> pd.DataFrame:
    """All regions at one level for one period (default: the newest period with data)."""
    codes = region_codes(con, level, county)
    if level == "fylke":
        codes = sorted(set(codes) | set(_published_codes(con, indicator_id, "fylke")))
    period = period or latest_period(con, indicator_id, age=age, category=category)
    if period is None:
        return pd.DataFrame(columns=SERIES_COLUMNS)
    df = series(con, indicator_id, codes, age=age, sex=sex, category=category, periods=[period])
    if level == "kommune":   # only the municipalities of today (split codes are shown separately)
        df = df[df["region_code"].str.len() == 4]
    return df.reset_index(drop=True)


def _published_codes(con, indicator_id: str, level: str) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT DISTINCT o.region_code FROM observations o JOIN regions r ON r.code = o.region_code "
        "WHERE o.indicator = ? AND r.level = ?", [indicator_id, level]).fetchall()]


def periods(con, indicator_id: str, *, age: str | None = None, category: str = "alle") -> list[str]:
    ind = indicators.get(indicator_id)
    cats = [category] if category != "alle" else list(ind.categories)
    rows = con.execute(
        "SELECT DISTINCT period FROM observations WHERE indicator = ? AND age = ? "
        "AND list_contains(?, category) ORDER BY period",
        [indicator_id, age or ind.default_age, cats]).fetchall()
    return [r[0] for r in rows]


def has_values(con, indicator_id: str, *, age: str | None = None, category: str = "alle") -> bool:
    """Any known value for the selection in its newest period. A category total of shares
    published without counts (NAV's) has periods but no values: a view would be all grey."""
    p = latest_period(con, indicator_id, age=age, category=category)
    if p is None:
        return False
    codes = [r[0] for r in con.execute(
        "SELECT DISTINCT region_code FROM observations WHERE indicator = ? AND age = ? AND period = ?",
        [indicator_id, age or indicators.get(indicator_id).default_age, p]).fetchall()]
    df = series(con, indicator_id, codes, age=age, category=category, periods=[p])
    return bool((df["status"].isin(VALUE_STATUSES) & df["value"].notna()).any())


def latest_period(con, indicator_id: str, *, age: str | None = None, category: str = "alle") -> str | None:
    ps = periods(con, indicator_id, age=age, category=category)
    return ps[-1] if ps else None


def ages(con, indicator_id: str) -> list[str]:
    ind = indicators.get(indicator_id)
    found = {r[0] for r in con.execute("SELECT DISTINCT age FROM observations WHERE indicator = ?",
                                       [indicator_id]).fetchall()}
    return [a for a in ind.ages if a in found] + sorted(found - set(ind.ages))


def regions(con, level: str | None = None) -> pd.DataFrame:
    sql = "SELECT code, name, level, parent, note FROM regions"
    if level:
        return con.execute(sql + " WHERE level = ? ORDER BY name", [level]).df()
    return con.execute(sql + " ORDER BY level, name").df()


def sources_for(con, indicator_id: str, periods: list[str] | None = None) -> pd.DataFrame:
    """The files behind an indicator (for the periods shown, when given): provenance in the
    exports. A file that only covers other periods is not listed."""
    return con.execute("""
        SELECT s.source_id, s.file_name, s.format, s.loaded_at, s.is_demo,
               min(o.period) AS first_period, max(o.period) AS last_period, count(*) AS rows
        FROM sources s JOIN observations o USING (source_id)
        WHERE o.indicator = $ind AND ($periods IS NULL OR list_contains($periods, o.period))
        GROUP BY ALL ORDER BY s.source_id""",
        {"ind": indicator_id, "periods": list(periods) if periods else None}).df()


def is_demo(con, indicator_id: str | None = None, *, age: str | None = None,
            category: str = "alle", periods: list[str] | None = None) -> bool:
    """True when any figure of the selection (indicator, age band, category, periods; or the
    whole store) comes from demo data. 'alle' counts its parts too (it may be summed from them)."""
    if indicator_id is None:
        return bool(con.execute("SELECT bool_or(is_demo) FROM sources").fetchone()[0])
    r = con.execute(
        "SELECT bool_or(s.is_demo) FROM sources s WHERE EXISTS (SELECT 1 FROM observations o "
        "WHERE o.source_id = s.source_id AND o.indicator = $ind "
        "AND ($age IS NULL OR o.age = $age) AND ($cat = 'alle' OR o.category = $cat) "
        "AND ($periods IS NULL OR list_contains($periods, o.period)))",
        {"ind": indicator_id, "age": age, "cat": category,
         "periods": list(periods) if periods else None}).fetchone()[0]
    return bool(r)


def version(con) -> str:
    """The store's identity and version (loaders.store.identity): what caches are keyed on."""
    return store.identity(con)
