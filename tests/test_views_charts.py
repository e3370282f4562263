"""The pure view helpers (indicators.views) and figure builders (indicators.charts), on the demo
store and on small hand-made frames."""
from __future__ import annotations

import json

import pandas as pd
import plotly.io as pio
import pytest

from indicators import charts, facts, maps, queries, views
from loaders import store
from vocab import indicators

NB = "\u00a0"
NEET = indicators.get("neet")
OT = indicators.get("ot_tilmeldt")
NAV = indicators.get("arbeidssokere")


@pytest.fixture(scope="module")
def con(demo_db):
    with store.reader(demo_db) as c:
        yield c


def frame(rows):
    base = {"region_name": "", "level": "kommune", "numerator": None, "denominator": None,
            "note": None, "published": True}
    return pd.DataFrame([{**base, **r} for r in rows])


# --- periods ---------------------------------------------------------------------------------

def test_shift_and_previous_period():
    assert views.shift_years("2022", -5) == "2017"
    assert views.shift_years("2021-05", -1) == "2020-05"
    assert views.shift_years("2020-2021", -5) == "2015-2016"
    assert views.previous_period("2022", "year") == "2021"
    assert views.previous_period("2021-05", "month") == "2020-05"     # same month, a year before


def test_align_period_across_types():
    months = ["2021-11", "2021-12", "2022-01", "2022-06"]
    assert views.align_period("2021", "month", months) == "2021-12"
    assert views.align_period("2020-2021", "month", months) == "2021-12"
    assert views.align_period("2022-06", "year", ["2021", "2022"]) == "2022"
    assert views.align_period("2022", "school_year", ["2020-2021", "2021-2022"]) == "2021-2022"
    assert views.align_period(None, "year", ["2021", "2022"]) == "2022"
    assert views.align_period("2014", "year", ["2021", "2022"]) is None
    assert views.align_period("2022", "year", []) is None


# --- Min kommune facts -----------------------------------------------------------------------

def wilson95(k, n) -> tuple[float, float]:
    """The 95 % Wilson score interval of k out of n, in per cent (written out here, so the
    expected verdict does not come from the code under test)."""
    z = 1.959964
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * (p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5 / (1 + z * z / n)
    return 100 * (centre - half), 100 * (centre + half)


def expected_comparison(a, b, ref_name: str) -> str:
    """Min kommune's rule: ▲/▼ when the 95 % intervals of a and b do not overlap, ≈ when they
    do; then the reference's share with one decimal."""
    lo_a, hi_a = wilson95(a["numerator"], a["denominator"])
    lo_b, hi_b = wilson95(b["numerator"], b["denominator"])
    symbol, words = (("▲", "Høyere enn") if lo_a > hi_b else ("▼", "Lavere enn") if hi_a < lo_b
                     else ("≈", "Ikke sikker forskjell fra"))
    share = f"{100 * b['numerator'] / b['denominator']:.1f}".replace(".", ",")
    return f"{symbol} {words} {ref_name} ({share}{NB}%)"


def test_facts_for_skien(con):
    df = queries.series(con, "neet", ["4003", "40", "0"])
    f = facts.facts(NEET, df, "4003", county="40", period="2022")
    skien, telemark, norway = (df[(df["region_code"] == c) & (df["period"] == "2022")].iloc[0]
                               for c in ("4003", "40", "0"))
    assert f.place == "Skien" and f.has_value
    assert f.value_text == f"11,7{NB}%"
    assert f.previous["period"] == "2021" and f.five["period"] == "2017"
    assert f.sentence() == (f"Andelen unge 15–29 år utenfor arbeid og utdanning i Skien var "
                            f"11,7{NB}% i 2022, høyere enn landet (9,7{NB}%).")
    assert f.comparison_label(f.national, "landet") == f"▲ Høyere enn landet (9,7{NB}%)"
    assert expected_comparison(skien, norway, "landet") == f"▲ Høyere enn landet (9,7{NB}%)"
    # Against Telemark the demo's 95 % intervals overlap (1 125 of 9 641 against 3 301 of
    # 29 863): the one symbol the numbers give, not any of the three.
    assert f.comparison_label(f.county, "Telemark") == expected_comparison(skien, telemark, "Telemark")
    assert f.change_text(f.previous).endswith("prosentpoeng")
    lo, hi = f.interval
    assert lo < 11.67 < hi


def test_facts_suppressed_and_missing(con):
    df = queries.series(con, "neet", ["4030", "40", "0"], age="15-19")
    f = facts.facts(NEET, df, "4030", county="40", period="2022", age="15-19")
    assert not f.has_value and f.value_text == "skjermet"
    assert "skjermet i 2022" in f.sentence()
    assert f.change_text(f.previous) == "" and f.comparison_label(f.national, "landet") == ""
    df = queries.series(con, "ot_tilmeldt", ["4010", "40", "0"])
    f = facts.facts(OT, df, "4010", county="40", period="2020-2021")
    assert f.national is not None and f.national["status"] == "missing"   # no national OT figure
    assert f.comparison_label(f.national, "landet") == "Ingen sammenligning med landet: tallet mangler"
    # A count is put in proportion, not compared (a share of a total is not a rate).
    assert (f.comparison_label(f.county, "Telemark")
            == f"Telemark i alt: 1{NB}101 (Siljan er 1,3{NB}% av dette)")
    tiny = {**f.county, "value": 116640.0}
    assert f.comparison_label(tiny, "landet") == f"Landet i alt: 116{NB}640 (Siljan er under 0,1 % av dette)"
    none = facts.facts(OT, df, "4010", county="40", period=None, place="Siljan")
    assert none.value_text == "Ingen data" and none.sentence() == "Ingen data for Siljan."


def test_fact_lines_are_the_page_wording(con):
    """The lines Min kommune and the presentation show (indicators.facts.fact_lines)."""
    df = queries.series(con, "neet", ["4003", "40", "0"])
    f = facts.facts(NEET, df, "4003", county="40", period="2022")
    lines = facts.fact_lines(f, "Telemark")
    assert [x.kind for x in lines] == ["value", "interval", "change", "five_years", "county",
                                       "national"]
    text = [x.text for x in lines]
    assert text[0] == f"2022: 11,7{NB}%"
    assert text[1].startswith("95 % usikkerhetsintervall: ") and lines[1].value.endswith(f"{NB}%")
    assert text[2] == "Endring siden 2021: +1,4 prosentpoeng (sikker økning)"
    assert text[3] == "Endring over fem år (siden 2017): +1,7 prosentpoeng (sikker økning)"
    skien, telemark = (df[(df["region_code"] == c) & (df["period"] == "2022")].iloc[0]
                       for c in ("4003", "40"))
    assert text[4] == expected_comparison(skien, telemark, "Telemark")
    assert text[5] == f"▲ Høyere enn landet (9,7{NB}%)"
    assert [x.kind for x in facts.fact_lines(f, "")][4] == "national"     # no county name: no line
    # Suppressed: the status, why, and the last known figure.
    df = queries.series(con, "neet", ["4030", "40", "0"], age="15-19")
    f = facts.facts(NEET, df, "4030", county="40", period="2022", age="15-19")
    assert [x.text for x in facts.fact_lines(f, "Telemark")] == [
        "2022: skjermet", "Tallet er skjermet fordi det gjelder få personer.",
        f"Siste kjente tall: 3,7{NB}% (2024)"]
    # A count: the change in persons, put in proportion to the county (no national OT figure).
    df = queries.series(con, "ot_tilmeldt", ["4010", "40", "0"])
    f = facts.facts(OT, df, "4010", county="40", period="2020-2021")
    assert [x.text for x in facts.fact_lines(f, "Telemark")] == [
        "2020–2021: 14", "Endring siden 2019–2020: 0 personer (ingen sikker endring)",
        "Endring over fem år (siden 2015–2016): −1 person (ingen sikker endring)",
        f"Telemark i alt: 1{NB}101 (Siljan er 1,3{NB}% av dette)",
        "Ingen sammenligning med landet: tallet mangler"]


# --- map helpers -----------------------------------------------------------------------------

def test_class_breaks_fixed_and_readable():
    vals = [8.1, 9.0, 9.4, 9.9, 10.2, 10.8, 11.3, 11.9, 12.6, 14.0] * 3
    b = views.class_breaks(vals, 5, "share")
    assert b == sorted(b) and len(b) == 4
    assert all((x * 2) == int(x * 2) for x in b)        # half-percent steps above 5 %
    assert views.class_of(7.0, b) == 0 and views.class_of(99, b) == 4
    assert views.class_breaks([], 5) == []
    assert views.class_breaks([5, 5, 5], 5) == []                     # one value: one class
    counts = views.class_breaks(list(range(0, 4000, 7)), 5, "count")
    assert all(float(c).is_integer() for c in counts)


def test_class_breaks_from_all_periods_of_demo(con):
    codes = queries.region_codes(con, "kommune", "0")
    df = queries.series(con, "neet", codes)
    b = views.class_breaks(df[df["status"] == "ok"]["value"], 5, "share")
    assert len(b) == 4                   # five classes from the values of every year
    for period in ("2015", "2024"):      # the first and the last year both use all five classes
        year = df[(df["period"] == period) & (df["status"] == "ok")]["value"]
        assert {views.class_of(v, b) for v in year} == set(range(len(b) + 1)), period


def test_class_labels():
    # No shown value fits two labels: 10,5 % is in «10,5 % og over», not in «9,5–10,4 %».
    assert views.class_labels([9.5, 10.5], NEET) == [f"under 9,5{NB}%", f"9,5–10,4{NB}%",
                                                     f"10,5{NB}% og over"]
    assert views.class_labels([100, 1000], OT) == ["under 100", "100–999", f"1{NB}000 og over"]
    assert views.class_labels([10.5, 10.6], NEET)[1] == f"10,5{NB}%"     # a class of one value


def test_map_frame_fills_missing_and_merges_alesund():
    feats = [{"kode": "1507", "navn": "Ålesund", "dekker": ["1508", "1580"]},
             {"kode": "4003", "navn": "Skien"}, {"kode": "4010", "navn": "Siljan"}]
    t = frame([
        {"region_code": "1508", "region_name": "Ålesund", "period": "2022", "value": 10.0,
         "numerator": 100, "denominator": 1000, "status": "ok"},
        {"region_code": "1580", "region_name": "Haram", "period": "2022", "value": 20.0,
         "numerator": 200, "denominator": 1000, "status": "ok"},
        {"region_code": "4003", "region_name": "Skien", "period": "2022", "value": 11.7,
         "numerator": 1125, "denominator": 9641, "status": "ok"},
    ])
    m = views.map_frame(t, feats, NEET).set_index("region_code")
    assert (m.loc["1507", "value"] == pytest.approx(15.0)
            and m.loc["1507", "region_name"] == "Ålesund og Haram")
    assert m.loc["4010", "status"] == "missing" and m.loc["4003", "value"] == 11.7
    t.loc[1, "status"] = "suppressed"
    t.loc[1, "value"] = None
    m = views.map_frame(t, feats, NEET).set_index("region_code")
    assert m.loc["1507", "status"] == "suppressed"
    t.loc[1, "status"] = "provisional"
    t.loc[1, "value"] = 20.0
    m = views.map_frame(t, feats, NEET).set_index("region_code")
    assert m.loc["1507", "status"] == "provisional"            # the part's mark carries over
    none = views.map_frame(t[t["region_code"] == "4003"], feats, NEET).set_index("region_code")
    assert none.loc["1507", "region_name"] == "Ålesund" and none.loc["1507", "status"] == "missing"
    # 2020–2023 data is published for 1507 itself (the split is never guessed): shown as is.
    old = frame([{"region_code": "1507", "region_name": "Ålesund", "period": "2022", "value": 9.0,
                  "numerator": 90, "denominator": 1000, "status": "ok"}])
    m = views.map_frame(old, feats, NEET).set_index("region_code")
    assert m.loc["1507", "value"] == 9.0 and m.loc["1507", "status"] == "ok"


def test_moving_average_needs_a_full_window():
    rows = [{"region_code": "4003", "region_name": "Skien", "period": f"2020-{m:02d}", "value": float(m),
             "status": "ok"} for m in range(1, 13)]
    rows += [{"region_code": "4003", "region_name": "Skien", "period": "2021-01", "value": 13.0,
              "status": "ok"}]
    ma = views.moving_average(frame(rows), 12).sort_values("period")
    assert ma["value"].iloc[:11].isna().all()
    assert ma["value"].iloc[11] == pytest.approx(6.5) and ma["value"].iloc[12] == pytest.approx(7.5)
    assert ma["status"].iloc[0] == "missing" and ma["status"].iloc[12] == "ok"


def test_display_and_wide_tables():
    t = frame([
        {"region_code": "4003", "region_name": "Skien", "period": "2022", "value": 11.67,
         "numerator": 1125, "denominator": 9641, "status": "ok"},
        {"region_code": "4030", "region_name": "Nissedal", "period": "2022", "value": None,
         "denominator": 81, "status": "suppressed"},
    ])
    d = views.display_table(t, NEET, sort_by_value=True)
    assert list(d.columns) == ["Område", "Periode", "Verdi", "Antall", "Av (befolkning)",
                               "95 % intervall", "Status"]
    assert d.iloc[0].tolist()[:4] == ["Skien", "2022", f"11,7{NB}%", f"1{NB}125"]
    assert d.iloc[1]["Verdi"] == "skjermet" and d.iloc[1]["Antall"] == "\u2013"
    summed = views.display_table(frame([{"region_code": "40", "region_name": "Telemark", "level": "fylke",
                                          "period": "2022", "value": 11.0, "status": "ok", "computed": True},
                                         {"region_code": "R-vestfold", "region_name": "Vestfold",
                                          "level": "region", "period": "2022", "value": 11.7,
                                          "status": "ok", "computed": False}]), NEET)
    assert summed["Status"].tolist() == ["beregnet", "publisert"]      # added up by Innenfor
    assert summed["Område"].tolist() == ["Telemark", "Vestfold (regiongruppe)"]
    w = views.wide_table(t, NEET)
    assert list(w.columns) == ["Periode", "Skien", "Nissedal"]
    assert w.iloc[0].tolist() == ["2022", f"11,7{NB}%", "skjermet"]


@pytest.mark.parametrize("text,code", [("tonsberg", "3905"), ("TØNSBERG", "3905"), ("faerder", "3911"),
                                       ("farder", "3911"), ("barum", "3201"),
                                       ("skien", "4003"), ("Skien (Telemark)", "4003"), ("4003", "4003"),
                                       ("midt-t", "4020"), ("midt", None), ("nisse", "4030"), ("xyz", None),
                                       ("", None), ("s", None)])
def test_match_name(con, text, code):
    r = queries.regions(con, "kommune")
    choices = list(zip(r["code"], r["name"]))
    assert views.match_name(text, choices) == code


# --- figures ---------------------------------------------------------------------------------

def spec(fig) -> dict:
    return json.loads(pio.to_json(fig, validate=False))


def vt_map(con, age="15-29", period="2022", selected="4003", geojson_url=None):
    area, cf = maps.map_area("38")
    t = queries.table(con, "neet", "kommune", period=period, age=age, county="38")
    m = views.map_frame(t, maps.features(area, cf), NEET)
    return maps.choropleth(m, maps.geometry(area, cf), ind=NEET, period=period,
                             area_name="Vestfold og Telemark", breaks=[9.5, 10.5, 11.5, 12.5],
                             selected=selected, age=age, demo=True, geojson_url=geojson_url)


def test_choropleth_spec(con):
    s = spec(vt_map(con))
    tr = s["data"][0]
    assert tr["type"] == "choropleth" and len(tr["locations"]) == 23
    assert tr["locations"][-1] == "4003"                          # the outline is drawn last
    assert tr["marker"]["line"]["width"][-1] > 3 and max(tr["marker"]["line"]["width"][:-1]) < 1
    assert s["layout"]["separators"] == ",\u00a0"
    assert tr["colorbar"]["title"]["text"] == "Prosent"
    assert tr["colorbar"]["ticktext"][-1] == f"12,5{NB}% og over"
    skien = tr["customdata"][-1]
    assert skien[0] == "Skien" and skien[1] == f"11,7{NB}%" and skien[3] == "2022"
    assert "1\u00a0125 av 9\u00a0641" in skien[2] and "95 % intervall" in skien[2]
    meta = s["layout"]["meta"]["innenfor"]
    assert meta["filename"] == "innenfor_kart_neet_vestfold-og-telemark_2022"
    assert "Kilde: SSB" in meta["caption"] and "Kartverket" in meta["caption"]
    assert any(a.get("text") == "DEMODATA" for a in s["layout"]["annotations"])
    assert s["layout"]["geo"]["visible"] is False                 # no base map, nothing to fetch


def test_choropleth_suppressed_is_grey_and_labelled(con):
    s = spec(vt_map(con, age="15-19", selected="4030"))
    tr = s["data"][0]
    i = tr["locations"].index("4030")
    assert "Skjermet" in tr["colorbar"]["ticktext"]
    grey = tr["colorbar"]["ticktext"].index("Skjermet")
    assert tr["z"][i] == grey
    assert tr["colorscale"][2 * grey][1] == maps.SUPPRESSED
    assert tr["customdata"][i][1].startswith("Skjermet")
    labels = s["data"][1]
    assert labels["type"] == "scattergeo" and labels["text"] == ["skjermet"]


def test_choropleth_geometry_by_url_or_inline(con):
    inline = spec(vt_map(con))
    by_url = spec(vt_map(con, geojson_url="/app/static/geo/vestfold_telemark.json?v=1"))
    assert inline["data"][0]["geojson"]["type"] == "FeatureCollection"
    assert by_url["data"][0]["geojson"] == "/app/static/geo/vestfold_telemark.json?v=1"
    assert len(json.dumps(by_url)) < 20_000 < len(json.dumps(inline)) < 80_000


def test_norway_geometry_payload_is_small():
    assert len(json.dumps(maps.geometry("norge"), separators=(",", ":"))) < 600_000
    assert len(maps.geometry("norge", "40")["features"]) == 17


def test_svg_geometry_is_small_closed_and_fits_its_box():
    """The Kart page's paths: every municipality, closed rings in a box 1000 wide, labels
    inside the box; small enough to send with every rerun."""
    vt = maps.svg_geometry("vestfold_telemark")
    assert vt.width == 1000 and 600 < vt.height < 1000 and len(vt.paths) == 23
    assert all(d.startswith("M") and d.endswith("z") for d in vt.paths.values())
    assert all(0 <= x <= vt.width and 0 <= y <= vt.height for x, y in vt.labels.values())
    assert sum(len(d) for d in vt.paths.values()) < 30_000
    norway = maps.svg_geometry("norge")
    assert len(norway.paths) == 356 and norway.height > norway.width    # a tall country
    assert sum(len(d) for d in norway.paths.values()) < 200_000
    telemark = maps.svg_geometry("norge", "40")
    assert len(telemark.paths) == 17 and telemark.width == 1000          # fitted to the county


def test_svg_map_and_plotly_figure_colour_and_word_alike(con):
    """One set of classes and words for both renderers: the page's SVG and the exported image."""
    area, cf = maps.map_area("38")
    t = queries.table(con, "neet", "kommune", period="2022", age="15-19", county="38")
    frame = views.map_frame(t, maps.features(area, cf), NEET)
    kw = dict(ind=NEET, period="2022", area_name="Vestfold og Telemark", age="15-19",
              breaks=[3.8, 4.1, 4.4, 4.8], selected="4030", demo=True)
    svg = maps.svg_map(frame, area=area, county=cf, **kw)
    tr = spec(maps.choropleth(frame, maps.geometry(area, cf), **kw))["data"][0]
    colour_of_z = {j: tr["colorscale"][2 * j][1] for j in range(len(tr["colorbar"]["ticktext"]))}
    assert [r["code"] for r in svg["regions"]] == tr["locations"]
    assert [r["fill"] for r in svg["regions"]] == [colour_of_z[z] for z in tr["z"]]
    assert [r["words"] for r in svg["regions"]] == tr["customdata"]
    assert [e["label"] for e in svg["legend"]] == tr["colorbar"]["ticktext"][::-1]
    assert svg["meta"] == spec(maps.choropleth(frame, maps.geometry(area, cf), **kw))[
        "layout"]["meta"]["innenfor"]
    nissedal = svg["regions"][-1]
    assert nissedal["code"] == "4030" and nissedal["label"] == "skjermet"


def test_trend_marks_gaps_breaks_and_uses_date_axis_for_months(con):
    # Vestfold's published county figures carry a series break 2015–2019 (Svelvik moved out).
    df = queries.series(con, "arbeidssokere", ["39"], category="helt_ledige")
    s = spec(charts.trend(df, ind=NAV, lines=[("39", "fylke")], category="helt_ledige"))
    assert s["layout"]["xaxis"]["type"] == "date" and s["layout"]["xaxis"]["tickformat"] == "%Y"
    names = [t["name"] for t in s["data"]]
    assert "Brudd i serien" in names
    assert s["data"][0]["customdata"][0][1] == "januar 2015"
    df = queries.series(con, "neet", ["4030", "40", "0"], age="15-19")
    s = spec(charts.trend(df, ind=NEET, lines=[("4030", "kommune"), ("40", "fylke"), ("0", "land")],
                          age="15-19"))
    nissedal = s["data"][0]
    i = nissedal["x"].index("2022")
    assert nissedal["y"][i] is None and nissedal["customdata"][i][2] == "skjermet"
    assert s["data"][1]["name"] == "Telemark (fylket)" and s["data"][1]["line"]["dash"] == "dash"
    assert s["layout"]["yaxis"]["ticksuffix"] == f"{NB}%"


def test_ranking_and_region_bars(con):
    t = queries.table(con, "neet", "kommune", period="2022", age="15-19", county="40")
    refs = queries.series(con, "neet", ["40", "0"], age="15-19", periods=["2022"])
    r = {x["region_code"]: x for x in views.rows(refs)}
    s = spec(charts.ranking(t, ind=NEET, period="2022", area_name="Telemark", selected="4003",
                            references=[("Telemark", r["40"]), ("Landet", r["0"])], age="15-19"))
    bar = s["data"][0]
    assert bar["y"][0] == "Nissedal  skjermet"                    # unknown at the bottom
    assert bar["x"][0] is None
    assert any(y.startswith("<b>▶ Skien</b>") for y in bar["y"])
    assert bar["x"][1:] == sorted(bar["x"][1:])
    texts = [a["text"] for a in s["layout"]["annotations"]]
    assert any(t.startswith("Landet ") for t in texts)            # Telemark is suppressed (Nissedal)
    order = ["R-grenland", "38", "0"]
    side = queries.series(con, "ot_tilmeldt", order, periods=["2020-2021"])
    s = spec(charts.region_bars(side, ind=OT, period="2020-2021", order=order))
    ys = s["data"][0]["y"]
    assert ys[0] == "Hele landet  mangler" and ys[-1].startswith("Grenland (regiongruppe)")


def test_small_multiples_four_panels(con):
    groups = ["R-grenland", "R-vestfold", "R-ost-midt-telemark", "R-vest-telemark"]
    df = queries.series(con, "neet", groups + ["0"])
    s = spec(charts.small_multiples(df, ind=NEET, panels=[(g, g) for g in groups]))
    assert {t["xaxis"] for t in s["data"]} == {"x", "x2", "x3", "x4"}
    assert len(s["data"]) == 8
    assert s["layout"]["meta"]["innenfor"]["view"] == "regiongrupper"


def test_config_names_png_and_points_to_local_topojson(con):
    fig = vt_map(con)
    c = charts.config(fig, topojson_url="/app/static/")
    assert c["toImageButtonOptions"]["filename"] == "innenfor_kart_neet_vestfold-og-telemark_2022"
    assert c["topojsonURL"] == "/app/static/" and c["displaylogo"] is False


def test_a_value_is_coloured_in_the_class_of_its_shown_figure():
    """10,96 % is shown as «11,0 %»: it must not be coloured as «10,0–10,9 %»."""
    f = frame([{"region_code": "4003", "value": 10.96, "status": "ok"},
               {"region_code": "4001", "value": 10.94, "status": "ok"}])
    entries, index = maps.classes(f, [10.0, 11.0], NEET)
    labels = [entries[i][0] for i in index]
    assert labels == [f"11,0{NB}% og over", f"10,0–10,9{NB}%"]
