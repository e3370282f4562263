"""The ways to draw a chart in Streamlit, each alone on a bare page, against a bare page with one
line of text, in one run (issue 13, part 3: «measure the options and choose»).

    .venv/bin/python -m bench.bench_chart_options [--reps 5]

1. a picture of the figure (plotly's own SVG from kaleido) in st.html, as ui/first_picture.py;
2. Streamlit's built-in Vega-Lite (st.vega_lite_chart);
3. plotly.js's basic bundle in our v2 component (ui/plotly_view.py);
4. st.plotly_chart (Streamlit's full plotly.js).

The same five-point line in each. Printed, not asserted: a floor for what a page with a chart can
reach before it draws anything else."""
from __future__ import annotations

import argparse
import base64
import statistics
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

from bench.bench_pages import BARE_PAGE, BARE_READY, CHROMIUM, ROOT, app_settings, first_visible, ms, server

X, Y = [2020, 2021, 2022, 2023, 2024], [10.1, 10.4, 9.8, 11.2, 10.5]
LAYOUT = {"title": {"text": "Hei"}, "height": 450}
LINE = f"go.Figure(go.Scatter(x={X}, y={Y}), layout={LAYOUT})"      # in the pages' own source
VEGA = ('import streamlit as st\n'
        f'st.vega_lite_chart({{"data": {{"values": [{{"x": x, "y": y}} for x, y in zip({X}, {Y})]}}, '
        '"mark": {"type": "line", "point": True}, "title": "Hei", "height": 450, '
        '"encoding": {"x": {"field": "x", "type": "ordinal"}, '
        '"y": {"field": "y", "type": "quantitative"}}}, use_container_width=True)\n')
BASIC = (f'import sys\nsys.path.insert(0, {str(ROOT)!r})\nimport plotly.graph_objects as go\n'
         'from ui import plotly_view\n'
         f'plotly_view.show({LINE}, config={{}}, alt="Hei", static_url="/app/static/")\n')
FULL = f'import plotly.graph_objects as go\nimport streamlit as st\nst.plotly_chart({LINE}, theme=None)\n'
PLOTLY_DRAWN = ("() => [...document.querySelectorAll('.js-plotly-plot .main-svg')]"
                ".some(e => e.getBoundingClientRect().width > 0)")
READY = {
    "Bilde (st.html, SVG fra kaleido)": ("() => [...document.querySelectorAll('.inf-static img')]"
                                         ".some(e => e.complete && e.naturalWidth > 0)"),
    "Vega-Lite (st.vega_lite_chart)": ("() => [...document.querySelectorAll('.vega-embed svg, "
                                       ".vega-embed canvas')]"
                                       ".some(e => e.getBoundingClientRect().width > 0)"),
    "plotly.js basic (ui/plotly_view)": PLOTLY_DRAWN,
    "st.plotly_chart (full plotly.js)": PLOTLY_DRAWN,
}


def picture_page() -> str:
    """The page with the figure's picture, made here (as ui/first_picture makes it)."""
    import plotly.graph_objects as go

    from exports import images
    fig = go.Figure(go.Scatter(x=X, y=Y), layout={**LAYOUT, "width": 900})
    svg = images.render_prepared([(fig.to_dict(), "svg")])[0]
    url = "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
    return ("import streamlit as st\nst.html('<div class=\"inf-static\"><img style=\"width:100%\" "
            f"alt=\"Hei\" src=\"{url}\"></div>')\n")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.bench_chart_options")
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args(argv)
    if CHROMIUM is None:
        print("Chromium mangler (apt-get install -y chromium).")
        return 0
    from playwright.sync_api import sync_playwright
    with tempfile.TemporaryDirectory(prefix="innenfor-bench-") as t:
        tmp = Path(t)
        app_settings(tmp)
        (tmp / "static").symlink_to(ROOT / "static")          # plotly.js basic, served as in the app
        sources = dict(zip(READY, (picture_page(), VEGA, BASIC, FULL)))
        pages = {"Bar side (én tekstlinje)": (BARE_PAGE, BARE_READY)}
        pages |= {name: (src, READY[name]) for name, src in sources.items()}
        with ExitStack() as stack, sync_playwright() as pw:
            urls = {}
            for i, (name, (src, _r)) in enumerate(pages.items()):
                (tmp / f"side{i}.py").write_text(src)
                urls[name] = stack.enter_context(server(tmp / f"side{i}.py", {}, tmp))
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            for name, (_s, ready) in pages.items():               # warm-up
                first_visible(browser, urls[name] + "/", ready, 1)
            times: dict[str, list[float]] = {name: [] for name in pages}
            for _ in range(args.reps):                            # in turn, so load hits all alike
                for name, (_s, ready) in pages.items():
                    times[name] += first_visible(browser, urls[name] + "/", ready, 1)
            browser.close()
    bare = statistics.median(times["Bar side (én tekstlinje)"])
    print("Tid til første tegnede figur, hver måte alene på en bar side (ny nettleserkontekst):")
    for name, ts in times.items():
        print(f"  {name + ':':<36}{ms(ts)}  {statistics.median(ts) / bare:.2f}× bar side")
    return 0


if __name__ == "__main__":
    sys.exit(main())
