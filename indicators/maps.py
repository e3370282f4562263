"""Maps: municipalities in fixed colour classes with their words, drawn two ways from the same
classes and words, so a colour and a sentence mean the same everywhere.

- `svg_map`: the Kart page's own map (ui/mapview.py draws it as plain SVG). No plotly.js to
  download, so the first map shows about as fast as a bare Streamlit page; every municipality
  can be reached with the keyboard.
- `choropleth`: a plotly figure of the same map, for kaleido (PNG/SVG/PDF, slides) and the
  presentation page.

Counts (kind "count": job seekers, OT) are not coloured areas: a large municipality would look
"worse" only for being large. Both renderers draw them as proportional symbols instead: every
municipality in one neutral fill and a circle at its label point whose AREA is proportional to
the count (radius ∝ √value, `symbol_sizes`), with a size legend of 2–3 reference circles
(`size_steps`). Suppressed and missing municipalities keep their grey fills and words, never a
circle. Shares stay a choropleth.
"""
from __future__ import annotations

import math
from functools import lru_cache

import pandas as pd
import plotly.graph_objects as go

from geo import boundaries, projection
from geo.boundaries import LABEL_PROPERTY
from indicators import charts, map_labels, queries, views
from indicators import format as fmt
from vocab import indicators
from vocab.i18n import _
from vocab.indicators import Indicator

# ColorBrewer YlGnBu (colour-blind safe, prints in grey scale), by number of classes.
SEQUENTIAL = {
    1: ["#2c7fb8"],
    2: ["#a1dab4", "#2c7fb8"],
    3: ["#edf8b1", "#7fcdbb", "#2c7fb8"],
    4: ["#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"],
    5: ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"],
}
SUPPRESSED = "#8a8a8a"     # mid grey: no class colour is grey
MISSING = "#ececec"
BORDER = "#4d4d4d"         # ≥ 3:1 against the light classes and the page
SELECTED = "#000000"
CREDIT = "Kart: " + boundaries.CREDIT + "."      # bokmål; credit() in the current language
WORDS_ON_MAP = 60          # label suppressed/missing municipalities in words up to this many
# Counts: proportional circles on a neutral map.
NEUTRAL = "#f7f3e8"        # warm off-white: not a value class, not the grey of missing
SYMBOL = "#225ea8"
SYMBOL_LINE = "#0b2e59"
SYMBOL_OPACITY = 0.55
SVG_MAX_RADIUS = 0.035     # × the SVG map's longer side: the radius of the largest count
PLOTLY_MAX_DIAMETER = 44   # px: the largest count's circle in the plotly figure
NAMES_WHEN_MANY = 6        # above WORDS_ON_MAP municipalities: the chosen one and this many largest


def credit() -> str:
    """«Kart: Kartverket, CC BY 4.0 — ….» in the current language (every map carries it)."""
    return _("Kart: {credit}.").format(credit=boundaries.credit())


# --- which area, which shapes ----------------------------------------------------------------

def map_area(county: str) -> tuple[str, str | None]:
    """(boundary file, county filter) for a county choice: '0' all Norway, '38' Vestfold and
    Telemark together, a seed county its own small file, any other county cut from Norway."""
    if county == views.NORWAY:
        return "norge", None
    area = boundaries.area_for_county(county)
    if county == views.VT or area == "ostfold":
        return area, None
    return area, county


@lru_cache(maxsize=32)
def geometry(area: str, county: str | None = None) -> dict:
    """A compact FeatureCollection for the map: feature id = kode, only the label point, no metadata
    (the names and values travel once, in the trace). Filtered to one county if given."""
    feats = [{"type": "Feature", "id": p["kode"], "geometry": f["geometry"],
              "properties": {k: p[k] for k in (LABEL_PROPERTY,) if k in p}}
             for f in boundaries.load(area)["features"]
             for p in [f["properties"]] if not county or p.get("fylke") == county]
    return {"type": "FeatureCollection", "features": feats}


def features(area: str, county: str | None = None) -> list[dict]:
    """Feature properties (kode, navn, fylke, dekker) in the order of `geometry`."""
    return [dict(f["properties"]) for f in boundaries.load(area)["features"]
            if not county or f["properties"].get("fylke") == county]


@lru_cache(maxsize=1)
def _covering() -> dict[str, str]:
    return {part: f["properties"]["kode"] for f in boundaries.load("norge")["features"]
            for part in f["properties"].get("dekker") or ()}


def feature_of(code: str | None) -> str | None:
    """The map feature a municipality is drawn in: its own, or the area that covers it (1508
    Ålesund and 1580 Haram are drawn in 1507, the 2020 area: no Haram border in the source), so
    selecting either outlines that area."""
    return _covering().get(code, code) if code else code


def frame(area: str, county: str | None, ind: Indicator, rows_for) -> pd.DataFrame:
    """One row per map feature (views.map_frame). `rows_for(codes)` reads the series rows of
    one period for the features' own codes and the parts they cover (Ålesund 1507 = 1508 +
    1580), so a figure published for 1507 in 2020–2023 is shown, and the parts' sum after."""
    feats = features(area, county)
    wanted = sorted({f["kode"] for f in feats} | {c for f in feats for c in f.get("dekker") or ()})
    return views.map_frame(rows_for(wanted), feats, ind)


@lru_cache(maxsize=32)
def svg_geometry(area: str, county: str | None = None) -> projection.SvgGeometry:
    return projection.svg_geometry(geometry(area, county)["features"])


# --- classes and words (one source for both renderers) -----------------------------------------

def breaks(con, ind_id: str, age: str | None, category: str) -> list[float]:
    """Class breaks from every municipality and every period, so a colour means the same in
    every year and on every map of the indicator (Kart page, presentation, deck)."""
    codes = queries.region_codes(con, "kommune", views.NORWAY)
    df = queries.series(con, ind_id, codes, age=age, category=category)
    known = df[df["status"].isin(fmt.KNOWN)]
    return views.class_breaks(known["value"], 5, indicators.get(ind_id).kind)


def classes(frame: pd.DataFrame, breaks: list[float], ind: Indicator) -> tuple[list, list[int]]:
    """(legend entries as (label, colour), lowest first; each row's entry index).

    'Ingen data' and 'Skjermet' come first when some row has them, then the value classes,
    which are fixed by `breaks` (from all periods), so a colour means the same every year."""
    known = frame["status"].isin(fmt.KNOWN) & frame["value"].notna()
    suppressed = frame["status"] == "suppressed"
    entries = []
    if (~known & ~suppressed).any():
        entries.append((_("Ingen data"), MISSING))
    if suppressed.any():
        entries.append((_("Skjermet"), SUPPRESSED))
    offset = len(entries)
    if is_symbol_map(ind):        # one neutral fill: the circle, not the colour, says how many
        entries.append((_("Antall: se sirkelen"), NEUTRAL))
        return entries, [offset if kn else (offset - 1 if sup else 0)
                         for kn, sup in zip(known, suppressed)]
    colours = SEQUENTIAL[min(len(breaks) + 1, 5)]
    entries += list(zip(views.class_labels(breaks, ind), colours))
    shown = fmt.decimals_for(ind)     # classed as shown: 10,96 is «11,0 %», in the 11,0 class
    index = [offset + views.class_of(round(v, shown), breaks) if kn else (offset - 1 if sup else 0)
             for v, kn, sup in zip(frame["value"], known, suppressed)]
    return entries, index


def is_symbol_map(ind: Indicator) -> bool:
    """Counts are drawn as proportional circles, shares as coloured areas."""
    return ind.kind == "count"


def symbol_values(frame: pd.DataFrame) -> list[float | None]:
    """Per row the number a circle stands for; None for suppressed and missing (no circle, ever)."""
    return [float(v) if st in fmt.KNOWN and v is not None and not pd.isna(v) and v >= 0 else None
            for v, st in zip(frame["value"], frame["status"])]


def scale_top(values: list[float | None], top: float | None = None) -> float:
    """The count the largest circle stands for: `top` (symbol_top, the area's largest in any
    period, so a circle keeps its size from year to year), or this map's largest if bigger."""
    return max([v for v in values if v is not None] + [top or 0.0], default=0.0)


def symbol_top(con, ind_id: str, age: str | None, category: str, county: str) -> float | None:
    """The largest count on `county`'s map (map_area) in any period; None for a share (no
    circles) or without any count."""
    if not is_symbol_map(indicators.get(ind_id)):
        return None
    area, county_filter = map_area(county)
    feats = features(area, county_filter)
    wanted = sorted({f["kode"] for f in feats} | {c for f in feats for c in f.get("dekker") or ()})
    df = queries.series(con, ind_id, wanted, age=age, category=category)
    known = df.loc[df["status"].isin(fmt.KNOWN), "value"].dropna()
    return float(known.max()) if len(known) else None


def symbol_sizes(values: list[float | None], largest: float,
                 top: float | None = None) -> list[float | None]:
    """Radius per value with the circle's AREA proportional to the value: `largest` is the
    radius of the count `scale_top` gives (√ scaling; 0 for 0, None where no value)."""
    top = scale_top(values, top)
    return [None if v is None else (largest * math.sqrt(v / top) if top > 0 else 0.0)
            for v in values]


def _nice_floor(x: float) -> float:
    k = 10 ** math.floor(math.log10(x))
    return next(m * k for m in (5, 2, 1) if m * k <= x)


def size_steps(top: float) -> list[float]:
    """2–3 round reference values (1, 2 or 5 × 10ⁿ, at most `top`) for the size legend,
    largest first; none when nothing is above zero."""
    if top < 1:
        return []
    return sorted({_nice_floor(t) for t in (top, top / 4, top / 16) if t >= 1}, reverse=True)


def size_legend(values: list[float | None], largest: float,
                top: float | None = None) -> list[dict]:
    """[{value, r, label}] for the reference circles, on the same scale as `symbol_sizes`."""
    top = scale_top(values, top)
    return [{"value": v, "r": largest * math.sqrt(v / top), "label": fmt.number(v)}
            for v in size_steps(top)]


def words(frame: pd.DataFrame, ind: Indicator, period: str | None) -> list[list[str]]:
    """Per row: [name, value in words, count of population and interval (or unit), period]."""
    ptext = fmt.period(period) if period else fmt.DASH
    out = []
    for r in views.rows(frame):
        if r["status"] in fmt.KNOWN and r.get("value") is not None:
            val = fmt.value(r["value"], ind, r["status"])
            if r["status"] != "ok":
                val += f" ({fmt.status_word(r['status'])})"
        else:
            val = fmt.status_long(r["status"] if r["status"] != "ok" else "missing")
        detail = ""
        if ind.kind == "share" and r["status"] in fmt.KNOWN and r.get("numerator") is not None \
                and r.get("denominator") is not None:
            detail = _("{numerator} av {denominator} · 95 % intervall {interval}").format(
                numerator=fmt.number(r["numerator"]), denominator=fmt.number(r["denominator"]),
                interval=fmt.interval(fmt.wilson(r["numerator"], r["denominator"])))
        elif r["status"] in fmt.KNOWN:
            detail = fmt.unit_label(ind)
        out.append([r["region_name"], val, detail, ptext])
    return out


def _selected_last(frame: pd.DataFrame, selected: str | None) -> pd.DataFrame:
    """The selected municipality drawn last, so neighbours' borders do not cover its outline."""
    if selected is None or selected not in set(frame["region_code"]):
        return frame
    mine = frame["region_code"] == selected
    return pd.concat([frame[~mine], frame[mine]])


def _status_word(status: str, value_known: bool) -> str | None:
    if value_known:
        return None
    return _("skjermet") if status == "suppressed" else _("ingen data")


def count_note() -> str:
    """The words every count map carries (page, presentation, images)."""
    return _("Sirkelens areal viser antall personer, ikke andel: store kommuner får store sirkler")


def subtitle(ind: Indicator, area_name: str) -> str:
    if is_symbol_map(ind):
        return _("{area}. Sirkelens areal er proporsjonalt med antallet.").format(area=area_name)
    return _("{area}. Fargeklassene er like for alle år.").format(area=area_name)


def _words_and_meta(*, ind, period, area_name, age, category, demo, provenance=None):
    ptext = fmt.period(period) if period else fmt.DASH
    title = f"{charts.ind_title(ind, age, category)}, {ptext}"
    notes = [credit()]
    if is_symbol_map(ind):
        notes.append(count_note())
    meta = charts.make_meta(view="kart", title=title, ind=ind, periods_text=ptext, age=age,
                            category=category, demo=demo, name_parts=(area_name, period),
                            notes=notes, provenance=provenance)
    return title, meta


# --- the page's SVG map ------------------------------------------------------------------------

def svg_map(frame: pd.DataFrame, *, area: str, county: str | None, ind: Indicator,
            period: str | None, area_name: str, breaks: list[float], selected: str | None = None,
            age: str | None = None, category: str = "alle", demo: bool = False,
            provenance: fmt.Provenance | None = None, circle_top: float | None = None) -> dict:
    """What ui/mapview.py draws: paths, fills, words, legend (highest class first) and the
    figure's words (`meta`, as charts.meta gives for a plotly figure). Plain JSON.
    `circle_top`: the circles' scale for counts (symbol_top)."""
    geo = svg_geometry(area, county)
    entries, index = classes(frame, breaks, ind)
    title, meta = _words_and_meta(ind=ind, period=period, area_name=area_name, age=age,
                                  category=category, demo=demo, provenance=provenance)
    few = len(frame) <= WORDS_ON_MAP
    symbols = is_symbol_map(ind)
    largest = SVG_MAX_RADIUS * max(geo.width, geo.height)
    values: list[float | None] = symbol_values(frame) if symbols else [None] * len(frame)
    radii = symbol_sizes(values, largest, circle_top)
    regions = []
    for r, i, w, radius in zip(views.rows(frame), index, words(frame, ind, period), radii):
        code = r["region_code"]
        if code not in geo.paths:
            continue
        known = r["status"] in fmt.KNOWN and r.get("value") is not None
        word = _status_word(r["status"], known) if few else None
        region = {"code": code, "d": geo.paths[code], "fill": entries[i][1], "words": w,
                  "label": word, "at": geo.labels.get(code) if word else None}
        if symbols:       # a circle only for a number: suppressed/missing have r None
            region["r"] = None if radius is None else round(radius, 1)
            region["c"] = geo.labels.get(code) if radius is not None else None
        regions.append(region)
    sizes = None
    if symbols:
        sizes = {"title": fmt.unit_label(ind),
                 "items": [{**s, "r": round(s["r"], 1)}
                           for s in size_legend(values, largest, circle_top)]}
    legend = [{"label": lab, "colour": col} for lab, col in reversed(entries)]
    return select({
        "title": title, "subtitle": subtitle(ind, area_name),
        "unit": fmt.unit_label(ind), "demo": demo, "width": geo.width, "height": geo.height,
        "tall": geo.height > geo.width, "selected": selected,
        "legend": legend, "sizes": sizes, "regions": regions, "meta": meta["innenfor"],
    }, selected)


def select(model: dict, selected: str | None) -> dict:
    """The same map with another municipality outlined (drawn last, so neighbours' borders do
    not cover its outline): a cheap copy, so one cached model serves every selection."""
    drawn = feature_of(selected)
    regions = [r for r in model["regions"] if r["code"] != drawn]
    regions += [r for r in model["regions"] if r["code"] == drawn]
    return {**model, "regions": regions, "selected": drawn}


# --- the plotly figure (exports, presentation) ------------------------------------------------

def choropleth(frame: pd.DataFrame, geo: dict, *, ind: Indicator, period: str | None,
               area_name: str, breaks: list[float], selected: str | None = None,
               age: str | None = None, category: str = "alle", demo: bool = False,
               label_suppressed: bool = True, geojson_url: str | None = None,
               names: bool = False, provenance: fmt.Provenance | None = None,
               circle_top: float | None = None) -> go.Figure:
    """Municipalities coloured in fixed classes (`breaks` from all periods), suppressed grey and
    labelled 'skjermet', missing light grey; the selected municipality outlined in black.
    Counts: a neutral fill and proportional circles (`symbol_sizes`) with a size legend.

    One trace holds all polygons; the legend is a stepped colour bar whose ticks name the
    classes and the statuses. With `geojson_url` the browser fetches the geometry once (plotly
    keeps it for the page's lifetime) and reruns send only values; without it the geometry is
    inline (exports, tests). Only features listed in `frame` are drawn. `names`: the
    municipalities' names at their label points (the presentation; `named` says which, and
    `map_labels.place` leaves out a name that would run into a more important one).
    `circle_top`: the circles' scale (symbol_top), the same for every year."""
    selected = feature_of(selected)
    frame = _selected_last(frame, selected)
    entries, z = classes(frame, breaks, ind)
    n = len(entries)
    scale = []
    for j, (_lab, col) in enumerate(entries):
        scale += [[j / n, col], [(j + 1) / n, col]]
    codes = list(frame["region_code"])
    hover = ("<b>%{customdata[0]}</b><br>%{customdata[1]}<br>%{customdata[2]}"
             "<br>%{customdata[3]}<extra></extra>")
    customdata = words(frame, ind, period)
    data = [{
        "type": "choropleth", "locations": codes, "z": z,
        "zmin": -0.5, "zmax": n - 0.5, "colorscale": scale, "customdata": customdata,
        "name": ind.short, "hovertemplate": hover,
        "marker": {"line": {"width": [3.5 if c == selected else 0.7 for c in codes],
                            "color": [SELECTED if c == selected else BORDER for c in codes]}},
        "colorbar": {"title": {"text": fmt.unit_label(ind), "side": "top"},
                     "tickvals": list(range(n)), "ticktext": [e[0] for e in entries],
                     "ticks": "", "thickness": 22, "len": min(0.95, 0.12 * n + 0.1),
                     # counts: at the top, with the size legend under it
                     **({"y": 1.0, "yanchor": "top"} if is_symbol_map(ind) else {"y": 0.5}),
                     "outlinecolor": BORDER, "outlinewidth": 1, "tickfont": {"size": 14}},
    }]
    pts = {f["id"]: projection.label_point(f) for f in geo["features"]}
    x0, y0, x1, y1 = projection.bounds(geo["features"]) if geo["features"] else (4.0, 58.0, 31.0, 71.0)
    height = 820 if (y1 - y0) > 6 else 640      # a tall country needs a tall map
    south = y0 - (y1 - y0) * 0.04
    legend_shapes: list[dict] = []
    legend_notes: list[dict] = []
    if is_symbol_map(ind):
        values = symbol_values(frame)
        top = scale_top(values, circle_top)
        shown = sorted((v, c, w) for v, c, w in zip(values, codes, customdata)
                       if v is not None and v > 0 and c in pts)[::-1]   # small circles on top
        sizeref = 2 * top / PLOTLY_MAX_DIAMETER ** 2 if top > 0 else 1
        data.append({
            "type": "scattergeo", "mode": "markers", "name": fmt.unit_label(ind),
            "showlegend": False, "lon": [pts[c][0] for _v, c, _w in shown],
            "lat": [pts[c][1] for _v, c, _w in shown], "customdata": [w for _v, _c, w in shown],
            "hovertemplate": hover,
            "marker": {"size": [v for v, _c, _w in shown], "sizemode": "area", "sizeref": sizeref,
                       "sizemin": 0, "color": _rgba(SYMBOL, SYMBOL_OPACITY),
                       "line": {"width": 1, "color": SYMBOL_LINE}}})
        legend_shapes, legend_notes = _size_legend_shapes(size_steps(top), sizeref)
    known = frame["status"].isin(fmt.KNOWN) & frame["value"].notna()
    if label_suppressed and len(frame) <= WORDS_ON_MAP and (~known).any():
        # Words on the map, not only grey: SVG text, so no font download is needed.
        lab = frame[~known & frame["region_code"].isin(list(pts))]
        data.append({
            "type": "scattergeo", "mode": "text", "hoverinfo": "skip", "showlegend": False,
            "lon": [pts[c][0] for c in lab["region_code"]], "lat": [pts[c][1] for c in lab["region_code"]],
            "text": [_status_word(s, False) for s in lab["status"]],
            "textfont": {"size": 12, "color": charts.TEXT, "family": charts.FONT}, "name": "status"})
    px, north = (x1 - x0) * 0.03, y1 + (y1 - y0) * 0.04
    if names:
        name_of = dict(zip(frame["region_code"], frame["region_name"]))
        area = {f["id"]: map_labels.polygon_area(f["geometry"]) for f in geo["features"]}
        who = map_labels.place(
            map_labels.by_importance([c for c in named(frame, selected, ind) if c in pts],
                                     selected, area),
            name_of, pts, chosen=selected, lat0=(south + north) / 2,
            px_per_deg=map_labels.scale((x0 - px, x1 + px), (south, north)))
        data.append({
            "type": "scattergeo", "mode": "text", "hoverinfo": "skip", "showlegend": False,
            "name": "navn", "lon": [pts[c][0] for c in who], "lat": [pts[c][1] for c in who],
            "text": [name_of[c] for c in who],
            "textfont": {"size": 15, "color": charts.TEXT, "family": charts.FONT,
                         "shadow": "0 0 3px #fff, 0 0 3px #fff, 0 0 2px #fff"}})
    title, meta = _words_and_meta(ind=ind, period=period, area_name=area_name, age=age,
                                  category=category, demo=demo, provenance=provenance)
    layout = charts.base_layout(title=title, subtitle=subtitle(ind, area_name), demo=demo,
                                height=height)
    layout["shapes"] += legend_shapes
    layout["annotations"] += legend_notes
    layout.update({
        # Transverse Mercator around the area's middle meridian, zoomed by explicit lon/lat
        # ranges computed here: plotly's fitbounds proved unreliable inside Streamlit
        # (sometimes fitting to a dot).
        "geo": {"visible": False, "bgcolor": "rgba(0,0,0,0)",
                "projection": {"type": "transverse mercator", "rotation": {"lon": (x0 + x1) / 2}},
                "center": {"lon": (x0 + x1) / 2, "lat": (south + north) / 2},
                "lonaxis": {"range": [x0 - px, x1 + px]}, "lataxis": {"range": [south, north]}},
        "margin": {"l": 0, "r": 0, "t": 80, "b": 0}, "dragmode": False,
        "meta": meta,
    })
    fig = go.Figure({"data": data, "layout": layout})
    # Set after construction: go.Figure() deep-copies its input, ~0.5 s for all of Norway.
    fig.data[0].geojson = geojson_url or geo
    return fig


def named(frame: pd.DataFrame, selected: str | None, ind: Indicator) -> list[str]:
    """The municipalities named on a presentation map: all up to WORDS_ON_MAP; beyond that
    (names would cover each other) the chosen one and the NAMES_WHEN_MANY largest (by count,
    or by population for a share)."""
    codes = list(frame["region_code"])
    if len(codes) <= WORDS_ON_MAP:
        return codes
    size = frame["denominator"] if ind.kind == "share" and "denominator" in frame else frame["value"]
    known = frame["status"].isin(fmt.KNOWN) & size.notna()
    big = frame.assign(_size=size)[known].sort_values("_size", ascending=False)
    out = [selected] if selected is not None and selected in codes else []
    return out + [c for c in big["region_code"] if c not in out][:NAMES_WHEN_MANY]


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _size_legend_shapes(steps: list[float], sizeref: float) -> tuple[list[dict], list[dict]]:
    """(shapes, annotations): the size legend as a column of reference circles in the figure's
    lower right corner, under the colour bar and outside the map, so the map keeps its size.
    The circles are sized in pixels (`xsizemode` 'pixel') by plotly's own rule for the symbols
    (sizemode 'area': radius = √(value / 2 / sizeref)), so they are true to the map's scale at
    any figure size; each has its number to its left (rows ≥ 30 px: projector type is 24 px)."""
    diam = [2 * math.sqrt(v / 2 / sizeref) for v in steps]           # plotly's area sizing, px
    cx = -max(diam, default=0) / 2 - 4                                # px from the right edge
    shapes, notes, y = [], [], 6.0
    for v, d in reversed(list(zip(steps, diam))):                     # the smallest at the bottom
        mid, y = y + max(d, 30) / 2, y + max(d, 30) + 4
        shapes.append({"xref": "paper", "yref": "paper", "xanchor": 1.0, "yanchor": 0.0,
                       "xsizemode": "pixel", "ysizemode": "pixel", "name": "size_legend",
                       "type": "circle", "x0": cx - d / 2, "x1": cx + d / 2, "y0": mid - d / 2,
                       "y1": mid + d / 2, "fillcolor": _rgba(SYMBOL, SYMBOL_OPACITY),
                       "line": {"width": 1, "color": SYMBOL_LINE}, "layer": "above"})
        notes.append({"xref": "paper", "yref": "paper", "x": 1.0, "y": 0.0, "name": "size_legend",
                      "xshift": 2 * cx - 6, "yshift": mid, "xanchor": "right",
                      "yanchor": "middle", "showarrow": False, "text": fmt.number(v),
                      "font": {"size": 13, "color": charts.TEXT, "family": charts.FONT}})
    return shapes[::-1], notes[::-1]
