"""The shared view: indicator, age band, category, period, municipality and county, plus a few
page options. It lives in st.session_state["view"] (raw strings, URL-shaped) so it survives page
switches, is read from the URL once when a session starts (a permalink), and is written back to
the URL on every run, because Streamlit clears the query string when the page changes."""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

import streamlit as st

from indicators import views
from ui import data
from vocab import i18n, indicators
from vocab.i18n import N_, _
from vocab.indicators import Indicator

# lang: nb/nn/en (ui/lang.py); in every permalink, so a link opens in the language it was made in.
COMMON = ["indikator", "alder", "kategori", "periode", "kommune", "fylke", "lang"]
# Options that only mean something on one page (written to the URL only there).
PAGE_PARAMS = {"kart": [], "utvikling": ["kommuner", "ref", "snitt"], "sammenlign": [],
               "min-kommune": [], "presentasjon": ["vis", "pil"], "maal": ["omrade"]}
ALL = COMMON + sorted({k for ks in PAGE_PARAMS.values() for k in ks})
DEFAULTS = {"indikator": "neet", "alder": None, "kategori": None, "periode": None,
            "kommune": "4003", "fylke": views.VT, "kommuner": "", "ref": None,
            "snitt": "0", "vis": "kart", "pil": "indikator"}
ALL_NORWAY = views.NORWAY


def raw() -> dict:
    """The view as stored (strings or None); created from the URL on a session's first run."""
    if "view" not in st.session_state:
        v = dict(DEFAULTS)
        for k in ALL:
            if k in st.query_params:
                val = st.query_params.get(k)
                v[k] = val if val != "" else DEFAULTS.get(k)
        st.session_state["view"] = v
    return st.session_state["view"]


def put(key: str, value) -> None:
    raw()[key] = None if value is None else str(value)


@dataclass
class View:
    """The view with every value checked against the data (what the pages use)."""
    ind: Indicator
    age: str
    ages: list
    category: str
    periods: list
    period: str | None            # the period shown (latest when none was chosen)
    period_chosen: bool
    kommune: str
    kommune_name: str
    kommune_county: str
    fylke: str
    fylke_name: str
    options: dict = field(default_factory=dict)
    period_missing: str | None = None   # a period asked for (link, other indicator) without data

    @property
    def has_data(self) -> bool:
        return bool(self.periods)

    @property
    def fylke_text(self) -> str:
        """The area inside a sentence: «Kommunene i hele landet», not «… i Hele landet»."""
        return _("hele landet") if self.fylke == ALL_NORWAY else self.fylke_name

    def list_option(self, key: str) -> list[str]:
        return [x for x in (self.options.get(key) or "").split(",") if x]


def resolve() -> View:
    v = raw()
    all_ind = indicators.all_indicators()
    ind = all_ind.get(v.get("indikator") or "") or all_ind[DEFAULTS["indikator"]]
    ages = data.ages(ind.id) or list(ind.ages)
    age = v.get("alder") if v.get("alder") in ages else default_age(ind)
    category = v.get("kategori") if v.get("kategori") in ind.categories else \
        default_category(ind, age)
    periods = data.periods(ind.id, age, category)
    chosen = v.get("periode")
    period = views.align_period(chosen, ind.period_type, periods) if chosen else (
        periods[-1] if periods else None)
    missing = None
    if chosen and period is None:                 # e.g. a year this indicator does not have
        period = periods[-1] if periods else None
        missing = chosen if period else None
    codes = data.municipality_codes()
    kommune = v.get("kommune") if data.is_municipality(v.get("kommune")) else DEFAULTS["kommune"]
    if not data.is_municipality(kommune) and codes:
        kommune = codes[0]
    c = county_choices()
    fylke = v.get("fylke") if v.get("fylke") in c else DEFAULTS["fylke"]
    mrow = data.municipality(kommune)
    return View(ind=ind, age=age, ages=ages, category=category, periods=periods, period=period,
                # A period without data is not a choice: each page shows its newest.
                period_chosen=bool(chosen) and period is not None and not missing, kommune=kommune,
                kommune_name=mrow[0] if mrow is not None else kommune,
                kommune_county=mrow[1] if mrow is not None else "",
                fylke=fylke,
                fylke_name=_(SHORT_NAMES[fylke]) if fylke in SHORT_NAMES else c.get(fylke, fylke),
                options={k: v.get(k) for k in ALL if k not in COMMON}, period_missing=missing)


# Translated where used (_()): the county's own name is a name, «Hele landet» is words.
SHORT_NAMES = {views.VT: "Vestfold og Telemark", ALL_NORWAY: N_("Hele landet")}


def current() -> View:
    """The view app.py resolved for this run (resolved here when a page runs on its own)."""
    v = st.session_state.get("_view")
    return v if isinstance(v, View) else resolve()


def default_category(ind: Indicator, age: str) -> str:
    """«alle», unless it has no values (shares of the parts published without counts: NAV's
    «I alt» share cannot be added up): then the first category with values."""
    if data.has_values(ind.id, age, "alle"):
        return "alle"
    return next((c for c in ind.categories if c != "alle" and data.has_values(ind.id, age, c)),
                "alle")


def default_age(ind: Indicator) -> str:
    """The indicator's default age band if the store has it, else the first it has."""
    ages = data.ages(ind.id)
    return ind.default_age if (ind.default_age in ages or not ages) else ages[0]


def county_choices() -> dict[str, str]:
    """code → name for the county picker: Vestfold og Telemark together first (the seeds'
    region), then the seed counties, the other 2024 counties, and all Norway last."""
    return _county_choices(data.key(), i18n.current())


@data.shared(12)
def _county_choices(k, lang: str) -> dict[str, str]:   # one dict per store version and language
    cs = data.counties_of(k)
    today = cs[cs["note"].isna()].sort_values("name")
    # 38 is offered as an area (the partnership's two counties, for the map and the ranking of
    # their municipalities), not as a county beside 39 and 40: its label says so.
    out = {views.VT: _("Vestfold og Telemark (begge fylkene)")}
    names = dict(zip(today["code"], today["name"]))
    for c in views.SEED_COUNTIES:
        if c in names:
            out[c] = names[c]
    for c, n in names.items():
        out.setdefault(c, n)
    out[ALL_NORWAY] = _("Hele landet")
    return out


def params(view: View, page: str) -> dict[str, str]:
    """The URL query for a page: only what differs from the defaults."""
    v = raw()
    values = {"indikator": view.ind.id, "alder": view.age if view.age != view.ind.default_age else None,
              "kategori": view.category if view.category != default_category(view.ind, view.age) else None,
              "periode": view.period if view.period_chosen else None,
              "kommune": view.kommune, "fylke": view.fylke, "lang": v.get("lang")}
    for k in PAGE_PARAMS.get(page, []):
        values[k] = v.get(k)
    return {k: str(val) for k, val in values.items()
            if val not in (None, "") and val != DEFAULTS.get(k)}


def write_lang() -> None:
    """The URL of a page without the shared view (Data) keeps just the language."""
    lang = raw().get("lang")
    if lang and st.query_params.get("lang") != lang:
        st.query_params["lang"] = lang


def write_url(view: View, page: str) -> None:
    p = params(view, page)
    if dict(st.query_params) != p:
        st.query_params.from_dict(p)


def permalink(view: View, page: str, url_path: str) -> str:
    """An absolute link that restores this view (relative when the host is unknown)."""
    base = "/" + (st.get_option("server.baseUrlPath") or "").strip("/")
    path = (base.rstrip("/") + "/" + url_path).replace("//", "/")
    origin = ""
    try:
        u = urlsplit(st.context.url or "")
        if u.scheme and u.netloc:
            origin = f"{u.scheme}://{u.netloc}"
    except Exception:  # noqa: BLE001 - st.context is not available in every test harness
        origin = ""
    q = urlencode(params(view, page))
    return f"{origin}{path}{'?' + q if q else ''}"


def static_url() -> str:
    """Where Streamlit serves static/ (for plotly's topojsonURL), honouring baseUrlPath."""
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/app/static/" if base else "/app/static/"
