"""A chart figure made ready for a file: fixed size, and the words that must travel with it.

Two styles:
- PRINT (PNG/SVG/PDF for a political case): the figure's own title and subtitle, the place and
  the selection (age band, category) if the title does not say them already, and a footer
  under the chart with the source line, the indicator's definition, selection, unit, period,
  notes and "Demodata" when the numbers are demo. Sized for an A4 page.
- SLIDE (the chart image on a PowerPoint slide): no title or footer (the slide says them, in
  text of at least 18 pt; the deck's closing slide has the definitions) and fonts about 1.6
  times larger, so the axis labels can be read at the back of a room.

The figure from indicators.charts is never changed: we work on a copy of its dict and return a
dict kaleido can render. The footer sits in a band reserved at the bottom of the plotting area
(every paper-y position is squeezed into the band above it), so tick labels, a bottom legend and
the footer never overlap, whatever plotly's automatic margins do. `document_title` gives the
whole title (before it was cut to fit the width) for a file's own title (the PDF's /Title),
`language_tag` the language a file declares.
"""
from __future__ import annotations

import copy
import html
import math
import re
from dataclasses import dataclass
from pathlib import Path

import plotly.graph_objects as go

from indicators import chart_targets, charts
from indicators import format as fmt
from vocab import i18n
from vocab.i18n import N_, _

STATIC = Path(__file__).resolve().parent.parent / "static"
DEMO_LINE = N_("Demodata: oppdiktede tall for utprøving, ikke ekte statistikk.")
DEMO_RED = "#8b1a1a"
FOOTER_GREY = "#333333"
# The language a file declares (the deck's core properties, the PDF's /Lang): the current one.
LANGUAGE_TAGS = {"nb": "nb-NO", "nn": "nn-NO", "en": "en-GB"}


def language_tag() -> str:
    return LANGUAGE_TAGS.get(i18n.current(), "nb-NO")


@dataclass(frozen=True)
class Style:
    name: str
    font_scale: float
    title: bool          # keep the figure's title and subtitle
    footer: bool         # source, selection, unit, period, notes, demo under the chart
    widths: dict         # view → width in CSS pixels (default under "*")
    height: int | None = None   # fixed total height (None: the figure's own plus the footer)
    footer_size: int = 13


PRINT = Style("print", 1.0, True, True,
              {"kart": 760, "regiongrupper": 900, "*": 820})
SLIDE = Style("slide", 1.6, False, False,
              {"*": 820}, height=445)
STYLES = {"print": PRINT, "slide": SLIDE}


# --- helpers ---------------------------------------------------------------------------------

def _scale_fonts(node, k: float) -> None:
    """Multiply every font size in a figure dict (layout and traces) by k."""
    for _path, font in charts.fonts(node):
        if isinstance(font.get("size"), (int, float)):
            font["size"] = round(font["size"] * k, 1)


def wrap(text: str, width_px: float, font_px: float) -> list[str]:
    """Greedy word wrap for plotly text (which never wraps by itself)."""
    per_line = max(20, int(width_px / (font_px * 0.56)))
    lines, line = [], ""
    for word in text.split(" "):              # not at no-break spaces
        if not word:
            continue
        if line and len(line) + 1 + len(word) > per_line:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    return lines


def _esc(s: str) -> str:
    """Plotly text is a small HTML subset: escape the characters it would read as markup."""
    return str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _remap(v, f: float):
    return f + v * (1 - f) if isinstance(v, (int, float)) else v


def _squeeze_paper(layout: dict, data: list, f: float) -> None:
    """Move everything placed in paper-y coordinates into [f, 1]: the band [0, f] is free."""
    for key, ax in list(layout.items()):
        if key.startswith("yaxis") and isinstance(ax, dict) and not ax.get("overlaying"):
            d = ax.get("domain") or [0, 1]
            ax["domain"] = [_remap(d[0], f), _remap(d[1], f)]
    if "yaxis" not in layout and any(t.get("type") not in ("choropleth", "scattergeo")
                                     for t in data):
        layout["yaxis"] = {"domain": [f, 1]}
    if "geo" in layout:
        dom = layout["geo"].setdefault("domain", {})
        y = dom.get("y") or [0, 1]
        dom["y"] = [_remap(y[0], f), _remap(y[1], f)]
    for a in layout.get("annotations") or []:
        if a.get("yref", "paper") == "paper" and "y" in a:
            a["y"] = _remap(a["y"], f)
    for s in layout.get("shapes") or []:
        if s.get("yref", "paper") == "paper":
            s["y0"], s["y1"] = _remap(s.get("y0", 0), f), _remap(s.get("y1", 1), f)
    for t in data:
        cb = t.get("colorbar")
        if isinstance(cb, dict):
            cb["y"] = _remap(cb.get("y", 0.5), f)
            if cb.get("lenmode", "fraction") == "fraction":
                cb["len"] = cb.get("len", 1) * (1 - f)


def _bottom_legend(layout: dict) -> bool:
    lg = layout.get("legend") or {}
    return lg.get("orientation") == "h" and isinstance(lg.get("y"), (int, float)) and lg["y"] < 0


def legend_names(d: dict) -> list[str]:
    """The names plotly will show in the legend (none for a single trace, as plotly does)."""
    names = [str(t["name"]) for t in d.get("data", [])
             if t.get("name") and t.get("showlegend", True) is not False
             and t.get("type") not in ("choropleth", "scattergeo")]
    if len(names) < 2 and d.get("layout", {}).get("showlegend") is not True:
        return []
    return names


def _legend_rows(names: list[str], width_px: float, font_px: float) -> int:
    if not names:
        return 0
    rows, used = 1, 0.0
    for n in names:
        w = 48 + len(n) * font_px * 0.56
        if used and used + w > width_px:
            rows += 1
            used = 0.0
        used += w
    return rows


def _footer_lines(m: dict, place: str | None, width_px: float, font_px: float) -> list[tuple[str, str]]:
    """(text, colour) lines: source; definition; selection, unit, period (and place); notes;
    demo. Every line is wrapped to the width, and the band under the chart is sized from the
    number of lines, so the footer never reaches into the chart."""
    source = str(m.get("source", ""))
    for tail in dict.fromkeys((_("Bearbeidet av Innenfor."), "Bearbeidet av Innenfor.")):
        source = source.replace(tail, tail.replace(" ", "\u00a0"))     # kept on one line
    out = [(ln, FOOTER_GREY) for ln in wrap(source, width_px, font_px)]
    definition = str(m.get("definition") or "").strip()
    if definition:
        out += [(ln, FOOTER_GREY) for ln in wrap(_("Definisjon: {definition}").format(
            definition=definition), width_px, font_px)]
    bits = []
    if place:
        bits.append(_("Område: {place}.").format(place=place))
    if m.get("selection"):
        bits.append(_("Utvalg: {selection}.").format(selection=m["selection"]))
    if m.get("unit"):
        bits.append(_("Enhet: {unit}.").format(unit=fmt.lower_first(m["unit"])))
    if m.get("period"):
        bits.append(_("Periode: {period}.").format(period=m["period"]))
    out += [(ln, FOOTER_GREY) for ln in wrap(" ".join(bits), width_px, font_px)]
    notes = " ".join(n if n.endswith(".") else n + "." for n in m.get("notes") or [])
    if notes:
        out += [(ln, FOOTER_GREY) for ln in wrap(notes, width_px, font_px)]
    if m.get("demo"):
        out.append((_(DEMO_LINE), DEMO_RED))
    return out


def _strip_tags(s) -> str:
    return re.sub(r"<[^>]+>", "", str(s or ""))


def plain(s) -> str:
    """Plotly text as plain text: line breaks as spaces, no tags, entities decoded."""
    text = re.sub(r"<br\s*/?>", " ", str(s or ""), flags=re.I)
    return " ".join(html.unescape(_strip_tags(text)).split())


def document_title(d: dict) -> str:
    """The figure's whole title as plain text, as prepare() found it (the print style may move
    its end into the subtitle): a file's own title. The figure's meta title if it has none."""
    m = charts.meta(d)
    t = (d.get("layout") or {}).get("title")
    shown = t.get("text") if isinstance(t, dict) else t
    return str(m.get("document_title") or plain(shown) or plain(m.get("title")) or "Innenfor")


def _remember_title(layout: dict, text: str) -> None:
    """Keep the whole title in the figure's meta for document_title (a copy: prepare's own)."""
    if not plain(text):
        return
    if layout.get("meta") is None:
        layout["meta"] = {}
    meta = layout["meta"]
    own = meta.setdefault("innenfor", {}) if isinstance(meta, dict) else None
    if isinstance(own, dict):
        own["document_title"] = plain(text)


def _num_width(v: float, suffix: str, tick_px: float) -> float:
    label = fmt.number(v, 1 if abs(v) < 10 else 0) + suffix
    return (len(label) + 1) * tick_px * 0.64


def _left_width(d: dict) -> float:
    """Pixels the y tick labels and y title need left of the plot (a generous estimate: we
    set the margin ourselves, so the title and footer can line up with the image edge)."""
    layout, data = d["layout"], d["data"]
    font_px = (layout.get("font") or {}).get("size", 15)
    widest = 0.0
    for key, ax in layout.items():
        if not (key.startswith("yaxis") and isinstance(ax, dict)) or ax.get("showticklabels") is False:
            continue
        tick_px = (ax.get("tickfont") or {}).get("size") or font_px
        ref = "y" + key[5:]
        traces = [t for t in data if t.get("yaxis", "y") == ref]
        if any(t.get("orientation") == "h" for t in traces):
            longest = max((len(_strip_tags(y)) for t in traces for y in (t.get("y") or []) if y),
                          default=4)
            w = longest * tick_px * 0.56 + 14
        else:
            vals = [abs(v) for t in traces for v in (t.get("y") or [])
                    if isinstance(v, (int, float)) and not isinstance(v, bool) and v == v]
            w = _num_width(max(vals, default=100) * 1.1, str(ax.get("ticksuffix") or ""),
                           tick_px) + 10
        title = ax.get("title")
        if (title.get("text") if isinstance(title, dict) else title):
            tfont = ((title.get("font") or {}).get("size") if isinstance(title, dict) else None) or font_px
            w += tfont * 1.3 + 12
        widest = max(widest, w)
    return math.ceil(widest)


def _thin_x_ticks(layout: dict, data: list, plot_w: float) -> None:
    """Fewer x tick labels when they would touch (large slide fonts): every 2nd category or
    every 2nd year, instead of labels run together or turned on their side."""
    font_px = (layout.get("font") or {}).get("size", 15)
    for key, ax in layout.items():
        if not (key.startswith("xaxis") and isinstance(ax, dict)):
            continue
        tick_px = (ax.get("tickfont") or {}).get("size") or font_px
        ref = "x" + key[5:]
        xs = {str(x) for t in data if t.get("xaxis", "x") == ref and t.get("orientation") != "h"
              for x in (t.get("x") or []) if x is not None}
        if not xs:
            continue
        if ax.get("type") == "date":
            years = {x[:4] for x in xs}
            need = len(years) * (4 * tick_px * 0.62 + tick_px * 0.6)
            if need > plot_w and ax.get("dtick") == "M12":
                ax["dtick"] = "M24"
        elif ax.get("type") == "category":
            longest = max(len(x) for x in xs)
            need = len(xs) * (longest * tick_px * 0.62 + tick_px * 0.35)
            if need > plot_w:
                ax["dtick"] = math.ceil(need / plot_w)
            ax["tickangle"] = 0
            # A wide first label ("2014–15") reaches under the y axis: keep it off the "0".
            ax["ticklabelstandoff"] = round(tick_px * 0.3)


def split_title(title: str, chars: int) -> tuple[str, str]:
    """(what fits on the title line, the rest): cut after the last comma that keeps the line
    within `chars` characters; ('title', '') when it fits or has no comma to cut at."""
    if len(title) <= chars:
        return title, ""
    cut = title.rfind(", ", 0, chars)
    return (title[:cut], title[cut + 2:]) if cut > 0 else (title, "")


# --- the one public function -----------------------------------------------------------------

EDGE = 24   # px of white round the image


def _inline_geometry(data: list) -> None:
    """A map built for the browser may point at static/geo/… by URL: kaleido reads the same
    file from disk instead (a file:// URL, nothing over the network)."""
    for t in data:
        g = t.get("geojson")
        if not isinstance(g, str) or g.startswith("file://"):
            continue
        m = re.search(r"(?:^|/)static/([^?#]+)", g)
        path = (STATIC / m.group(1)).resolve() if m else None
        if path is None or STATIC.resolve() not in path.parents or not path.is_file():
            raise ValueError(_("Fant ikke kartgeometrien {url}: lag figuren uten geojson_url "
                               "for eksport.").format(url=repr(g)))
        t["geojson"] = path.as_uri()


def prepare(fig, style: str | Style = "print", *, place: str | None = None,
            title: str | None = None, width: int | None = None,
            height: int | None = None) -> dict:
    """A figure dict ready for kaleido, with layout.width/height set.

    `place` (a municipality or area name) is added to the subtitle and the footer when the
    title does not name it; `title` replaces the figure's title (print style only)."""
    st = STYLES[style] if isinstance(style, str) else style
    d = fig.to_dict() if isinstance(fig, go.Figure) else copy.deepcopy(fig)
    m = charts.meta(d)
    layout = d.setdefault("layout", {})
    data = d.setdefault("data", [])
    _inline_geometry(data)
    k = st.font_scale
    w = int(width or st.widths.get(m.get("view", ""), st.widths["*"]))
    if k != 1:
        _scale_fonts(d, k)
    font_px = (layout.get("font") or {}).get("size", 15)
    cartesian = any(t.get("type") not in ("choropleth", "scattergeo") for t in data)

    # Margins we know exactly (no automargin on the y axes), so the title and the footer can
    # start at the image's left edge whatever the tick labels are.
    left = _left_width(d) if cartesian else 0
    margin = dict(layout.get("margin") or {})
    margin.update({"l": EDGE + left, "r": max(margin.get("r", 10), EDGE), "b": 12})
    for key, ax in layout.items():
        if key.startswith("yaxis") and isinstance(ax, dict):
            ax["automargin"] = False
    xa = layout.get("xaxis")
    if isinstance(xa, dict) and isinstance(xa.get("title"), dict) and xa["title"].get("text"):
        xa["title"]["standoff"] = 6

    tf = layout.setdefault("title", {})
    if title and st.title:
        tf["text"] = title
    _remember_title(layout, str(tf.get("text") or "") or str(m.get("title") or ""))
    if st.title:
        ttext = str(tf.get("text") or "")
        sub = tf.setdefault("subtitle", {})
        if place and place not in ttext and place not in str(sub.get("text") or ""):
            sub["text"] = (f"{_esc(place)}. " + str(sub.get("text") or "")).strip()
        # The age band stands in the title block, not only in the footer: figures for all ages
        # must never read as the youth figure.
        selection = str(m.get("selection") or "")
        if selection and selection not in ttext and selection not in str(sub.get("text") or ""):
            sub["text"] = (f"{_esc(fmt.upper_first(selection))}. " + str(sub.get("text") or "")).strip()
        # Plotly never wraps a title: what does not fit the width (the period, as a rule) goes
        # to the start of the subtitle, cut after a comma.
        title_px = ((tf.get("font") or {}).get("size") or 20)
        head, tail = split_title(ttext, int((w - 2 * EDGE) / (title_px * 0.5)))
        if tail:
            tf["text"] = head
            sub["text"] = (f"{fmt.upper_first(tail)}. " + str(sub.get("text") or "")).strip()
        tf.update({"xref": "container", "x": EDGE / w, "xanchor": "left", "yref": "container",
                   "y": 1, "yanchor": "top", "pad": {"t": 14}})
        margin["t"] = round(max(margin.get("t", 80), 80) * k + 6)
    else:
        tf["text"] = ""
        tf.pop("subtitle", None)
        has_top = any(a.get("yref", "paper") == "paper" and a.get("y", 0) >= 1
                      for a in layout.get("annotations") or [])
        margin["t"] = round((40 if has_top else 14) * k)
    layout["margin"] = margin
    inner_w = w - margin["l"] - margin["r"]

    # The band under the plot: x tick labels, a bottom legend, the footer.
    band = tick_px = legend_px = 0.0
    # With the measures' lanes under the axis the tick labels sit above them, in the plot.
    if cartesian and not chart_targets.has_lanes(layout):
        xa = layout.get("xaxis") or {}
        tick_px = 12 + ((xa.get("tickfont") or {}).get("size") or font_px) * 1.4
        xt = xa.get("title")
        if (xt.get("text") if isinstance(xt, dict) else xt):
            tick_px += font_px * 1.4 + 6
        band += tick_px
    if _bottom_legend(layout):
        lfont = ((layout.get("legend") or {}).get("font") or {}).get("size") or font_px
        rows = _legend_rows(legend_names(d), inner_w, lfont)
        legend_px = rows * lfont * 1.7 + 8 if rows else 0.0
        band += legend_px
    footer = []
    if st.footer:
        footer = _footer_lines(m, place if place and place not in str(tf.get("text")) else None,
                               w - 2 * EDGE - 8, st.footer_size)
        band += len(footer) * st.footer_size * 1.45 + 14
    band = math.ceil(band + 4)

    total_h = int(height or st.height or (layout.get("height") or 520) + band)
    paper_h = total_h - margin["t"] - margin["b"]
    f = min(0.6, band / paper_h) if paper_h > 0 else 0.0
    # The measures' lanes under a trend (indicators.chart_targets), sized for this image.
    chart_targets.place_lanes(layout, paper_h * (1 - f), k)
    _squeeze_paper(layout, data, f)
    if cartesian:
        _thin_x_ticks(layout, data, inner_w)
    if legend_px:
        # x = 0 (the plot's left edge): a negative x would make plotly wrap a horizontal
        # legend at half the figure width; an x in the container would reserve a margin for it.
        layout["legend"].update({"y": f - (tick_px + 2) / paper_h, "yanchor": "top",
                                 "yref": "paper", "x": 0, "xanchor": "left"})
    elif _bottom_legend(layout):
        layout["showlegend"] = False          # nothing to show (one trace)
    if footer:
        text = "<br>".join(f'<span style="color:{c}">{_esc(t)}</span>' for t, c in footer)
        layout.setdefault("annotations", []).append({
            "text": text, "xref": "paper", "yref": "paper", "x": -left / inner_w, "y": 0,
            "xanchor": "left", "yanchor": "bottom", "align": "left", "showarrow": False,
            "font": {"size": st.footer_size, "color": FOOTER_GREY}, "name": "innenfor-footer"})
    layout.update({"width": w, "height": total_h, "autosize": False})
    return d
