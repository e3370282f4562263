"""The 2035 mission: each target's path and whether the newest figure is on it, honestly.

The path is a straight line from the baseline value (the figure for the baseline period, from the
data) to the target value in the target year. The newest figure is compared with where the path is
that year, in the direction that is better for the indicator, with its 95 % interval where counts
are known:
- på_sporet: the figure (its whole interval) is on the better side of the path, or on it;
- ikke_på_sporet: on the worse side (its whole interval);
- usikkert: the interval spans the path;
- for_tidlig: fewer than MIN_PERIODS periods since the baseline;
- ingen_data: no baseline or no newer figure.
Symbol plus words plus a sentence, never colour alone."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from indicators import format as fmt
from indicators import queries
from vocab import i18n, indicators, periods, regions
from vocab.i18n import N_, _
from vocab.indicators import Indicator

MIN_PERIODS = 2
STATUSES = ("på_sporet", "ikke_på_sporet", "usikkert", "for_tidlig", "ingen_data")
# (symbol, words): the words in bokmål, shown as _(words) (status_words() says both).
WORDS = {"på_sporet": ("✔", N_("På sporet")), "ikke_på_sporet": ("✖", N_("Ikke på sporet")),
         "usikkert": ("≈", N_("Usikkert")), "for_tidlig": ("…", N_("For tidlig å si")),
         "ingen_data": ("–", N_("Ingen data"))}


def status_words(status: str) -> str:
    """«✔ På sporet»: a status's symbol and words in the current language."""
    return f"{WORDS[status][0]} {_(WORDS[status][1])}"


CSV_COLUMNS = ["indicator", "region_code", "region_name", "age", "category", "baseline_period",
               "baseline_value", "target_value", "target_year", "latest_period", "latest_value",
               "expected_value", "status"]


def targets(con, indicator_id: str | None = None) -> pd.DataFrame:
    """The targets in force: per indicator, place, age band and category the newest one (a
    revised target replaces the old, which stays in the store as history)."""
    return con.execute("""
        SELECT t.*, r.name AS region_name, r.level, s.file_name, s.loaded_at
        FROM targets t JOIN sources s USING (source_id) LEFT JOIN regions r ON r.code = t.region_code
        WHERE $ind IS NULL OR t.indicator = $ind
        QUALIFY row_number() OVER (PARTITION BY t.indicator, t.region_code, t.age, t.category
                                   ORDER BY t.source_id DESC) = 1
        ORDER BY t.indicator, t.region_code""", {"ind": indicator_id}).df()


def measures(con, region_codes: list[str] | None = None, indicator_id: str | None = None) -> pd.DataFrame:
    """Measures for the places (and an indicator they target, if given), newest start first."""
    return con.execute("""
        SELECT m.*, r.name AS region_name FROM measures m LEFT JOIN regions r ON r.code = m.region_code
        WHERE ($codes IS NULL OR list_contains($codes, m.region_code))
          AND ($ind IS NULL OR m.indicators = '' OR list_contains(string_split(m.indicators, ','), $ind))
        ORDER BY m.start_date DESC, m.name""",
        {"codes": region_codes, "ind": indicator_id}).df()


@dataclass
class Progress:
    """One target and where the newest figure stands against its path."""
    indicator: Indicator
    region_code: str
    region_name: str
    age: str
    category: str
    baseline_period: str
    baseline_value: float | None
    target_value: float
    target_year: int
    decided_by: str
    decided_on: dt.date | None = None
    latest_period: str | None = None
    latest_value: float | None = None
    interval: tuple[float, float] | None = None
    expected_value: float | None = None
    status: str = "ingen_data"

    @property
    def symbol(self) -> str:
        return WORDS[self.status][0]

    @property
    def status_text(self) -> str:
        """«✔ På sporet»: symbol and words, never colour alone."""
        return status_words(self.status)

    @property
    def label(self) -> str:
        """«Mål 2030: 8,0 %» (beside the target point)."""
        return _("Mål {year}: {value}").format(year=self.target_year,
                                               value=fmt.value(self.target_value, self.indicator))

    @property
    def words(self) -> str:
        return _(WORDS[self.status][1])

    def sentence(self) -> str:
        """«Skien har som mål at andelen unge utenfor arbeid og utdanning skal ned til 8,0 % innen
        2030 (vedtatt av Skien bystyre). I 2024 var den 10,5 %, over banen mot målet (9,6 %).»"""
        ind = self.indicator
        subject = fmt.lower_first(fmt.subject(ind, self.age, self.category))
        goal = (_("{place} har som mål at {subject} skal ned til {value} innen {year} "
                  "(vedtatt av {who}).") if ind.better == "lower" else
                _("{place} har som mål at {subject} skal opp til {value} innen {year} "
                  "(vedtatt av {who}).")).format(
            place=self.region_name, subject=subject, value=fmt.value(self.target_value, ind),
            year=self.target_year, who=self.decided_by)
        if self.latest_value is None or self.latest_period is None:
            return _("{goal} Det finnes ingen tall etter basisperioden ennå.").format(goal=goal)
        # antallet / andelen
        was = (_("{when} var det {value}") if ind.kind == "count" else _("{when} var den {value}")).format(
            when=fmt.upper_first(fmt.period_phrase(self.latest_period)),
            value=fmt.value(self.latest_value, ind))
        if self.status == "for_tidlig" or self.expected_value is None:
            return _("{goal} {was}; det er for tidlig å si om utviklingen følger banen mot målet.").format(
                goal=goal, was=was)
        expected = fmt.value(self.expected_value, ind)
        if self.status == "usikkert":
            template = _("{goal} {was}, nær banen mot målet ({expected}); forskjellen kan være tilfeldig.")
        else:
            d = round(self.latest_value - self.expected_value, fmt.decimals_for(ind))
            template = _("{goal} {was}, over banen mot målet ({expected}).") if d > 0 else \
                _("{goal} {was}, under banen mot målet ({expected}).") if d < 0 else \
                _("{goal} {was}, på banen mot målet ({expected}).")
        return template.format(goal=goal, was=was, expected=expected)


def expected(baseline_value: float, baseline_year: int, target_value: float, target_year: int,
             year: int) -> float:
    """Where the straight path from the baseline to the target is in `year`."""
    if target_year == baseline_year:
        return target_value
    share = (year - baseline_year) / (target_year - baseline_year)
    return baseline_value + (target_value - baseline_value) * min(max(share, 0.0), 1.0)


def judge(value: float, ci: tuple[float, float] | None, expected_value: float, better: str,
          decimals: int) -> str:
    """på_sporet / ikke_på_sporet / usikkert for a value (and interval) against the path."""
    if ci is not None and ci[0] <= expected_value <= ci[1]:
        return "usikkert"
    v, e = round(value, decimals), round(expected_value, decimals)
    good = v <= e if better == "lower" else v >= e
    return "på_sporet" if good else "ikke_på_sporet"


def _date(x) -> dt.date | None:
    return None if x is None or pd.isna(x) else pd.Timestamp(x).date()


def assess(con, t: dict) -> Progress:
    """The progress of one target row (targets())."""
    ind = indicators.get(t["indicator"])
    df = queries.series(con, ind.id, [t["region_code"]], age=t["age"], category=t["category"])
    known = df[df["status"].isin(fmt.KNOWN) & df["value"].notna()].sort_values("period")
    base = known[known["period"] == t["baseline_period"]]
    p = Progress(indicator=ind, region_code=t["region_code"],
                 region_name=t.get("region_name") or t["region_code"], age=t["age"],
                 category=t["category"], baseline_period=t["baseline_period"],
                 baseline_value=float(base["value"].iat[0]) if len(base) else None,
                 target_value=float(t["target_value"]), target_year=int(t["target_year"]),
                 decided_by=t["decided_by"], decided_on=_date(t.get("decided_on")))
    later = known[known["period"] > t["baseline_period"]]
    if p.baseline_value is None or later.empty:
        return p
    last = later.iloc[-1]
    p.latest_period, p.latest_value = str(last["period"]), float(last["value"])
    if ind.kind == "share":
        p.interval = fmt.wilson(last.get("numerator"), last.get("denominator"))
    if len(later) < MIN_PERIODS:
        p.status = "for_tidlig"
        return p
    base_year = periods.year(p.baseline_period) or p.target_year
    p.expected_value = expected(p.baseline_value, base_year, p.target_value, p.target_year,
                                periods.year(p.latest_period) or base_year)
    p.status = judge(p.latest_value, p.interval, p.expected_value, ind.better, fmt.decimals_for(ind))
    return p


def assess_all(con, indicator_id: str | None = None, level: str | None = None) -> list[Progress]:
    rows = targets(con, indicator_id)
    if level:
        rows = rows[[regions.level_of(c) == level for c in rows["region_code"]]]
    return [assess(con, r) for r in rows.to_dict("records")]


def path(p: Progress) -> list[tuple[str, float]]:
    """The path as (period, expected value), one point a year from the baseline period to the
    target year (the same month or school year each year), for charts and tables."""
    base_year = periods.year(p.baseline_period)
    if p.baseline_value is None or base_year is None:
        return []
    return [(periods.shift_years(p.baseline_period, k),
             expected(p.baseline_value, base_year, p.target_value, p.target_year, base_year + k))
            for k in range(0, p.target_year - base_year + 1)]


def for_view(con, region_code: str, indicator_id: str, age: str | None, category: str) -> Progress | None:
    """The target in force for one place and selection (None when there is none)."""
    t = targets(con, indicator_id)
    t = t[(t["region_code"] == region_code) & (t["age"] == (age or indicators.get(indicator_id).default_age))
          & (t["category"] == (category or "alle"))]
    return assess(con, t.to_dict("records")[0]) if len(t) else None


# --- words shared by the pages and the exports ------------------------------------------------

# Bokmål constants: shown through _() (responsible_text(), path_rule(), status_rule(), rules()).
RESPONSIBLE_WORDS = {"kommune": N_("Kommunen"), "nav": N_("NAV"), "ot": N_("OT (oppfølgingstjenesten)"),
                     "fylkeskommunen": N_("Fylkeskommunen"), "frivillige": N_("Frivillige"),
                     "andre": N_("Andre")}
OPEN_END = N_("pågår")

PATH_RULE = N_("Banen mot målet er en rett linje fra verdien i basisperioden (fra dataene) til "
               "målverdien i målåret. Det nyeste tallet sammenlignes med der banen er det året, i den "
               "retningen som er bedre for indikatoren.")
# «{n}» is MIN_PERIODS (status_rule() fills it in).
STATUS_RULES = {
    "på_sporet": N_("Det nyeste tallet (hele 95 %-intervallet når antallene er kjent) er på banen "
                    "eller på den gode siden av den."),
    "ikke_på_sporet": N_("Det nyeste tallet (hele 95 %-intervallet) er på den dårlige siden av banen."),
    "usikkert": N_("95 %-intervallet rundt det nyeste tallet krysser banen: forskjellen kan være "
                   "tilfeldig."),
    "for_tidlig": N_("Færre enn {n} perioder med tall etter basisperioden."),
    "ingen_data": N_("Ingen tall for basisperioden eller ingen nyere tall."),
}


def path_rule() -> str:
    """PATH_RULE in the current language."""
    return _(PATH_RULE)


def status_rule(status: str) -> str:
    """A status's rule (STATUS_RULES) in the current language."""
    return _(STATUS_RULES[status]).format(n=MIN_PERIODS)


def chart_note(p: Progress) -> str:
    """What a chart with the path says about it (in its caption and under every image)."""
    ind = p.indicator
    head = _("{target} ({status}), vedtatt av {who}.").format(
        target=p.label, status=p.status_text, who=p.decided_by)
    if p.baseline_value is None:
        return _("{head} Ingen bane: ingen tall for basisperioden {period}").format(
            head=head, period=fmt.period(p.baseline_period))
    return _("{head} Stiplet svart linje: banen mot målet, en rett linje fra {period} ({value}) "
             "til målet").format(head=head, period=fmt.period(p.baseline_period),
                                 value=fmt.value(p.baseline_value, ind))


def rules() -> list[tuple[str, str]]:
    """(label, text): the path rule and each status with its symbol, for the page, the Excel
    sheet «Forutsetninger» and LESMEG."""
    return [(_("Banen mot målet"), path_rule())] + [
        (status_words(s), status_rule(s)) for s in STATUSES]


def _date_text(d) -> str:
    """2023 (1 January), «mars 2023» (first of a month) or 12.03.2023."""
    d = _date(d)
    if d is None:
        return ""
    if d.day == 1 and d.month == 1:
        return str(d.year)
    if d.day == 1:
        return f"{periods.month_name(d.month)} {d.year}"
    return periods.date_text(d) if i18n.current() == "en" else d.strftime("%d.%m.%Y")


def measure_period(start, end) -> str:
    """«2023–2025», «mars 2023 – juni 2024» or «fra 2023 (pågår)» for an open end."""
    a, b = _date_text(start), _date_text(end)
    if not b:
        return _("fra {start} (pågår)").format(start=a)
    if a == b:
        return a
    return f"{a}{fmt.DASH}{b}" if " " not in a + b else f"{a} {fmt.DASH} {b}"


def responsible_text(code) -> str:
    word = RESPONSIBLE_WORDS.get(str(code or ""))
    return _(word) if word else str(code or "")


def category_text(code) -> str:
    return indicators.measure_categories().get(str(code or ""), str(code or ""))


def measure_line(m: dict) -> str:
    """«Ungdomslos (fra 2023 (pågår); ansvarlig: Kommunen; Samhandling (Vestfold og Telemark))»:
    one measure in one line, for slides and LESMEG."""
    bits = [measure_period(m.get("start_date"), m.get("end_date"))]
    if m.get("responsible"):
        bits.append(_("ansvarlig: {who}").format(who=responsible_text(m["responsible"])))
    if m.get("category"):
        bits.append(category_text(m["category"]))
    return f"{m['name']} ({'; '.join(bits)})"
