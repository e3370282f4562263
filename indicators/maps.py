"""Maps: municipalities in fixed colour classes with their words, drawn two ways from the same
classes and words, so a colour and a sentence mean the same everywhere.

- `svg_map`: the Kart page's own map (ui/mapview.py draws it as plain SVG). No plotly.js to
  download, so the first map shows about as fast as a bare Streamlit page; every municipality
  can be reached with the keyboard.
- `choropleth`: a plotly figure of the same map, for kaleido (PNG/SVG/PDF, slides) and the
  presentation page.
"""
from __future__ import annotations

from functools import lru_cache

import pandas as pd
import plotly.graph_objects as go

from geo import boundaries, projection
from geo.boundaries import LABEL_PROPERTY
from indicators import charts, queries, views
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
    colours = SEQUENTIAL[min(len(breaks) + 1, 5)]
    known = frame["status"].isin(fmt.KNOWN) & frame["value"].notna()
    suppressed = frame["status"] == "suppressed"
    entries = []
    if (~known & ~suppressed).any():
        entries.append((_("Ingen data"), MISSING))
    if suppressed.any():
        entries.append((_("Skjermet"), SUPPRESSED))
    offset = len(entries)
    entries += list(zip(views.class_labels(breaks, ind), colours))
    shown = fmt.decimals_for(ind)     # classed as shown: 10,96 is «11,0 %», in the 11,0 class
    index = [offset + views.class_of(round(v, shown), breaks) if kn else (offset - 1 if sup else 0)
             for v, kn, sup in zip(frame["value"], known, suppressed)]
    return entries, index


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


def _words_and_meta(*, ind, period, area_name, age, category, demo):
    ptext = fmt.period(period) if period else fmt.DASH
    title = f"{charts.ind_title(ind, age, category)}, {ptext}"
    notes = [credit()]
    if ind.kind == "count":
        notes.append(_("Kartet viser antall personer, ikke andel: store kommuner får høye tall"))
    meta = charts.make_meta(view="kart", title=title, ind=ind, periods_text=ptext, age=age,
                            category=category, demo=demo, name_parts=(area_name, period),
                            notes=notes)
    return title, meta


# --- the page's SVG map ------------------------------------------------------------------------

def svg_map(frame: pd.DataFrame, *, area: str, county: str | None, ind: Indicator,
            period: str | None, area_name: str, breaks: list[float], selected: str | None = None,
            age: str | None = None, category: str = "alle", demo: bool = False) -> dict:
    """What ui/mapview.py draws: paths, fills, words, legend (highest class first) and the
    figure's words (`meta`, as charts.meta gives for a plotly figure). Plain JSON."""
    geo = svg_geometry(area, county)
    entries, index = classes(frame, breaks, ind)
    title, meta = _words_and_meta(ind=ind, period=period, area_name=area_name, age=age,
                                  category=category, demo=demo)
    few = len(frame) <= WORDS_ON_MAP
    regions = []
    for r, i, w in zip(views.rows(frame), index, words(frame, ind, period)):
        code = r["region_code"]
        if code not in geo.paths:
            continue
        known = r["status"] in fmt.KNOWN and r.get("value") is not None
        word = _status_word(r["status"], known) if few else None
        regions.append({"code": code, "d": geo.paths[code], "fill": entries[i][1], "words": w,
                        "label": word, "at": geo.labels.get(code) if word else None})
    return select({
        "title": title, "subtitle": _("{area}. Fargeklassene er like for alle år.").format(area=area_name),
        "unit": fmt.unit_label(ind), "demo": demo, "width": geo.width, "height": geo.height,
        "tall": geo.height > geo.width, "selected": selected,
        "legend": [{"label": lab, "colour": col} for lab, col in reversed(entries)],
        "regions": regions, "meta": meta["innenfor"],
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
               label_suppressed: bool = True, geojson_url: str | None = None) -> go.Figure:
    """Municipalities coloured in fixed classes (`breaks` from all periods), suppressed grey and
    labelled 'skjermet', missing light grey; the selected municipality outlined in black.

    One trace holds all polygons; the legend is a stepped colour bar whose ticks name the
    classes and the statuses. With `geojson_url` the browser fetches the geometry once (plotly
    keeps it for the page's lifetime) and reruns send only values; without it the geometry is
    inline (exports, tests). Only features listed in `frame` are drawn."""
    selected = feature_of(selected)
    frame = _selected_last(frame, selected)
    entries, z = classes(frame, breaks, ind)
    n = len(entries)
    scale = []
    for j, (_lab, col) in enumerate(entries):
        scale += [[j / n, col], [(j + 1) / n, col]]
    codes = list(frame["region_code"])
    data = [{
        "type": "choropleth", "locations": codes, "z": z,
        "zmin": -0.5, "zmax": n - 0.5, "colorscale": scale, "customdata": words(frame, ind, period),
        "name": ind.short,
        "hovertemplate": "<b>%{customdata[0]}</b><br>%{customdata[1]}<br>%{customdata[2]}"
                         "<br>%{customdata[3]}<extra></extra>",
        "marker": {"line": {"width": [3.5 if c == selected else 0.7 for c in codes],
                            "color": [SELECTED if c == selected else BORDER for c in codes]}},
        "colorbar": {"title": {"text": fmt.unit_label(ind), "side": "top"},
                     "tickvals": list(range(n)), "ticktext": [e[0] for e in entries],
                     "ticks": "", "thickness": 22, "len": min(0.95, 0.12 * n + 0.1), "y": 0.5,
                     "outlinecolor": BORDER, "outlinewidth": 1, "tickfont": {"size": 14}},
    }]
    known = frame["status"].isin(fmt.KNOWN) & frame["value"].notna()
    if label_suppressed and len(frame) <= WORDS_ON_MAP and (~known).any():
        # Words on the map, not only grey: SVG text, so no font download is needed.
        pts = {f["id"]: projection.label_point(f) for f in geo["features"]}
        lab = frame[~known & frame["region_code"].isin(list(pts))]
        data.append({
            "type": "scattergeo", "mode": "text", "hoverinfo": "skip", "showlegend": False,
            "lon": [pts[c][0] for c in lab["region_code"]], "lat": [pts[c][1] for c in lab["region_code"]],
            "text": [_status_word(s, False) for s in lab["status"]],
            "textfont": {"size": 12, "color": charts.TEXT, "family": charts.FONT}, "name": "status"})
    x0, y0, x1, y1 = projection.bounds(geo["features"]) if geo["features"] else (4.0, 58.0, 31.0, 71.0)
    title, meta = _words_and_meta(ind=ind, period=period, area_name=area_name, age=age,
                                  category=category, demo=demo)
    # A tall country needs a tall map; one county fits the screen.
    subtitle = _("{area}. Fargeklassene er like for alle år.").format(area=area_name)
    layout = charts.base_layout(title=title, subtitle=subtitle, demo=demo,
                                height=820 if (y1 - y0) > 6 else 640)
    px, py = (x1 - x0) * 0.03, (y1 - y0) * 0.04
    layout.update({
        # Transverse Mercator around the area's middle meridian, zoomed by explicit lon/lat
        # ranges computed here: plotly's fitbounds proved unreliable inside Streamlit
        # (sometimes fitting to a dot).
        "geo": {"visible": False, "bgcolor": "rgba(0,0,0,0)",
                "projection": {"type": "transverse mercator", "rotation": {"lon": (x0 + x1) / 2}},
                "center": {"lon": (x0 + x1) / 2, "lat": (y0 + y1) / 2},
                "lonaxis": {"range": [x0 - px, x1 + px]}, "lataxis": {"range": [y0 - py, y1 + py]}},
        "margin": {"l": 0, "r": 0, "t": 80, "b": 0}, "dragmode": False,
        "meta": meta,
    })
    fig = go.Figure({"data": data, "layout": layout})
    # Set after construction: go.Figure() deep-copies its input, ~0.5 s for all of Norway.
    fig.data[0].geojson = geojson_url or geo
    return fig
