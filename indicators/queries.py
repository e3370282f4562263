"""Every read the views make. Pages call these; they never hold SQL.

Aggregates (county, regional group, Norway) use the figure the source published when there is
one; otherwise they sum members' numerators and denominators: over the municipalities, or, when
that sum is hidden, over published counties that make up the area (Norway, from today's counties
or those of 2020–2023; 38 Vestfold og Telemark from 39 and 40; geo.regions.county_partitions).
A sum's status follows vocab.status.PRECEDENCE: with a suppressed member it is suppressed, with a
missing one missing, never summed as if known. A published figure that is missing (or a total the
source published only some categories of) gives way to a complete sum, whose note says so; only a
known sum's note says «summert». Regions that existed only some years (38, 30, 54 in 2020–2023,
1507 Ålesund 2020–2023: geo.regions.lifetimes) have rows only for those years."""
from __future__ import annotations

import pandas as pd

from geo import codes as geocodes
from geo import regions as georegions
from indicators import format as fmt
from loaders import store
from vocab import indicators
from vocab.keys import KEY
from vocab.keys import SERIES as SERIES_COLUMNS
from vocab.regions import NORWAY
from vocab.status import SQL_HAS_VALUE as KNOWN
from vocab.status import VALUE_STATUSES, sql_combined

# A sum's status from its parts' (vocab.status.PRECEDENCE), for the flags each sum computes.
_PART_FLAGS = {s: f"any_{s}" for s in ("suppressed", "missing", "break", "provisional")}

_KEY = "indicator, region_code, period, age, sex, category"


def _ranked(where: str, hidden_too: bool = False) -> str:
    """Stored rows of one indicator ($indicator) matching `where`, each with its file's release,
    and `shown`: the one row per key the views use. The rule, in order:
    - demo data only where no real source has the indicator (real data replaces the demo);
    - of each product (SSB table 13563, NAV HL060 …) its newest release (published, else loaded);
    - of several products, the one the coordinator chose in a conflict (priority), then a shown
      number over a hidden one, then the file loaded first.
    `hidden_too` keeps the rows no view shows (for the history)."""
    return f"""
    SELECT *, visible AND row_number() OVER (PARTITION BY {_KEY}
               ORDER BY visible DESC, (release_rank = 1) DESC, priority DESC,
                        (status IN {KNOWN}) DESC, source_id) = 1 AS shown
    FROM (
        SELECT *, row_number() OVER (PARTITION BY {_KEY}, product, visible
                                     ORDER BY released DESC, source_id DESC) AS release_rank
        FROM (
            SELECT o.*, s.file_name, s.is_demo, coalesce(s.product, s.format) AS product,
                   coalesce(s.priority, 0) AS priority, coalesce(s.preliminary, FALSE) AS preliminary,
                   coalesce(s.published_at, s.loaded_at) AS released,
                   NOT s.is_demo OR NOT EXISTS (
                       SELECT 1 FROM observations x JOIN sources r USING (source_id)
                       WHERE x.indicator = $indicator AND NOT r.is_demo) AS visible
            FROM observations o JOIN sources s USING (source_id)
            WHERE o.indicator = $indicator AND {where}))
    {"" if hidden_too else "WHERE visible"}"""


# One row per key: the one the views show.
_BASE = f"""
    SELECT indicator, region_code, period, year, age, sex, category, value, numerator, denominator,
           status, note, computed
    FROM ({_ranked("o.age = $age AND o.sex = $sex")}) WHERE shown
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
               {sql_combined(flags)} AS status, count(*) AS n_found
        FROM base WHERE category <> 'alle'
        GROUP BY region_code, period
    ),
    totals AS (
        -- Shares published without counts (NAV's '% av arbeidsstyrken') cannot be added up:
        -- such a total is missing, never 'ok' without a value. Only a known total says «summert».
        SELECT region_code, period, year, category, value, numerator, denominator,
               CASE WHEN status IN {KNOWN} AND value IS NULL THEN 'missing'
                    ELSE status END AS status,
               CASE WHEN status IN {KNOWN} AND value IS NULL
                    THEN 'kategoriene kan ikke summeres (andeler uten antall)'
                    WHEN status IN {KNOWN} THEN 'summert over kategoriene'
                    WHEN status = 'suppressed' THEN 'skjermet fordi minst én kategori er skjermet'
                    WHEN n_found < {n_parts}
                    THEN 'mangler fordi kilden har tall for bare ' || n_found || ' av {n_parts} kategorier'
                    ELSE 'mangler fordi minst én kategori mangler' END AS note
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
    -- Regions that existed only some years (geo.regions.lifetimes: 38 and the other counties of
    -- 2020–2023, 1507 Ålesund 2020–2023, …) have rows only for those years: today's division
    -- is back-cast for every period, and no old region stands beside its parts out of its time.
    lifetimes AS (SELECT unnest($lifetimes, recursive := true)),
    published AS (
        SELECT o.region_code, o.period, o.year, o.value, o.numerator, o.denominator, o.status,
               o.note, o.computed
        FROM obs o JOIN wanted w ON w.code = o.region_code
    ),
    -- Two ways to add up an area: over its municipalities (via 1), or over counties that make it
    -- up in that year (via 2: Norway, 38 = 39 + 40, …), used when the first is hidden.
    -- A split municipality's number is an optional member of the groups that hold its parts
    -- (geo.regions.split_members): counted when it has a figure in its own years, and then the
    -- parts of a whole split (1508, 1580 for 1507 Ålesund) are not, being the same area.
    split_additions AS (SELECT unnest($split_additions, recursive := true)),
    split_parts AS (SELECT unnest($split_parts, recursive := true)),
    members AS (
        SELECT rm.group_code, rm.member_code, 1 AS via, 0 AS first_year, 9999 AS last_year,
               FALSE AS optional, sp.dropped_by
        FROM region_members rm JOIN wanted w ON w.code = rm.group_code
        LEFT JOIN split_parts sp ON sp.group_code = rm.group_code AND sp.member_code = rm.member_code
        UNION ALL
        SELECT a.group_code, a.member_code, 1, 0, 9999, TRUE, NULL
        FROM split_additions a JOIN wanted w ON w.code = a.group_code
        UNION ALL
        SELECT p.group_code, p.member_code, 2, p.first_year, p.last_year, FALSE, NULL
        FROM (SELECT unnest($partitions, recursive := true)) p JOIN wanted w ON w.code = p.group_code
    ),
    sizes AS (SELECT group_code, via, first_year, count(*) FILTER (WHERE NOT optional) AS n_members
              FROM members GROUP BY ALL),
    present AS (
        SELECT DISTINCT o.region_code, o.period FROM obs o
        WHERE o.region_code IN (SELECT member_code FROM split_additions)
          AND NOT EXISTS (SELECT 1 FROM lifetimes l WHERE l.code = o.region_code
                          AND o.year NOT BETWEEN l.first_year AND l.last_year)
    ),
    changed AS (
        SELECT g.group_code, p.period, count(*) FILTER (WHERE g.optional) AS added,
               count(*) FILTER (WHERE NOT g.optional) AS dropped
        FROM members g JOIN present p
             ON p.region_code = CASE WHEN g.optional THEN g.member_code ELSE g.dropped_by END
        WHERE g.via = 1
        GROUP BY ALL
    ),
    computed AS (
        SELECT g.group_code AS region_code, g.via, m.period, any_value(m.year) AS year,
               {agg_value} AS value, sum(m.numerator) AS numerator, sum(m.denominator) AS denominator,
               count(*) AS n_rows,
               any_value(s.n_members) + CASE WHEN g.via = 1 THEN coalesce(any_value(c.added), 0)
                                             - coalesce(any_value(c.dropped), 0) ELSE 0 END AS n_members,
               {", ".join(f"bool_or(m.status = '{s}') AS {f}" for s, f in _PART_FLAGS.items())},
               bool_and(m.numerator IS NOT NULL) AS all_num, bool_and(m.denominator IS NOT NULL) AS all_den
        FROM members g
        JOIN sizes s USING (group_code, via, first_year)
        JOIN obs m ON m.region_code = g.member_code
        LEFT JOIN changed c ON c.group_code = g.group_code AND c.period = m.period
        LEFT JOIN present own ON own.region_code = g.member_code AND own.period = m.period
        LEFT JOIN present old ON old.region_code = g.dropped_by AND old.period = m.period
        WHERE m.year BETWEEN g.first_year AND g.last_year
          AND (NOT g.optional OR own.region_code IS NOT NULL) AND old.region_code IS NULL
        GROUP BY g.group_code, g.via, g.first_year, m.period
    ),
    candidates AS (
        SELECT *,
            {sql_combined(sum_flags)} AS st,
            CASE WHEN via = 1 THEN ' kommuner' ELSE ' fylker' END AS unit
        FROM computed
        -- a known sum first; of two, the one over municipalities
        QUALIFY row_number() OVER (PARTITION BY region_code, period
                                   ORDER BY (st IN {KNOWN}) DESC, via) = 1
    ),
    -- The source's own figure for an area is used as published, unless it is missing (NAV's
    -- total for 38 in April 2022 is only 'helt ledige', so its sum over the categories is
    -- missing) while the sum over the area's parts is complete: then the sum, saying so.
    replaced AS (
        SELECT p.region_code, p.period, p.computed AS partial
        FROM published p JOIN candidates c USING (region_code, period)
        WHERE p.status = 'missing' AND c.st IN {KNOWN}
    ),
    direct AS (
        SELECT p.region_code, p.period, p.value, p.numerator, p.denominator, p.status, p.note,
               p.computed
        FROM published p
        WHERE NOT EXISTS (SELECT 1 FROM replaced r WHERE r.region_code = p.region_code
                          AND r.period = p.period)
          AND NOT EXISTS (SELECT 1 FROM lifetimes l WHERE l.code = p.region_code
                          AND p.year NOT BETWEEN l.first_year AND l.last_year)
    ),
    aggregated AS (
        SELECT c.region_code, c.period,
               CASE WHEN st IN {KNOWN} THEN value END AS value,
               CASE WHEN st IN {KNOWN} AND all_num THEN numerator END AS numerator,
               CASE WHEN all_den AND n_rows = n_members THEN denominator END AS denominator,
               st AS status,
               -- Only a known sum says «summert»; a hidden one says why it is hidden.
               CASE WHEN any_suppressed THEN 'skjermet fordi minst én' || CASE WHEN via = 1
                         THEN ' kommune' ELSE ' av fylkene' END || ' er skjermet'
                    WHEN n_rows < n_members
                       THEN 'mangler tall for ' || (n_members - n_rows) || ' av ' || n_members || unit
                    WHEN any_missing THEN 'mangler fordi minst én' || CASE WHEN via = 1
                         THEN ' kommune' ELSE ' av fylkene' END || ' mangler'
                    WHEN st NOT IN {KNOWN} OR value IS NULL
                       THEN 'mangler fordi andeler uten antall ikke kan summeres'
                    ELSE 'summert over ' || n_members || unit
                         || CASE WHEN r.partial THEN ' (kildens eget tall er ufullstendig)'
                                 WHEN r.partial IS NOT NULL THEN ' (kildens eget tall mangler)'
                                 ELSE '' END END AS note,
               TRUE AS computed
        FROM candidates c LEFT JOIN replaced r USING (region_code, period)
        WHERE (r.region_code IS NOT NULL OR NOT EXISTS (
                  SELECT 1 FROM published p WHERE p.region_code = c.region_code
                  AND p.period = c.period))
          AND NOT EXISTS (SELECT 1 FROM lifetimes l WHERE l.code = c.region_code
                          AND c.year NOT BETWEEN l.first_year AND l.last_year)
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
              "partitions": georegions.county_partitions(), "lifetimes": georegions.lifetimes(),
              "split_additions": georegions.split_members()[0],
              "split_parts": georegions.split_members()[1]}
    df = con.execute(sql, params).df()
    # The store names the country in bokmål; on screen and in exports it is words in the
    # current language («Heile landet», «Norway»).
    df.loc[df["region_code"] == NORWAY, "region_name"] = geocodes.name_of(NORWAY)
    return df


def series(con, indicator_id: str, regions: list[str], *, age: str | None = None, sex: str = "alle",
           category: str = "alle", periods: list[str] | None = None) -> pd.DataFrame:
    """Values for the given regions (any level) over time."""
    if not regions:
        return pd.DataFrame(columns=SERIES_COLUMNS)
    return _query(con, indicator_id, age, sex, category, regions, periods)


LEVELS = {"kommune": "kommune", "fylke": "fylke", "region": "region", "land": "land"}


def region_codes(con, level: str, county: str | None = None) -> list[str]:
    """Codes at a level in today's division (2024 numbers): the 2024 counties (never 38, 30 or
    54, which would stand beside their parts), or the municipalities, optionally within a county
    (a 2024 number or 38 for 39 + 40). A county's municipalities include the numbers of those
    split later whose parts all lie in it (1507 Ålesund in 15): they have figures only for their
    own years (geo.regions.lifetimes), when their parts have none."""
    if level == "kommune" and county:
        today = [r[0] for r in con.execute(
            "SELECT member_code FROM region_members WHERE group_code = ? ORDER BY 1", [county]).fetchall()]
        return today + [c for c in georegions.split_codes_in(county) if c not in today]
    return [r[0] for r in con.execute(
        "SELECT code FROM regions WHERE level = ? AND (valid_to IS NULL) ORDER BY code",
        [LEVELS[level]]).fetchall()]


def table(con, indicator_id: str, level: str, *, period: str | None = None, age: str | None = None,
          sex: str = "alle", category: str = "alle", county: str | None = None) -> pd.DataFrame:
    """All regions at one level for one period (default: the newest period with data), in
    today's division, so a column adds up to the level above without counting an area twice:
    the counties are today's for every period (38 Vestfold og Telemark, 30 Viken and 54 Troms
    og Finnmark are never listed beside their parts, not even for 2020–2023: ask for them by
    code with series()). Municipalities are today's, back-cast; a municipality split later
    (1507 Ålesund) is listed, under its own years' name (geo.regions.Split.label), only for the
    years it existed, when its parts have no figures of their own."""
    codes = region_codes(con, level, county)
    period = period or latest_period(con, indicator_id, age=age, category=category)
    if period is None:
        return pd.DataFrame(columns=SERIES_COLUMNS)
    df = series(con, indicator_id, codes, age=age, sex=sex, category=category, periods=[period])
    if level == "kommune":
        df = df[df["region_code"].str.len() == 4]
        for code, split in georegions.splits().items():
            df.loc[df["region_code"] == code, "region_name"] = split.label
    return df.reset_index(drop=True)


def periods(con, indicator_id: str, *, age: str | None = None, category: str = "alle") -> list[str]:
    ind = indicators.get(indicator_id)
    cats = [category] if category != "alle" else list(ind.categories)
    rows = con.execute(
        f"SELECT DISTINCT period FROM ({_ranked('o.age = $age AND list_contains($cats, o.category)')}) "
        "ORDER BY period", {"indicator": indicator_id, "age": age or ind.default_age, "cats": cats}
    ).fetchall()
    return [r[0] for r in rows]


def has_values(con, indicator_id: str, *, age: str | None = None, category: str = "alle") -> bool:
    """Any known value for the selection in its newest period. A category total of shares
    published without counts (NAV's) has periods but no values: a view would be all grey."""
    p = latest_period(con, indicator_id, age=age, category=category)
    if p is None:
        return False
    codes = [r[0] for r in con.execute(
        f"SELECT DISTINCT region_code FROM ({_ranked('o.age = $age AND o.period = $period')})",
        {"indicator": indicator_id, "age": age or indicators.get(indicator_id).default_age,
         "period": p}).fetchall()]
    df = series(con, indicator_id, codes, age=age, category=category, periods=[p])
    return bool((df["status"].isin(VALUE_STATUSES) & df["value"].notna()).any())


def latest_period(con, indicator_id: str, *, age: str | None = None, category: str = "alle") -> str | None:
    ps = periods(con, indicator_id, age=age, category=category)
    return ps[-1] if ps else None


def ages(con, indicator_id: str) -> list[str]:
    ind = indicators.get(indicator_id)
    found = {r[0] for r in con.execute(f"SELECT DISTINCT age FROM ({_ranked('TRUE')})",
                                       {"indicator": indicator_id}).fetchall()}
    return [a for a in ind.ages if a in found] + sorted(found - set(ind.ages))


def regions(con, level: str | None = None) -> pd.DataFrame:
    sql = "SELECT code, name, level, parent, note FROM regions"
    if level:
        return con.execute(sql + " WHERE level = ? ORDER BY name", [level]).df()
    return con.execute(sql + " ORDER BY level, name").df()


def sources_for(con, indicator_id: str, periods: list[str] | None = None) -> pd.DataFrame:
    """The files behind the figures of an indicator the views show (for the periods shown, when
    given): provenance in the exports. A file whose figures are all history (an older release,
    demo replaced by real data) or only cover other periods is not listed."""
    return con.execute(f"""
        SELECT s.source_id, s.file_name, s.format, s.loaded_at, s.is_demo, s.product,
               s.published_at, s.preliminary,
               min(v.period) AS first_period, max(v.period) AS last_period, count(*) AS rows
        FROM sources s JOIN ({_ranked("($periods IS NULL OR list_contains($periods, o.period))")}) v
             USING (source_id)
        WHERE v.shown
        GROUP BY ALL ORDER BY s.source_id""",
        {"indicator": indicator_id, "periods": list(periods) if periods else None}).df()


def provenance(con, indicator_id: str, periods: list[str] | None = None) -> fmt.Provenance | None:
    """Where the figures of an indicator the views show come from (for the periods shown, when
    given): the releases behind them and when the newest came in (format.source_line writes it)."""
    return fmt.provenance_of(sources_for(con, indicator_id, periods))


def is_demo(con, indicator_id: str | None = None, *, age: str | None = None,
            category: str = "alle", periods: list[str] | None = None) -> bool:
    """True when any figure the views show for the selection (indicator, age band, category,
    periods) comes from demo data; without an indicator, whether any indicator still shows demo
    data. 'alle' counts its parts too (it may be summed from them). Demo data an indicator's real
    data has replaced is not shown, so it marks nothing."""
    if indicator_id is None:
        return any(is_demo(con, i) for i in indicators.all_indicators())
    where = ("($age IS NULL OR o.age = $age) AND ($cat = 'alle' OR o.category = $cat) "
             "AND ($periods IS NULL OR list_contains($periods, o.period))")
    r = con.execute(f"SELECT bool_or(is_demo) FROM ({_ranked(where)}) WHERE shown",
                    {"indicator": indicator_id, "age": age, "cat": category,
                     "periods": list(periods) if periods else None}).fetchone()[0]
    return bool(r)


HISTORY_COLUMNS = [*KEY, "value", "numerator", "denominator", "status", "release", "source", "shown"]


def history(con, indicator_id: str, region: str, period: str | None = None) -> pd.DataFrame:
    """Every stored release of each figure of one region (one period, if given), newest first
    within each key; `shown` marks the one the views use (the rule in _ranked)."""
    where = "o.region_code = $region AND ($period IS NULL OR o.period = $period)"
    return con.execute(f"""
        SELECT indicator, region_code, period, age, sex, category, value, numerator, denominator,
               status,
               product || ', ' || CASE WHEN preliminary THEN 'foreløpig, ' ELSE '' END
                   || strftime(released, '%Y-%m-%d %H:%M') AS release,
               file_name AS source, shown
        FROM ({_ranked(where, hidden_too=True)})
        ORDER BY period, age, sex, category, released DESC, source_id DESC""",
        {"indicator": indicator_id, "region": region, "period": period}).df()[HISTORY_COLUMNS]


def version(con) -> str:
    """The store's identity and version (loaders.store.identity): what caches are keyed on."""
    return store.identity(con)
