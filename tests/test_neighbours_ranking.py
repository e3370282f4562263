"""Neighbouring municipalities (geo/neighbours.py, the bundled kommune_naboer.json) checked
against the boundary geometry itself; the readable ranking of a large area
(indicators/ranking.py); and both on the pages: Sammenlign for all Norway draws the chosen
municipality in context with the full ranking as its table, Min kommune lists the neighbours."""
from __future__ import annotations

import itertools
import json
import re

import pandas as pd
import pytest
import shapely
from shapely.geometry import shape

from geo import boundaries, codes
from geo import neighbours as nb
from indicators import format as fmt
from indicators import queries, ranking
from loaders import store
from tests.test_pages import open_page, specs
from vocab import i18n, indicators

NEET = indicators.get("neet")
# Island municipalities without a land border in the bundled (land-only) boundaries.
ISLANDS = {"1144": "Kvitsøy", "1145": "Bokn", "1151": "Utsira", "1505": "Kristiansund",
           "1531": "Sula", "1532": "Giske", "1554": "Averøy", "1573": "Smøla", "1815": "Vega",
           "1835": "Træna", "1856": "Røst", "1857": "Værøy", "1860": "Vestvågøy", "3110": "Hvaler",
           "4613": "Bømlo", "4616": "Tysnes", "4625": "Austevoll", "4626": "Øygarden",
           "4627": "Askøy", "4633": "Fedje", "4636": "Solund", "5014": "Frøya", "5514": "Ibestad"}


@pytest.fixture(scope="module")
def norway():
    fc = boundaries.load("norge")
    return {f["properties"]["kode"]: shape(f["geometry"]) for f in fc["features"]}


# --- the bundled file ------------------------------------------------------------------------

def test_the_bundled_file_is_what_recomputing_from_the_bundled_boundaries_gives():
    fc = json.loads((boundaries.DIR / nb.SOURCE).read_text(encoding="utf-8"))
    bundled = (boundaries.DIR / boundaries.NEIGHBOURS_FILE).read_text(encoding="utf-8")
    assert nb.file_text(nb.table_from(fc)) == bundled
    assert json.loads(bundled)["naboer"] == nb.all_neighbours()


def test_the_segment_rule_is_the_geometry_s_shared_borders(norway):
    """Neighbours exactly when the polygons share a line (shapely, on the geometry as bundled);
    a shared point alone (a corner) is not a border."""
    border, corners = nb.shared_borders(boundaries.load("norge"))
    tree = shapely.STRtree(list(norway.values()))
    keys = list(norway)
    lines: set[tuple[str, str]] = set()
    points: set[tuple[str, str]] = set()
    for i, j in zip(*tree.query(list(norway.values()), predicate="intersects")):
        if i < j:
            inter = norway[keys[i]].intersection(norway[keys[j]])
            (lines if inter.length > 0 else points).add((keys[i], keys[j]))
    assert {(a, b) for a, ns in border.items() for b in ns if a < b} == lines
    assert {tuple(p) for p in corners} == points
    assert ("4018", "4022") in points                    # Nome and Seljord meet in a corner
    assert "4022" not in nb.neighbours("4018")


def test_skien_borders_what_the_map_shows(norway):
    near = nb.neighbours("4003")
    assert near == ["3303", "4001", "4010", "4012", "4016", "4018", "4020"]  # Kongsberg … Midt-Telemark
    for code in near:
        assert norway["4003"].intersection(norway[code]).length > 0, code
    assert norway["4003"].intersection(norway["4005"]).is_empty    # Notodden: no border
    assert "4005" not in near


def test_the_relation_is_symmetric_and_covers_every_2024_municipality():
    table = nb.all_neighbours()
    assert set(table) == set(codes.municipalities_2024())
    for a, ns in table.items():
        assert a not in ns and ns == sorted(set(ns))
        for b in ns:
            assert a in table[b], (a, b)


def test_only_island_municipalities_have_no_neighbour(norway):
    lonely = {c for c, ns in nb.all_neighbours().items() if not ns}
    assert lonely == set(ISLANDS)
    m24 = codes.municipalities_2024()
    assert all(m24[c]["name"] == name for c, name in ISLANDS.items())
    others = [g for c, g in norway.items() if c not in ISLANDS]
    for code in ISLANDS:                 # no line with any other municipality in the geometry
        assert all(norway[code].intersection(g).length == 0 for g in others
                   if g is not norway[code]), code


def test_alesund_and_haram_have_the_2020_area_s_neighbours_and_say_so(norway):
    assert nb.areas_2020() == {"1507": ["1508", "1580"]}
    assert nb.neighbours("1507") == ["1535", "1578"]                 # the area: Vestnes, Fjord
    assert nb.neighbours("1508") == ["1535", "1578", "1580"]
    assert nb.neighbours("1580") == ["1508", "1535", "1578"]
    assert {"1508", "1580"} <= set(nb.neighbours("1535"))
    assert all(norway["1507"].intersection(norway[c]).length > 0 for c in ("1535", "1578"))
    assert nb.note("1580") and nb.note("1578") and nb.note("4003") is None
    with i18n.use("en"):                    # translated when asked, in the language of the run
        assert nb.note("1508") == i18n.gettext(nb.NOTE_2020_AREA)
    assert nb.neighbours("9999") == []


# --- the ranking rule ------------------------------------------------------------------------

def _country(suppressed: tuple[str, ...] = ()) -> pd.DataFrame:
    """All 357 municipalities with distinct values (higher code, higher value), some suppressed."""
    m24 = codes.municipalities_2024()
    rows = [{"region_code": c, "region_name": r["name"], "period": "2024",
             "value": None if c in suppressed else 1 + i / 10, "numerator": None,
             "denominator": None, "status": "suppressed" if c in suppressed else "ok"}
            for i, (c, r) in enumerate(sorted(m24.items()))]
    return pd.DataFrame(rows)


def test_ranked_gives_equal_values_one_place_and_the_unknown_none():
    df = pd.DataFrame({"region_code": list("abcde"), "region_name": list("ABCDE"),
                       "value": [5.0, 7.0, 5.0, None, 1.0],
                       "status": ["ok", "ok", "ok", "suppressed", "ok"]})
    r = ranking.ranked(df)
    assert list(r["region_code"]) == ["b", "a", "c", "e", "d"]
    assert list(r["rank"].astype(object).where(r["rank"].notna(), None)) == [1, 2, 2, 4, None]


def test_a_large_area_is_drawn_as_the_chosen_one_in_context():
    df = _country(suppressed=("4001", "0301"))                 # Porsgrunn (a neighbour), Oslo
    near = nb.neighbours("4003")
    county = ranking.county_members(df, "40")
    assert len(county) == 17
    sel = ranking.context(df, "4003", near, county)
    drawn = list(sel.frame["region_code"])
    assert not sel.full and sel.total == 357 and sel.ranked == 355
    assert len(drawn) <= 30 and len(drawn) == len(set(drawn))
    ranked_codes = list(ranking.ranked(df).query("`rank`.notna()")["region_code"])
    assert set(ranked_codes[:5]) <= set(drawn) and set(ranked_codes[-5:]) <= set(drawn)
    assert "4003" in drawn and set(near) <= set(drawn)         # Kongsberg too: another county
    assert "4001" in drawn and "0301" not in drawn             # suppressed: only as a neighbour
    telemark = [c for c in ranked_codes if c in county]
    i = telemark.index("4003")
    assert set(telemark[i - 3:i] + telemark[i + 1:i + 4]) <= set(drawn)
    assert set(drawn) <= set(ranked_codes[:5]) | set(ranked_codes[-5:]) | {"4003", *near} | set(county)
    # The place is the one in the full ranking, in front of the name; none for the suppressed.
    places = ranking.with_places(sel.frame).set_index("region_code")["region_name"]
    assert places["4003"] == f"{ranked_codes.index('4003') + 1}. Skien"
    assert places["4001"] == "Porsgrunn"
    text = ranking.caption(sel, "Skien", "Telemark")
    assert f"{len(drawn)} av 357 kommuner" in text and "Skien" in text and "nabokommunene" in text


def test_a_county_is_drawn_whole_and_a_chosen_one_outside_the_area_gets_its_top_and_bottom():
    df = _country()
    vt = df[df["region_code"].isin(ranking.county_members(df, "40"))]
    sel = ranking.context(vt, "4003", nb.neighbours("4003"))
    assert sel.full and len(sel.frame) == 17 and ranking.caption(sel, "Skien", "Telemark") == ""
    sel = ranking.context(df, "9999", [], [])
    assert not sel.full and len(sel.frame) == 10 and sel.selected is None


def test_the_table_is_the_full_ranking_and_never_shows_a_suppressed_value_as_a_number():
    df = _country(suppressed=("4001",))
    t = ranking.table(df, NEET)
    assert len(t) == 357 and list(t.columns[:3]) == ["Område", "Plass", "Verdi"]
    m24 = codes.municipalities_2024()
    assert list(t["Plass"][:2]) == ["1", "2"] and t["Område"][0] == m24[max(m24)]["name"]
    last = t.iloc[-1]
    assert (last["Område"], last["Plass"], last["Verdi"]) == ("Porsgrunn", fmt.DASH, "skjermet")


def test_neighbour_rows_use_the_old_number_and_list_a_neighbour_without_figures():
    df = pd.DataFrame([
        {"region_code": "1507", "region_name": "Gamle Ålesund", "period": "2022", "value": 7.0,
         "status": "ok"},
        {"region_code": "1508", "region_name": "Ålesund", "period": "2022", "value": None,
         "status": "missing"},
        {"region_code": "1578", "region_name": "Fjord", "period": "2022", "value": 9.0,
         "status": "ok"}])
    rows = ranking.neighbour_rows(df, ["1508", "1578", "1580", "1535"], "2022")
    assert list(rows["region_code"]) == ["1578", "1507", "1535"]     # 1507 once, for 1508 and 1580
    assert rows.iloc[-1]["status"] == "missing" and rows.iloc[-1]["region_name"] == "Vestnes"


# --- the pages -------------------------------------------------------------------------------

def _markdown(at) -> list[str]:
    return [m.value for m in at.markdown]


def test_sammenlign_for_all_norway_draws_a_readable_selection_and_tables_every_row(app_env):
    at = open_page("sammenlign", fylke="0")
    rank_fig = specs(at)[1]
    bars = rank_fig["data"][0]["y"]
    with store.reader(app_env) as con:
        period = queries.latest_period(con, "neet", age=NEET.default_age)
        full = queries.table(con, "neet", "kommune", period=period, county="0")
    assert len(full) > ranking.FULL_LIMIT                  # the demo store: 35 municipalities
    assert len(bars) < len(full) and len(bars) <= 30
    assert rank_fig["layout"]["height"] < 1000
    chosen = [y for y in bars if y.startswith("<b>▶ ")]
    assert len(chosen) == 1 and re.match(r"<b>▶ \d+\. Skien</b>", chosen[0])
    names = {re.sub(r"^(<b>▶ )?\d+\. ", "", y).split("  ")[0].replace("</b>", "") for y in bars}
    assert {"Porsgrunn", "Siljan", "Bamble", "Drangedal", "Nome", "Midt-Telemark"} <= names
    # The country inside a sentence is written as one («i hele landet»), not as a label.
    assert rank_fig["layout"]["title"]["subtitle"]["text"].startswith("Kommunene i hele landet (utvalg: ")
    assert any(h.value.startswith("Kommunene i hele landet ") for h in at.subheader)
    assert any(f"Figuren viser {len(bars)} av {len(full)} kommuner" in m for m in _markdown(at))
    table = next(m for m in _markdown(at) if m.startswith("| Område | Plass |"))
    body = table.split("\n")[2:]
    assert len(body) == len(full)
    assert {r.split(" | ")[0].lstrip("| ") for r in body} == set(full["region_name"])


def test_sammenlign_keeps_the_whole_chart_for_a_county(app_env):
    bars = specs(open_page("sammenlign", fylke="40"))[1]["data"][0]["y"]
    assert len(bars) == 17 and not any(re.match(r"(<b>▶ )?\d+\. ", y) for y in bars)


def test_min_kommune_lists_the_neighbours_with_their_figures(app_env):
    at = open_page("min-kommune", kommune="4003")
    lines = [m for m in _markdown(at) if m.startswith("**Nabokommunene, ")]
    assert len(lines) == 4                                  # one per indicator family
    neet = lines[0]
    with store.reader(app_env) as con:
        period = queries.latest_period(con, "neet", age=NEET.default_age)
        rows = queries.series(con, "neet", nb.neighbours("4003"), periods=[str(period)])
    for r in rows.to_dict("records"):
        assert f"{r['region_name']} {fmt.value(r['value'], NEET, r['status'])}" in neet
    assert "Kongsberg mangler" in neet                      # outside the demo store, said so
    assert neet.startswith(f"**Nabokommunene, {fmt.period(period)}:**")


def test_min_kommune_says_suppressed_for_a_suppressed_neighbour_and_none_for_an_island(app_env):
    at = open_page("min-kommune", indikator="neet", alder="15-19", periode="2022", kommune="4016")
    neet = next(m for m in _markdown(at) if m.startswith("**Nabokommunene, 2022:**"))
    assert "Nissedal skjermet" in neet and not re.search(r"Nissedal \d", neet)
    at = open_page("min-kommune", kommune="3110")
    lines = [m for m in _markdown(at) if m.startswith("**Nabokommunene, ")]
    assert lines and all("ingen (ingen felles grense på land)" in m for m in lines)


def test_every_pair_of_neighbours_is_listed_once_in_the_file():
    table = nb.all_neighbours()
    pairs = [tuple(sorted(p)) for a, ns in table.items() for p in itertools.product([a], ns)]
    assert len(pairs) == 2 * len(set(pairs))
