"""Kart: the chosen indicator per municipality of a county (or all Norway), one period."""
import streamlit as st

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
    mv = data.map_view(ind.id, v.period, v.age, v.category, v.fylke, v.fylke_name, v.kommune)
    if not mv.known:
        parts.no_data(f"Ingen data for {v.fylke_name} {fmt.period_phrase(v.period)} "
                      f"({ind.short}). Velg et annet fylke eller en annen periode.")
    parts.map_chart(
        mv.model, table=mv.table,
        alt=f"Kart over {ind.short} i {v.fylke_name} {fmt.period_phrase(v.period)}. "
            "Tallene står i tabellen under kartet.",
        export=downloads.ChartExport("kart", ind.id, mv.frame, age=v.age, category=v.category,
                                     place=v.fylke_name),
        figure=mv.figure)

parts.copy_link(v, *st.session_state.get("_page", ("kart", "")))
