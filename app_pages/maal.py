"""Mål 2035: every target in the chosen county or regional group, whether the newest figure is on
the path to it (symbol and words), a map of status per municipality, and the cost of being
outside when a coordinator has set one. The model is indicators.mission; the glue ui.mission."""
import streamlit as st

from indicators import progress
from ui import mission, parts, state
from ui.markdown import escape as md_escape
from vocab.i18n import _

v = state.current()
st.title(_("Mål 2035"))
st.markdown(_("Partnerskapets mål på veien mot «ingen barn og unge utenfor innen 2035»: for hvert "
              "mål en rett bane fra basisåret til målet, og om det nyeste tallet er på banen. "
              "Statusen tar hensyn til usikkerheten (95 % intervall) der antallet er kjent."))
area = mission.area_choice(v)
found = mission.items(area)
if not found:
    parts.no_data(_("Ingen mål er satt for {area} ennå. Koordinatorer setter mål på siden Data "
                    "(«Mål og tiltak»), i skjemaet eller med målmalen.").format(
                        area=md_escape(mission.facts(area)["name"])))
else:
    st.markdown(mission.summary(area, found))
    if text := mission.cost_sentence(area):
        st.info(md_escape(text) + "\n\n" + _("Anslaget er partnerskapets eget valg; publiserte "
                                             "anslag varierer mye, så les det som en "
                                             "størrelsesorden."))
    with st.expander(_("Slik leses statusen")):
        st.markdown("\n".join(f"- **{sym} {_(words)}**: {md_escape(_(why))}" for (sym, words), why in zip(
            progress.WORDS.values(), mission.STATUS_HELP)))
    mission.table(found)
    with st.expander(_("Målene i setninger"), expanded=len(found) <= 6):
        st.markdown(mission.sentences(found))
    if not mission.excel_button(area, mission.region_codes(area)):
        st.markdown(":small[" + _("Excel-eksport av målene kommer.") + "]")
    ind_id = mission.map_indicator(v, found)
    if ind_id:
        mission.status_map(area, ind_id)
    else:
        st.markdown(_("Målene her gjelder regioner og fylker, ikke enkeltkommuner; derfor er det "
                      "ikke noe kart."))

parts.copy_link(v, *st.session_state.get("_page", ("maal", "maal")))
