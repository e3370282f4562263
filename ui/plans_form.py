"""«Mål og tiltak» on the Data page: forms for a target, a measure and the cost per person-year,
the three empty templates, and what is set now. A form's entry becomes the template file it
stands for (loaders.plans.from_form) and is saved like an uploaded file, so it is checked with
the same rules and messages, and history, originals and undo work as for files."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from indicators import cost, progress
from indicators import format as fmt
from loaders import plans, store, workspace
from loaders.base import RawFile
from ui import data, parts
from ui.markdown import escape as md_escape
from vocab import i18n, indicators, regions
from vocab.i18n import N_, _
from vocab.periods import month_name

RESULT = "_data_plan_result"          # the last form's outcome, shown under that form
# The words below are marked N_: translate them with _() where they are shown.
SAVED = {"targets": N_("Lagret mål («{name}»). Det står i historikken under og kan angres der."),
         "measures": N_("Lagret tiltak («{name}»). Det står i historikken under og kan angres der."),
         "costs": N_("Lagret kostnad per person-år («{name}»). Det står i historikken under og kan "
                     "angres der.")}
RESPONSIBLE_WORDS = {"kommune": N_("Kommunen"), "nav": N_("NAV"),
                     "ot": N_("Oppfølgingstjenesten (OT)"), "fylkeskommunen": N_("Fylkeskommunen"),
                     "frivillige": N_("Frivillige"), "andre": N_("Andre")}
TEMPLATES = {"targets": (N_("Last ned målmal (CSV)"), plans.TARGET_EXAMPLE, "innenfor_malmal.csv"),
             "measures": (N_("Last ned tiltaksmal (CSV)"), plans.MEASURE_EXAMPLE,
                          "innenfor_tiltaksmal.csv"),
             "costs": (N_("Last ned kostnadsmal (CSV)"), plans.COST_EXAMPLE,
                       "innenfor_kostnadsmal.csv")}


def _date(d) -> str:
    """A form's date as the template file writes it (read by loaders.plans: not translated)."""
    return d.strftime("%d.%m.%Y") if isinstance(d, dt.date) else ""


def day_text(d) -> str:
    """A date shown on the page: 07.12.2026 (7 Dec 2026 in English)."""
    t = pd.Timestamp(d)
    if i18n.current() == "en":
        return f"{t.day} {month_name(t.month)[:3]} {t.year}"
    return t.strftime("%d.%m.%Y")


def date_format() -> str:
    """How a date field shows its date (the value is a date whatever the language)."""
    return "DD/MM/YYYY" if i18n.current() == "en" else "DD.MM.YYYY"


def responsible_word(code) -> str:
    """Who is responsible for a measure, in words (the code itself when it is not a known one)."""
    return _(RESPONSIBLE_WORDS[code]) if code in RESPONSIBLE_WORDS else code


# --- the preview of an uploaded template ------------------------------------------------------

def file_facts(name: str, content: bytes) -> list[tuple[str, str]]:
    """What a template file holds, for its card: which kind and how many rows; [] for others."""
    raw = RawFile(name, content)
    kind = plans.kind(raw)
    if kind is None:
        return []
    plan = plans.read(raw)
    what = {"targets": _("mål (målmal)"), "measures": _("tiltak (tiltaksmal)"),
            "costs": _("kostnad per person-år (kostnadsmal)")}[kind]
    out = [(_("Innhold"), what), (_("Rader"), fmt.number(len(plan.rows)))]
    if not plan.rows.empty and "region_code" in plan.rows:
        out.append((_("Steder"), fmt.number(plan.rows["region_code"].nunique())))
    if kind == "targets" and not plan.rows.empty:
        out.append((_("Indikatorer"), "; ".join(indicators.get(i).short
                                             for i in sorted(plan.rows["indicator"].unique()))))
    return out


def is_plan(format_name: str) -> bool:
    return format_name in plans.NAMES.values()


# --- choices -----------------------------------------------------------------------------------

def region_options() -> dict[str, str]:
    """code → words: municipalities, the partnership's regional groups, counties, Norway."""
    out = dict(data.municipality_labels())
    out.update({g: _("{name} (regiongruppe)").format(name=name)
                for g, (name, _m) in regions.GROUPS.items()})
    c = data.counties()
    c = c[c["note"].isna()] if "note" in c else c
    out.update({code: _("{name} (fylke)").format(name=name) for code, name in zip(c["code"], c["name"])})
    out[regions.NORWAY] = _("Hele landet")
    return out


def _index(options: list, value) -> int:
    return options.index(value) if value in options else 0


# --- saving ------------------------------------------------------------------------------------

def save(kind: str, row: dict, user: str) -> None:
    """The entry as its template file, saved like an upload; the outcome is kept for the form."""
    raw = plans.from_form(kind, row)
    r = workspace.save(raw.name, raw.data, user, None)
    if r.outcome == "loaded":
        text = _(SAVED[kind]).format(name=raw.name)
        st.session_state[RESULT] = (kind, "success", md_escape(text), [])
    elif r.problems:          # the file's rule, in the form's words: no «Rad 2:» for one entry
        row2 = (_("Rad {n}: ").format(n=2), "Rad 2: ")
        found = [fmt.upper_first(_strip(p, row2)) for p in r.problems]
        st.session_state[RESULT] = (kind, "error", _("**Ikke lagret.** Rett opp og trykk på nytt:"),
                                    [md_escape(p) for p in found])
    else:
        st.session_state[RESULT] = (kind, "error", md_escape(
            _("Ikke lagret: {message}").format(message=r.message)), [])


def _strip(text: str, prefixes: tuple[str, ...]) -> str:
    for p in prefixes:
        if text.startswith(p):
            return text[len(p):]
    return text


def result(kind: str) -> None:
    found = st.session_state.get(RESULT)
    if not found or found[0] != kind:
        return
    _kind, level, text, problems = found
    body = text + ("\n\n" + "\n".join(f"- {p}" for p in problems) if problems else "")
    getattr(st, level)(body)


# --- the forms ---------------------------------------------------------------------------------

def target_form(user: str) -> None:
    """Indicator, age band, category and place first (they decide which baseline periods have
    data), then the target and who decided it."""
    all_ind = indicators.all_indicators()
    with st.container(border=True, key="plan_target"):
        st.markdown(_("**Nytt mål** (eller revidert: samme indikator, sted, alder og kategori "
                      "erstatter det gamle, som blir stående i historikken)"))
        c1 = st.columns(2)
        ind_id = c1[0].selectbox(_("Indikator"), list(all_ind), format_func=lambda i: all_ind[i].short,
                                key="plan_t_ind")
        ind = all_ind[ind_id]
        options = region_options()
        codes = list(options)
        region = c1[1].selectbox(_("Sted"), codes, index=_index(codes, "4003"), format_func=options.get,
                                key="plan_t_region", **parts.PICKER,
                                help=_("Kommune, regiongruppe, fylke eller hele landet."))
        c2 = st.columns(3)
        ages = list(ind.ages)
        age = c2[0].selectbox(_("Aldersgruppe"), ages, index=_index(ages, ind.default_age),
                              format_func=lambda a: str(indicators.label("age", a)),
                              key=f"plan_t_age_{ind_id}")
        category = c2[1].selectbox(_("Kategori"), list(ind.categories),
                                  format_func=lambda k: indicators.label("category", k),
                                  key=f"plan_t_cat_{ind_id}")
        known = data.periods(ind_id, age, category)
        base = c2[2].selectbox(_("Basisperiode"), list(reversed(known)), format_func=fmt.period,
                              key=f"plan_t_base_{ind_id}_{age}_{category}",
                              placeholder=_("Ingen perioder med tall"), index=min(2, len(known) - 1)
                              if known else None,
                              help=_("Perioden målet regnes fra; verdien hentes fra tallene."))
        c3 = st.columns(4)
        value = c3[0].text_input(_("Målverdi"), placeholder=_("f.eks. 8,0"), key="plan_t_value",
                                help=_("I samme enhet som indikatoren ({unit}).").format(
                                    unit=fmt.unit_label(ind)))
        year = c3[1].number_input(_("Målår"), min_value=2000, max_value=2100, value=2030, step=1,
                                 key="plan_t_year",
                                 help=_("Senest {year}.").format(year=plans.LAST_TARGET_YEAR))
        by = c3[2].text_input(_("Vedtatt av"), placeholder=_("Skien bystyre, sak 45/25"),
                              key="plan_t_by")
        on = c3[3].date_input(_("Vedtatt dato"), value=None, format=date_format(), key="plan_t_on")
        if st.button(_("Lagre mål"), key="plan_t_save", type="primary"):
            save("targets", {"indikator": ind_id, "region": region, "alder": age, "kategori": category,
                             "basisperiode": base or "", "malverdi": value, "malaar": str(int(year)),
                             "vedtatt_av": by, "vedtatt_dato": _date(on)}, user)
            st.rerun()
        result("targets")


def measure_form(user: str) -> None:
    all_ind = indicators.all_indicators()
    categories = indicators.measure_categories()
    options = region_options()
    ages = sorted({a for i in all_ind.values() for a in i.ages})
    with st.container(border=True, key="plan_measure"):
        st.markdown(_("**Nytt tiltak**"))
        c1 = st.columns(2)
        name = c1[0].text_input(_("Navn på tiltaket"), key="plan_m_name", max_chars=200)
        places = c1[1].multiselect(_("Sted(er)"), list(options),
                                  default=["4003"] if "4003" in options else [],
                                  format_func=options.get, key="plan_m_regions", **parts.MULTI_PICKER)
        about = st.text_area(_("Beskrivelse"), key="plan_m_about", max_chars=2000, height=80)
        c2 = st.columns(4)
        start = c2[0].date_input(_("Start"), value=None, format=date_format(), key="plan_m_start")
        end = c2[1].date_input(_("Slutt (tom hvis det pågår)"), value=None, format=date_format(),
                              key="plan_m_end")
        age = c2[2].selectbox(_("Aldersgruppe"), [""] + ages, key="plan_m_age",
                             format_func=lambda a: indicators.label("age", a) if a else _("Ikke oppgitt"))
        who = c2[3].selectbox(_("Ansvarlig"), list(plans.RESPONSIBLE), key="plan_m_who",
                             format_func=responsible_word)
        c3 = st.columns([2, 2, 2])
        ids = c3[0].multiselect(_("Indikatorer tiltaket skal påvirke"), list(all_ind),
                               format_func=lambda i: all_ind[i].short, key="plan_m_ind")
        category = c3[1].selectbox(_("Kategori"), [""] + list(categories), key="plan_m_cat",
                                  format_func=lambda k: categories.get(k, _("Ingen")),
                                  help=_("Listen står i vocab/definitions.toml [measure_categories]."))
        link = c3[2].text_input(_("Lenke"), placeholder=_("Nettsiden om tiltaket"), key="plan_m_link",
                                help=_("Hele adressen, som begynner med https (eller http)."))
        if st.button(_("Lagre tiltak"), key="plan_m_save", type="primary"):
            save("measures", {"tiltak": name, "region": " ".join(places), "start": _date(start),
                              "slutt": _date(end), "alder": age, "indikatorer": ",".join(ids),
                              "ansvarlig": who, "kategori": category, "beskrivelse": about,
                              "lenke": link}, user)
            st.rerun()
        result("measures")


def cost_form(user: str) -> None:
    with st.container(border=True, key="plan_cost"):
        st.markdown(_("**Kostnad per person-år utenfor arbeid og utdanning** (valgfritt)"))
        c1 = st.columns([1, 3])
        kr = c1[0].text_input(_("Kroner per person per år"), placeholder=_("f.eks. 1 000 000"),
                              key="plan_c_kr")
        source = c1[1].text_input(_("Kilde (påkrevd)"), key="plan_c_source", max_chars=500,
                                 placeholder=_("Rapport, utgiver og år"))
        c2 = st.columns([3, 1])
        by = c2[0].text_input(_("Vedtatt av"), key="plan_c_by")
        on = c2[1].date_input(_("Vedtatt dato"), value=None, format=date_format(), key="plan_c_on")
        if st.button(_("Lagre kostnad"), key="plan_c_save", type="primary"):
            save("costs", {"kostnad_per_aar": kr, "kilde": source, "vedtatt_av": by,
                           "vedtatt_dato": _date(on)}, user)
            st.rerun()
        result("costs")


# --- what is set now (everyone) ----------------------------------------------------------------

def _reads():
    try:
        k = data.key()
    except data.StoreUnavailable:
        return None
    return _current(k)


@st.cache_data(show_spinner=False, max_entries=4)
def _current(k) -> tuple[pd.DataFrame, pd.DataFrame, cost.Cost | None]:
    with store.reader(k[0]) as con:
        return progress.targets(con), progress.measures(con), cost.current(con)


def targets_table(t: pd.DataFrame) -> pd.DataFrame:
    all_ind = indicators.all_indicators()
    return pd.DataFrame({
        _("Sted"): t["region_name"].fillna(t["region_code"]),
        _("Indikator"): [all_ind[i].short if i in all_ind else i for i in t["indicator"]],
        _("Alder"): [indicators.label("age", a) for a in t["age"]],
        _("Kategori"): [indicators.label("category", k) for k in t["category"]],
        _("Basis"): [fmt.period(p) for p in t["baseline_period"]],
        _("Mål"): [_("{value} innen {year}").format(
            value=fmt.value(v, all_ind[i]) if i in all_ind else v, year=y)
            for v, i, y in zip(t["target_value"], t["indicator"], t["target_year"])],
        _("Vedtatt av"): t["decided_by"],
        _("Vedtatt"): [fmt.DASH if d is None or pd.isna(d) else day_text(d) for d in t["decided_on"]]})


def measures_table(m: pd.DataFrame) -> pd.DataFrame:
    cats = indicators.measure_categories()

    def day(d) -> str:
        return _("pågår") if d is None or pd.isna(d) else day_text(d)
    return pd.DataFrame({
        _("Tiltak"): m["name"], _("Sted"): m["region_name"].fillna(m["region_code"]),
        _("Start"): [day(d) for d in m["start_date"]], _("Slutt"): [day(d) for d in m["end_date"]],
        _("Ansvarlig"): [responsible_word(r) if r else fmt.DASH for r in m["responsible"]],
        _("Kategori"): [cats.get(c, c or fmt.DASH) for c in m["category"]],
        _("Beskrivelse"): m["description"], _("Lenke"): m["link"]})


def cost_text(c: cost.Cost | None, signed_in: bool) -> tuple[str, str]:
    """(level, markdown) for the cost now in force, or how to set one."""
    if c is None:
        text = (_("**Ingen kostnad per person-år er satt**, så Innenfor viser ingen kroneanslag. "
                  "Publiserte anslag varierer omtrent tidobbelt, derfor har Innenfor ikke noe eget "
                  "tall. Sett den i skjemaet under eller last inn kostnadsmalen: kroner per person "
                  "per år og kilden (påkrevd).") if signed_in else
                _("**Ingen kostnad per person-år er satt**, så Innenfor viser ingen kroneanslag. "
                  "Publiserte anslag varierer omtrent tidobbelt, derfor har Innenfor ikke noe eget "
                  "tall. En koordinator setter den her på Data-siden etter innlogging (skjema eller "
                  "kostnadsmal): kroner per person per år og kilden (påkrevd)."))
        return "info", text
    if c.set_by and c.set_at is not None:
        by = " " + _("(satt av {who}, {date})").format(who=c.set_by, date=day_text(c.set_at))
    elif c.set_by:
        by = " " + _("(satt av {who})").format(who=c.set_by)
    else:
        by = ""
    return "markdown", md_escape(_("Kostnad per person-år i bruk: {amount} kr; kilde: {source}{by}. "
                                   "En ny verdi erstatter den; angre i historikken gir den forrige "
                                   "tilbake.").format(amount=fmt.number(c.kr_per_year),
                                                      source=c.source, by=by))


def current(signed_in: bool) -> None:
    found = _reads()
    if found is None:
        st.markdown(_("Ingen datalager ennå."))
        return
    t, m, c = found
    st.markdown(_("**Mål i kraft** ({n}). Mål 2035 viser om tallene er på banen.").format(
        n=fmt.number(len(t))))
    if len(t):
        st.dataframe(targets_table(t), hide_index=True, width="stretch", key="plan_targets")
    st.markdown(_("**Tiltak** ({n})").format(n=fmt.number(len(m))))
    if len(m):
        st.dataframe(measures_table(m), hide_index=True, width="stretch", key="plan_measures",
                     column_config={_("Lenke"): st.column_config.LinkColumn()})
    level, text = cost_text(c, signed_in)
    getattr(st, level)(text)


def templates(signed_in: bool) -> None:
    intro = (_("Mål, tiltak og kostnad kan også lastes inn som filer, med opplasteren over "
              "(malene kjennes igjen på overskriftsraden). Hver mal har en eksempelrad: bytt den "
              "ut, og la overskriftsraden stå. Målår er senest {year}. README-en forklarer "
              "kolonnene.") if signed_in else
            _("Mål, tiltak og kostnad kan også lastes inn som filer, av en koordinator (etter "
              "innlogging) (malene kjennes igjen på overskriftsraden). Hver mal har en "
              "eksempelrad: bytt den ut, og la overskriftsraden stå. Målår er senest {year}. "
              "README-en forklarer kolonnene."))
    st.markdown(intro.format(year=plans.LAST_TARGET_YEAR))
    with st.container(horizontal=True, gap="small"):
        for kind, (label, text, name) in TEMPLATES.items():
            st.download_button(_(label), data=text.encode("utf-8"), file_name=name, mime="text/csv",
                               on_click="ignore", icon=":material/download:", key=f"plan_tpl_{kind}")


def section(user: str | None) -> None:
    """The whole «Mål og tiltak» part: what is set (everyone), the forms (signed in)."""
    st.subheader(_("Mål og tiltak"))
    current(user is not None)
    if user is not None:
        try:
            data.key()
        except data.StoreUnavailable:
            return
        target_form(user)
        measure_form(user)
        cost_form(user)
    else:
        st.markdown(_("Alle kan se målene, tiltakene og kostnaden. Bare koordinatorer kan sette "
                      "eller endre dem, etter innlogging over."))
    templates(user is not None)
