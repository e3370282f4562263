"""The mission page's model: every target in a county or regional group (indicators.progress),
as a table and as a map of status per municipality in the shape ui/mapview.py draws
(indicators.maps.svg_map). Status is a symbol and words everywhere; the colour only repeats it.
Pure reads: no Streamlit."""
from __future__ import annotations

import pandas as pd

from indicators import format as fmt
from indicators import maps, progress, queries
from vocab import indicators, regions
from vocab.i18n import N_, _

# Colour-blind safe (blue against orange), and every class also carries its symbol on the map.
COLOURS = {"på_sporet": "#4393c3", "ikke_på_sporet": "#e08214", "usikkert": "#fee0b6",
           "for_tidlig": "#d9d9d9", "ingen_data": "#9e9e9e"}
NO_TARGET = "#ffffff"
NO_TARGET_WORDS = N_("Uten mål")          # shown as _(NO_TARGET_WORDS)
# A municipality with several targets on the map shows the one that needs attention first.
ORDER = ("ikke_på_sporet", "usikkert", "på_sporet", "for_tidlig", "ingen_data")
# table()'s headers, in bokmål (the table has them in the current language: table_columns()).
TABLE_COLUMNS = [N_("Område"), N_("Indikator"), N_("Alder"), N_("Mål"), N_("Basis"), N_("Nyeste"),
                 N_("Forventet på banen"), N_("Status"), N_("Forklaring")]


def area_name(con, area: str) -> str:
    if area in regions.GROUPS:
        return regions.GROUPS[area][0]
    if area == regions.NORWAY:
        return _("Hele landet")
    if area == regions.VESTFOLD_OG_TELEMARK:
        return "Vestfold og Telemark"
    row = con.execute("SELECT name FROM regions WHERE code = ?", [area]).fetchone()
    return row[0] if row else area


def county_of(area: str) -> str:
    """The county a regional group lies in (its map); a county is its own."""
    if area in regions.GROUPS:
        return regions.GROUPS[area][1][0][:2]
    return area


def municipalities(con, area: str) -> list[str]:
    if area in regions.GROUPS:
        return list(regions.GROUPS[area][1])
    if area == regions.NORWAY:
        return queries.region_codes(con, "kommune")
    return queries.region_codes(con, "kommune", area)


def groups_in(con, county: str) -> dict[str, str]:
    """code → name of the regional groups inside a county (all of them for Norway)."""
    inside = set(municipalities(con, county))
    return {g: name for g, (name, members) in regions.GROUPS.items() if set(members) <= inside}


def places(con, area: str) -> set[str] | None:
    """The region codes whose targets belong to the area (None: every target, for Norway): its
    municipalities, the area itself, its counties and the regional groups inside it."""
    if area == regions.NORWAY:
        return None
    munis = set(municipalities(con, area))
    counties = {m[:2] for m in munis} if area not in regions.GROUPS else set()
    groups = {g for g, (_n, members) in regions.GROUPS.items() if set(members) & munis}
    if area in regions.GROUPS:
        groups = {area}
    return munis | counties | groups | {area}


def assess(con, area: str) -> list[progress.Progress]:
    """Every target in force in the area, assessed; sorted by place, then indicator."""
    wanted = places(con, area)
    rows = progress.targets(con)
    if wanted is not None:
        rows = rows[rows["region_code"].isin(sorted(wanted))]
    found = [progress.assess(con, r) for r in rows.to_dict("records")]
    broad = {"land": 0, "fylke": 1, "region": 2, "kommune": 3}     # the wider targets first
    return sorted(found, key=lambda p: (broad[regions.level_of(p.region_code)], p.region_name,
                                        p.indicator.short, p.age))


def status_text(p: progress.Progress) -> str:
    return p.status_text


def value_text(x, p: progress.Progress) -> str:
    return fmt.DASH if x is None else fmt.value(x, p.indicator)


def table_columns() -> list[str]:
    """TABLE_COLUMNS in the current language."""
    return [_(c) for c in TABLE_COLUMNS]


def table(items: list[progress.Progress]) -> pd.DataFrame:
    """One row per target, all in words (numbers and headers in the current language), in the
    order of TABLE_COLUMNS."""
    rows = []
    for p in items:
        ind = p.indicator
        rows.append([
            p.region_name, ind.short, fmt.dimension_text(ind, p.age, p.category),
            _("{value} innen {year}").format(value=fmt.value(p.target_value, ind), year=p.target_year),
            f"{value_text(p.baseline_value, p)} ({fmt.period(p.baseline_period)})",
            (f"{value_text(p.latest_value, p)} ({fmt.period(p.latest_period)})"
             if p.latest_period else fmt.DASH),
            value_text(p.expected_value, p), status_text(p), p.sentence()])
    return pd.DataFrame(rows, columns=table_columns())


def counts(items: list[progress.Progress]) -> list[tuple[str, int]]:
    """(«✔ På sporet», n) per status that occurs, in the order of progress.STATUSES."""
    out = []
    for s in progress.STATUSES:
        n = sum(p.status == s for p in items)
        if n:
            out.append((progress.status_words(s), n))
    return out


def newest_period(items: list[progress.Progress]) -> str | None:
    found = [p.latest_period for p in items if p.latest_period]
    return max(found) if found else None


def last_loaded(con):
    """When figures (not plans) were last loaded into the store, or None."""
    row = con.execute("SELECT max(s.loaded_at) FROM sources s WHERE EXISTS "
                      "(SELECT 1 FROM observations o WHERE o.source_id = s.source_id)").fetchone()
    return row[0] if row else None


def map_indicators(items: list[progress.Progress]) -> list[str]:
    """The indicators with a target for some municipality (what a map can show), most first."""
    ids = [p.indicator.id for p in items if regions.level_of(p.region_code) == "kommune"]
    return sorted(set(ids), key=lambda i: (-ids.count(i), i))


def _words(name: str, mine: list[progress.Progress]) -> list[str]:
    if not mine:
        return [name, _(NO_TARGET_WORDS), "", ""]
    first = mine[0]
    status = "; ".join(f"{status_text(p)} ({fmt.dimension_text(p.indicator, p.age, p.category)})"
                       if len(mine) > 1 else status_text(p) for p in mine)
    latest = _("{value} i {period}, banen {expected}").format(
        value=value_text(first.latest_value, first), period=fmt.period(first.latest_period),
        expected=value_text(first.expected_value, first)) if first.latest_period else _("ingen nye tall")
    goal = _("mål {value} innen {year}").format(value=fmt.value(first.target_value, first.indicator),
                                                year=first.target_year)
    return [name, status, f"{latest}; {goal}", _("vedtatt av {who}").format(who=first.decided_by)]


def map_model(con, area: str, items: list[progress.Progress], ind_id: str) -> dict:
    """The status map for one indicator's targets (ui/mapview.py's model): a class per status,
    each with its symbol on the municipality and in the legend; municipalities without a
    target white. Targets for groups and counties are in the table only."""
    ind = indicators.get(ind_id)
    county = county_of(area)
    area_file, cfilter = maps.map_area(county)
    geo = maps.svg_geometry(area_file, cfilter)
    by_code: dict[str, list[progress.Progress]] = {}
    for p in items:
        if p.indicator.id == ind_id and regions.level_of(p.region_code) == "kommune":
            by_code.setdefault(p.region_code, []).append(p)
    drawn, used = [], set()
    for f in maps.features(area_file, cfilter):
        code = f["kode"]
        if code not in geo.paths:
            continue
        mine = sorted((p for c in (code, *(f.get("dekker") or ())) for p in by_code.get(c, [])),
                      key=lambda p: ORDER.index(p.status))
        status = mine[0].status if mine else None
        used.add(status)
        drawn.append({"code": code, "d": geo.paths[code],
                      "fill": COLOURS[status] if status else NO_TARGET,
                      "words": _words(f.get("navn", code), mine),
                      "label": progress.WORDS[status][0] if status else None,
                      "at": geo.labels.get(code) if status else None})
    legend = [{"label": progress.status_words(s), "colour": COLOURS[s]}
              for s in progress.STATUSES if s in used]
    legend.append({"label": _(NO_TARGET_WORDS), "colour": NO_TARGET})
    name = area_name(con, area)
    title = _("Mål 2035: status for {indicator}").format(indicator=ind.short)
    caption = _("Kommunenes mål for {indicator} ({area}).").format(indicator=ind.short, area=name)
    return {"title": title,
            "subtitle": _("{area}. Symbolet på kommunen sier det samme som fargen.").format(area=name),
            "unit": _("Status mot målet"), "demo": bool(queries.is_demo(con, ind_id)),
            "width": geo.width, "height": geo.height, "tall": geo.height > geo.width,
            "selected": None, "legend": legend, "regions": drawn,
            "meta": {"title": title, "caption": f"{caption} {maps.credit()}"}}
