"""Sammenlign: regional groups, counties and Norway side by side; a ranking of the area's
municipalities (a large area, such as all Norway, drawn as the chosen municipality in context:
indicators/ranking.py; the full ranking is the table); the four regional groups over time."""
import streamlit as st

from geo import neighbours as geoneighbours
from geo import regions as georegions
from indicators import charts, ranking, views
from indicators import format as fmt
from ui import data, downloads, parts, state
from vocab.i18n import _

v = state.current()
ind = v.ind
st.title(_("Sammenlign: {indicator}").format(indicator=ind.short))
parts.demo_banner(ind.id, v.age, v.category)
GROUPS = list(georegions.GROUPS)
# Today's counties for every period: 38 Vestfold og Telemark is never put beside 39 and 40.
ORDER = GROUPS + ["39", "40", "31", views.NORWAY]

if not v.has_data:
    parts.no_data(_("Ingen data for {indicator} ({selection}) i datalageret ennå.").format(
        indicator=ind.short, selection=fmt.dimension_text(ind, v.age, v.category)))
else:
    demo = data.is_demo(ind.id, v.age, v.category, v.period)      # the bars and the ranking
    st.subheader(_("Regiongrupper, fylker og landet {period}").format(
        period=fmt.period_phrase(v.period)))
    side = data.series(ind.id, ORDER, age=v.age, category=v.category, periods=[v.period])
    if not side["status"].isin(fmt.KNOWN).any():
        parts.no_data(_("Ingen data for regiongruppene, fylkene eller landet {period}.").format(
            period=fmt.period_phrase(v.period)))
    else:
        fig = charts.region_bars(side, ind=ind, period=v.period, order=ORDER, age=v.age,
                                 category=v.category, demo=demo,
                                 provenance=data.provenance(ind.id, [v.period]))
        rank = {c: i for i, c in enumerate(ORDER)}
        side = side.assign(_o=side["region_code"].map(rank)).sort_values("_o").drop(columns="_o")
        parts.chart(fig, table=views.display_table(side, ind, with_period=False),
                    export=downloads.ChartExport("regioner", ind.id, side, age=v.age,
                                                 category=v.category))

    st.subheader(_("Kommunene i {place} {period}").format(place=v.fylke_text,
                                                           period=fmt.period_phrase(v.period)))
    table = data.table(ind.id, "kommune", period=v.period, age=v.age, category=v.category,
                       county=v.fylke)
    if table.empty or not table["status"].isin(fmt.KNOWN).any():
        parts.no_data(_("Ingen data for {place} {period} ({indicator}).").format(
            place=v.fylke_text, period=fmt.period_phrase(v.period), indicator=ind.short))
    else:
        # County and country as lines for shares; a count of the county would dwarf the bars.
        ref_codes = [] if ind.kind == "count" else \
            [*views.county_lines(v.fylke, v.period), views.NORWAY]
        refs = data.series(ind.id, ref_codes, age=v.age, category=v.category, periods=[v.period])
        by_code = {r["region_code"]: r for r in views.rows(refs)}
        references = [(_("Landet") if c == views.NORWAY else by_code[c]["region_name"], by_code[c])
                      for c in ref_codes if c in by_code]
        # A large area: the chosen municipality in context (its old number, 1507, stands for
        # it and its neighbours in 2020–2023); the full ranking is the table under the chart.
        near = ranking.with_old([v.kommune, *geoneighbours.neighbours(v.kommune)])
        sel = ranking.context(table, v.kommune, near,
                              ranking.county_members(table, v.kommune_county))
        drawn = sel.frame if sel.full else ranking.with_places(sel.frame)
        fig = charts.ranking(drawn, ind=ind, period=v.period,
                             area_name=ranking.area_label(sel, v.fylke_text),
                             references=references, selected=v.kommune, age=v.age,
                             category=v.category, demo=demo,
                             provenance=data.provenance(ind.id, [v.period]))
        if not sel.full:
            parts.caption(ranking.caption(sel, v.kommune_name, state.county_choices().get(
                v.kommune_county, v.kommune_county)))
        parts.chart(fig, table=ranking.table(table, ind),
                    export=downloads.ChartExport("rangering", ind.id, table, age=v.age,
                                                 category=v.category, place=v.fylke_name))

    st.subheader(_("De fire regiongruppene over tid"))
    panels = [(g, georegions.GROUPS[g][0]) for g in GROUPS]
    over_time = data.series(ind.id, GROUPS + [views.NORWAY], age=v.age, category=v.category)
    if not over_time["status"].isin(fmt.KNOWN).any():
        parts.no_data(_("Ingen data for regiongruppene."))
    else:
        fig = charts.small_multiples(over_time, ind=ind, panels=panels, age=v.age,
                                     category=v.category, demo=data.is_demo(ind.id, v.age, v.category),
                                     all_periods=v.periods,
                                     provenance=data.provenance(ind.id, over_time["period"]))
        parts.chart(fig, table=views.wide_table(over_time, ind, order=GROUPS + [views.NORWAY]),
                    export=downloads.ChartExport("regiongrupper", ind.id, over_time, age=v.age,
                                                 category=v.category))

parts.copy_link(v, *st.session_state.get("_page", ("sammenlign", "sammenlign")))
