"""Presentasjon: one map or trend filling the screen, for a hall with a projector and maybe no
internet. Large type, no sidebar, the source line and "Demodata" always on screen.

Keys are Streamlit's own button shortcuts (st.button(shortcut=…), Streamlit 1.67): no script of
ours listens to the keyboard, the bindings come and go with the buttons, and a key typed into the
period box is never taken for a command. → / ← next or previous indicator (or municipality, with
"Piltaster: Kommune"), space plays or pauses the periods; PageDown / PageUp do what → / ← do,
for presenter remotes. The same buttons are on screen for mouse users.

Everything shown is in the URL (ui.state: indikator, periode, kommune, fylke, vis, pil), so a
permalink opens straight into this view."""
import streamlit as st

from indicators import charts, maps, views
from indicators import format as fmt
from ui import assets, data, lang, mission, parts, present, state
from vocab.i18n import _

PLAYING = "_pres_play"

v = state.current()
ind = v.ind
show = v.options.get("vis") if v.options.get("vis") in present.VIEWS else "kart"
arrows = v.options.get("pil") if v.options.get("pil") in present.STEPS else "indikator"
esc = present.esc

st.html(present.CSS)
lang.set_document_language()
# Demodata only when the figures on screen are demo: the map's one period, the trend's all.
demo = data.is_demo(ind.id, v.age, v.category, v.period if show == "kart" else None)


def _copy_option(key: str, widget: str) -> None:
    val = st.session_state.get(widget)
    if val:
        state.put(key, val)


def _copy_period(box: str) -> None:
    state.put("periode", st.session_state.get(box))


def _ticker_skip() -> bool:
    return st.session_state.pop("_pres_tick_in_page_run", False)


def _value_of(r: dict | None, name: str | None = None) -> str:
    """"Skien: 10,5 %" (or "Skien: skjermet …") for the corner of the screen; «Skien, alle
    aldre: 2,7 %» when the figure is for all ages, never as if it were the youth figure."""
    if not r:
        return ""
    known = r.get("status") in fmt.KNOWN and r.get("value") is not None
    who = name or v.kommune_name
    if fmt.is_all_ages(v.age):
        who = _("{name}, alle aldre").format(name=who)
    return f"{who}: " + (fmt.value(r["value"], ind, r["status"]) if known
                         else fmt.status_long(r.get("status") or "missing").lower())


# --- what to draw ------------------------------------------------------------------------------

fig = table = None
place_value = ""
heading = ind.name
selection = fmt.dimension_text(ind, v.age, v.category)
if show == "maal":               # every target of the county: status map and list
    goals = mission.items(v.fylke)
    goal_ind = mission.goal_indicator(ind.id, goals)
    heading = _("Mål 2035 – {area}").format(area=v.fylke_name)
    subtitle = mission.presentation_subtitle(v.fylke, goals)
    demo = data.is_demo(goal_ind, None, "alle", None) if goal_ind else False
elif not v.has_data:
    subtitle = _("{selection} · ingen tall i datalageret ennå").format(selection=selection)
elif show == "kart":
    area, county_filter = maps.map_area(v.fylke)
    frame = maps.frame(area, county_filter, ind, lambda codes: data.series(
        ind.id, codes, age=v.age, category=v.category, periods=[v.period]))
    fig = present.map_figure(maps.choropleth(
        frame, maps.geometry(area, county_filter), ind=ind, period=v.period,
        area_name=v.fylke_name, breaks=data.breaks(ind.id, v.age, v.category), selected=v.kommune,
        age=v.age, category=v.category, demo=demo,
        circle_top=data.symbol_top(ind.id, v.age, v.category, v.fylke),
        # No "skjermet" words on the map: at 24 px they cover small municipalities and each
        # other. The grey class is named in the legend and in "Vis tabell".
        label_suppressed=False, geojson_url=assets.geometry_url(area, state.static_url()),
        names=True))      # the municipalities named (all up to 60, else the chosen and the largest)
    drawn_in = maps.feature_of(v.kommune)       # 1508 Ålesund is drawn in 1507's area
    shown = drawn_in in set(frame["region_code"])
    where = (_("alle kommuner i landet") if v.fylke == views.NORWAY
             else _("kommunene i {area}").format(area=v.fylke_name))
    subtitle = f"{selection} · {where}" + (
        " · " + _("{name} har svart kant").format(name=v.kommune_name) if shown else "")
    if shown:
        r = views.row_for(frame.assign(period=v.period), drawn_in, v.period)
        place_value = _value_of(r, r["region_name"] if r and drawn_in != v.kommune else None)
    table = views.display_table(frame, ind, with_period=False, sort_by_value=True)
    alt = _("Kart over {indicator} i kommunene i {area} {period}. Tallene står i tabellen "
            "under kartet.").format(indicator=ind.short, area=v.fylke_name,
                                    period=fmt.period_phrase(v.period))
else:
    lines = views.with_old_lines([(v.kommune, "kommune")])
    if ind.kind == "share":      # counts of county and country would flatten the line
        lines += [(v.kommune_county, "fylke")] if v.kommune_county else []
        lines += [(views.NORWAY, "land")]
    df = views.label_old(data.series(ind.id, [c for c, _r in lines], age=v.age, category=v.category))
    county_name = state.county_choices().get(v.kommune_county, "") if v.kommune_county else ""
    who = v.kommune_name
    if ind.kind == "share":
        who = (_("{name}, {county} og hele landet").format(name=who, county=county_name)
               if county_name else _("{name} og hele landet").format(name=who))
    subtitle = f"{selection} · {who}" + (f" · {fmt.period_range(df['period'])}" if len(df) else "")
    if views.has_known(df, v.kommune, views.old_codes(v.kommune)):
        fig = present.trend_figure(
            charts.trend(df, ind=ind, lines=lines, age=v.age, category=v.category, demo=demo,
                         all_periods=v.periods, view="presentasjon",
                         provenance=data.provenance(ind.id, df["period"])),
            ind=ind, current=v.period, own=v.kommune_name)
        own = views.row_for(df, v.kommune, v.period)
        old = next((r for c in views.old_codes(v.kommune)
                    if (r := views.row_for(df, c, v.period)) is not None), None)
        place_value = _value_of(own or old, None if own or not old else old["region_name"])
        table = views.wide_table(df, ind, order=[c for c, _r in lines])
    alt = _("Linjediagram: {indicator} for {name} over tid. Tallene står i tabellen "
            "under.").format(indicator=ind.short, name=v.kommune_name)

# --- the screen --------------------------------------------------------------------------------

period_text = fmt.period(v.period) if v.period and show != "maal" else ""
st.html(f"""<div class="pres-head">
  <div class="pres-titles"><h1>{esc(heading)}</h1><p class="pres-sub">{esc(subtitle)}</p></div>
  <div class="pres-now" aria-live="polite"><div class="pres-period">{esc(period_text)}</div>
    <div class="pres-value">{esc(place_value)}</div></div>
</div>""")

with st.container(key="pres_stage"):
    if show == "maal":
        if goals:
            mission.presentation(v.fylke, goals, goal_ind)
        else:
            parts.no_data(_("Ingen mål er satt for {area} ennå.").format(area=v.fylke_text))
    elif fig is None:
        parts.no_data(_("Ingen tall for {place} ({indicator}, {selection}). Trykk → for neste "
                        "indikator.").format(
                            place=v.kommune_name if show == "utvikling" else v.fylke_name,
                            indicator=ind.short, selection=selection))
    else:
        st.plotly_chart(fig, height="stretch", theme=None, key="pres_fig", alt=alt,
                        config=present.config(state.static_url()))
        with st.expander(_("Vis tabell")):
            parts.show_table(table)

notes = []
if (show == "kart" and fig is not None) or (show == "maal" and goals):
    notes.append(maps.credit())
    if ind.kind == "count":
        notes.append(maps.count_note() + ".")
source = " ".join([fmt.source_line(ind, data.provenance(ind.id))] + notes)
demo_html = (f' <span class="pres-demo">{esc(_("DEMODATA"))}</span> '
             + esc(_("oppdiktede tall, ikke ekte statistikk.")) if demo else "")
st.html(f'<p class="pres-source">{esc(source)}{demo_html}</p>')

playing = bool(st.session_state.get(PLAYING))
with st.container(key="pres_controls", horizontal=True, gap="small", vertical_alignment="center"):
    by_place = arrows == "kommune"
    st.button(_("← Forrige"), key="pres_prev", shortcut="Left", on_click=present.step, args=(-1,),
              help=_("Forrige kommune (venstre piltast eller PageUp)") if by_place
              else _("Forrige indikator (venstre piltast eller PageUp)"))
    st.button(_("Neste →"), key="pres_next", shortcut="Right", on_click=present.step, args=(1,),
              help=_("Neste kommune (høyre piltast eller PageDown)") if by_place
              else _("Neste indikator (høyre piltast eller PageDown)"))
    # Presenter remotes send PageDown/PageUp: hidden twins of Neste/Forrige (CSS hides them).
    st.button(_("Neste"), key="pres_next_page", shortcut="PageDown", on_click=present.step,
              args=(1,))
    st.button(_("Forrige"), key="pres_prev_page", shortcut="PageUp", on_click=present.step,
              args=(-1,))
    st.button(_("Pause (mellomrom)") if playing else _("Spill av (mellomrom)"), key="pres_play",
              shortcut="Space", type="primary",
              icon=":material/pause:" if playing else ":material/play_arrow:",
              on_click=present.toggle_play, args=(PLAYING,), disabled=len(v.periods) < 2,
              help=_("Gå gjennom periodene en etter en (mellomromstasten)"))
    st.segmented_control(_("Vis"), list(present.VIEWS), format_func=present.view_name,
                         key=parts.bind("pres_vis", show), required=True,
                         on_change=_copy_option, args=("vis", "w_pres_vis"),
                         label_visibility="collapsed")
    st.markdown(_("Piltaster:"))
    st.segmented_control(_("Piltastene bytter"), list(present.STEPS), format_func=present.step_name,
                         key=parts.bind("pres_pil", arrows), required=True,
                         on_change=_copy_option, args=("pil", "w_pres_pil"),
                         label_visibility="collapsed")
    if len(v.periods) > 1:
        # A new box per period: a key pressed while the player's rerun is still on its way
        # carries the box's old value, which must not be read as the presenter choosing it.
        box = f"p_periode_{v.period}"
        st.selectbox(_("Periode"), v.periods, key=box, format_func=fmt.period, placeholder=_("Velg"),
                     index=v.periods.index(v.period) if v.period in v.periods else None,
                     on_change=_copy_period, args=(box,), label_visibility="collapsed",
                     width=220)
    lang.picker(label_visible=False, key="w_pres_lang")
    st.page_link("app_pages/kart.py", label=_("Avslutt"), icon=":material/close:",
                 help=_("Tilbake til Kart med samme visning"))

if playing and len(v.periods) > 1:
    # While playing, a fragment reruns itself every few seconds: the next period, then a rerun
    # of the whole page. Its first run is part of this page run and does nothing.
    @st.fragment(run_every=present.PLAY_SECONDS.get(ind.period_type, 2.5))
    def _ticker():
        if _ticker_skip():
            return
        present.tick(PLAYING)
        st.rerun()

    st.session_state["_pres_tick_in_page_run"] = True
    _ticker()
elif playing:
    st.session_state[PLAYING] = False
