"""The 2035 mission on Utvikling and Min kommune: cached reads of a place's targets (assessed)
and measures, keyed on (store file, store version) like ui.data, and the small parts that show
them (status with symbol and words, the measures table). User-given text is escaped."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from indicators import cost, progress
from indicators import format as fmt
from loaders import store
from ui import data
from ui.markdown import escape as md_escape
from vocab.i18n import _


@st.cache_data(show_spinner=False, max_entries=128)
def _target(store_key, code: str, ind_id: str, age, category: str) -> progress.Progress | None:
    with store.reader(store_key[0]) as con:
        return progress.for_view(con, code, ind_id, age, category)


@st.cache_data(show_spinner=False, max_entries=128)
def _measures(store_key, codes: tuple, ind_id) -> pd.DataFrame:
    with store.reader(store_key[0]) as con:
        return progress.measures(con, list(codes), ind_id)


@st.cache_data(show_spinner=False, max_entries=16)
def _cost(store_key) -> cost.Cost | None:
    with store.reader(store_key[0]) as con:
        return cost.current(con)


def target(code: str, ind_id: str, age: str | None, category: str) -> progress.Progress | None:
    """The target in force for the place and selection, with its status (None: no target)."""
    return _target(data.key(), code, ind_id, age, category)


def measures(codes: list[str], ind_id: str | None = None) -> pd.DataFrame:
    """The measures for the places (those aimed at the indicator, if given)."""
    return _measures(data.key(), tuple(codes), ind_id)


def current_cost() -> cost.Cost | None:
    return _cost(data.key())


@st.cache_data(show_spinner=False, max_entries=32)
def _place_targets(store_key, code: str) -> list[progress.Progress]:
    with store.reader(store_key[0]) as con:
        t = progress.targets(con)
        return [progress.assess(con, r) for r in t[t["region_code"] == code].to_dict("records")]


def place_targets(code: str, ids: list[str]) -> list[progress.Progress]:
    """The targets for a place on any of the indicators (a family), with their status."""
    return [p for p in _place_targets(data.key(), code) if p.indicator.id in ids]


def family_measures(code: str, ids: list[str]) -> pd.DataFrame:
    """The place's measures aimed at any of the indicators (or at none in particular)."""
    m = measures([code])
    if m.empty:
        return m
    aimed = m["indicators"].fillna("").map(lambda s: not s or bool(set(s.split(",")) & set(ids)))
    return m[aimed]


# --- parts ------------------------------------------------------------------------------------

def status_markdown(p: progress.Progress) -> str:
    """«**✖ Ikke på sporet.** Skien har som mål …» (symbol and words, never colour alone)."""
    return f"**{p.status_text}.** {md_escape(p.sentence())}"


def _link(url) -> str:
    u = str(url or "")
    if not u.lower().startswith(("http://", "https://")):
        return ""
    for ch, code in ((" ", "%20"), ("(", "%28"), (")", "%29"), ("|", "%7C"), ("<", "%3C"),
                     (">", "%3E"), ("[", "%5B"), ("]", "%5D")):
        u = u.replace(ch, code)
    return f"[{_('Lenke')}]({u})"


def measures_table(m: pd.DataFrame) -> str:
    """The measures as a markdown table: name, period, responsible, category, link (escaped)."""
    head = [_("Tiltak"), _("Periode"), _("Ansvarlig"), _("Kategori"), _("Lenke")]
    lines = ["| " + " | ".join(head) + " |", "|:---|:---|:---|:---|:---|"]
    for r in m.to_dict("records"):
        name = md_escape(str(r["name"]))
        if r.get("description"):
            name += f" – {md_escape(str(r['description']))}"
        lines.append("| " + " | ".join([
            name, md_escape(progress.measure_period(r["start_date"], r.get("end_date"))),
            md_escape(progress.responsible_text(r.get("responsible"))),
            md_escape(progress.category_text(r.get("category"))), _link(r.get("link"))]) + " |")
    return "\n".join(lines)


def show_rules() -> None:
    with st.expander(_("Slik vurderes målet")):
        st.markdown("\n".join(f"- **{md_escape(label)}:** {md_escape(text)}"
                              for label, text in progress.rules()))


def _chosen(m: pd.DataFrame, column: str, label: str, words, key: str) -> list[str]:
    """Pills to narrow the measures by a column (only when there is something to choose)."""
    values = sorted(x for x in set(m[column].fillna("")) if x)
    if len(values) < 2:
        return []
    return st.pills(label, values, selection_mode="multi", format_func=words, key=key) or []


def family_part(code: str, place: str, ids: list[str], key: str) -> None:
    """«Mål og tiltak» for one indicator family of a place: each target with its status and
    sentence, and the measures aimed at the family, filterable by category and responsible.
    Nothing when the place has neither."""
    targets = place_targets(code, ids)
    m = family_measures(code, ids)
    if not targets and m.empty:
        return
    st.markdown("#### " + _("Mål og tiltak"))
    for p in targets:
        what = fmt.dimension_text(p.indicator, p.age, p.category)
        st.markdown(f"**{md_escape(p.label)}** ({md_escape(p.indicator.short)}, {md_escape(what)})"
                    f" · {status_markdown(p)}")
    if not targets:
        st.markdown(_("{place} har ikke satt et mål for disse tallene.").format(
            place=md_escape(place)))
    if not m.empty:
        # Both lists from all the measures: choosing one never hides the other.
        kinds = _chosen(m, "category", _("Kategori"), progress.category_text, f"mk_kat_{key}")
        who = _chosen(m, "responsible", _("Ansvarlig"), progress.responsible_text,
                      f"mk_ansv_{key}")
        keep = (m["category"].isin(kinds) | (not kinds)) & (m["responsible"].isin(who) | (not who))
        shown = m[keep]
        if shown.empty:
            st.markdown(_("Ingen tiltak med dette valget."))
        else:
            st.markdown(measures_table(shown))
    if targets:
        show_rules()


def cost_line(count) -> str | None:
    """«N unge utenfor ≈ X mill. kr per år (anslag …; kilde …)» when a cost is set."""
    line = cost.sentence(count, current_cost())
    return md_escape(line) if line else None
