"""A trend chart's time axis, and the 2035 mission on it: the path to a target and the measures
that ran.

The time axis (`x_values`, `x_ticks`, `x_axis`; indicators.charts.trend draws on it): months on a
date axis at their true spacing, years and school years as categories; at most MAX_LABELS whole
tick labels («2020», «2020–21», «jan 24»), so they fit a phone-wide chart side by side at any
width and never run together.

`with_mission(fig, ...)` takes a figure from indicators.charts.trend and returns a copy with
- the path: a black long-dashed line from the baseline value to the target value, one point a
  year (indicators.progress.path), with the x axis extended to the target year;
- the target point: a star labelled «Mål 2030: 8,0 %»;
- the measures: one grey lane each under the x axis, a bar from start to end (an open end runs
  to the newest period) with the measure's name in black, and a dotted line where each starts,
  so one sees which measures ran when the line moved. Grey, black and words: readable in
  grayscale print and on a projector, never colour alone.
The figure's words (meta notes, so the caption and every image footer) say the target, the
status and the measures.
"""
from __future__ import annotations

import bisect
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from indicators import format as fmt
from indicators import progress
from vocab import periods as vperiods
from vocab.i18n import N_, _, ngettext
from vocab.indicators import Indicator
from vocab.numbers import integer

PATH_COLOUR = "#000000"
LANE_FILL = "#d0d0d0"
LANE_LINE = "#4d4d4d"
LANE_PX = 30                   # one measure's lane, CSS pixels
AXIS_GAP_PX = 34               # room for the x axis' tick labels above the lanes
MAX_LANES = 6
LANE_NOTE = N_("Grå felt under figuren: tiltak, fra start til slutt (pågående tiltak til nyeste "
                "periode); prikket linje der et tiltak starter")


def period_of(d, period_type: str) -> str:
    """The period a date falls in: 2023; 2023-03; the school year (August–July) 2022-2023."""
    t = pd.Timestamp(d)
    if period_type == "month":
        return f"{t.year}-{t.month:02d}"
    if period_type == "school_year":
        y = t.year if t.month >= 8 else t.year - 1
        return f"{y}-{y + 1}"
    return str(t.year)


def _extended(all_periods: list[str], until: str) -> list[str]:
    """The chart's periods, then one a year up to `until` (the target's period)."""
    ps = sorted(all_periods)
    if not ps or until <= ps[-1]:
        return ps
    step = ps[-1]
    while True:
        step = vperiods.shift_years(step, 1) if vperiods.kind(step) != "month" else \
            _next_month(step)
        if step > until:
            return ps
        ps.append(step)


def _next_month(p: str) -> str:
    y, m = int(p[:4]), int(p[5:])
    return f"{y + m // 12}-{m % 12 + 1:02d}"


# --- the time axis (indicators.charts.trend draws on it) ---------------------------------

def x_values(periods, period_type: str) -> list[str]:
    """The x coordinates of periods on a trend chart's axis (dates for months, else names)."""
    if period_type == "month":
        return [f"{p}-01" for p in periods]        # a date axis: months at their true spacing
    return [fmt.period_short(p) for p in periods]  # '2020–21': school years fit the axis


# The most tick labels a trend's x axis gets: side by side they fit a phone-wide chart (about
# 200 px of plot at 14 px: «2024» ~35 px, «2024–25» ~55 px) at whatever width it is drawn.
# Plotly never thins labels given a fixed dtick, nor upright ones on a category axis: they ran
# together («2015201620172018…», read as «201 201 … 202» on Min kommune's narrow column).
MAX_LABELS = {"year": 5, "school_year": 3, "month": 4}


def _step(n: int, most: int, steps=(1, 2, 3, 5, 10, 20)) -> int:
    """The smallest step that labels at most `most` of `n` periods in a row."""
    return next((s for s in steps if -(-n // s) <= most), steps[-1])


def x_ticks(period_type: str, all_periods: list[str]) -> tuple[list[str], list[str]]:
    """(tick positions, whole labels) for a trend's x axis, at most MAX_LABELS of them: every
    year or every 2nd, 3rd, 5th … ending at the newest; on a month axis the Januaries of every
    year (or 2nd, 5th … year: «2020»), or for a short series the months («jan 24»)."""
    ps = sorted(all_periods)
    if not ps:
        return [], []
    if period_type != "month":
        cats = [fmt.period_short(p) for p in ps]
        step = _step(len(cats), MAX_LABELS.get(period_type, MAX_LABELS["year"]))
        cats = cats[::-1][::step][::-1]
        return cats, cats
    first, last = ps[0], ps[-1]
    years = [y for y in range(int(first[:4]), int(last[:4]) + 1) if first <= f"{y}-01" <= last]
    if len(years) >= 3:
        # Round years (2016, 2018 … 2024; 2015, 2020 …), as few as fit.
        years = next((ys for s in (1, 2, 5, 10, 20) if len(ys := [y for y in years if y % s == 0])
                      <= MAX_LABELS["year"]), years[-1:])
        return [f"{y}-01-01" for y in years], [str(y) for y in years]
    months = [f"{y}-{m:02d}" for y in range(int(first[:4]), int(last[:4]) + 1) for m in range(1, 13)]
    months = [m for m in months if first <= m <= last]
    step = _step(len(months), MAX_LABELS["month"], (1, 2, 3, 6, 12))
    months = [m for m in months if (int(m[5:]) - 1) % step == 0]
    return [f"{m}-01" for m in months], [fmt.period_short(m) for m in months]


def x_axis(period_type: str, all_periods: list[str], **extra) -> dict:
    """A trend chart's x axis over `all_periods` (`extra` overrides), labelled by x_ticks."""
    # Upright labels; turned (plotly's autotickangles) only where a chart is narrower than a phone.
    a: dict[str, Any] = {"tickfont": {"size": 14}, "title": {"text": ""},
                         "autotickangles": [0, 30], "ticks": "outside", "ticklen": 6}
    vals, text = x_ticks(period_type, all_periods)
    if period_type == "month":
        # A date axis: months at their true spacing. Our own labels (plotly names months in
        # English); a small tick each year (or month) between them.
        yearly = bool(text) and len(text[0]) == 4
        every = "M12" if yearly and len(text) > 1 and int(text[1]) - int(text[0]) > 1 else \
            "M3" if yearly else "M1"
        a.update(type="date", minor={"ticks": "outside", "ticklen": 3, "tick0": "2000-01-01",
                                     "dtick": every})
        if yearly:
            a["tickformat"] = "%Y"
    else:
        a.update(type="category", categoryorder="array",
                 categoryarray=[fmt.period_short(p) for p in sorted(all_periods)])
    if vals:
        a.update(tickmode="array", tickvals=vals, ticktext=text)
    a.update(extra)
    return a


# --- the mission ----------------------------------------------------------------------------

def path_traces(p: progress.Progress, ind: Indicator) -> list[dict]:
    """The path (line) and the target point (star with its label), as trace dicts."""
    pts = progress.path(p)
    if not pts:
        return []
    xs = x_values([q for q, _v in pts], ind.period_type)
    hover = [[fmt.period(q), fmt.value(v, ind)] for q, v in pts]
    name = _("Bane mot målet")
    line = {"type": "scatter", "mode": "lines",
            "name": name,
            "x": xs, "y": [v for _q, v in pts], "line": {"color": PATH_COLOUR, "width": 2.5,
                                                            "dash": "longdash"},
            "customdata": hover, "meta": "target_path",
            "hovertemplate": "<b>" + escape(name) + "</b><br>%{customdata[0]}: %{customdata[1]}"
                             "<extra></extra>"}
    point = {"type": "scatter", "mode": "markers+text", "name": p.label, "showlegend": False,
             "x": [xs[-1]], "y": [p.target_value], "text": [f"<b>{p.label}</b>"],
             # Beside the path on its open side: under a falling path, over a rising one.
             "textposition": "bottom left" if p.target_value < pts[0][1] else "top left",
             "textfont": {"size": 15, "color": PATH_COLOUR},
             "marker": {"symbol": "star", "size": 17, "color": PATH_COLOUR,
                        "line": {"width": 1, "color": "white"}},
             "meta": "target_point", "hovertemplate": f"<b>{p.label}</b><extra></extra>"}
    return [line, point]


def _bounds(m: dict, ind: Indicator, cats: list[str], newest: str) -> tuple | None:
    """(x0, x1) of a measure's bar in axis coordinates (dates on a month axis, else category
    positions), or None when it is outside the chart. `cats`: the chart's periods."""
    start = period_of(m["start_date"], ind.period_type)
    end_date = m.get("end_date")
    end = newest if end_date is None or pd.isna(end_date) else period_of(end_date, ind.period_type)
    end = min(end, cats[-1]) if cats else end
    if not cats or start > cats[-1] or end < cats[0]:
        return None
    if ind.period_type == "month":
        start = max(start, cats[0])
        return f"{start}-01", f"{_next_month(end)}-01"
    # A period the axis lacks (a year without figures) is halfway between its neighbours.
    x0 = cats.index(start) - 0.45 if start in cats else bisect.bisect_left(cats, start) - 0.5
    x1 = cats.index(end) + 0.45 if end in cats else bisect.bisect_right(cats, end) - 0.5
    return x0, x1


def with_mission(fig: go.Figure, *, ind: Indicator, target: progress.Progress | None,
                 measures: pd.DataFrame | None, all_periods: list[str], newest: str | None,
                 age: str | None, category: str) -> go.Figure:
    """The trend figure with the path, the target point and the measures' lanes (a copy)."""
    # Oldest first: the lanes read from the top as a timeline.
    ms = [] if measures is None or measures.empty else \
        measures.sort_values(["start_date", "name"], kind="stable").to_dict("records")
    if target is None and not ms:
        return fig
    d = fig.to_plotly_json()
    data, layout = list(d["data"]), dict(d["layout"])
    notes = list(((layout.get("meta") or {}).get("innenfor") or {}).get("notes") or [])
    pts = progress.path(target) if target is not None else []
    periods = sorted(all_periods)
    if target is not None and pts:
        periods = _extended(periods, pts[-1][0])
        data += path_traces(target, ind)
    if target is not None:
        notes.append(progress.chart_note(target))
    layout["meta"] = {"innenfor": dict(layout["meta"]["innenfor"])}
    old = layout.get("xaxis") or {}
    # The years up to the target labelled as few as x_ticks allows, the target's year among them.
    layout["xaxis"] = x_axis(ind.period_type, periods,
                             **{k: old[k] for k in ("domain", "anchor") if k in old})
    newest = newest or (periods[-1] if periods else None)
    shown = [(m, b) for m in ms[:MAX_LANES] if newest and (b := _bounds(m, ind, periods, newest))]
    if shown:
        _lanes(layout, shown, len(periods))
        notes.append(_(LANE_NOTE))
        notes.append(_("Tiltak: {measures}").format(
            measures="; ".join(progress.measure_line(m) for m, _b in shown)))
    if len(ms) > MAX_LANES:
        more = len(ms) - MAX_LANES
        notes.append(ngettext("{n} tiltak til står i listen på siden.",
                              "{n} tiltak til står i listen på siden.", more).format(n=integer(more)))
    meta = dict(layout["meta"]["innenfor"])
    meta["notes"] = notes
    meta["caption"] = fmt.caption(ind, meta["period"], age=age, category=category,
                                  demo=meta["demo"], notes=notes, source=meta.get("source"))
    meta["target"] = target.label if target is not None else None
    meta["measures"] = [m["name"] for m, _b in shown]
    layout["meta"] = {"innenfor": meta}
    return go.Figure({"data": data, "layout": layout})


def _lanes(layout: dict, shown: list[tuple[dict, tuple]], span: int) -> None:
    """One lane per measure under the x axis (placed by place_lanes)."""
    n = len(shown)
    layout["height"] = int(layout.get("height") or 520) + n * LANE_PX + AXIS_GAP_PX
    shapes, notes = list(layout.get("shapes") or []), list(layout.get("annotations") or [])
    for i, (m, (x0, x1)) in enumerate(shown):
        shapes.append({"type": "rect", "xref": "x", "yref": "paper", "x0": x0, "x1": x1,
                       "fillcolor": LANE_FILL, "layer": "below", "name": f"lane{i}-bar",
                       "line": {"color": LANE_LINE, "width": 1}})
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": x0, "x1": x0,
                       "layer": "below", "name": f"lane{i}-start",
                       "line": {"color": "#7f7f7f", "width": 1, "dash": "dot"}})
        late = isinstance(x0, float) and x0 > 0.6 * span    # late start: the name ends at the bar's end
        notes.append({"text": _label(m), "xref": "x", "yref": "paper", "x": x1 if late else x0,
                      "xanchor": "right" if late else "left", "name": f"lane{i}-label",
                      "yanchor": "middle", "xshift": -4 if late else 4,
                      "showarrow": False, "font": {"size": 13, "color": "#000000"}})
    layout["shapes"], layout["annotations"] = shapes, notes
    layout["meta"]["innenfor"]["lanes"] = n
    place_lanes(layout, layout["height"] - 170, 1.0)


def has_lanes(layout: dict) -> bool:
    return bool(((layout.get("meta") or {}).get("innenfor") or {}).get("lanes"))


def place_lanes(layout: dict, plot_px: float, scale: float) -> None:
    """Put the lanes (and the plot's y domain above them) for a plotting area `plot_px` high
    with fonts `scale` times their size: a slide's larger fonts get wider lanes."""
    n = int(((layout.get("meta") or {}).get("innenfor") or {}).get("lanes") or 0)
    if not n or plot_px <= 0:
        return
    # The lane grows with its label's font; the gap holds the x axis' tick labels.
    lane, gap = ((LANE_PX - 6) * scale + 6) / plot_px, (20 * scale + 14) / plot_px
    bottom = min(0.6, n * lane + gap)
    lane = (bottom - gap) / n if bottom < n * lane + gap else lane
    layout["yaxis"] = {**(layout.get("yaxis") or {}), "domain": [bottom, 1]}
    for item in [*(layout.get("shapes") or []), *(layout.get("annotations") or [])]:
        name = str(item.get("name") or "")
        if not name.startswith("lane"):
            continue
        i = int(name[4:name.index("-")])
        y1 = n * lane - i * lane
        y0 = y1 - lane * 0.8
        if name.endswith("-bar"):
            item["y0"], item["y1"] = y0, y1
        elif name.endswith("-start"):
            item["y0"], item["y1"] = bottom, 1
        else:
            item["y"] = (y0 + y1) / 2


def _label(m: dict) -> str:
    name = str(m["name"])
    name = name if len(name) <= 40 else name[:39] + "…"
    return escape(name)


def escape(s: str) -> str:
    """Plotly text is a small HTML subset: user-given text is shown as written."""
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
