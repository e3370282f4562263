"""Every page through AppTest: default view, a municipality from the URL, a period with
suppressed values, and indicators/regions without data. Assertions read the figure JSON
(`proto.spec`) and the text on the page."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from loaders import store
from tests.conftest import add_rows
from ui import plotly_view

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PAGES = {"kart": "app_pages/kart.py", "utvikling": "app_pages/utvikling.py",
         "sammenlign": "app_pages/sammenlign.py", "min-kommune": "app_pages/min_kommune.py"}
NB = "\u00a0"
SUPPRESSED = {"indikator": "neet", "alder": "15-19", "periode": "2022", "kommune": "4030"}


def test_no_pages_folder_next_to_app():
    """A folder named pages/ beside app.py makes Streamlit run a page without app.py when it is
    the first request after a restart (its old multipage mode). Keep the pages in app_pages/."""
    assert not (ROOT / "pages").exists()


def open_page(page: str, **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    if page != "kart":
        # After a first run AppTest knows st.navigation's pages (url_path "min-kommune" is
        # not the file name, so switching before it would open the default page).
        at.switch_page(str(ROOT / PAGES[page])).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def chart_elements(at) -> list:
    """The chart elements (ui/plotly_view's component) in page order."""
    return [c for c in at.get("bidi_component") if c.proto.component_name == plotly_view.NAME]


def specs(at) -> list[dict]:
    """The plotly figures the page drew (plotly's own JSON)."""
    return [json.loads(c.proto.json)["figure"] for c in chart_elements(at)]


def text(at) -> str:
    """Everything a user reads on the page (titles, markdown, notices, metrics, tables)."""
    parts = [t.value for t in at.title] + [m.value for m in at.markdown] + \
        [x.value for x in at.info] + [x.value for x in at.warning] + [x.value for x in at.error] + \
        [str(m.value) for m in at.metric] + [c.value for c in at.code]
    return "\n".join(parts)


def tables(at) -> list[str]:
    """The "Vis tabell" tables (markdown tables inside the expanders)."""
    return [m.value for e in at.expander for m in e.markdown]


def metas(at) -> list[dict]:
    return [s["layout"]["meta"]["innenfor"] for s in specs(at)]


# --- every page: the common parts ------------------------------------------------------------

@pytest.mark.parametrize("page", list(PAGES))
def test_default_view_has_charts_captions_tables_demo_and_link(app_env, page):
    at = open_page(page)
    t = text(at)
    assert "Demodata" in t
    maps = [json.loads(m.proto.json) for m in at.get("bidi_component")    # Kart's SVG map
            if m.proto.component_name != plotly_view.NAME]
    charts = specs(at) + maps
    assert charts, "every page shows at least one chart"
    for m in maps:
        assert m["title"] and m["demo"] is True and m["regions"] and m["legend"]
        assert "Kilde:" in t and "Definisjon:" in t and "Periode:" in t
    for s, meta in zip(specs(at), metas(at)):
        assert s["layout"]["separators"] == "," + NB
        assert s["layout"]["title"]["text"]
        assert "Kilde:" in meta["caption"] and "Definisjon:" in meta["caption"]
        assert "Periode:" in meta["caption"] and meta["demo"] is True
        assert meta["caption"][:60].replace("&", "") in t.replace("&amp;", "")   # shown under it
        assert meta["filename"].startswith("innenfor_")
        assert any(a.get("text") == "DEMODATA" for a in s["layout"].get("annotations", []))
    for c in chart_elements(at):
        cfg = json.loads(c.proto.json)["config"]
        assert cfg["toImageButtonOptions"]["filename"].startswith("innenfor_")
        assert cfg["displayModeBar"] is False
    assert len(at.expander) >= len(charts) and all(e.label == "Vis tabell" for e in at.expander)
    assert all(t.startswith(("| Område |", "| Periode |")) for t in tables(at))
    assert len(tables(at)) >= len(charts)
    assert len(permalinks(at)) == 1
    # «Bygg inn» under every chart and map: figure n of this page, in an <iframe>.
    embeds = [c.value for c in at.code if c.value.startswith("<iframe")]
    assert len(embeds) == len(charts)
    for n, e in enumerate(embeds, 1):
        assert e.startswith("<iframe") and f"innebygd={n}" in e and "embed=true" in e
    assert len(at.sidebar.children) > 0
    assert {s.key for s in at.selectbox} >= {"w_indikator", "w_kommune", "w_fylke"}


def permalinks(at) -> list[str]:
    """The «Lenke til denne visningen» links (the other code blocks are embed snippets)."""
    return [c.value for c in at.code if not c.value.startswith("<iframe")]


def test_municipality_from_url_is_kept_across_pages(app_env):
    at = open_page("kart", kommune="4030", fylke="40")
    assert at.selectbox(key="w_kommune").value == "4030"
    at.switch_page(str(ROOT / PAGES["min-kommune"])).run()
    assert [t.value for t in at.title] == ["Min kommune: Nissedal"]
    # Streamlit clears the query string on navigation; the app writes it back.
    assert dict(at.query_params) == {"kommune": "4030", "fylke": "40", "lang": "nb"}
    assert permalinks(at) == ["/min-kommune?kommune=4030&fylke=40&lang=nb"]


def test_widget_changes_go_to_the_url_and_period_follows_indicator(app_env):
    at = open_page("kart")
    at.selectbox(key="w_kommune").set_value("3905").run()
    at.select_slider(key="w_periode").set_value("2019").run()
    assert dict(at.query_params) == {"periode": "2019", "kommune": "3905", "lang": "nb"}
    at.selectbox(key="w_indikator").set_value("arbeidssokere").run()
    assert at.select_slider(key="w_periode").value == "2019-12"   # same year, monthly data
    assert dict(at.query_params)["indikator"] == "arbeidssokere"


def test_invalid_url_values_fall_back(app_env):
    at = open_page("kart", indikator="finnes-ikke", kommune="9999", fylke="xx", periode="1990")
    assert at.selectbox(key="w_indikator").value == "neet"
    assert at.selectbox(key="w_kommune").value == "4003"
    assert at.selectbox(key="w_fylke").value == "38"
    assert at.select_slider(key="w_periode").value == "2024"
    assert "Ingen data for Unge utenfor (NEET) i 1990. Viser 2024, den nyeste perioden med tall." \
        in [i.value for i in at.info]


# --- Kart ------------------------------------------------------------------------------------

def the_map(at) -> dict:
    """What the Kart page sends its SVG map (ui/mapview.py): JSON, as the browser gets it."""
    (m,) = at.get("bidi_component")
    assert m.proto.component_name == "innenfor_kart"
    return json.loads(m.proto.json)


def test_kart_default(app_env):
    at = open_page("kart")
    assert not specs(at)                                    # no plotly.js for the map
    m = the_map(at)
    codes = [r["code"] for r in m["regions"]]
    assert len(codes) == 23 and codes[-1] == "4003" and m["selected"] == "4003"  # drawn last
    assert all(r["d"].startswith("M") and r["d"].endswith("z") for r in m["regions"])
    assert m["title"] == "Unge utenfor (NEET), 15–29 år, 2024" and m["unit"] == "Prosent"
    assert m["demo"] is True and "Vestfold og Telemark" in m["subtitle"]
    skien = m["regions"][-1]
    assert skien["words"][0] == "Skien" and skien["words"][1].endswith(f"{NB}%")
    assert " av " in skien["words"][2] and skien["words"][3] == "2024"
    assert [e["label"] for e in m["legend"]][-1].startswith("under ")    # highest class first
    assert "Kart over Unge utenfor (NEET) i Vestfold og Telemark" in m["alt"]
    t = text(at)
    assert "Klikk på en kommune" in t and "Kilde: SSB" in t and "Kart: Kartverket" in t


def test_kart_one_cached_map_outlines_each_chosen_municipality(app_env):
    at = open_page("kart")
    first = the_map(at)
    at.selectbox(key="w_kommune").set_value("4001").run()
    second = the_map(at)
    assert (first["selected"], second["selected"]) == ("4003", "4001")
    assert second["regions"][-1]["code"] == "4001"            # drawn last: its outline on top
    assert sorted(r["code"] for r in first["regions"]) == sorted(r["code"] for r in second["regions"])
    assert the_map(open_page("kart"))["selected"] == "4003"     # the shared model is not changed


def test_kart_municipality_and_county_from_url(app_env):
    at = open_page("kart", kommune="4030", fylke="40")
    m = the_map(at)
    assert len(m["regions"]) == 17 and m["regions"][-1]["code"] == "4030"
    assert m["regions"][-1]["words"][0] == "Nissedal"
    assert "Telemark" in m["subtitle"]


def test_kart_suppressed(app_env):
    at = open_page("kart", **SUPPRESSED)
    m = the_map(at)
    nissedal = next(r for r in m["regions"] if r["code"] == "4030")
    grey = next(e["colour"] for e in m["legend"] if e["label"] == "Skjermet")
    assert nissedal["fill"] == grey and nissedal["words"][1].startswith("Skjermet")
    assert nissedal["label"] == "skjermet" and nissedal["at"]           # written on the map too
    assert [r["code"] for r in m["regions"] if r["label"]] == ["4030"]
    assert "| Nissedal | skjermet |" in tables(at)[0]
    assert m["title"] == "Unge utenfor (NEET), 15–19 år, 2022"


def test_kart_no_data(app_env):
    at = open_page("kart", indikator="arbeidssokere_andel")
    assert not at.get("bidi_component")
    assert "Ingen data for Arbeidssøkere, andel" in text(at)
    at = open_page("kart", fylke="33")                          # Buskerud: not in the demo data
    assert "Ingen data for Buskerud i 2024" in text(at)
    m = the_map(at)
    assert m["legend"][-1]["label"] == "Ingen data"
    assert {r["fill"] for r in m["regions"]} == {m["legend"][-1]["colour"]}


def test_kart_norway(app_env):
    at = open_page("kart", fylke="0", indikator="ot_tilmeldt")
    m = the_map(at)
    assert len(m["regions"]) == 356 and m["tall"] and m["unit"] == "Antall personer"
    assert "Ingen data" in [e["label"] for e in m["legend"]]
    assert not any(r["label"] for r in m["regions"])            # no word labels on the big map
    assert len(at.get("bidi_component")[0].proto.json) < 300_000


def test_kart_shows_alesund_1507_published_before_the_2024_split(writable_db, monkeypatch):
    monkeypatch.setenv("INNENFOR_DB", str(writable_db))
    add_rows(writable_db, [{"indicator": "neet", "region_code": "1507", "period": "2021", "age": "15-29",
                            "value": 10.0, "numerator": 500.0, "denominator": 5000.0}], "alesund.csv")
    at = open_page("kart", fylke="15", periode="2021")
    alesund = next(r for r in the_map(at)["regions"] if r["code"] == "1507")
    # Named for what it is (the old Ålesund with Haram), never as today's Ålesund.
    assert alesund["words"][:2] == ["Gamle Ålesund (1507: Ålesund og Haram), 2020–2023", f"10,0{NB}%"]


def test_a_click_on_the_map_opens_min_kommune(app_env):
    """The map sends the clicked code as trigger «pick»; the callback opens Min kommune."""
    from ui import parts
    at = open_page("kart")
    at.session_state[parts.MAP_KEY] = {"pick": "4001"}
    parts_state = {}
    # Run the callback as Streamlit would, with the session's state (AppTest has no browser).
    from unittest import mock

    import streamlit as st
    with mock.patch.object(st, "session_state", at.session_state):
        parts.on_map_select()
        parts_state = dict(at.session_state["view"])
    assert parts_state["kommune"] == "4001" and at.session_state["_goto"] == "min-kommune"


# --- Utvikling -------------------------------------------------------------------------------

def names(at, i=0):
    """The lines of chart i (the 95 % bands under them are not lines: bands(at))."""
    return [t["name"] for t in specs(at)[i]["data"] if t.get("legendgroup") != "band"]


def bands(at, i=0) -> int:
    return sum(t.get("legendgroup") == "band" for t in specs(at)[i]["data"])


def test_utvikling_default(app_env):
    at = open_page("utvikling")
    assert names(at) == ["Skien", "Telemark (fylket)", "Grenland (regiongruppen)", "Hele landet"]
    assert bands(at) >= 1                 # Skien's share has counts: its 95 % band is drawn
    s = specs(at)[0]
    assert s["layout"]["xaxis"]["categoryarray"][0] == "2015"
    assert s["data"][0]["customdata"][-1][2].endswith(f"{NB}%")


def test_utvikling_municipalities_from_url(app_env):
    at = open_page("utvikling", kommune="4030", kommuner="4010,4003", ref="land")
    assert names(at) == ["Nissedal", "Siljan", "Skien", "Hele landet"]
    assert at.multiselect(key="w_kommuner").value == ["4010", "4003"]
    link = permalinks(at)[0]
    assert "kommuner=4010%2C4003" in link and "ref=land" in link


def test_utvikling_names_its_places_in_the_title_and_says_which_have_no_line(app_env):
    at = open_page("utvikling", kommuner="4010,5610")           # Karasjok: no demo data
    s = specs(at)[0]
    assert s["layout"]["title"]["text"] == "Unge utenfor (NEET) i Skien og Siljan, 15–29 år, 2015–2024"
    assert "Kárášjohka - Karasjok: ingen tall (15–29 år), ingen linje." in text(at)
    assert "Kárášjohka - Karasjok" not in names(at)


def test_utvikling_suppressed(app_env):
    at = open_page("utvikling", **SUPPRESSED)
    tr = specs(at)[0]["data"][0]
    i = tr["x"].index("2022")
    assert tr["name"] == "Nissedal" and tr["y"][i] is None and tr["customdata"][i][2] == "skjermet"
    assert "Brudd i linjen" in specs(at)[0]["layout"]["meta"]["innenfor"]["caption"]
    assert "| 2022 | skjermet |" in tables(at)[0]


def test_utvikling_missing_reference_and_no_data(app_env):
    at = open_page("utvikling", indikator="ot_tilmeldt", ref="land")
    assert names(at) == ["Skien"]                               # no national OT figures in demo
    assert "Ingen tall for hele landet" in text(at)
    at = open_page("utvikling", indikator="ot_tilmeldt")        # counts: references off by default
    assert names(at) == ["Skien"] and "vises bare når du velger dem" in text(at)
    at = open_page("utvikling", indikator="arbeidssokere_andel")
    assert not specs(at) and "Ingen data for Arbeidssøkere, andel" in text(at)


def test_utvikling_monthly_moving_average(app_env):
    at = open_page("utvikling", indikator="arbeidssokere", snitt="1", ref="ingen")
    s = specs(at)[0]
    assert s["layout"]["xaxis"]["type"] == "date"
    assert s["layout"]["title"]["subtitle"]["text"] == "12 måneders glidende gjennomsnitt"
    y = s["data"][0]["y"]
    assert all(v is None for v in y[:11]) and y[11] is not None
    assert at.toggle(key="w_snitt").value is True


# --- Sammenlign ------------------------------------------------------------------------------

def test_sammenlign_default(app_env):
    at = open_page("sammenlign")
    regions, ranking, multiples = specs(at)
    ys = regions["data"][0]["y"]
    assert ys[-1].startswith("Grenland (regiongruppe)") and ys[0].startswith("Hele landet")
    bars = ranking["data"][0]
    assert len(bars["y"]) == 23 and any(y.startswith("<b>▶ Skien</b>") for y in bars["y"])
    known = [x for x in bars["x"] if x is not None]
    assert known == sorted(known)
    refs = [a["text"] for a in ranking["layout"]["annotations"] if a.get("text") != "DEMODATA"]
    # The partnership's area in 2024: its two counties as they are today, not 38 (2020–2023).
    assert [r.rsplit(" ", 2)[0] for r in refs] == ["Vestfold", "Telemark", "Landet"]
    assert not any(y.startswith("Vestfold og Telemark") for y in ys)      # never beside 39 and 40
    assert len(multiples["data"]) == 8


def test_sammenlign_municipality_from_url(app_env):
    at = open_page("sammenlign", kommune="4030", fylke="40")
    bars = specs(at)[1]["data"][0]
    assert len(bars["y"]) == 17 and any(y.startswith("<b>▶ Nissedal</b>") for y in bars["y"])


def test_sammenlign_suppressed(app_env):
    at = open_page("sammenlign", **SUPPRESSED)
    regions, ranking, _ = specs(at)
    assert ranking["data"][0]["y"][0] == "<b>▶ Nissedal</b>  skjermet"
    ys = regions["data"][0]["y"]
    assert "Telemark  skjermet" in ys and "Vest-Telemark (regiongruppe)  skjermet" in ys


def test_sammenlign_missing_national_and_no_data(app_env):
    at = open_page("sammenlign", indikator="ot_tilmeldt", periode="2020-2021")
    ys = specs(at)[0]["data"][0]["y"]
    assert ys[0] == "Hele landet  mangler"
    assert f"Telemark  1{NB}101" in ys
    at = open_page("sammenlign", indikator="arbeidssokere_andel")
    assert not specs(at) and "Ingen data for Arbeidssøkere, andel" in text(at)
    at = open_page("sammenlign", fylke="33")
    assert "Ingen data for Buskerud i 2024" in text(at)


# --- Min kommune -----------------------------------------------------------------------------

def test_min_kommune_default(app_env):
    at = open_page("min-kommune")
    t = text(at)
    assert [x.value for x in at.title] == ["Min kommune: Skien"]
    assert len(specs(at)) == 4 and len(at.metric) == 4
    assert "Andelen unge 15–29 år utenfor arbeid og utdanning i Skien var 10,5" in t
    assert "Andelen uføre blant unge 18–29 år i Skien var" in t
    assert "Antallet unge 16–21 år registrert i Oppfølgingstjenesten i Skien var" in t
    assert "Antallet arbeidssøkere under 30 år i Skien var" in t
    assert "95 % usikkerhetsintervall" in t
    # NEET against Telemark and the country: the one verdict the store's own numbers give under
    # the page's rule (▲/▼ only when the 95 % Wilson intervals do not overlap, else ≈).
    with store.reader(app_env) as con:
        period, = con.execute("SELECT max(period) FROM observations WHERE indicator = 'neet' AND "
                              "region_code = '4003' AND age = '15-29' AND status = 'ok'").fetchone()
        counts = {code: con.execute(
            "SELECT sum(numerator), sum(denominator) FROM observations WHERE indicator = 'neet' "
            "AND region_code LIKE ? AND period = ? AND age = '15-29' AND sex = 'alle' "
            "AND category = 'alle' AND status = 'ok'", [code, period]).fetchone()
            for code in ("4003", "40__", "0")}       # Telemark: the sum over its municipalities

    def wilson95(k, n):
        z = 1.959964
        centre = (k / n + z * z / (2 * n)) / (1 + z * z / n)
        half = z * ((k / n) * (1 - k / n) / n + z * z / (4 * n * n)) ** 0.5 / (1 + z * z / n)
        return 100 * (centre - half), 100 * (centre + half)

    def verdict(ref: str, name: str) -> str:
        (lo, hi), (rlo, rhi) = wilson95(*counts["4003"]), wilson95(*counts[ref])
        words = "▲ Høyere enn" if lo > rhi else "▼ Lavere enn" if hi < rlo else "≈ Ikke sikker forskjell fra"
        share = f"{100 * counts[ref][0] / counts[ref][1]:.1f}".replace(".", ",")
        return f"{words} {name} ({share}{NB}%)"
    neet_box = next(m.value for m in at.markdown if m.value.startswith("- "))   # NEET comes first
    assert f"- {verdict('40__', 'Telemark')}\n" in neet_box + "\n", neet_box
    assert f"- {verdict('0', 'landet')}\n" in neet_box + "\n", neet_box
    assert "Endring over fem år (siden 2019)" in t
    assert "Ingen sammenligning med landet: tallet mangler" in t     # OT has no national figure


def _min_kommune_lines_match(con, mark: str = "") -> None:
    """Skien's lines on Min kommune, in the report behind «Last ned presentasjon» and
    «Saksvedlegg», and on the slides: the same value, lines and sentence for every family, each
    line carrying `mark` (set by a patched fact_lines) when one is given."""
    import io
    import re

    from PIL import Image
    from pptx import Presentation

    from exports import deck, kommune
    from indicators import format as fmt
    rep = kommune.collect(con, "4003")
    trend = [c for c in rep.charts if c.family != "Kart"]
    at = open_page("min-kommune", kommune="4003")
    boxes = [m.value for m in at.markdown if m.value.startswith("- ")]
    assert len(trend) == len(at.metric) == len(boxes) == 4
    shown = [m.value for m in at.markdown]

    def plain(md: str) -> str:                       # the page's markdown as the text read
        return re.sub(r"\\(.)", r"\1", md.replace("**", ""))

    for c, metric, box in zip(trend, at.metric, boxes):
        period = fmt.period(c.period)
        assert metric.label.endswith(f", {period}")                         # the same period
        # The value is the page's metric and the export's first line; the rest are the bullets.
        assert c.facts[0] == f"{fmt.upper_first(period)}: {metric.value}"
        assert c.facts[1:] == [plain(x[2:]) for x in box.split("\n")], c.family
        assert all(mark in line for line in c.facts)
        assert f"**{c.sentence}**" in shown
    # The presentation (alone and in the zip: deck.build) shows every one of those lines.
    buf = io.BytesIO()
    Image.new("RGB", (16, 9), "white").save(buf, "PNG")
    prs = Presentation(io.BytesIO(deck.build(rep, [buf.getvalue()] * len(rep.charts))))
    slides = ["\n".join(sh.text_frame.text for sh in s.shapes if sh.has_text_frame)
              for s in prs.slides]
    for c in trend:
        slide = next(t for t in slides if c.title in t and c.sentence in t)
        assert all(f"• {line}" in slide.split("\n") for line in c.facts), (c.family, slide)


def test_min_kommune_page_and_exports_say_the_same_lines(app_env, monkeypatch):
    """Min kommune's lines are written once (indicators.facts.fact_lines) and the page and the
    exports only lay them out: the same lines for Skien, and with fact_lines changed both
    change. Fails when either place writes its own text again."""
    from dataclasses import replace

    from indicators import facts
    with store.reader(app_env) as con:
        _min_kommune_lines_match(con)
        written = facts.fact_lines

        def marked(*a, **k):             # a mark on each line's figure, else on its words
            return [replace(x, value=f"{x.value} [fl]") if x.value else
                    replace(x, label=f"{x.label} [fl]") for x in written(*a, **k)]
        monkeypatch.setattr(facts, "fact_lines", marked)
        _min_kommune_lines_match(con, mark="[fl]")


def test_min_kommune_from_url_with_period(app_env):
    at = open_page("min-kommune", kommune="4003", periode="2022")
    t = text(at)
    assert (f"Andelen unge 15–29 år utenfor arbeid og utdanning i Skien var 11,7{NB}% i 2022, "
            f"høyere enn landet (9,7{NB}%).") in t
    assert "i skoleåret 2021–2022" in t                       # OT aligned to the same year
    assert "i desember 2022" in t                             # NAV: the last month of that year
    assert at.metric[0].value == f"11,7{NB}%"


def test_min_kommune_change_arrow_and_colour_follow_the_sign_and_what_is_better(app_env):
    """A fall in NEET (lower is better) is a green arrow down, a rise a red arrow up. The delta
    text has a real minus sign («−1,4»), which Streamlit alone would take for a rise."""
    from streamlit.proto.Metric_pb2 import Metric
    at = open_page("min-kommune", kommune="4003", periode="2023")      # 11,7 % → 10,3 %
    neet = at.metric[0].proto
    assert neet.delta.startswith("\u2212") and "prosentpoeng" in neet.delta, neet.delta
    assert neet.direction == Metric.MetricDirection.DOWN
    assert neet.color == Metric.MetricColor.GREEN
    at = open_page("min-kommune", kommune="4003", periode="2022")      # 11,7 % after a rise
    neet = at.metric[0].proto
    assert neet.delta.startswith("+")
    assert neet.direction == Metric.MetricDirection.UP
    assert neet.color == Metric.MetricColor.RED


def test_min_kommune_shows_a_suppressed_newest_period_and_the_last_known_figure(writable_db, monkeypatch):
    """No period chosen: the newest period the municipality has, even when it is suppressed
    (never silently an older one), with the last known figure beside it."""
    monkeypatch.setenv("INNENFOR_DB", str(writable_db))
    # Real data replaces the demo of its indicator: the file has 2024 and a suppressed 2025.
    add_rows(writable_db, [{"indicator": "neet", "region_code": "4003", "period": "2024", "age": "15-29",
                            "value": 10.5, "numerator": 1050.0, "denominator": 10000.0},
                           {"indicator": "neet", "region_code": "4003", "period": "2025", "age": "15-29",
                            "value": None, "status": "suppressed"}], "skjult.csv")
    at = open_page("min-kommune")
    assert at.metric[0].label == "Unge utenfor (NEET), 15–29 år, 2025"
    assert at.metric[0].value == "skjermet"
    t = text(at)
    assert "Tallet er skjermet fordi det gjelder få personer." in t
    assert f"Siste kjente tall: **10,5{NB}%** (2024)" in t


def test_min_kommune_without_figures_says_so_instead_of_drawing_only_the_country(app_env):
    at = open_page("min-kommune", kommune="5610")              # Karasjok: not in the demo data
    assert [x.value for x in at.title] == ["Min kommune: Kárášjohka - Karasjok"]
    assert not specs(at) and not at.metric
    infos = [i.value for i in at.info]
    assert any(i.startswith("Ingen tall for Kárášjohka - Karasjok (Unge utenfor (NEET)")
               for i in infos), infos


def test_min_kommune_suppressed(app_env):
    at = open_page("min-kommune", **SUPPRESSED)
    t = text(at)
    assert at.metric[0].value == "skjermet"
    assert "Andelen unge 15–19 år utenfor arbeid og utdanning i Nissedal er skjermet i 2022" in t
    assert "Tallet er skjermet fordi det gjelder få personer." in t


def test_min_kommune_no_data_anywhere(empty_db, monkeypatch):
    store.connect(empty_db).close()                            # schema only, no observations
    monkeypatch.setenv("INNENFOR_DB", str(empty_db))
    at = open_page("min-kommune", kommune="4010")
    t = text(at)
    assert [x.value for x in at.title] == ["Min kommune: Siljan"]
    assert not specs(at) and "Demodata" not in t
    assert t.count("i datalageret ennå") == 4
    for page in ("kart", "utvikling", "sammenlign"):
        at = open_page(page, kommune="4010")
        assert not specs(at) and "Ingen data for Unge utenfor (NEET)" in text(at)


def test_missing_store_is_explained(tmp_path, monkeypatch):
    monkeypatch.setenv("INNENFOR_DB", str(tmp_path / "finnes-ikke.duckdb"))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception and "Fant ikke datalageret" in at.error[0].value


def test_a_new_load_shows_at_once(writable_db, monkeypatch):
    """Cached reads are keyed on the store's version: a file loaded while the app runs is
    visible at the next rerun, without restarting or clearing caches."""
    monkeypatch.setenv("INNENFOR_DB", str(writable_db))
    at = open_page("kart", indikator="ufore")
    assert at.select_slider(key="w_periode").options[-1] == "2025"
    # Real data replaces the demo of its indicator: a delivery of 2025 and a provisional 2026.
    add_rows(writable_db, [{"indicator": "ufore", "region_code": "4003", "period": "2025", "age": "18-29",
                            "value": 4.1, "numerator": 290.0, "denominator": 7100.0},
                           {"indicator": "ufore", "region_code": "4003", "period": "2026", "age": "18-29",
                            "value": 4.2, "status": "provisional", "numerator": 300.0,
                            "denominator": 7143.0}], "ny_levering.csv")
    at.run()
    assert at.select_slider(key="w_periode").value == "2026"
    skien = next(r for r in the_map(at)["regions"] if r["code"] == "4003")
    assert skien["words"][1] == f"4,2{NB}% (foreløpig)"


def test_reads_are_remembered_within_a_run_and_not_across_runs(app_env, tmp_path):
    """ui.data hands the same object to every caller in one run (no copy per call), and a
    fresh read to the next run (which may see a new store)."""
    script = tmp_path / "reads.py"
    script.write_text("import streamlit as st\nfrom ui import data\n"
                      "a, b = data.municipalities(), data.municipalities()\n"
                      "st.session_state.setdefault('seen', []).append(a)\n"
                      "st.write(str(a is b and data.key() is data.key()))\n")
    at = AppTest.from_file(str(script)).run()
    at.run()
    assert [m.value for m in at.markdown] == ["True"]
    first, second = at.session_state["seen"]
    assert first is not second and first.equals(second)


def test_a_page_that_fails_still_has_its_sidebar(app_env, monkeypatch):
    """The sidebar is drawn after the page; when the page fails the user can still choose."""
    from ui import data

    def broken(*a, **k):
        raise RuntimeError("kaputt")
    monkeypatch.setattr(data, "map_view", broken)
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert at.exception and "kaputt" in at.exception[0].message
    assert {s.key for s in at.selectbox} >= {"w_indikator", "w_kommune", "w_fylke"}


def test_a_link_to_a_period_without_data_shows_each_familys_newest(app_env):
    """periode=2014 has no data: the notice says so, and no box is held at the fallback year
    (the newest NEET year is 2024, uføre 2025, OT 2024–2025, NAV desember 2025)."""
    at = open_page("min-kommune", kommune="4010", periode="2014")
    assert any("Ingen data for Unge utenfor (NEET) i 2014" in i.value for i in at.info)
    labels = [m.label for m in at.metric]
    assert labels[0].endswith("2024") and labels[1].endswith("2025")
    assert labels[2].endswith("2024–2025") and labels[3].endswith("desember 2025"), labels
    assert "periode" not in dict(at.query_params)               # the link is not rewritten to 2024


def test_utvikling_counts_take_all_three_reference_lines_when_asked(app_env):
    at = open_page("utvikling", indikator="arbeidssokere")
    assert names(at) == ["Skien"]                                # counts: no references at first
    at.pills(key="w_ref").set_value(["fylke", "region", "land"]).run()
    assert names(at) == ["Skien", "Telemark (fylket)", "Grenland (regiongruppen)", "Hele landet"]
    assert dict(at.query_params)["ref"] == "fylke,region,land"


def test_sammenlign_counts_have_no_county_line_over_the_municipalities(app_env):
    at = open_page("sammenlign", indikator="ot_tilmeldt")
    ranking = specs(at)[1]
    assert not ranking["layout"].get("shapes"), ranking["layout"].get("shapes")


def test_a_category_total_without_values_is_not_the_default(writable_db, monkeypatch):
    """NAV's shares per group come without counts: their «alle» cannot be added up, so the
    view opens on the first group with values instead of an all-grey map."""
    monkeypatch.setenv("INNENFOR_DB", str(writable_db))
    add_rows(writable_db, [{"indicator": "arbeidssokere_andel", "region_code": c, "period": "2026-01",
                            "age": "alle", "category": cat, "value": v}
                           for c in ("4003", "4001") for cat, v in (("helt_ledige", 2.7), ("tiltak", 0.8))],
             "nav.csv")
    at = open_page("kart", indikator="arbeidssokere_andel", alder="alle")
    assert at.selectbox(key="w_kategori").value == "helt_ledige"
    skien = next(r for r in the_map(at)["regions"] if r["code"] == "4003")
    assert skien["words"][1] == f"2,7{NB}%"
