"""Everything the presentation and the "Saksvedlegg" say about one municipality, read once.

`collect(con, code)` walks the four indicator families of Min kommune (indicators.views.FAMILIES)
and, for each one with data, builds the same trend chart, key sentence and fact lines the page
shows (the lines from indicators.facts.fact_lines, as on the page); then a map of the
municipality's county for the first share indicator (the fifth chart). A family without
figures for the municipality is listed in `missing` by its heading (with its age band): the deck
gives it no slide but names it on the title slide, the zip's read-me names it too. The deck and
the zip only lay these out: no SQL and no wording of their own.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import plotly.graph_objects as go

from exports import mission, safe
from exports.tables import DataTable
from indicators import chart_targets, charts, cost, facts, maps, progress, queries, views
from indicators import format as fmt
from vocab import indicators
from vocab.i18n import _, ngettext
from vocab.indicators import Indicator
from vocab.numbers import integer


@dataclass
class Chart:
    key: str                     # "neet", "kart-neet"
    family: str                  # "NEET", "Uføre", … or "Kart"
    ind: Indicator
    figure: go.Figure
    title: str                   # the slide title
    sentence: str                # the key sentence (indicators.format.sentence)
    facts: list[str]             # short lines next to the chart (indicators.facts.fact_lines)
    period: str | None           # the period the sentence is about
    periods_text: str            # what the chart covers, e.g. "2015–2024"
    demo: bool
    table: DataTable
    stem: str                    # file name stem: innenfor_skien_neet_2015-2024
    alt: str                     # text alternative for the image
    target: progress.Progress | None = None     # the 2035 target drawn on the chart
    measures: list[dict] = field(default_factory=list)   # the measures drawn under it

    @property
    def source(self) -> str:
        return fmt.source_line(self.ind, self.table.provenance)

    @property
    def selection(self) -> str:
        return fmt.dimension_text(self.ind, self.table.age, self.table.category)


@dataclass
class Report:
    code: str
    name: str
    county: str | None
    county_name: str
    made: date
    charts: list[Chart] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)     # families without data
    plans: mission.Mission | None = None       # the place's targets and measures, if any
    plans_xlsx: bytes | None = None            # exports.mission.excel_bytes for the zip
    plans_text: list[str] = field(default_factory=list)  # LESMEG's «Mål og tiltak»

    @property
    def demo(self) -> bool:
        """Any figure in the report is demo (each chart says whether its own are)."""
        return any(c.demo for c in self.charts)

    @property
    def all_demo(self) -> bool:
        return bool(self.charts) and all(c.demo for c in self.charts)

    @property
    def demo_titles(self) -> list[str]:
        """The charts whose figures are demo, by title (for the words that say which)."""
        return [c.title for c in self.charts if c.demo]

    @property
    def split_story(self) -> str:
        """«Ålesund ble delt i … 1. januar 2024; …» for a municipality split out of an older
        one (the same words as Min kommune), else ''."""
        s = views.split_of(self.code)
        return s.story if s else ""

    @property
    def tables(self) -> list[DataTable]:
        return [c.table for c in self.charts]

    @property
    def indicators(self) -> list[Indicator]:
        seen: dict[str, Indicator] = {}
        for c in self.charts:
            seen.setdefault(c.ind.id, c.ind)
        return list(seen.values())

    def file_name(self, what: str, ext: str) -> str:
        return safe.file_name("innenfor", self.name, what, ext=ext)


class UnknownMunicipality(ValueError):
    pass


def _region(con, code: str) -> tuple[str, str | None]:
    r = con.execute("SELECT name, parent FROM regions WHERE code = ? AND level = 'kommune'",
                    [code]).fetchone()
    if r is None:
        raise UnknownMunicipality(_("Fant ingen kommune med nummer {code}.").format(code=code))
    return r[0], r[1]


def _region_name(con, code: str | None) -> str:
    if not code:
        return ""
    r = con.execute("SELECT name FROM regions WHERE code = ?", [code]).fetchone()
    return r[0] if r else code


def file_period(periods) -> str:
    """Short and ASCII for file names: '2015-2024', '2024', or years for months and school
    years ('2015-2025' for januar 2015 til desember 2025)."""
    ps = sorted(str(p) for p in periods if p is not None)
    if not ps:
        return ""
    a, b = fmt.period_year(ps[0]), fmt.period_year(ps[-1])
    if a is None or b is None:
        return f"{ps[0]}-{ps[-1]}" if ps[0] != ps[-1] else ps[0]
    if len(ps) == 1 and len(ps[0]) == 7:        # one month: keep it
        return ps[0]
    return str(a) if a == b else f"{a}-{b}"


def _family_choice(con, ids: list[str], code: str) -> tuple | None:
    """The same choice Min kommune makes (indicators.facts.family_choice), read from `con`."""
    return facts.family_choice(
        ids, code, ages=lambda i: queries.ages(con, i),
        periods=lambda i, a, c: queries.periods(con, i, age=a, category=c),
        series=lambda i, regions, age, category: queries.series(con, i, regions, age=age,
                                                                category=category))


def _trend_chart(con, family: str, ind: Indicator, code: str, name: str, county: str | None,
                 county_name: str, period: str | None, age: str, category: str) -> Chart | None:
    available = queries.periods(con, ind.id, age=age, category=category)
    old = views.old_codes(code)                 # 1507 for Ålesund and Haram, in its own years
    codes = [code, *old] + ([county] if county else []) + [views.NORWAY]
    df = views.label_old(queries.series(con, ind.id, codes, age=age, category=category))
    if not views.has_known(df, code, old):
        return None                           # nothing to draw for this municipality
    # As Min kommune: a chosen period aligned to this indicator, else the municipality's newest.
    p = views.align_period(period, ind.period_type, available) if period else \
        views.newest_period(df, code, available, old)
    if p is None:
        return None
    f = facts.facts(ind, df, code, county=county, period=p, age=age, category=category, place=name)
    # Shares: the municipality with its county and Norway. Counts of differently sized places
    # on one axis would flatten the municipality's line: only the municipality.
    lines = views.with_old_lines([(code, "kommune")])
    if ind.kind == "share":
        lines += ([(county, "fylke")] if county else []) + [(views.NORWAY, "land")]
    shown = df[df["region_code"].isin([c for c, _r in lines])]
    shown_periods = sorted(set(shown["period"]))
    # Demo and sources of the figures this slide shows (real data hides its indicator's demo).
    demo = queries.is_demo(con, ind.id, age=age, category=category, periods=shown_periods or None)
    periods_text = fmt.period_range(shown["period"]) if len(shown) else fmt.DASH
    title = charts.place_title(ind, name, age, category)
    fig = charts.trend(shown, ind=ind, lines=lines, age=age, category=category, demo=demo,
                       all_periods=available, title=f"{title}, {periods_text}", view="min-kommune",
                       provenance=fmt.provenance_of(
                           queries.sources_for(con, ind.id, shown_periods or None)))
    # The 2035 mission as on Min kommune: the path to the target and the measures' lanes.
    target = progress.for_view(con, code, ind.id, age, category)
    ms = progress.measures(con, [code], ind.id)
    fig = chart_targets.with_mission(fig, ind=ind, target=target, measures=ms, all_periods=available,
                                     newest=p, age=age, category=category)
    table = DataTable(ind=ind, frame=shown, age=age, category=category, title=f"{title}, {periods_text}",
                      sources=queries.sources_for(con, ind.id, shown_periods or None), demo=demo,
                      notes=charts.meta(fig).get("notes", []), targets=[target] if target else [])
    lines_ = [x.text for x in facts.fact_lines(f, county_name)]
    if ind.id == "neet" and (c := cost.sentence((f.row or {}).get("numerator"), cost.current(con))):
        lines_.append(c)
    who = _("{name}, {county} og landet").format(name=name, county=county_name) \
        if ind.kind == "share" else name
    selection = fmt.dimension_text(ind, age, category)
    return Chart(key=ind.id, family=family, ind=ind, figure=fig, title=title,
                 sentence=f.sentence(), facts=lines_,
                 period=p, periods_text=periods_text, demo=demo, table=table,
                 stem=fmt.slug("innenfor", name, ind.id, file_period(shown["period"])),
                 alt=_("Linjediagram: {indicator} ({selection}) for {who}, {period}.").format(
                     indicator=ind.short, selection=selection, who=who, period=periods_text)
                 + f" {f.sentence()}" + (" " + _("Stiplet linje: banen mot målet ({target}).")
                                         .format(target=target.label) if target else ""),
                 target=target, measures=ms.to_dict("records"))


def _map_chart(con, ind: Indicator, code: str, name: str, county: str, county_name: str,
               period: str | None, age: str, category: str) -> Chart | None:
    available = queries.periods(con, ind.id, age=age, category=category)
    p = views.align_period(period, ind.period_type, available)
    if p is None:
        return None
    demo = queries.is_demo(con, ind.id, age=age, category=category, periods=[p])
    area, county_filter = maps.map_area(county)
    frame = maps.frame(area, county_filter, ind, lambda codes: queries.series(
        con, ind.id, codes, age=age, category=category, periods=[p]))
    if frame.empty or not frame["status"].isin(fmt.KNOWN).any():
        return None
    fig = maps.choropleth(frame, maps.geometry(area, county_filter), ind=ind, period=p,
                            area_name=county_name, breaks=maps.breaks(con, ind.id, age, category),
                            selected=code, age=age, category=category, demo=demo,
                            circle_top=maps.symbol_top(con, ind.id, age, category, county))
    old = views.old_codes(code)
    refs = queries.series(con, ind.id, [code, *old, county], age=age, category=category, periods=[p])
    # The municipality's own figure, or the old municipality's in its own years (said so).
    f = facts.facts(ind, views.label_old(refs), code, county=None, period=p, age=age,
                    category=category, place=name)
    row = f.row
    county_row = views.row_for(refs, county, p)
    sentence = fmt.sentence(ind, f.place_of(row), row, period_=p, age=age, category=category,
                            reference=county_row, reference_name=county_name)
    known = frame[frame["status"].isin(fmt.KNOWN) & frame["value"].notna()]
    map_facts = []
    if row and row.get("status") in fmt.KNOWN:
        map_facts.append(fmt.upper_first(f"{f.place_of(row)}: {fmt.value(row['value'], ind)}"))
    if county_row and county_row.get("status") in fmt.KNOWN:
        map_facts.append(f"{county_name}: {fmt.value(county_row['value'], ind)}")
    if len(known) > 1:
        lo = known.iloc[int(known["value"].to_numpy().argmin())]
        hi = known.iloc[int(known["value"].to_numpy().argmax())]
        map_facts.append(_("Lavest: {place} ({value})").format(
            place=lo["region_name"], value=fmt.value(lo["value"], ind)))
        map_facts.append(_("Høyest: {place} ({value})").format(
            place=hi["region_name"], value=fmt.value(hi["value"], ind)))
    hidden = int((~frame["status"].isin(fmt.KNOWN)).sum())
    if hidden:
        map_facts.append(ngettext("{n} kommune uten tall (skjermet eller mangler)",
                                  "{n} kommuner uten tall (skjermet eller mangler)",
                                  hidden).format(n=integer(hidden)))
    map_facts.append(_("Fargeklassene er de samme for alle år."))
    ptext = fmt.period(p)
    selection = fmt.dimension_text(ind, age, category)
    title = _("{indicator} i kommunene i {county}, {selection}, {period}").format(
        indicator=ind.short, county=county_name, selection=selection, period=ptext)
    frame_out = frame.assign(period=p, level="kommune")
    tbl = DataTable(ind=ind, frame=frame_out, age=age, category=category, title=title,
                    sources=queries.sources_for(con, ind.id, [p]), demo=demo,
                    notes=charts.meta(fig).get("notes", []))
    return Chart(key=f"kart-{ind.id}", family="Kart", ind=ind, figure=fig, title=title,
                 sentence=sentence, facts=map_facts, period=p, periods_text=ptext, demo=demo,
                 table=tbl, stem=fmt.slug("innenfor", name, _("kart"), ind.id, county_name,
                                               file_period([p])),
                 alt=_("Kart over {indicator} ({selection}) i kommunene i {county} {period}, "
                       "{name} markert med svart kant.").format(
                     indicator=ind.short, selection=selection, county=county_name,
                     period=fmt.period_phrase(p), name=name) + f" {sentence}")


def collect(con, code: str, *, period: str | None = None, with_map: bool = True,
            made: date | None = None) -> Report:
    """The report for a municipality (2024 number). `period` is the chosen period (another
    indicator's periods are aligned to it as on Min kommune); None: the newest of each."""
    name, county = _region(con, code)
    county_name = _region_name(con, county)
    rep = Report(code=code, name=name, county=county, county_name=county_name,
                 made=made or date.today())
    first_share = None
    for family, description, ids in views.FAMILIES:
        choice = _family_choice(con, ids, code)
        chart = None
        if choice:
            ind = indicators.get(choice[0])
            chart = _trend_chart(con, family, ind, code, name, county, county_name, period,
                                 age=choice[1], category=choice[2])
            if chart and first_share is None and ind.kind == "share":
                first_share = (ind, choice[1], choice[2])
        if chart is None:
            first = indicators.get(choice[0] if choice else ids[0])
            rep.missing.append(facts.family_heading(_(description), first, first.default_age))
        else:
            rep.charts.append(chart)
    if with_map and first_share is not None and county:
        m = _map_chart(con, first_share[0], code, name, county, county_name, period,
                       age=first_share[1], category=first_share[2])
        if m is not None:
            # Right after the family it belongs to.
            at = next(i for i, c in enumerate(rep.charts) if c.ind.id == first_share[0].id) + 1
            rep.charts.insert(at, m)
    plans = mission.collect(con, [code])
    if plans.progress or not plans.measures.empty:
        rep.plans = plans
        rep.plans_xlsx = mission.excel_bytes(con, [code])
        rep.plans_text = mission.readme_lines(con, plans)
    return rep
