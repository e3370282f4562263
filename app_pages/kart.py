"""Kart: the chosen indicator per municipality of a county (or all Norway), one period."""
import streamlit as st

from indicators import maps, views
from indicators import format as fmt
from ui import data, downloads, parts, state

v = state.current()
ind = v.ind
st.title(f"Kart: {ind.short}")
parts.demo_banner(ind.id, v.age, v.category, v.period)

if not v.has_data:
    parts.no_data(f"Ingen data for {ind.short} ({fmt.dimension_text(ind, v.age, v.category)}) "
                  "i datalageret ennå.")
else:
    st.markdown("Klikk på en kommune for å åpne den i **Min kommune**. Bytt år med "
                "periodevelgeren i sidemenyen; fargeklassene er de samme for alle år.")
    area, county_filter = maps.map_area(v.fylke)
    table = data.table(ind.id, "kommune", period=v.period, age=v.age, category=v.category,
                       county=v.fylke)
    frame = views.map_frame(table, maps.features(area, county_filter), ind)
    if not frame["status"].isin(fmt.KNOWN).any():
        parts.no_data(f"Ingen data for {v.fylke_name} {fmt.period_phrase(v.period)} "
                      f"({ind.short}). Velg et annet fylke eller en annen periode.")
    drawn = dict(ind=ind, period=v.period, area_name=v.fylke_name, selected=v.kommune, age=v.age,
                 breaks=data.breaks(ind.id, v.age, v.category), category=v.category,
                 demo=data.is_demo(ind.id, v.age, v.category, v.period))
    parts.map_chart(
        maps.svg_map(frame, area=area, county=county_filter, **drawn),
        table=views.display_table(frame, ind, with_period=False, sort_by_value=True),
        alt=f"Kart over {ind.short} i {v.fylke_name} {fmt.period_phrase(v.period)}. "
            "Tallene står i tabellen under kartet.",
        export=downloads.ChartExport("kart", ind.id, frame.assign(period=v.period, level="kommune"),
                                     age=v.age, category=v.category, place=v.fylke_name),
        figure=lambda: maps.choropleth(frame, maps.geometry(area, county_filter), **drawn))

parts.copy_link(v, *st.session_state.get("_page", ("kart", "")))
