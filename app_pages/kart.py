"""Kart: the chosen indicator per municipality of a county (or all Norway), one period."""
import streamlit as st

from indicators import format as fmt
from ui import data, downloads, parts, state
from vocab.i18n import _

v = state.current()
ind = v.ind
st.title(_("Kart: {indicator}").format(indicator=ind.short))
parts.demo_banner(ind.id, v.age, v.category, v.period)

if not v.has_data:
    parts.no_data(_("Ingen data for {indicator} ({selection}) i datalageret ennå.").format(
        indicator=ind.short, selection=fmt.dimension_text(ind, v.age, v.category)))
else:
    st.markdown(_("Klikk på en kommune for å åpne den i **Min kommune**. Bytt år med "
                  "periodevelgeren i sidemenyen; fargeklassene er de samme for alle år."))
    mv = data.map_view(ind.id, v.period, v.age, v.category, v.fylke, v.fylke_name, v.kommune)
    if not mv.known:
        parts.no_data(_("Ingen data for {place} {period} ({indicator}). Velg et annet fylke "
                        "eller en annen periode.").format(
            place=v.fylke_text, period=fmt.period_phrase(v.period), indicator=ind.short))
    parts.map_chart(
        mv.model, table=mv.table,
        alt=_("Kart over {indicator} i {place} {period}. Tallene står i tabellen under "
              "kartet.").format(indicator=ind.short, place=v.fylke_text,
                                period=fmt.period_phrase(v.period)),
        export=downloads.ChartExport("kart", ind.id, mv.frame, age=v.age, category=v.category,
                                     place=v.fylke_name),
        figure=mv.figure)

parts.copy_link(v, *st.session_state.get("_page", ("kart", "")))
