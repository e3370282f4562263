"""The Kart page's map: plain SVG drawn in the page by a small script (a Streamlit v2 component:
no iframe, no plotly.js, nothing fetched), from indicators.maps.svg_map.

Why not plotly here: its 4–5 MB script doubled the time to the first visible map. The figure
for downloads is still plotly (maps.choropleth, rendered by kaleido), from the same classes.

Hover or focus shows a municipality's words; a click, or Enter on the focused municipality,
sends its code back (trigger "pick"). Keyboard: Tab reaches the map once (the chosen
municipality), the arrow keys walk through the municipalities in alphabetical order.

Counts (model "sizes" set, regions with "r"/"c"): a circle per municipality at its label point,
drawn over the paths and ignoring the pointer (hover, click and focus stay on the municipality).
The size legend's circles are drawn at the map's displayed scale (recomputed when the map is
resized), so a reference circle is exactly as big as a municipality's circle of that number."""
from __future__ import annotations

import streamlit as st

from vocab.i18n import _

CSS = """
.inf-map { margin: 0; font-family: inherit; color: #1a1a1a; }
.inf-map .inf-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: .25rem .75rem;
  margin-bottom: .5rem; }
.inf-map .inf-title { font-size: 1.25rem; flex-basis: 100%; }
.inf-map .inf-sub { font-size: .875rem; color: #404040; }
.inf-map .inf-demo { margin-left: auto; font-size: .875rem; color: #8b1a1a; background: #fff4f4;
  border: 1.5px solid #8b1a1a; padding: 1px 5px; letter-spacing: .02em; }
.inf-map .inf-body { position: relative; display: flex; gap: 1rem; align-items: center; }
.inf-map svg { flex: 1 1 auto; min-width: 0; width: 100%; height: auto; display: block;
  max-height: min(600px, calc(100vh - 140px)); }
.inf-map.inf-tall svg { max-height: min(820px, calc(100vh - 100px)); }
.inf-map .inf-muni { stroke: #4d4d4d; stroke-width: .7px; vector-effect: non-scaling-stroke;
  stroke-linejoin: round; cursor: pointer; }
.inf-map .inf-muni:hover { stroke: #000; stroke-width: 2px; }
.inf-map .inf-muni.inf-sel { stroke: #000; stroke-width: 3.5px; }
.inf-map .inf-muni:focus { outline: none; }
.inf-map .inf-ring { fill: none; stroke: #000; stroke-width: 3.5px; stroke-dasharray: 6 3;
  vector-effect: non-scaling-stroke; pointer-events: none; }
.inf-map .inf-word { font-size: 18px; fill: #1a1a1a; paint-order: stroke; stroke: #fff;
  stroke-width: 4px; stroke-linejoin: round; text-anchor: middle; dominant-baseline: middle;
  pointer-events: none; }
.inf-map .inf-legend { flex: 0 0 auto; font-size: .875rem; }
.inf-map .inf-legend ul { list-style: none; margin: .25rem 0 0; padding: 0; }
.inf-map .inf-legend li { display: flex; align-items: center; gap: .5rem; margin: .2rem 0; }
.inf-map .inf-swatch { width: 22px; height: 22px; border: 1px solid #4d4d4d; flex: none; }
.inf-map .inf-tip { position: absolute; z-index: 5; pointer-events: none; background: #fff;
  border: 1px solid #4d4d4d; border-radius: 4px; padding: .35rem .5rem; font-size: .9rem;
  line-height: 1.35; max-width: 20rem; box-shadow: 0 2px 6px rgba(0,0,0,.15); }
.inf-map .inf-tip[hidden] { display: none; }
.inf-map .inf-sym { fill: #225ea8; fill-opacity: .55; stroke: #0b2e59; stroke-width: 1px;
  vector-effect: non-scaling-stroke; pointer-events: none; }
.inf-map .inf-sizes { margin-top: .75rem; }
.inf-map .inf-sizes svg { display: block; overflow: visible; max-height: none; }
.inf-map .inf-sizes text { font-size: 13px; fill: #1a1a1a; dominant-baseline: middle; }
.inf-map .inf-sizes polyline { stroke: #404040; stroke-width: 1px; }
.inf-map .inf-help { font-size: .8rem; color: #404040; margin-top: .25rem; }
"""

JS = """
export default function (component) {
  const { data: m, parentElement, setTriggerValue } = component;
  const esc = (s) => String(s ?? "").replace(/[&<>"']/g,
    (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
  const byCode = new Map(m.regions.map((r) => [r.code, r]));
  const order = [...m.regions].sort((a, b) => a.words[0].localeCompare(b.words[0], "nb"));
  const first = byCode.has(m.selected) ? m.selected : (order[0] || {}).code;
  const label = (r) => r.words.filter(Boolean).join(", ") + ". " + m.text.enter;
  const pad = 8;
  const paths = m.regions.map((r) => `<path class="inf-muni${r.code === m.selected ? " inf-sel" : ""}"
    data-code="${esc(r.code)}" d="${r.d}" fill="${esc(r.fill)}" fill-rule="evenodd" role="link"
    tabindex="${r.code === first ? 0 : -1}" aria-label="${esc(label(r))}"></path>`).join("");
  const words = m.regions.filter((r) => r.label && r.at).map((r) =>
    `<text class="inf-word" x="${r.at[0]}" y="${r.at[1]}">${esc(r.label)}</text>`).join("");
  // Counts: circles whose area is the number, the largest first so small ones stay visible.
  const symbols = m.regions.filter((r) => r.r > 0 && r.c).sort((a, b) => b.r - a.r).map((r) =>
    `<circle class="inf-sym" cx="${r.c[0]}" cy="${r.c[1]}" r="${r.r}"></circle>`).join("");
  const marks = symbols + words;
  const sizes = m.sizes && m.sizes.items.length ? `<div class="inf-sizes">${
    m.sizes.title !== m.unit ? `<div>${esc(m.sizes.title)}</div>` : ""
  }<svg aria-hidden="true"></svg></div>` : "";
  const legend = m.legend.map((e) =>
    `<li><span class="inf-swatch" style="background:${esc(e.colour)}"></span>${esc(e.label)}</li>`
  ).join("");
  // Our own child: the parent also holds the <style> Streamlit put there for CSS.
  let root = parentElement.querySelector(":scope > .inf-root");
  if (!root) {
    root = document.createElement("div");
    root.className = "inf-root";
    parentElement.appendChild(root);
  }
  root.innerHTML = `
    <figure class="inf-map${m.tall ? " inf-tall" : ""}" role="figure" aria-label="${esc(m.alt)}">
      <figcaption class="inf-head"><span class="inf-title">${esc(m.title)}</span>
        <span class="inf-sub">${esc(m.subtitle)}</span>${
          m.demo ? `<span class="inf-demo">${esc(m.text.demo)}</span>` : ""}</figcaption>
      <div class="inf-body">
        <svg viewBox="${-pad} ${-pad} ${m.width + 2 * pad} ${m.height + 2 * pad}"
             xmlns="http://www.w3.org/2000/svg">${paths}${marks}<path class="inf-ring" d=""></path></svg>
        <div class="inf-legend"><div>${esc(m.unit)}</div><ul>${legend}</ul>${sizes}</div>
        <div class="inf-tip" aria-hidden="true" hidden></div>
      </div>
      <div class="inf-help">${esc(m.text.help)}</div>
    </figure>`;
  const body = root.querySelector(".inf-body");
  const tip = root.querySelector(".inf-tip");
  const ring = root.querySelector(".inf-ring");      // the focus outline, on top of neighbours
  const show = (r, x, y) => {
    const [name, value, detail, period] = r.words;
    tip.innerHTML = `<b>${esc(name)}</b><br>${esc(value)}` + (detail ? `<br>${esc(detail)}` : "") +
      `<br>${esc(period)}`;
    tip.hidden = false;
    const box = body.getBoundingClientRect();
    const left = Math.min(x - box.left + 14, box.width - tip.offsetWidth - 4);
    tip.style.left = Math.max(0, left) + "px";
    tip.style.top = Math.max(0, y - box.top + 14) + "px";
  };
  const hide = () => { tip.hidden = true; };
  // The size legend: nested circles on a common bottom at the map's displayed scale.
  const map = root.querySelector(".inf-body > svg");
  const sizeBox = root.querySelector(".inf-sizes svg");
  const drawSizes = () => {
    if (!sizeBox) return;
    const k = map.getBoundingClientRect().width / (m.width + 2 * pad);
    const items = m.sizes.items.map((s) => ({...s, px: Math.max(s.r * k, 1)}));
    const big = items[0].px, w = 2 * big + 12, base = 2 * big + 9;
    let last = -Infinity;          // each label on its circle's top, at least 15 px apart
    const rows = items.map((s) => {
      const top = base - 2 * s.px;
      last = Math.max(top, last + 15, 8);
      return {...s, top, y: last};
    });
    sizeBox.style.width = (w + 80) + "px";      // inline: the map's own svg rule says 100 %
    sizeBox.style.height = Math.max(base + 2, last + 9) + "px";
    sizeBox.innerHTML = rows.map((s) =>
      `<circle class="inf-sym" cx="${big + 2}" cy="${base - s.px}" r="${s.px}"></circle>`).join("") +
      rows.map((s) => `<polyline points="${big + 2},${s.top} ${w - 6},${s.top} ${w},${s.y}"
        fill="none"></polyline><text x="${w + 4}" y="${s.y}">${esc(s.label)}</text>`).join("");
  };
  if (root.__infSizes) root.__infSizes.disconnect();
  root.__infSizes = null;
  if (sizeBox) {
    drawSizes();
    root.__infSizes = new ResizeObserver(drawSizes);
    root.__infSizes.observe(map);
  }
  const region = (e) => e.target.closest && e.target.closest(".inf-muni");
  body.addEventListener("mousemove", (e) => {
    const p = region(e);
    if (p) show(byCode.get(p.dataset.code), e.clientX, e.clientY); else hide();
  });
  body.addEventListener("mouseleave", hide);
  body.addEventListener("click", (e) => {
    const p = region(e);
    if (p) setTriggerValue("pick", p.dataset.code);
  });
  body.addEventListener("focusin", (e) => {
    const p = region(e);
    if (!p) return;
    ring.setAttribute("d", p.getAttribute("d"));
    const b = p.getBoundingClientRect();
    show(byCode.get(p.dataset.code), b.left + b.width / 2, b.top + b.height / 2);
  });
  body.addEventListener("focusout", () => { hide(); ring.setAttribute("d", ""); });
  body.addEventListener("keydown", (e) => {
    const p = region(e);
    if (!p) return;
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      setTriggerValue("pick", p.dataset.code);
      return;
    }
    const step = {ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1}[e.key];
    const i = order.findIndex((r) => r.code === p.dataset.code);
    let j = null;
    if (step) j = (i + step + order.length) % order.length;
    if (e.key === "Home") j = 0;
    if (e.key === "End") j = order.length - 1;
    if (j === null) return;
    e.preventDefault();
    const next = body.querySelector(`.inf-muni[data-code="${order[j].code}"]`);
    p.tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
  });
}
"""

_MAP = st.components.v2.component("innenfor_kart", css=CSS, js=JS, isolate_styles=False)


def words() -> dict[str, str]:
    """The map's own words (the script has none), in the run's language."""
    return {"enter": _("Enter åpner Min kommune."),
            "demo": _("DEMODATA"),
            "help": _("Pek på en kommune for tallene, klikk for å åpne den i Min kommune. "
                      "Med tastatur: Tab til kartet, piltastene mellom kommunene, Enter åpner.")}


def show(model: dict, *, key: str, on_pick, alt: str) -> None:
    """The map; `on_pick` runs (as a callback) when a municipality is clicked or chosen."""
    sent = {k: v for k, v in model.items() if k != "meta"}      # the words go under the map
    _MAP(data={**sent, "alt": alt, "text": words()}, key=key, on_pick_change=on_pick)


def picked(key: str) -> str | None:
    """The code sent by the last click (inside the on_pick callback)."""
    value = st.session_state.get(key)
    return value.get("pick") if value else None
