"""Utvikling: trend lines for one or more municipalities with county, regional group and Norway."""
import streamlit as st

from indicators import chart_targets, charts, views
from indicators import format as fmt
from ui import data, downloads, mission_data, parts, state
from vocab.i18n import _

v = state.current()
ind = v.ind
st.title(_("Utvikling: {indicator}").format(indicator=ind.short))
parts.demo_banner(ind.id, v.age, v.category)

REFS = {"fylke": _("Fylket"), "region": _("Regiongruppen"), "land": _("Hele landet")}
# The same inside a sentence («Ingen tall for fylket og hele landet»).
REF_WORDS = {"fylke": _("fylket"), "region": _("regiongruppen"), "land": _("hele landet")}
m = data.municipalities()
label = parts.municipality_label()
others = [c for c in v.list_option("kommuner") if c in set(m["code"]) and c != v.kommune][:6]


def _copy_list(key, empty=""):
    vals = st.session_state.get("w_" + key) or []
    state.put(key, ",".join(vals) or empty)     # "ingen": no lines, kept in the URL


c1, c2, c3 = st.columns([5, 4, 3])
with c1:
    st.multiselect(_("Sammenlign {place} med").format(place=v.kommune_name),
                   [c for c in m["code"] if c != v.kommune],
                   key=parts.bind("kommuner", others), format_func=label, max_selections=6,
                   on_change=_copy_list, args=("kommuner",), placeholder=_("Legg til kommuner"),
                   help=_("Skriv navnet og velg i lista. Du kan også skrive kommunenummeret, "
                          "skrive uten æ, ø og å (for eksempel «tonsberg») eller bruke det "
                          "samiske eller kvenske navnet. Enter legger til den første kommunen "
                          "i lista."),
                   **parts.MULTI_PICKER)
with c2:
    # Not chosen yet: all three for shares; none for counts (a county's or the country's
    # count dwarfs a municipality's), until asked for.
    count_default = ind.kind == "count" and state.raw().get("ref") is None
    if state.raw().get("ref") is None:
        refs = [] if count_default else list(REFS)
    else:
        refs = [r for r in v.list_option("ref") if r in REFS]
    st.pills(_("Referanselinjer"), list(REFS), selection_mode="multi", key=parts.bind("ref", refs),
             format_func=REFS.get, on_change=_copy_list, args=("ref", "ingen"))
moving = False
if ind.period_type == "month":
    with c3:
        moving = v.options.get("snitt") == "1"
        st.toggle(_("Glidende snitt, 12 mnd."), key=parts.bind("snitt", moving),
                  help=_("Hvert punkt viser gjennomsnittet av de siste 12 månedene."),
                  on_change=lambda: state.put("snitt", "1" if st.session_state["w_snitt"] else "0"))

if not v.has_data:
    parts.no_data(_("Ingen data for {indicator} ({selection}) i datalageret ennå.").format(
        indicator=ind.short, selection=fmt.dimension_text(ind, v.age, v.category)))
else:
    codes = [v.kommune] + others
    # Ålesund and Haram: the old Ålesund (1507, 2020–2023) as its own line, named so.
    lines = views.with_old_lines([(c, "kommune") for c in codes])
    group = views.group_of(v.kommune)
    if "fylke" in refs and v.kommune_county:
        lines.append((v.kommune_county, "fylke"))
    if "region" in refs and group:
        lines.append((group, "region"))
    if "land" in refs:
        lines.append((views.NORWAY, "land"))
    df = views.label_old(data.series(ind.id, [c for c, _r in lines], age=v.age, category=v.category))
    if moving:
        df = views.moving_average(df, 12)
    name_of = {c: (data.municipality(c) or (c,))[0] for c in codes}
    drawn = [c for c in codes if views.has_known(df, c, views.old_codes(c))]
    for split in dict.fromkeys(s for c in codes if (s := views.split_of(c))):
        parts.caption(split.story)
    if not drawn:
        parts.no_data(_("Ingen data for {places} ({indicator}, {selection}).").format(
            places=fmt.listing(name_of.values()), indicator=ind.short,
            selection=fmt.dimension_text(ind, v.age, v.category)))
    elif len(drawn) < len(codes):
        places = fmt.listing(name_of[c] for c in codes if c not in drawn)
        if moving:
            parts.caption(_("{places}: for få måneder til et gjennomsnitt over 12, ingen "
                            "linje.").format(places=places))
        else:
            parts.caption(_("{places}: ingen tall ({selection}), ingen linje.").format(
                places=places, selection=fmt.dimension_text(ind, v.age, v.category)))
    missing_refs = [REF_WORDS[r] for c, r in lines if r in REFS
                    and df[(df["region_code"] == c) & df["status"].isin(fmt.KNOWN)].empty]
    if count_default:
        parts.caption(_("Antall personer: fylket, regiongruppen og landet har mye høyere tall enn "
                        "én kommune og vises bare når du velger dem under «Referanselinjer»."))
    if missing_refs:
        parts.caption(_("Ingen tall for {places}: ingen linje.").format(
            places=fmt.listing(missing_refs)))
    # The places in the title, so a downloaded image says whose line it is.
    title = _("{indicator} i {places}, {selection}, {periods}").format(
        indicator=ind.short, places=fmt.listing(name_of[c] for c in (drawn or codes)),
        selection=fmt.dimension_text(ind, v.age, v.category),
        periods=fmt.period_range(df["period"]))
    fig = charts.trend(df, ind=ind, lines=lines, age=v.age, category=v.category, title=title,
                       demo=data.is_demo(ind.id, v.age, v.category), all_periods=v.periods,
                       moving_average=moving, provenance=data.provenance(ind.id, df["period"]))
    # The 2035 mission: the chosen municipality's target path and the measures aimed at it.
    target = mission_data.target(v.kommune, ind.id, v.age, v.category)
    fig = chart_targets.with_mission(
        fig, ind=ind, target=target, measures=mission_data.measures([v.kommune], ind.id),
        all_periods=v.periods, newest=views.newest_period(df, v.kommune, v.periods),
        age=v.age, category=v.category)
    parts.chart(fig, table=views.wide_table(df, ind, order=[c for c, _r in lines]),
                alt=(_("Linjediagram: {indicator} for {place} over tid, med banen mot målet "
                       "({target}). Tallene står i tabellen under.") if target else
                     _("Linjediagram: {indicator} for {place} over tid. Tallene står i tabellen "
                       "under.")).format(indicator=ind.short, place=v.kommune_name,
                                         target=target.label if target else ""),
                export=downloads.ChartExport("utvikling", ind.id, df, age=v.age, category=v.category,
                                             target_region=v.kommune if target else None))
    if target:
        st.markdown(mission_data.status_markdown(target))
        mission_data.show_rules()

parts.copy_link(v, *st.session_state.get("_page", ("utvikling", "utvikling")))
