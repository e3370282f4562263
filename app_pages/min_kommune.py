"""Min kommune: all four indicator families for one municipality, in numbers and words, each
with the same period's figures for the neighbouring municipalities (geo/neighbours.py)."""
import streamlit as st

from geo import neighbours as geoneighbours
from geo import regions as georegions
from indicators import chart_targets, charts, facts, ranking, views
from indicators import format as fmt
from ui import data, downloads, mission_data, parts, state
from ui.markdown import escape
from vocab import indicators
from vocab.i18n import _


def fact_markdown(x: facts.FactLine) -> str:
    """A fact line with its figure in bold."""
    s = f"{escape(x.label)}: **{escape(x.value)}**" if x.label and x.value else escape(x.label or x.value)
    return f"{s} {escape(x.after)}" if x.after else s


def neighbour_line(ind, near: list[str], age, category, period) -> str:
    """«Nabokommunene, 2024: Bamble 12,1 %, Porsgrunn 9,8 %, Siljan skjermet» (highest first,
    suppressed and missing by their word, never as a number)."""
    head = _("Nabokommunene, {period}:").format(period=fmt.period(period))
    if not near:
        return f"**{escape(head)}** " + escape(_("ingen (ingen felles grense på land)."))
    df = views.label_old(data.series(ind.id, ranking.with_old(near), age=age, category=category,
                                     periods=[period]))
    rows = views.rows(ranking.neighbour_rows(df, near, period))
    items = [f"{r['region_name']} {fmt.value(r['value'], ind, r['status'])}" for r in rows]
    return f"**{escape(head)}** " + escape(", ".join(items))


def card_period(v, ind, own: bool, df, available: list[str], old) -> tuple[str | None, str]:
    """The period a card shows, and a note when it is not the one the sidebar's period slider
    says. A chosen period is followed where the family has it (the same year: a month
    indicator its last month that year); where it has not, the card shows its newest figures
    and says so. Without a choice each card shows its newest figures (they differ between
    families: NEET for 2024 while disability benefit has 2025), and says so when that is not
    the slider's period, so «2024» in the sidebar never sits over a card for 2025 unexplained."""
    newest = views.newest_period(df, v.kommune, available, old)
    if v.period_chosen:
        period = v.period if own else views.align_period(v.period, ind.period_type, available)
        if period is not None or newest is None:
            return period, ""
        return newest, _("Ingen tall for {chosen}. Kortet viser de nyeste tallene: {period}.").format(
            chosen=fmt.period(v.period), period=fmt.period(newest))
    if newest is None or v.period is None or \
            newest == views.align_period(v.period, ind.period_type, available):
        return newest, ""
    if own:
        return newest, _("Nyeste tall for {place}: {period}.").format(
            place=v.kommune_name, period=fmt.period(newest))
    return newest, _("Nyeste tall: {period}. Perioden i sidemenyen ({chosen}) gjelder "
                     "{indicator}.").format(period=fmt.period(newest), chosen=fmt.period(v.period),
                                            indicator=v.ind.short)


# Streamlit cuts a metric's label off after one line («…, alle aldre, oktob…»): here the
# label says whose figure it is (age band, the old Ålesund), so it wraps instead.
LABEL_CSS = ("<style>[data-testid=stMetricLabel], [data-testid=stMetricLabel] * "
             "{white-space: normal !important; overflow: visible !important; "
             "text-overflow: clip !important; height: auto !important;}</style>")

v = state.current()
st.html(LABEL_CSS)
st.title(_("Min kommune: {place}").format(place=v.kommune_name))
group = views.group_of(v.kommune)
county_name = state.county_choices().get(v.kommune_county, v.kommune_county)
st.markdown(" · ".join([county_name] + (
    [_("regiongruppe {name}").format(name=georegions.GROUPS[group][0])] if group else [])
    + [_("Velg kommune i sidemenyen.")]))
split = views.split_of(v.kommune)
old = views.old_codes(v.kommune)
if split:                                             # Ålesund and Haram: one rule everywhere
    st.info(split.story + " " + _("De vises som egen linje, «{label}».").format(label=split.label))
near = geoneighbours.neighbours(v.kommune)
choices = {}
for _family, _description, ids in views.FAMILIES:
    own = v.ind.id in ids                             # the sidebar's indicator, age, category
    choices[_family] = (v.ind.id, v.age, v.category) if own and v.has_data else \
        data.family_choice(ids, v.kommune)
demo_families = [d for f, d, _i in views.FAMILIES if choices[f] and data.is_demo(*choices[f])]
if demo_families:
    # The families' descriptions are marked in views.FAMILIES and translated here.
    parts.demo_notice(fmt.listing(fmt.lower_first(_(d)) for d in demo_families))
downloads.municipality_buttons(v.kommune, v.kommune_name, v.period if v.period_chosen else None)
parts.caption(_("▲ høyere og ▼ lavere betyr en sikker forskjell: 95 %-intervallene overlapper "
                "ikke. ≈ ikke sikker forskjell: forskjellen kan skyldes tilfeldigheter."))
if (near_note := geoneighbours.note(v.kommune)):
    parts.caption(near_note)

for family, description, ids in views.FAMILIES:
    description = _(description)
    with st.container(border=True):
        own = v.ind.id in ids
        choice = choices[family]
        if choice is None:
            first = indicators.get(ids[0])
            st.subheader(facts.family_heading(description, first, first.default_age))
            parts.no_data(_("Ingen data for {family} i datalageret ennå.").format(
                family=fmt.lower_first(description)))
            continue
        ind = indicators.get(choice[0])
        age, category = choice[1], choice[2]
        # The heading says whose figures they are: the age band, or all ages (never as if young).
        st.subheader(facts.family_heading(description, ind, age, category))
        available = data.periods(ind.id, age, category)
        df = views.label_old(data.series(ind.id, [v.kommune, *old, v.kommune_county, views.NORWAY],
                                         age=age, category=category))
        period, period_note = card_period(v, ind, own, df, available, old)
        selection = fmt.dimension_text(ind, age, category)
        if period is None:
            parts.no_data(_("Ingen data for {place} {period} ({indicator}, {selection}).").format(
                place=v.kommune_name, period=fmt.period_phrase(v.period), indicator=ind.short,
                selection=selection))
            continue
        if not views.has_known(df, v.kommune, old):   # a chart would show only the references
            parts.no_data(_("Ingen tall for {place} ({indicator}, {selection}) i "
                            "datalageret.").format(place=v.kommune_name, indicator=ind.short,
                                                   selection=selection))
            continue
        f = facts.facts(ind, df, v.kommune, county=v.kommune_county, period=period, age=age,
                        category=category, place=v.kommune_name)
        value, *lines = facts.fact_lines(f, county_name)     # the same lines as the exports
        if period_note:
            parts.caption(period_note)
        left, right = st.columns([2, 3], gap="large")
        with left:
            colour, arrow = f.change_style(f.previous)
            # The label says the age band, and whose figure it is when it is the old
            # municipality's (1507 for Ålesund and Haram in 2020–2023); LABEL_CSS lets it wrap.
            label = " ".join(x for x in (f"{ind.short}, {selection}, {fmt.period(period)}",
                                         facts.whose(f, f.row, age=False)) if x)
            st.metric(label, value.value, delta=f.change_text(f.previous) or None,
                      delta_color=colour, delta_arrow=arrow,
                      delta_description=f.since if f.change(f.previous) is not None else None)
            st.markdown("\n".join(f"- {fact_markdown(x)}" for x in lines))
            if ind.id == "neet" and (cost := mission_data.cost_line((f.row or {}).get("numerator"))):
                st.markdown(cost)
        with right:
            st.markdown(f"**{f.sentence()}**")
            lines_ = views.with_old_lines([(v.kommune, "kommune")])
            if ind.kind == "share":     # counts of county and country would flatten the line
                lines_ += [(v.kommune_county, "fylke"), (views.NORWAY, "land")]
            shown = df[df["region_code"].isin([c for c, _r in lines_])]
            # The age band in the title (the column is narrow: the period goes below it, and
            # the place is the page's, put on a downloaded image by ChartExport.place).
            fig = charts.trend(df, ind=ind, lines=lines_, age=age, category=category,
                               demo=data.is_demo(ind.id, age, category), all_periods=available,
                               height=360, view="min-kommune", title=charts.ind_title(ind, age, category),
                               subtitle=fmt.period_range(df["period"], narrow=True), title_size=17,
                               provenance=data.provenance(ind.id, df["period"]))
            target = mission_data.target(v.kommune, ind.id, age, category)
            fig = chart_targets.with_mission(
                fig, ind=ind, target=target, measures=mission_data.measures([v.kommune], ind.id),
                all_periods=available, newest=period, age=age, category=category)
            parts.chart(fig, table=views.wide_table(shown, ind, order=[c for c, _r in lines_]),
                        alt=_("{indicator} ({selection}) i {place} over tid.").format(
                            indicator=ind.short, selection=selection, place=v.kommune_name),
                        export=downloads.ChartExport(f"mk-{ind.id}", ind.id, shown, age=age,
                                                     category=category, place=v.kommune_name,
                                                     target_region=v.kommune if target else None))
        st.markdown(neighbour_line(ind, near, age, category, period))
        if ind.period_type == "month":
            parts.caption(_("Endringen er målt mot samme måned året før (månedstall svinger "
                            "med sesongen)."))
        mission_data.family_part(v.kommune, v.kommune_name, ids, family)

parts.copy_link(v, *st.session_state.get("_page", ("min-kommune", "min-kommune")))
