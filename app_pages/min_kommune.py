"""Min kommune: all four indicator families for one municipality, in numbers and words."""
import streamlit as st

from geo import regions as georegions
from indicators import charts, facts, views
from indicators import format as fmt
from ui import data, downloads, parts, state
from ui.markdown import escape
from vocab import indicators


def fact_markdown(x: facts.FactLine) -> str:
    """A fact line with its figure in bold."""
    s = f"{escape(x.label)}: **{escape(x.value)}**" if x.label and x.value else escape(x.label or x.value)
    return f"{s} {escape(x.after)}" if x.after else s


v = state.current()
st.title(f"Min kommune: {v.kommune_name}")
group = views.group_of(v.kommune)
county_name = state.county_choices().get(v.kommune_county, v.kommune_county)
st.markdown(f"{county_name}" + (f" · regiongruppe {georegions.GROUPS[group][0]}" if group else "")
            + " · Velg kommune i sidemenyen.")
parts.demo_banner(None)
downloads.municipality_buttons(v.kommune, v.kommune_name, v.period if v.period_chosen else None)
parts.caption("▲ høyere og ▼ lavere betyr en sikker forskjell: 95 %-intervallene overlapper ikke. "
              "≈ ikke sikker forskjell: forskjellen kan skyldes tilfeldigheter.")

for _family, description, ids in views.FAMILIES:
    with st.container(border=True):
        own = v.ind.id in ids                         # the sidebar's indicator, age, category
        choice = (v.ind.id, v.age, v.category) if own and v.has_data else \
            data.family_choice(ids, v.kommune)
        st.subheader(description)                     # the family, whichever indicator has data
        if choice is None:
            parts.no_data(f"Ingen data for {fmt.lower_first(description)} i datalageret ennå.")
            continue
        ind = indicators.get(choice[0])
        age, category = choice[1], choice[2]
        available = data.periods(ind.id, age, category)
        df = data.series(ind.id, [v.kommune, v.kommune_county, views.NORWAY], age=age,
                         category=category)
        if own and v.period_chosen:
            period = v.period
        elif v.period_chosen:
            period = views.align_period(v.period, ind.period_type, available)
        else:                                         # the newest period this municipality has
            period = views.newest_period(df, v.kommune, available)
        if period is None:
            parts.no_data(f"Ingen data for {v.kommune_name} {fmt.period_phrase(v.period)} "
                          f"({ind.short}).")
            continue
        if not views.has_known(df, v.kommune):        # a chart would show only the references
            parts.no_data(f"Ingen tall for {v.kommune_name} ({ind.short}, "
                          f"{fmt.dimension_text(ind, age, category)}) i datalageret.")
            continue
        f = facts.facts(ind, df, v.kommune, county=v.kommune_county, period=period, age=age,
                        category=category, place=v.kommune_name)
        value, *lines = facts.fact_lines(f, county_name)     # the same lines as the exports
        left, right = st.columns([2, 3], gap="large")
        with left:
            colour, arrow = f.change_style(f.previous)
            st.metric(f"{ind.short}, {fmt.dimension_text(ind, age, category)}, {fmt.period(period)}",
                      value.value, delta=f.change_text(f.previous) or None,
                      delta_color=colour, delta_arrow=arrow,
                      delta_description=f.since if f.change(f.previous) is not None else None)
            st.markdown("\n".join(f"- {fact_markdown(x)}" for x in lines))
        with right:
            st.markdown(f"**{f.sentence()}**")
            lines_ = [(v.kommune, "kommune")]
            if ind.kind == "share":     # counts of county and country would flatten the line
                lines_ += [(v.kommune_county, "fylke"), (views.NORWAY, "land")]
            fig = charts.trend(df, ind=ind, lines=lines_, age=age, category=category,
                               demo=data.is_demo(ind.id, age, category), all_periods=available, height=360,
                               title=f"{ind.short} i {v.kommune_name}, "
                                     f"{fmt.period_range(df['period'], narrow=True)}",
                               view="min-kommune")
            shown = df[df["region_code"].isin([c for c, _r in lines_])]
            parts.chart(fig, table=views.wide_table(shown, ind, order=[c for c, _r in lines_]),
                        alt=f"{ind.short} i {v.kommune_name} over tid.",
                        export=downloads.ChartExport(f"mk-{ind.id}", ind.id, shown, age=age,
                                                     category=category, place=v.kommune_name))
        if ind.period_type == "month":
            parts.caption("Endringen er målt mot samme måned året før (månedstall svinger med sesongen).")

parts.copy_link(v, *st.session_state.get("_page", ("min-kommune", "min-kommune")))
