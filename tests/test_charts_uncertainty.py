"""Issue 13: a trend chart shows its uncertainty, and its time axis stays readable.

- A municipality's share with known counts gets its 95 % interval as a translucent band
  («95 % feilmargin»), broken where the figure is suppressed or missing; no band without counts,
  none for counts (persons), none for the reference lines.
- The x axis carries whole tick labels («2020», «2020–21», «jan 24»), few enough to stand side
  by side on a phone-wide chart: before, a category axis printed every year upright and a month
  axis had a fixed step, so on Min kommune's narrow column they ran together («201 201 … 202»).
All on figures built from the demo store (indicators.queries → indicators.charts)."""
from __future__ import annotations

import json
import re

import pandas as pd
import plotly.io as pio
import pytest

from indicators import chart_targets, charts, progress, queries
from loaders import store
from vocab import i18n, indicators

NB = "\u00a0"
NEET = indicators.get("neet")
OT = indicators.get("ot_tilmeldt")
NAV = indicators.get("arbeidssokere")
SKIEN, NISSEDAL, TELEMARK, NORWAY = "4003", "4030", "40", "0"
BAND_NOTE = "Farget felt rundt kommunens linje: 95 % feilmargin (der antallene er kjent)"


@pytest.fixture(scope="module")
def con(demo_db):
    with store.reader(demo_db) as c:
        yield c


def spec(fig) -> dict:
    return json.loads(pio.to_json(fig))


def wilson95(k, n) -> tuple[float, float]:
    """The 95 % Wilson score interval of k out of n in per cent, written out here so the
    expected band does not come from the code under test."""
    z = 1.959964
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * (p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5 / (1 + z * z / n)
    return 100 * (centre - half), 100 * (centre + half)


def pieces(band: dict) -> list[list[tuple[str, float, float]]]:
    """The band's closed pieces as [(x, lower, upper)], from its polygon: the upper edge forward,
    then the lower edge back, pieces separated by None."""
    out: list[list[tuple[str, float, float]]] = []
    xs: list[str] = []
    ys: list[float] = []
    for x, y in [*zip(band["x"], band["y"]), (None, None)]:
        if x is None:
            if xs:
                half = len(xs) // 2
                assert xs[:half] == xs[half:][::-1]          # the same periods both ways
                out.append([(x_, lo, hi) for x_, hi, lo in zip(xs[:half], ys[:half], ys[half:][::-1])])
            xs, ys = [], []
        else:
            xs.append(x)
            ys.append(y)
    return out


def neet_trend(con, lines=((NISSEDAL, "kommune"), (SKIEN, "kommune"), (TELEMARK, "fylke"),
                           (NORWAY, "land"))):
    df = queries.series(con, "neet", [c for c, _r in lines], age="15-19")
    return df, spec(charts.trend(df, ind=NEET, lines=list(lines), age="15-19"))


def lines_of(s: dict) -> dict[str, dict]:
    return {t["name"]: t for t in s["data"] if t.get("meta") != "band" and t.get("line")}


def bands_of(s: dict) -> list[dict]:
    return [t for t in s["data"] if t.get("meta") == "band" and any(x is not None for x in t["x"])]


def owner(band: dict, s: dict) -> str:
    """The line a band belongs to: the one whose colour it is filled with."""
    rgb = tuple(int(v) for v in re.findall(r"\d+", band["fillcolor"])[:3])
    [name] = [n for n, t in lines_of(s).items()
              if tuple(int(t["line"]["color"][i:i + 2], 16) for i in (1, 3, 5)) == rgb]
    return name


# --- the band ----------------------------------------------------------------------------------

def test_bands_only_around_municipalities_with_known_counts(con):
    _df, s = neet_trend(con)
    bands = bands_of(s)
    assert bands and all(b["fill"] == "toself" and b["mode"] == "none" for b in bands)
    assert sorted(owner(b, s) for b in bands) == ["Nissedal", "Skien"]   # not Telemark, not Norway
    # The lines keep their places (pages and exports find them first); the bands come after and
    # are drawn under them.
    assert [t["name"] for t in s["data"][:4]] == ["Nissedal", "Skien", "Telemark (fylket)", "Hele landet"]
    assert all(b["zorder"] < 0 and b["hoverinfo"] == "skip" for b in bands)
    assert BAND_NOTE in s["layout"]["meta"]["innenfor"]["notes"]
    assert BAND_NOTE in s["layout"]["meta"]["innenfor"]["caption"]


def test_band_bounds_are_the_wilson_interval_and_hold_the_value(con):
    df, s = neet_trend(con)
    rows = {(r.region_name, r.period): r for r in df.itertuples()}
    checked = 0
    for band in bands_of(s):
        name = owner(band, s)
        for piece in pieces(band):
            for x, lo, hi in piece:
                r = rows[(name, x)]
                assert lo <= r.value <= hi
                assert (lo, hi) == pytest.approx(wilson95(r.numerator, r.denominator), abs=1e-4)
                checked += 1
    assert checked == 10 + 4         # Skien's ten years; Nissedal's 2020–21 and 2023–24


def test_band_breaks_where_the_figure_is_suppressed(con):
    _df, s = neet_trend(con)
    [nissedal] = [b for b in bands_of(s) if owner(b, s) == "Nissedal"]
    line = lines_of(s)["Nissedal"]
    known = {x for x, y in zip(line["x"], line["y"]) if y is not None}
    assert [[x for x, _lo, _hi in p] for p in pieces(nissedal)] == [["2020", "2021"], ["2023", "2024"]]
    assert set(nissedal["x"]) - {None} <= known
    # 2016 is known but alone between suppressed years: no band pretends a run there.
    assert "2016" in known and "2016" not in nissedal["x"]
    # The hover says the interval where there is one, nothing where the figure is suppressed.
    hover = dict(zip(line["x"], line["text"]))
    assert hover["2022"] == "" and line["customdata"][line["x"].index("2022")][2] == "skjermet"
    assert hover["2020"] == f"<br>95 % feilmargin: 1,3–10,6{NB}%"      # 3 of 79: 1.30–10.58
    assert "%{text}" in line["hovertemplate"]


def test_one_legend_entry_names_the_band(con):
    _df, s = neet_trend(con)
    shown = [t for t in s["data"] if t.get("meta") == "band" and t.get("showlegend") is not False]
    assert [t["name"] for t in shown] == ["95 % feilmargin"]
    # Two municipalities' bands in two colours: the legend's swatch is grey, no one line's colour.
    assert shown[0]["fillcolor"] == "rgba(0,0,0,0.2)" and shown[0]["legendgroup"] == "band"
    _df, one = neet_trend(con, ((SKIEN, "kommune"), (NORWAY, "land")))
    [band] = [t for t in one["data"] if t.get("meta") == "band"]
    assert band["showlegend"] and band["name"] == "95 % feilmargin" and owner(band, one) == "Skien"


def test_no_band_without_counts_or_for_counts(con):
    df = queries.series(con, "neet", [SKIEN, NORWAY], age="15-19")
    df = df.assign(numerator=None)           # the same shares, their counts unknown
    s = spec(charts.trend(df, ind=NEET, lines=[(SKIEN, "kommune"), (NORWAY, "land")], age="15-19"))
    assert not [t for t in s["data"] if t.get("meta") == "band"]
    assert all(t == "" for t in lines_of(s)["Skien"]["text"])
    assert BAND_NOTE not in s["layout"]["meta"]["innenfor"]["notes"]
    ot = queries.series(con, "ot_tilmeldt", [SKIEN], category="avbrutt")
    s = spec(charts.trend(ot, ind=OT, lines=[(SKIEN, "kommune")], category="avbrutt"))
    assert not [t for t in s["data"] if t.get("meta") == "band"]


# --- the time axis -----------------------------------------------------------------------------

YEAR = re.compile(r"^\d{4}$")
SCHOOL_YEAR = re.compile(r"^\d{4}–\d{2}$")
MONTH_NB = re.compile(r"^[a-zæøå]{3} \d{2}$")
MONTH_EN = re.compile(r"^[A-Z][a-z]{2} \d{2}$")


def axis(con, ind, code, since=None, lang="nb", **kw) -> dict:
    df = queries.series(con, ind.id, [code], **kw)
    if since:
        df = df[df["period"] >= since]
    with i18n.use(lang):
        return spec(charts.trend(df, ind=ind, lines=[(code, "kommune")], **kw))["layout"]["xaxis"]


def test_a_long_month_axis_has_whole_years_a_few_apart(con):
    ax = axis(con, NAV, SKIEN, category="helt_ledige")                # 2015-01 … 2025-12
    assert ax["type"] == "date" and ax["tickmode"] == "array"
    assert ax["ticktext"] == ["2016", "2018", "2020", "2022", "2024"]
    assert ax["tickvals"] == [f"{y}-01-01" for y in ax["ticktext"]]
    assert ax["minor"]["dtick"] == "M12"             # a small tick each year between the labels
    assert "dtick" not in ax                          # no fixed step that runs labels together


@pytest.mark.parametrize(("lang", "pattern", "first"), [("nb", MONTH_NB, "jul 24"),
                                                         ("en", MONTH_EN, "Jul 24")])
def test_a_short_month_axis_names_the_months(con, lang, pattern, first):
    ax = axis(con, NAV, SKIEN, since="2024-03", lang=lang, category="helt_ledige")
    assert ax["ticktext"][0] == first and len(ax["ticktext"]) == 3
    assert all(pattern.match(t) for t in ax["ticktext"]), ax["ticktext"]
    assert ax["tickvals"] == ["2024-07-01", "2025-01-01", "2025-07-01"]


def test_year_and_school_year_axes_end_at_the_newest_with_whole_labels(con):
    ax = axis(con, NEET, SKIEN, age="15-19")
    assert ax["ticktext"] == ["2016", "2018", "2020", "2022", "2024"] == ax["tickvals"]
    assert ax["categoryarray"] == [str(y) for y in range(2015, 2025)]  # every year still on the axis
    ax = axis(con, OT, SKIEN, category="avbrutt")
    assert all(SCHOOL_YEAR.match(t) for t in ax["ticktext"])
    assert ax["ticktext"] == ["2014–15", "2019–20", "2024–25"]
    assert set(ax["ticktext"]) <= set(ax["categoryarray"])


@pytest.mark.parametrize("ptype", ["year", "school_year", "month"])
def test_never_more_labels_than_fit_a_phone(ptype):
    for n in range(1, 41):
        if ptype == "month":
            ps = [f"{2000 + i // 12}-{i % 12 + 1:02d}" for i in range(n * 7)]   # up to 23 years
        elif ptype == "year":
            ps = [str(2000 + i) for i in range(n)]
        else:
            ps = [f"{2000 + i}-{2001 + i}" for i in range(n)]
        vals, text = chart_targets.x_ticks(ptype, ps)
        kind = "year" if ptype == "month" and YEAR.match(text[0]) else ptype
        assert 1 <= len(text) <= chart_targets.MAX_LABELS[kind], (ptype, n, text)
        assert all({"year": YEAR, "school_year": SCHOOL_YEAR, "month": MONTH_NB}[kind].match(t)
                   for t in text), text
        if ptype != "month":
            assert vals[-1] == text[-1] == charts.x_values(ps[-1:], ptype)[0]   # the newest


def test_the_mission_axis_labels_the_target_year(con):
    df = queries.series(con, "neet", [SKIEN], age="15-29")
    fig = charts.trend(df, ind=NEET, lines=[(SKIEN, "kommune")], age="15-29")
    p = progress.Progress(indicator=NEET, region_code=SKIEN, region_name="Skien", age="15-29",
                          category="alle", baseline_period="2020", baseline_value=12.0,
                          target_value=8.0, target_year=2035, decided_by="bystyret")
    ax = spec(chart_targets.with_mission(fig, ind=NEET, target=p, measures=None,
                                         all_periods=sorted(df["period"]), newest="2024",
                                         age="15-29", category="alle"))["layout"]["xaxis"]
    assert ax["categoryarray"][-1] == "2035" and ax["ticktext"][-1] == "2035"
    assert len(ax["ticktext"]) <= chart_targets.MAX_LABELS["year"]
    assert ax["ticktext"] == ["2015", "2020", "2025", "2030", "2035"]


def test_months_on_a_mission_axis_run_to_the_target(con):
    df = queries.series(con, "arbeidssokere", [SKIEN], category="helt_ledige")
    fig = charts.trend(df, ind=NAV, lines=[(SKIEN, "kommune")], category="helt_ledige")
    p = progress.Progress(indicator=NAV, region_code=SKIEN, region_name="Skien", age="under30",
                          category="helt_ledige", baseline_period="2020-05", baseline_value=900.0,
                          target_value=500.0, target_year=2035, decided_by="bystyret")
    ax = spec(chart_targets.with_mission(fig, ind=NAV, target=p, measures=pd.DataFrame(),
                                         all_periods=sorted(df["period"]), newest="2025-12",
                                         age=None, category="helt_ledige"))["layout"]["xaxis"]
    assert ax["ticktext"] == ["2015", "2020", "2025", "2030", "2035"]
