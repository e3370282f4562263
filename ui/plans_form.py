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
from ui import data
from ui.markdown import escape as md_escape
from vocab import indicators, regions

RESULT = "_data_plan_result"          # the last form's outcome, shown under that form
KINDS = {"targets": "mål", "measures": "tiltak", "costs": "kostnad per person-år"}
RESPONSIBLE_WORDS = {"kommune": "Kommunen", "nav": "NAV", "ot": "Oppfølgingstjenesten (OT)",
                     "fylkeskommunen": "Fylkeskommunen", "frivillige": "Frivillige",
                     "andre": "Andre"}
TEMPLATES = {"targets": ("Last ned målmal (CSV)", plans.TARGET_EXAMPLE, "innenfor_malmal.csv"),
             "measures": ("Last ned tiltaksmal (CSV)", plans.MEASURE_EXAMPLE, "innenfor_tiltaksmal.csv"),
             "costs": ("Last ned kostnadsmal (CSV)", plans.COST_EXAMPLE, "innenfor_kostnadsmal.csv")}


def _date(d) -> str:
    return d.strftime("%d.%m.%Y") if isinstance(d, dt.date) else ""


# --- the preview of an uploaded template ------------------------------------------------------

def file_facts(name: str, content: bytes) -> list[tuple[str, str]]:
    """What a template file holds, for its card: which kind and how many rows; [] for others."""
    raw = RawFile(name, content)
    kind = plans.kind(raw)
    if kind is None:
        return []
    plan = plans.read(raw)
    what = {"targets": "mål (målmal)", "measures": "tiltak (tiltaksmal)",
            "costs": "kostnad per person-år (kostnadsmal)"}[kind]
    out = [("Innhold", what), ("Rader", fmt.number(len(plan.rows)))]
    if not plan.rows.empty and "region_code" in plan.rows:
        out.append(("Steder", fmt.number(plan.rows["region_code"].nunique())))
    if kind == "targets" and not plan.rows.empty:
        out.append(("Indikatorer", "; ".join(indicators.get(i).short
                                             for i in sorted(plan.rows["indicator"].unique()))))
    return out


def is_plan(format_name: str) -> bool:
    return format_name in plans.NAMES.values()


# --- choices -----------------------------------------------------------------------------------

def region_options() -> dict[str, str]:
    """code → words: municipalities, the partnership's regional groups, counties, Norway."""
    out = dict(data.municipality_labels())
    out.update({g: f"{name} (regiongruppe)" for g, (name, _m) in regions.GROUPS.items()})
    c = data.counties()
    c = c[c["note"].isna()] if "note" in c else c
    out.update({code: f"{name} (fylke)" for code, name in zip(c["code"], c["name"])})
    out[regions.NORWAY] = "Hele landet"
    return out


def _index(options: list, value) -> int:
    return options.index(value) if value in options else 0


# --- saving ------------------------------------------------------------------------------------

def save(kind: str, row: dict, user: str) -> None:
    """The entry as its template file, saved like an upload; the outcome is kept for the form."""
    raw = plans.from_form(kind, row)
    r = workspace.save(raw.name, raw.data, user, None)
    if r.outcome == "loaded":
        text = f"Lagret {KINDS[kind]} («{raw.name}»). Det står i historikken under og kan angres der."
        st.session_state[RESULT] = (kind, "success", md_escape(text), [])
    elif r.problems:          # the file's rule, in the form's words: no «Rad 2:» for one entry
        found = [fmt.upper_first(p.removeprefix("Rad 2: ")) for p in r.problems]
        st.session_state[RESULT] = (kind, "error", "**Ikke lagret.** Rett opp og trykk på nytt:",
                                    [md_escape(p) for p in found])
    else:
        st.session_state[RESULT] = (kind, "error", md_escape(f"Ikke lagret: {r.message}"), [])


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
        st.markdown("**Nytt mål** (eller revidert: samme indikator, sted, alder og kategori "
                    "erstatter det gamle, som blir stående i historikken)")
        c1 = st.columns(2)
        ind_id = c1[0].selectbox("Indikator", list(all_ind), format_func=lambda i: all_ind[i].short,
                                key="plan_t_ind")
        ind = all_ind[ind_id]
        options = region_options()
        codes = list(options)
        region = c1[1].selectbox("Sted", codes, index=_index(codes, "4003"), format_func=options.get,
                                key="plan_t_region",
                                help="Kommune, regiongruppe, fylke eller hele landet.")
        c2 = st.columns(3)
        ages = list(ind.ages)
        age = c2[0].selectbox("Aldersgruppe", ages, index=_index(ages, ind.default_age),
                              format_func=lambda a: str(indicators.label("age", a)),
                              key=f"plan_t_age_{ind_id}")
        category = c2[1].selectbox("Kategori", list(ind.categories),
                                  format_func=lambda k: indicators.label("category", k),
                                  key=f"plan_t_cat_{ind_id}")
        known = data.periods(ind_id, age, category)
        base = c2[2].selectbox("Basisperiode", list(reversed(known)), format_func=fmt.period,
                              key=f"plan_t_base_{ind_id}_{age}_{category}",
                              placeholder="Ingen perioder med tall", index=min(2, len(known) - 1)
                              if known else None,
                              help="Perioden målet regnes fra; verdien hentes fra tallene.")
        c3 = st.columns(4)
        value = c3[0].text_input("Målverdi", placeholder="f.eks. 8,0", key="plan_t_value",
                                help=f"I samme enhet som indikatoren ({fmt.unit_label(ind)}).")
        year = c3[1].number_input("Målår", min_value=2000, max_value=2100, value=2030, step=1,
                                 key="plan_t_year", help=f"Senest {plans.LAST_TARGET_YEAR}.")
        by = c3[2].text_input("Vedtatt av", placeholder="Skien bystyre, sak 45/25", key="plan_t_by")
        on = c3[3].date_input("Vedtatt dato", value=None, format="DD.MM.YYYY", key="plan_t_on")
        if st.button("Lagre mål", key="plan_t_save", type="primary"):
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
        st.markdown("**Nytt tiltak**")
        c1 = st.columns(2)
        name = c1[0].text_input("Navn på tiltaket", key="plan_m_name", max_chars=200)
        places = c1[1].multiselect("Sted(er)", list(options), default=["4003"] if "4003" in options else [],
                                  format_func=options.get, key="plan_m_regions")
        about = st.text_area("Beskrivelse", key="plan_m_about", max_chars=2000, height=80)
        c2 = st.columns(4)
        start = c2[0].date_input("Start", value=None, format="DD.MM.YYYY", key="plan_m_start")
        end = c2[1].date_input("Slutt (tom hvis det pågår)", value=None, format="DD.MM.YYYY",
                              key="plan_m_end")
        age = c2[2].selectbox("Aldersgruppe", [""] + ages, key="plan_m_age",
                             format_func=lambda a: indicators.label("age", a) if a else "Ikke oppgitt")
        who = c2[3].selectbox("Ansvarlig", list(plans.RESPONSIBLE), key="plan_m_who",
                             format_func=lambda r: RESPONSIBLE_WORDS.get(r, r))
        c3 = st.columns([2, 2, 2])
        ids = c3[0].multiselect("Indikatorer tiltaket skal påvirke", list(all_ind),
                               format_func=lambda i: all_ind[i].short, key="plan_m_ind")
        category = c3[1].selectbox("Kategori", [""] + list(categories), key="plan_m_cat",
                                  format_func=lambda k: categories.get(k, "Ingen"),
                                  help="Listen står i vocab/definitions.toml [measure_categories].")
        link = c3[2].text_input("Lenke", placeholder="Nettsiden om tiltaket", key="plan_m_link",
                                help="Hele adressen, som begynner med https (eller http).")
        if st.button("Lagre tiltak", key="plan_m_save", type="primary"):
            save("measures", {"tiltak": name, "region": " ".join(places), "start": _date(start),
                              "slutt": _date(end), "alder": age, "indikatorer": ",".join(ids),
                              "ansvarlig": who, "kategori": category, "beskrivelse": about,
                              "lenke": link}, user)
            st.rerun()
        result("measures")


def cost_form(user: str) -> None:
    with st.container(border=True, key="plan_cost"):
        st.markdown("**Kostnad per person-år utenfor arbeid og utdanning** (valgfritt)")
        c1 = st.columns([1, 3])
        kr = c1[0].text_input("Kroner per person per år", placeholder="f.eks. 1 000 000", key="plan_c_kr")
        source = c1[1].text_input("Kilde (påkrevd)", key="plan_c_source", max_chars=500,
                                 placeholder="Rapport, utgiver og år")
        c2 = st.columns([3, 1])
        by = c2[0].text_input("Vedtatt av", key="plan_c_by")
        on = c2[1].date_input("Vedtatt dato", value=None, format="DD.MM.YYYY", key="plan_c_on")
        if st.button("Lagre kostnad", key="plan_c_save", type="primary"):
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
        "Sted": t["region_name"].fillna(t["region_code"]),
        "Indikator": [all_ind[i].short if i in all_ind else i for i in t["indicator"]],
        "Alder": [indicators.label("age", a) for a in t["age"]],
        "Kategori": [indicators.label("category", k) for k in t["category"]],
        "Basis": [fmt.period(p) for p in t["baseline_period"]],
        "Mål": [f"{fmt.value(v, all_ind[i]) if i in all_ind else v} innen {y}"
                for v, i, y in zip(t["target_value"], t["indicator"], t["target_year"])],
        "Vedtatt av": t["decided_by"],
        "Vedtatt": [fmt.DASH if d is None or pd.isna(d) else pd.Timestamp(d).strftime("%d.%m.%Y")
                    for d in t["decided_on"]]})


def measures_table(m: pd.DataFrame) -> pd.DataFrame:
    cats = indicators.measure_categories()

    def day(d) -> str:
        return "pågår" if d is None or pd.isna(d) else pd.Timestamp(d).strftime("%d.%m.%Y")
    return pd.DataFrame({
        "Tiltak": m["name"], "Sted": m["region_name"].fillna(m["region_code"]),
        "Start": [day(d) for d in m["start_date"]], "Slutt": [day(d) for d in m["end_date"]],
        "Ansvarlig": [RESPONSIBLE_WORDS.get(r, r or fmt.DASH) for r in m["responsible"]],
        "Kategori": [cats.get(c, c or fmt.DASH) for c in m["category"]],
        "Beskrivelse": m["description"], "Lenke": m["link"]})


def cost_text(c: cost.Cost | None, signed_in: bool) -> tuple[str, str]:
    """(level, markdown) for the cost now in force, or how to set one."""
    if c is None:
        how = ("Sett den i skjemaet under eller last inn kostnadsmalen"
               if signed_in else "En koordinator setter den her på Data-siden etter innlogging "
               "(skjema eller kostnadsmal)")
        return "info", ("**Ingen kostnad per person-år er satt**, så Innenfor viser ingen "
                        "kroneanslag. Publiserte anslag varierer omtrent tidobbelt, derfor har "
                        f"Innenfor ikke noe eget tall. {how}: kroner per person per år og kilden "
                        "(påkrevd).")
    when = f", {pd.Timestamp(c.set_at):%d.%m.%Y}" if c.set_at is not None else ""
    by = f" (satt av {c.set_by}{when})" if c.set_by else ""
    return "markdown", md_escape(f"Kostnad per person-år i bruk: {fmt.number(c.kr_per_year)} kr; "
                                 f"kilde: {c.source}{by}. En ny verdi erstatter den; angre i "
                                 "historikken gir den forrige tilbake.")


def current(signed_in: bool) -> None:
    found = _reads()
    if found is None:
        st.markdown("Ingen datalager ennå.")
        return
    t, m, c = found
    st.markdown(f"**Mål i kraft** ({fmt.number(len(t))}). Mål 2035 viser om tallene er på banen.")
    if len(t):
        st.dataframe(targets_table(t), hide_index=True, width="stretch", key="plan_targets")
    st.markdown(f"**Tiltak** ({fmt.number(len(m))})")
    if len(m):
        st.dataframe(measures_table(m), hide_index=True, width="stretch", key="plan_measures",
                     column_config={"Lenke": st.column_config.LinkColumn()})
    level, text = cost_text(c, signed_in)
    getattr(st, level)(text)


def templates(signed_in: bool) -> None:
    where = "med opplasteren over" if signed_in else "av en koordinator (etter innlogging)"
    st.markdown(f"Mål, tiltak og kostnad kan også lastes inn som filer, {where} (malene kjennes "
                "igjen på overskriftsraden). Hver mal har en eksempelrad: bytt den ut, og la "
                f"overskriftsraden stå. Målår er senest {plans.LAST_TARGET_YEAR}. README-en "
                "forklarer kolonnene.")
    with st.container(horizontal=True, gap="small"):
        for kind, (label, text, name) in TEMPLATES.items():
            st.download_button(label, data=text.encode("utf-8"), file_name=name, mime="text/csv",
                               on_click="ignore", icon=":material/download:", key=f"plan_tpl_{kind}")


def section(user: str | None) -> None:
    """The whole «Mål og tiltak» part: what is set (everyone), the forms (signed in)."""
    st.subheader("Mål og tiltak")
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
        st.markdown("Alle kan se målene, tiltakene og kostnaden. Bare koordinatorer kan sette "
                    "eller endre dem, etter innlogging over.")
    templates(user is not None)
