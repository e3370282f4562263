"""Counts are not coloured areas (issue 13): job seekers and OT are drawn as proportional circles
at the municipalities' label points (area ∝ count) on a neutral map, with a size legend, in the
Kart page's SVG model, in the plotly figure (exports, Presentasjon) and on the Presentasjon page,
whose maps also name the municipalities. Shares stay a choropleth."""
from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from indicators import map_labels, maps, queries, views
from loaders import store
from tests.test_presentasjon import APP, PAGE, SILJAN
from vocab import indicators

OT = indicators.get("ot_tilmeldt")
NEET = indicators.get("neet")
TELEMARK = "40"


@pytest.fixture(scope="module")
def con(demo_db):
    with store.reader(demo_db) as c:
        yield c


def _latest(con, ind, codes) -> str:
    return sorted(queries.series(con, ind.id, codes)["period"].unique())[-1]


def telemark(con, ind, *, suppress: str | None = None):
    area, cf = maps.map_area(TELEMARK)
    feats = maps.features(area, cf)
    period = _latest(con, ind, [f["kode"] for f in feats])
    t = queries.table(con, ind.id, "kommune", period=period, county=TELEMARK)
    frame = views.map_frame(t, feats, ind)
    if suppress:
        frame.loc[frame["region_code"] == suppress, ["value", "status"]] = [None, "suppressed"]
    return area, cf, period, frame


def svg(frame, area, cf, ind, period):
    return maps.svg_map(frame, area=area, county=cf, ind=ind, period=period, area_name="Telemark",
                        breaks=[9.5, 10.5, 11.5, 12.5], demo=True)


def plotly(frame, area, cf, ind, period, **kw) -> dict:
    fig = maps.choropleth(frame, maps.geometry(area, cf), ind=ind, period=period,
                          area_name="Telemark", breaks=[9.5, 10.5, 11.5, 12.5], demo=True, **kw)
    return json.loads(fig.to_json())


def test_count_map_model_has_circles_by_area_and_no_colour_classes(con):
    area, cf, period, frame = telemark(con, OT)
    m = svg(frame, area, cf, OT, period)
    value = dict(zip(frame["region_code"], frame["value"]))
    drawn = [r for r in m["regions"] if value.get(r["code"]) and r["r"]]
    assert len(drawn) >= 10
    # Area ∝ value: r² / value is one constant for every circle (radii rounded to 0.1).
    ratios = [r["r"] ** 2 / value[r["code"]] for r in drawn]
    assert max(ratios) / min(ratios) < 1.05
    largest = max(drawn, key=lambda r: r["r"])
    assert value[largest["code"]] == max(value[r["code"]] for r in drawn)
    # At the municipality's label point, and every known municipality in one neutral fill.
    geo = maps.svg_geometry(area, cf)
    assert all(tuple(r["c"]) == tuple(geo.labels[r["code"]]) for r in drawn)
    assert {r["fill"] for r in drawn} == {maps.NEUTRAL}
    assert not set(maps.SEQUENTIAL[5]) & {e["colour"] for e in m["legend"]}
    # The size legend is on the circles' own scale, with numbers in Norwegian format.
    items = m["sizes"]["items"]
    assert 2 <= len(items) <= 3 and m["sizes"]["title"] == "Antall personer"
    assert all(abs(i["r"] ** 2 / i["value"] - ratios[0]) / ratios[0] < 0.05 for i in items)
    assert [i["value"] for i in items] == sorted((i["value"] for i in items), reverse=True)
    assert "proporsjonalt" in m["subtitle"]
    # Keyboard and names unchanged: every municipality still a region with its words.
    assert len(m["regions"]) == len(frame) and all(r["words"][0] for r in m["regions"])


def test_share_map_is_unchanged_choropleth(con):
    area, cf, period, frame = telemark(con, NEET)
    m = svg(frame, area, cf, NEET, period)
    assert m["sizes"] is None and not any("r" in r for r in m["regions"])
    assert {r["fill"] for r in m["regions"]} & set(maps.SEQUENTIAL[5])
    s = plotly(frame, area, cf, NEET, period)
    assert not [t for t in s["data"] if t.get("mode") == "markers"]
    assert s["data"][0]["type"] == "choropleth"


def test_suppressed_count_has_no_circle(con):
    area, cf, period, frame = telemark(con, OT, suppress="4030")
    m = svg(frame, area, cf, OT, period)
    nissedal = next(r for r in m["regions"] if r["code"] == "4030")
    assert nissedal["r"] is None and nissedal["c"] is None
    assert nissedal["fill"] == maps.SUPPRESSED and nissedal["label"] == "skjermet"
    s = plotly(frame, area, cf, OT, period)
    symbols = next(t for t in s["data"] if t.get("mode") == "markers")
    names = [w[0] for w in symbols["customdata"]]
    assert "Nissedal" not in names and "Skien" in names


def test_plotly_count_figure_has_area_sized_markers(con):
    area, cf, period, frame = telemark(con, OT)
    s = plotly(frame, area, cf, OT, period)
    choro = s["data"][0]
    assert choro["type"] == "choropleth" and len(set(choro["z"])) == 1    # one neutral fill
    symbols = next(t for t in s["data"] if t.get("mode") == "markers")
    mk = symbols["marker"]
    top = frame["value"].max()
    assert symbols["type"] == "scattergeo" and mk["sizemode"] == "area"
    assert mk["sizeref"] == pytest.approx(2 * top / maps.PLOTLY_MAX_DIAMETER ** 2)
    assert sorted(mk["size"], reverse=True) == mk["size"]                 # small on top
    by_name = dict(zip(frame["region_name"], frame["value"]))
    assert [by_name[w[0]] for w in symbols["customdata"]] == mk["size"]
    # The size legend is outside the map (layout shapes in pixels, not a geo trace), so it does
    # not stretch the map's extent; its circles follow plotly's area rule with the same sizeref.
    assert not [t for t in s["data"] if t.get("name") == "size_legend"]
    circles = [c for c in s["layout"]["shapes"] if c.get("name") == "size_legend"]
    steps = maps.size_steps(top)
    assert [c["x1"] - c["x0"] for c in circles] == pytest.approx(
        [2 * math.sqrt(v / 2 / mk["sizeref"]) for v in steps])
    assert max(c["x1"] - c["x0"] for c in circles) <= maps.PLOTLY_MAX_DIAMETER + 1e-9
    assert all(c["xsizemode"] == c["ysizemode"] == "pixel" and c["xref"] == "paper" for c in circles)
    notes = [a["text"] for a in s["layout"]["annotations"] if a.get("name") == "size_legend"]
    assert notes == [maps.fmt.number(v) for v in steps]


def test_count_map_has_the_extent_of_a_share_map(con):
    """The size legend no longer adds a band of latitude under the map (it shrank the map)."""
    area, cf, period, frame = telemark(con, OT)
    count = plotly(frame, area, cf, OT, period)["layout"]["geo"]
    share = plotly(telemark(con, NEET)[3], area, cf, NEET, period)["layout"]["geo"]
    assert count["lataxis"] == share["lataxis"] and count["lonaxis"] == share["lonaxis"]
    share_s = plotly(telemark(con, NEET)[3], area, cf, NEET, period)["layout"]
    assert not [c for c in share_s.get("shapes", []) if c.get("name") == "size_legend"]


def test_names_do_not_overlap_in_vestfold_and_telemark():
    area, cf = maps.map_area(views.VT)
    geo = maps.geometry(area, cf)
    feats = {f["id"]: f for f in geo["features"]}
    names = {p["kode"]: p["navn"] for p in maps.features(area, cf)}
    pts = {c: maps.projection.label_point(f) for c, f in feats.items()}
    size = {c: map_labels.polygon_area(f["geometry"]) for c, f in feats.items()}
    x0, y0, x1, y1 = maps.projection.bounds(geo["features"])
    ppd = map_labels.scale((x0, x1), (y0, y1))
    by_name = {n: c for c, n in names.items()}
    for chosen in (None, by_name["Siljan"], by_name["Færder"], by_name["Holmestrand"]):
        order = map_labels.by_importance(list(feats), chosen, size)
        placed = map_labels.place(order, names, pts, px_per_deg=ppd, lat0=(y0 + y1) / 2,
                                  chosen=chosen)
        assert placed == map_labels.place(order, names, pts, px_per_deg=ppd, lat0=(y0 + y1) / 2,
                                          chosen=chosen)                     # deterministic
        boxes = [map_labels.box(names[c], pts[c], px_per_deg=ppd, lat0=(y0 + y1) / 2)
                 for c in placed]
        assert not [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:]
                    if map_labels.overlaps(a, b)]
        assert chosen is None or placed[0] == chosen
        assert {"Vinje", "Tinn"} <= {names[c] for c in placed}
        assert 8 <= len(placed) < len(feats)     # dense Vestfold: some names must give way
    # Midt-Telemark and Siljan, or Tønsberg and Færder, are never both named.
    placed = {names[c] for c in map_labels.place(
        map_labels.by_importance(list(feats), None, size), names, pts, px_per_deg=ppd,
        lat0=(y0 + y1) / 2)}
    assert not {"Tønsberg", "Færder"} <= placed and not {"Midt-Telemark", "Siljan"} <= placed


def test_the_chosen_name_is_placed_even_where_it_overlaps():
    pts = {"a": (10.0, 59.0), "b": (10.001, 59.0)}
    names = {"a": "Stor", "b": "Liten"}
    order = map_labels.by_importance(["a", "b"], "b", {"a": 5.0, "b": 1.0})
    assert order == ["b", "a"]
    assert map_labels.place(order, names, pts, px_per_deg=100, lat0=59, chosen="b") == ["b"]
    assert map_labels.place(["a", "b"], names, pts, px_per_deg=100, lat0=59) == ["a"]


def test_size_steps_and_area_scaling():
    assert maps.size_steps(712) == [500, 100, 20]
    assert maps.size_steps(1) == [1] and maps.size_steps(0) == []
    r = maps.symbol_sizes([100.0, 25.0, None, 0.0], 40)
    assert r == [40, 20, None, 0]                # a quarter of the count: half the radius


def test_names_beyond_sixty_are_the_chosen_and_the_largest():
    rows = [{"region_code": f"{i:04d}", "region_name": f"K{i}", "value": float(i), "status": "ok",
             "denominator": None} for i in range(1, 81)]
    f = pd.DataFrame(rows)
    got = maps.named(f, "0003", OT)
    assert got[0] == "0003" and got[1:] == ["0080", "0079", "0078", "0077", "0076", "0075"]
    assert maps.named(f.head(60), None, OT) == list(f.head(60)["region_code"])


def _open(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in params.items():
        at.query_params[k] = v
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _spec(at) -> dict:
    (chart,) = at.get("plotly_chart")
    return json.loads(chart.proto.spec)


def test_presentation_count_map_has_symbols_and_names(app_env):
    at = _open(indikator="ot_tilmeldt", kommune=SILJAN, fylke=TELEMARK)
    s = _spec(at)
    markers = [t for t in s["data"] if t.get("type") == "scattergeo" and t.get("mode") == "markers"]
    assert markers and markers[0]["marker"]["sizemode"] == "area"
    assert all(math.isfinite(v) for v in markers[0]["marker"]["size"])
    names = next(t for t in s["data"] if t.get("name") == "navn")
    assert {"Siljan", "Skien", "Vinje"} <= set(names["text"]) and 10 <= len(names["text"]) < 17
    assert names["text"][0] == "Siljan"                   # the chosen first, always named
    assert names["textfont"]["size"] >= 24
    page = "\n".join(h.proto.body for h in at.get("html"))
    assert "Sirkelens areal viser antall personer" in page


def test_presentation_share_map_names_municipalities(app_env):
    at = _open(indikator="neet", periode="2019", kommune=SILJAN, fylke=TELEMARK)
    s = _spec(at)
    assert s["data"][0]["type"] == "choropleth"
    assert not [t for t in s["data"] if t.get("mode") == "markers"]
    names = next(t for t in s["data"] if t.get("mode") == "text" and t.get("name") == "navn")
    assert "Siljan" in names["text"] and 10 <= len(names["text"]) < 17


def test_circles_keep_their_scale_from_year_to_year(con):
    """A circle's area means the same count in every year (as a colour does on a share map):
    the scale is the area's largest count in any period, not this year's largest."""
    area, cf = maps.map_area(TELEMARK)
    feats = maps.features(area, cf)
    periods = sorted(queries.series(con, OT.id, [f["kode"] for f in feats])["period"].unique())
    top = maps.symbol_top(con, OT.id, OT.default_age, "alle", TELEMARK)
    assert top is not None and maps.symbol_top(con, NEET.id, NEET.default_age, "alle", TELEMARK) is None
    scales, legends, largest_each_year = set(), [], []
    for period in (periods[0], periods[-1]):
        t = queries.table(con, OT.id, "kommune", period=period, county=TELEMARK)
        frame = views.map_frame(t, feats, OT)
        m = maps.svg_map(frame, area=area, county=cf, ind=OT, period=period, area_name="Telemark",
                         breaks=[1.0], demo=True, circle_top=top)
        value = dict(zip(frame["region_code"], frame["value"]))
        drawn = [r for r in m["regions"] if value.get(r["code"]) and r["r"]]
        scales |= {round(r["r"] ** 2 / value[r["code"]], 1) for r in drawn if r["r"] > 5}
        legends.append([(i["value"], i["r"]) for i in m["sizes"]["items"]])
        largest_each_year.append(max(value[r["code"]] for r in drawn))
        fig = plotly(frame, area, cf, OT, period, circle_top=top)
        sizeref = next(t for t in fig["data"] if t["type"] == "scattergeo")["marker"]["sizeref"]
        assert sizeref == pytest.approx(2 * top / maps.PLOTLY_MAX_DIAMETER ** 2)
    assert largest_each_year[0] != largest_each_year[1]          # the years differ ...
    assert max(scales) / min(scales) < 1.05, scales              # ... the scale does not
    assert legends[0] == legends[1]
    # Without a fixed scale each year's largest count gets the largest circle (the old way).
    assert maps.symbol_sizes([5.0, 10.0], 20.0) == [pytest.approx(20 / math.sqrt(2)), 20.0]
    assert maps.symbol_sizes([5.0, 10.0], 20.0, top=40.0) == [pytest.approx(20 * math.sqrt(5 / 40)),
                                                              pytest.approx(10.0)]


def test_the_kart_page_map_uses_the_fixed_scale(app_env):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"indikator": "ot_tilmeldt", "fylke": TELEMARK})
    at.run()
    assert not at.exception
    from ui import data
    periods = data.periods("ot_tilmeldt", OT.default_age, "alle")
    legends = [data.map_view("ot_tilmeldt", p, OT.default_age, "alle", TELEMARK, "Telemark",
                             None).model["sizes"]["items"] for p in (periods[0], periods[-1])]
    assert legends[0] == legends[1]
    top = data.symbol_top("ot_tilmeldt", OT.default_age, "alle", TELEMARK)
    assert top and legends[0][0]["value"] <= top
