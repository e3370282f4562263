"""Plotly figures for the views and (later) the exports: pure functions, DataFrames in, Figure out.

Every figure carries a title, the language's number formats (layout.separators), preformatted
hover text (all words in the current language, vocab.i18n), and `layout.meta["innenfor"]` with
title, caption, source, definition, period, demo flag and file name, so an export can put the
same words on the image without asking the page.
Maps are in indicators/maps.py (the same shared layout and words); a trend's time axis and the
mission drawn on it are in indicators/chart_targets.py.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from indicators import format as fmt
from indicators import views
from indicators.chart_targets import x_axis, x_values
from vocab.i18n import N_, _
from vocab.indicators import Indicator
from vocab.numbers import plotly_separators

FONT = "\"Source Sans\", \"Source Sans Pro\", \"Source Sans 3\", \"DejaVu Sans\", Arial, sans-serif"
TEXT = "#1a1a1a"
GRID = "#d9d9d9"
# Okabe–Ito: distinguishable with every common colour-vision deficiency.
LINE_COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
REFERENCE_STYLE = {
    # `label`: the legend of a reference line, its name in {name} (bokmål; shown as _(label)).
    "fylke": {"color": "#555555", "dash": "dash", "label": N_("{name} (fylket)")},
    "region": {"color": "#8c6d31", "dash": "dot", "label": N_("{name} (regiongruppen)")},
    "land": {"color": "#222222", "dash": "dashdot", "label": N_("{name} (landet)")},
    # The old municipality a split one came from (1507 for Ålesund and Haram), in its own years:
    # its rows are named for what they are (views.label_old), so the legend is the name.
    "gammel": {"color": "#CC79A7", "dash": "dot", "label": ""},
}


# --- shared layout ---------------------------------------------------------------------------
# Figures are built as plain dicts and validated once by go.Figure(...) at the end: plotly's
# incremental API (update_layout, add_trace) costs ~80 ms per chart, the dict route ~8 ms.

# A small template of our own: plotly's default one is large and copied into every figure.
TEMPLATE = {"layout": {
    "paper_bgcolor": "white", "plot_bgcolor": "white", "colorway": LINE_COLORS,
    "xaxis": {"gridcolor": GRID, "linecolor": "#8c8c8c", "zerolinecolor": "#8c8c8c", "automargin": True},
    "yaxis": {"gridcolor": GRID, "linecolor": "#8c8c8c", "zerolinecolor": "#8c8c8c", "automargin": True},
}}


def base_layout(*, title: str, subtitle: str = "", demo: bool, height: int) -> dict:
    layout: dict[str, Any] = {
        "template": TEMPLATE,
        "separators": plotly_separators(),
        "font": {"family": FONT, "size": 15, "color": TEXT},
        "title": {"text": title, "subtitle": {"text": subtitle, "font": {"size": 14, "color": "#404040"}},
                  "x": 0, "xanchor": "left", "y": 0.98, "yanchor": "top", "font": {"size": 20}},
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 80, "b": 10},
        "hoverlabel": {"font": {"family": FONT, "size": 15}, "bgcolor": "white"},
        "annotations": [],
        "shapes": [],
    }
    if demo:
        layout["annotations"].append({
            "text": _("DEMODATA"), "xref": "paper", "yref": "paper", "x": 1, "y": 1.0,
            "xanchor": "right", "yanchor": "bottom", "showarrow": False,
            "font": {"size": 14, "color": "#8b1a1a", "family": FONT}, "bordercolor": "#8b1a1a",
            "borderwidth": 1.5, "borderpad": 3, "bgcolor": "#fff4f4"})
    return layout


def make_meta(*, view: str, title: str, ind: Indicator, periods_text: str, age: str | None,
          category: str, demo: bool, name_parts: tuple, notes=(), provenance=None) -> dict:
    source = fmt.source_line(ind, None if demo else provenance)    # provenance: ui.data.provenance
    return {"innenfor": {
        "view": view, "indicator": ind.id, "title": title,
        "caption": fmt.caption(ind, periods_text, age=age, category=category, demo=demo, notes=notes,
                               source=source),
        "definition": ind.definition, "source": source, "period": periods_text,
        "unit": fmt.unit_label(ind), "selection": fmt.dimension_text(ind, age, category),
        "demo": demo, "notes": [n for n in notes if n],
        "filename": fmt.slug("innenfor", view, ind.id, *name_parts),
    }}


def meta(fig) -> dict:
    """The figure's words for captions and exports (title, caption, source, filename, …)."""
    m = fig.layout.meta if isinstance(fig, go.Figure) else (fig.get("layout") or {}).get("meta")
    return dict(m["innenfor"]) if m and "innenfor" in m else {}


def config(fig, *, topojson_url: str | None = None) -> dict:
    """plotly.js config for st.plotly_chart: PNG button with a sensible file name, no logo,
    and the local topojson stub for maps (no CDN)."""
    c = {"displaylogo": False, "responsive": True,
         "toImageButtonOptions": {"format": "png", "filename": meta(fig).get("filename", "innenfor"),
                                  "scale": 2},
         "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d"]}
    if topojson_url:
        c["topojsonURL"] = topojson_url
    return c


def ind_title(ind: Indicator, age, category) -> str:
    """'Unge utenfor (NEET), 15–29 år': every title says the age band of its figures."""
    return f"{ind.short}, {fmt.dimension_text(ind, age, category)}"


def place_title(ind: Indicator, place: str, age, category, periods_text: str | None = None) -> str:
    """A chart title about one place, with the age band in the same line: 'Unge utenfor
    (NEET) i Skien, 15–29 år, 2015–2024'; 'Arbeidssøkere, andel i Skien, alle aldre, helt
    ledige, 2011–2026'."""
    t = _("{indicator} i {place}, {selection}").format(
        indicator=ind.short, place=place, selection=fmt.dimension_text(ind, age, category))
    return f"{t}, {periods_text}" if periods_text else t


def _value_axis(ind: Indicator) -> dict:
    a = {"title": {"text": fmt.unit_label(ind)}, "rangemode": "tozero", "gridcolor": GRID,
         "zerolinecolor": "#999999", "tickfont": {"size": 14}}
    if ind.kind == "share":
        a["ticksuffix"] = fmt.percent_suffix()
    else:
        a["tickformat"] = ",d"
    return a


def _detail(r: dict, ind: Indicator) -> str:
    bits = []
    if r.get("status") in ("provisional", "break"):
        bits.append(fmt.status_word(r["status"]))
    if ind.kind == "share" and r.get("status") in fmt.KNOWN and r.get("numerator") is not None \
            and r.get("denominator") is not None:
        bits.append(_("{numerator} av {denominator}").format(
            numerator=fmt.number(r["numerator"]), denominator=fmt.number(r["denominator"])))
    return ("<br>" + " · ".join(bits)) if bits else ""


# Parts of a figure dict that are data, not style: never searched for fonts.
_DATA_KEYS = {"geojson", "customdata", "x", "y", "z", "locations", "lon", "lat", "text", "meta"}


def fonts(node, path: str = ""):
    """(path, font dict) for every font in a figure dict (layout or traces), data left out;
    for restyling a copy of a figure (exports, presentation)."""
    if isinstance(node, dict):
        for key, val in node.items():
            if key in _DATA_KEYS:
                continue
            if isinstance(val, dict):
                if key.endswith("font"):
                    yield f"{path}.{key}", val
                yield from fonts(val, f"{path}.{key}")
            elif isinstance(val, list):
                yield from fonts(val, f"{path}.{key}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            if isinstance(v, (dict, list)):
                yield from fonts(v, f"{path}[{i}]")


# --- trends ----------------------------------------------------------------------------------

def trend(df: pd.DataFrame, *, ind: Indicator, lines: list[tuple[str, str]], age: str | None = None,
          category: str = "alle", demo: bool = False, all_periods: list[str] | None = None,
          moving_average: bool = False, title: str | None = None, height: int = 520, provenance=None,
          view: str = "utvikling", subtitle: str = "", title_size: int | None = None) -> go.Figure:
    """One line per (region_code, role): role 'kommune' in colour, references ('fylke',
    'region', 'land') dashed. Gaps where a value is suppressed or missing; provisional values
    and series breaks get their own marked points (symbol and legend entry, not colour).
    A municipality's share with known counts gets its 95 % interval as a translucent band
    («95 % feilmargin» in the legend and the hover), broken where the line is.
    A narrow chart (Min kommune) keeps its title short and on one line (plotly never wraps a
    title, and cuts off the first of several lines): `title_size` and a `subtitle`."""
    ptype = ind.period_type
    all_periods = sorted(all_periods or df["period"].unique().tolist())
    months = ptype == "month"
    data, colour_i = [], 0
    marked: dict[str, list[dict]] = {"provisional": [], "break": []}
    gaps, bands = False, []
    # The years of an old municipality's own line (1507 for Ålesund and Haram, 2020–2023) are a
    # gap in the lines of the municipalities it became: they had no figures of their own then.
    old_years = set(df.loc[df["region_code"].isin([c for c, r in lines if r == "gammel"]), "period"])
    for code, role in lines:
        g = df[df["region_code"] == code].sort_values("period")
        if not g["status"].isin(fmt.KNOWN).any():      # nothing to draw: no empty legend entry
            continue
        name = g["region_name"].iloc[0]
        rs = views.rows(g)
        if role == "kommune" and old_years - set(g["period"]):
            rs = sorted(rs + [{"region_code": code, "region_name": name, "period": p, "value": None,
                               "status": "missing"} for p in old_years - set(g["period"])],
                        key=lambda r: r["period"])
        if role == "kommune":
            style = {"color": LINE_COLORS[colour_i % len(LINE_COLORS)], "width": 3.5}
            colour_i += 1
            legend = name
        else:
            ref = REFERENCE_STYLE[role]
            style = {"color": ref["color"], "width": 2.5, "dash": ref["dash"]}
            label = ref["label"]
            legend = name if role == "land" or not label else _(label).format(name=name)
        ys = [r["value"] if r["status"] in fmt.KNOWN else None for r in rs]
        known = [i for i, y in enumerate(ys) if y is not None]    # a break inside the line
        gaps = gaps or (bool(known) and any(y is None for y in ys[known[0]:known[-1]]))
        xs = x_values([r["period"] for r in rs], ptype)
        # The 95 % interval of a share whose counts are known (the one Min kommune's facts use).
        cis = [views.ci_of(r) if ind.kind == "share" and y is not None else None for r, y in zip(rs, ys)]
        data.append({
            "type": "scatter", "x": xs, "name": legend, "y": ys,
            "mode": "lines" if months else "lines+markers", "line": style, "connectgaps": False,
            "marker": {"size": 8 if role == "kommune" else 6},
            "customdata": [[name, fmt.period(r["period"]), fmt.value(r["value"], ind, r["status"]),
                            _detail(r, ind)] for r in rs],
            "text": [_band_text(ci) for ci in cis],          # in the hover only (no "text" mode)
            "hovertemplate": "<b>%{customdata[0]}</b><br>%{customdata[1]}: %{customdata[2]}"
                             "%{customdata[3]}%{text}<extra></extra>"})
        if role in ("kommune", "gammel") and (band := _band(xs, ys, cis, str(style["color"]))):
            bands.append(band)
        for st in marked:
            marked[st] += [r for r in rs if r["status"] == st and r["value"] is not None]
    for st, symbol, label in (("provisional", "circle-open", _("Foreløpig tall")),
                              ("break", "x-thin-open", _("Brudd i serien"))):
        if marked[st]:
            data.append({"type": "scatter", "mode": "markers", "name": label, "hoverinfo": "skip",
                         "x": x_values([r["period"] for r in marked[st]], ptype),
                         "y": [r["value"] for r in marked[st]],
                         "marker": {"symbol": symbol, "size": 13, "color": "#000000",
                                    "line": {"width": 2, "color": "#000000"}}})
    if len(bands) > 1:                      # one legend entry for all, grey: no one line's colour
        bands.insert(0, {**bands[0], "x": [None], "y": [None], "fillcolor": "rgba(0,0,0,0.2)"})
    for i, band in enumerate(bands):       # after the lines (their indices stay), drawn under them
        data.append(dict(band, name=_("95 % feilmargin"), showlegend=i == 0))
    periods_text = fmt.period_range(df["period"]) if len(df) else fmt.DASH
    title = title or f"{ind_title(ind, age, category)}, {periods_text}"
    subtitle = ". ".join(x for x in (subtitle, _("12 måneders glidende gjennomsnitt")
                                      if moving_average else "") if x)
    layout = base_layout(title=title, subtitle=subtitle, demo=demo, height=height)
    if title_size:
        layout["title"]["font"]["size"] = title_size
    layout.update({"xaxis": x_axis(ptype, all_periods), "yaxis": _value_axis(ind), "hovermode": "closest",
                   "legend": {"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0,
                              "font": {"size": 14}}})
    notes = [_("Brudd i linjen: tallet er skjermet eller mangler")] if gaps else []
    if moving_average:
        notes.append(_("Linjene viser gjennomsnittet av de siste 12 månedene"))
    elif months:
        notes.append(_("Månedstall svinger med sesongen"))
    if bands:
        notes.append(_("Farget felt rundt kommunens linje: 95 % feilmargin (der antallene er kjent)"))
    mine = [c for c, r in lines if r == "kommune"]
    names = list(dict.fromkeys(df[df["region_code"].isin(mine)]["region_name"]))
    layout["meta"] = make_meta(view=view, title=title, ind=ind, periods_text=periods_text, age=age,
                           category=category, demo=demo, name_parts=(*names[:3], periods_text),
                           notes=notes, provenance=provenance)
    return go.Figure({"data": data, "layout": layout})


def _band_text(ci) -> str:
    return "<br>" + _("95 % feilmargin: {interval}").format(interval=fmt.interval(ci)) if ci else ""


def _band(xs: list, ys: list, cis: list, colour: str) -> dict | None:
    """A municipality's 95 % intervals as a translucent area around its line: one closed piece
    (fill «toself») per run of two or more periods whose counts are known and hold the value,
    so it never spans a suppressed or missing figure. None when there is no such run."""
    bx: list = []
    by: list = []
    run: list[tuple] = []
    for x, y, ci in [*zip(xs, ys, cis), (None, None, None)]:
        if ci is not None and ci[0] <= y <= ci[1]:
            run.append((x, ci))
            continue
        if len(run) > 1:                   # upper edge forward, lower edge back; None between
            bx += [*(q[0] for q in run), *(q[0] for q in run[::-1]), None]
            by += [*(q[1][1] for q in run), *(q[1][0] for q in run[::-1]), None]
        run = []
    if not bx:
        return None
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return {"type": "scatter", "mode": "none", "fill": "toself", "x": bx[:-1], "y": by[:-1],
            "fillcolor": f"rgba({r},{g},{b},0.2)", "hoverinfo": "skip", "legendgroup": "band",
            "zorder": -1, "meta": "band"}


# --- bars ------------------------------------------------------------------------------------

def _errors(rs: list[dict], ind: Indicator) -> dict | None:
    """95 % Wilson intervals as whiskers (shares with numerator and denominator only)."""
    if ind.kind != "share":
        return None
    plus, minus = [], []
    for r in rs:
        ci = views.ci_of(r)
        ok = ci is not None and r.get("value") is not None
        plus.append(max(0.0, ci[1] - r["value"]) if ok else None)
        minus.append(max(0.0, r["value"] - ci[0]) if ok else None)
    if all(p is None for p in plus):
        return None
    return {"type": "data", "array": plus, "arrayminus": minus, "color": "#333333",
            "thickness": 1.5, "width": 4}


def ranking(df: pd.DataFrame, *, ind: Indicator, period: str | None, area_name: str,
            references: Sequence[tuple[str, dict | None]] = (), selected: str | None = None,
            age: str | None = None, category: str = "alle", demo: bool = False, provenance=None) -> go.Figure:
    """Municipalities sorted by value (highest on top), 95 % intervals as whiskers, the county
    and Norway as vertical lines; suppressed and missing listed at the bottom with the word."""
    known = df["status"].isin(fmt.KNOWN) & df["value"].notna()
    # plotly puts the first category at the bottom: unknown first, then ascending values.
    d = pd.concat([df[~known].sort_values("region_name", ascending=False),
                   df[known].sort_values("value", ascending=True)])
    rs = views.rows(d)
    labels = []
    for r in rs:
        name = f"<b>▶ {r['region_name']}</b>" if r["region_code"] == selected else r["region_name"]
        labels.append(f"{name}  {fmt.value(r['value'], ind, r['status'])}")
    errors = _errors(rs, ind)
    bar = {"type": "bar", "orientation": "h", "y": labels, "name": ind.short, "showlegend": False,
           "x": [r["value"] if r["status"] in fmt.KNOWN else None for r in rs],
           "marker": {"color": ["#D55E00" if r["region_code"] == selected else "#2c7fb8" for r in rs]},
           "customdata": [[r["region_name"], fmt.value(r["value"], ind, r["status"]), _detail(r, ind)]
                          for r in rs],
           "hovertemplate": "<b>%{customdata[0]}</b><br>%{customdata[1]}%{customdata[2]}<extra></extra>"}
    if errors:
        bar["error_x"] = errors
    ptext = fmt.period(period) if period else fmt.DASH
    title = f"{ind_title(ind, age, category)}, {ptext}"
    subtitle = (_("Kommunene i {area}, sortert. Strekene viser 95 % usikkerhetsintervall.") if errors
                else _("Kommunene i {area}, sortert.")).format(area=area_name)
    layout = base_layout(title=title, subtitle=subtitle, demo=demo,
                          height=max(320, 26 * len(d) + 170 + 24 * len(references)))
    shown = [(n, r) for n, r in references
             if r and r.get("status") in fmt.KNOWN and r.get("value") is not None]
    for i, (name, r) in enumerate(shown):
        style = REFERENCE_STYLE["land" if r.get("region_code") == views.NORWAY else "fylke"]
        layout["shapes"].append({"type": "line", "xref": "x", "yref": "paper", "x0": r["value"],
                                 "x1": r["value"], "y0": 0, "y1": 1,
                                 "line": {"color": style["color"], "dash": style["dash"], "width": 2.5}})
        # One row per reference line, so close values never print over each other.
        layout["annotations"].append({
            "x": r["value"], "xref": "x", "y": 1, "yref": "paper", "yanchor": "bottom",
            "yshift": 4 + 24 * (len(shown) - 1 - i), "xanchor": "center", "showarrow": False,
            "text": f"{name} {fmt.value(r['value'], ind)}", "font": {"size": 14, "color": style["color"]},
            "bgcolor": "rgba(255,255,255,0.9)"})
    layout.update({"xaxis": _value_axis(ind), "yaxis": {"tickfont": {"size": 14}, "automargin": True},
                   "bargap": 0.25, "margin": {"l": 10, "r": 20, "t": 100 + 24 * len(shown), "b": 10}})
    layout["meta"] = make_meta(view="rangering", title=title, ind=ind, periods_text=ptext, age=age,
                           category=category, demo=demo, name_parts=(area_name, period),
                           provenance=provenance)
    return go.Figure({"data": [bar], "layout": layout})


LEVEL_COLOURS = {"region": "#41b6c4", "fylke": "#2c7fb8", "land": "#253494", "kommune": "#D55E00"}
LEVEL_WORDS = {"region": N_("Regiongruppe"), "fylke": N_("Fylke"), "land": N_("Landet"),
               "kommune": N_("Kommune")}


def _level_word(level) -> str:
    word = LEVEL_WORDS.get(level)
    return _(word) if word else ""


def _level_name(r: dict) -> str:
    """'Vestfold (regiongruppe)' vs 'Vestfold': a group and a county can share a name."""
    if r.get("level") == "region":
        return _("{name} (regiongruppe)").format(name=r["region_name"])
    return r["region_name"]


def region_bars(df: pd.DataFrame, *, ind: Indicator, period: str | None, order: list[str], provenance=None,
                age: str | None = None, category: str = "alle", demo: bool = False) -> go.Figure:
    """Regional groups, counties and Norway side by side for one period (in `order`, first on
    top), coloured by level with a legend; the names say the level too."""
    present = set(df["region_code"])
    d = df.set_index("region_code").reindex([c for c in order if c in present]).reset_index()
    rs = views.rows(d.iloc[::-1])
    errors = _errors(rs, ind)
    bar = {"type": "bar", "orientation": "h", "showlegend": False,
           "y": [f"{_level_name(r)}  {fmt.value(r['value'], ind, r['status'])}" for r in rs],
           "x": [r["value"] if r["status"] in fmt.KNOWN else None for r in rs],
           "marker": {"color": [LEVEL_COLOURS.get(r["level"], "#2c7fb8") for r in rs]},
           "customdata": [[r["region_name"], fmt.value(r["value"], ind, r["status"]), _detail(r, ind),
                           _level_word(r.get("level"))] for r in rs],
           "hovertemplate": "<b>%{customdata[0]}</b> (%{customdata[3]})<br>%{customdata[1]}"
                            "%{customdata[2]}<extra></extra>"}
    if errors:
        bar["error_x"] = errors
    data = [bar]
    for lv in ("region", "fylke", "land"):          # legend entries for the level colours
        if any(r["level"] == lv for r in rs):
            data.append({"type": "bar", "orientation": "h", "x": [None], "y": [None], "hoverinfo": "skip",
                         "marker": {"color": LEVEL_COLOURS[lv]}, "name": _(LEVEL_WORDS[lv])})
    ptext = fmt.period(period) if period else fmt.DASH
    title = f"{ind_title(ind, age, category)}, {ptext}"
    subtitle = _("Regiongrupper, fylker og landet. Strekene viser 95 % usikkerhetsintervall.") \
        if errors else _("Regiongrupper, fylker og landet")
    layout = base_layout(title=title, subtitle=subtitle, demo=demo,
                         height=max(300, 34 * len(rs) + 190))
    layout.update({"xaxis": _value_axis(ind), "yaxis": {"tickfont": {"size": 14}, "automargin": True},
                   "barmode": "overlay", "bargap": 0.3,
                   "legend": {"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0},
                   "margin": {"l": 10, "r": 10, "t": 80, "b": 50}})
    layout["meta"] = make_meta(view="regioner", title=title, ind=ind, periods_text=ptext, age=age,
                           category=category, demo=demo, name_parts=(period,), provenance=provenance)
    return go.Figure({"data": data, "layout": layout})


def small_multiples(df: pd.DataFrame, *, ind: Indicator, panels: list[tuple[str, str]],
                    reference: str = views.NORWAY, age: str | None = None, category: str = "alle",
                    demo: bool = False, all_periods: list[str] | None = None, provenance=None) -> go.Figure:
    """One small panel per region (the four regional groups), shared axes, Norway dashed in
    each panel for reference."""
    cols = 2
    nrows = max(1, math.ceil(len(panels) / cols))
    ptype = ind.period_type
    all_periods = sorted(all_periods or df["period"].unique().tolist())
    ref = df[df["region_code"] == reference].sort_values("period")
    gap_x, gap_y = 0.06, 0.16
    w = (1 - gap_x * (cols - 1)) / cols
    h = (1 - gap_y * (nrows - 1)) / nrows
    data, layout_axes, annotations = [], {}, []
    va = _value_axis(ind)
    va.pop("title")
    for i, (code, name) in enumerate(panels):
        r, c = divmod(i, cols)
        n = "" if i == 0 else str(i + 1)
        xd = [c * (w + gap_x), c * (w + gap_x) + w]
        yd = [1 - (r + 1) * h - r * gap_y, 1 - r * (h + gap_y)]
        layout_axes[f"xaxis{n}"] = x_axis(ptype, all_periods, domain=xd, anchor=f"y{n}",
                                           matches="x" if i else None, nticks=6,
                                           tickfont={"size": 13})
        layout_axes[f"yaxis{n}"] = dict(va, domain=yd, anchor=f"x{n}", matches="y" if i else None,
                                        showticklabels=c == 0)
        annotations.append({"text": f"<b>{name}</b>", "x": sum(xd) / 2, "y": yd[1], "xref": "paper",
                            "yref": "paper", "yanchor": "bottom", "showarrow": False,
                            "font": {"size": 16}})
        g = df[df["region_code"] == code].sort_values("period")
        for frame, style, label in ((ref, {"color": "#222222", "dash": "dashdot", "width": 2},
                                     _("Hele landet")),
                                    (g, {"color": LINE_COLORS[0], "width": 3}, _("Regiongruppen"))):
            if frame.empty:
                continue
            rs = views.rows(frame)
            # Points as well where a line would be too short to see (one or a few periods).
            few = len(all_periods) <= 3 and ptype != "month"
            data.append({
                "type": "scatter", "mode": "lines+markers" if few else "lines",
                "xaxis": f"x{n}", "yaxis": f"y{n}", "marker": {"size": 9, "color": style["color"]},
                "x": x_values(frame["period"], ptype), "line": style, "name": label, "legendgroup": label,
                "showlegend": i == 0, "connectgaps": False,
                "y": [x["value"] if x["status"] in fmt.KNOWN else None for x in rs],
                "customdata": [[x["region_name"], fmt.period(x["period"]),
                                fmt.value(x["value"], ind, x["status"])] for x in rs],
                "hovertemplate": "<b>%{customdata[0]}</b><br>%{customdata[1]}: %{customdata[2]}"
                                 "<extra></extra>"})
    for ax in layout_axes.values():
        if ax.get("matches") is None:
            ax.pop("matches", None)
    periods_text = fmt.period_range(df["period"]) if len(df) else fmt.DASH
    title = f"{ind_title(ind, age, category)}, {periods_text}"
    has_ref = not ref.empty and ref["status"].isin(fmt.KNOWN).any()
    subtitle = _("De fire regiongruppene i partnerskapet, med landet stiplet") if has_ref \
        else _("De fire regiongruppene i partnerskapet (ingen tall for landet)")
    layout = base_layout(title=title, subtitle=subtitle, demo=demo, height=300 * nrows + 190)
    layout["annotations"] += annotations
    layout.update(layout_axes)
    layout.update({"legend": {"orientation": "h", "yanchor": "top", "y": -0.08, "x": 0},
                   "margin": {"l": 10, "r": 10, "t": 120, "b": 10}})
    layout["meta"] = make_meta(view="regiongrupper", title=title, ind=ind, periods_text=periods_text,
                           age=age, category=category, demo=demo, name_parts=(periods_text,),
                           provenance=provenance)
    return go.Figure({"data": data, "layout": layout})
