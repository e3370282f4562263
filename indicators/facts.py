"""Min kommune's facts: which indicator stands for each family, what is known about it for one
municipality, and the lines that say so. Pure pandas, no Streamlit, no SQL.

The page (app_pages/min_kommune.py) and the exports (exports.kommune: the presentation and the
"Saksvedlegg") both take their lines from fact_lines(), so they cannot say different things."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators import format as fmt
from indicators import views
from vocab import indicators
from vocab.indicators import Indicator
from vocab.regions import NORWAY


def family_choice(ids: list[str], municipality: str, *, ages, periods, series) -> tuple | None:
    """Which (indicator, age, category) stands for a family on Min kommune and in the deck: the
    first of `ids` (its total before its parts, e.g. NAV 'helt ledige' when only that is
    published; its default age band if the store has it) with a known value for the
    municipality; else the first with any data; None if none. The readers are passed in
    (cached on the page, a connection in the exports): ages(id), periods(id, age, category),
    series(id, regions, age=, category=)."""
    first = None
    for i in ids:
        ind = indicators.get(i)
        found = ages(i)
        age = ind.default_age if (ind.default_age in found or not found) else found[0]
        for cat in ["alle"] + [c for c in ind.categories if c != "alle"]:
            if not periods(i, age, cat):
                continue
            first = first or (i, age, cat)
            if views.has_known(series(i, [municipality], age=age, category=cat), municipality):
                return i, age, cat
    return first


@dataclass
class Facts:
    """Everything Min kommune says about one indicator for one municipality."""
    indicator: Indicator
    place: str
    period: str | None
    row: dict | None
    previous: dict | None = None
    five: dict | None = None
    county: dict | None = None
    national: dict | None = None
    age: str | None = None
    category: str = "alle"
    last_known: dict | None = None      # the municipality's newest row with a known value

    @property
    def has_value(self) -> bool:
        return bool(self.row) and self.row.get("status") in fmt.KNOWN and self.row.get("value") is not None

    @property
    def value_text(self) -> str:
        if not self.row:
            return "Ingen data"
        return fmt.value(self.row.get("value"), self.indicator, self.row.get("status"))

    @property
    def interval(self):
        return views.ci_of(self.row)

    @property
    def since(self) -> str:
        """'siden 2023': what the change is measured from ('' without a period)."""
        if self.period is None:
            return ""
        return f"siden {fmt.period(views.previous_period(self.period, self.indicator.period_type))}"

    def change(self, other: dict | None) -> float | None:
        """The change from `other` to this period, rounded as shown (None when unknown)."""
        if not self.has_value or not other or other.get("status") not in fmt.KNOWN \
                or other.get("value") is None:
            return None
        return round(self.row["value"] - other["value"], fmt.decimals_for(self.indicator))

    def change_text(self, other: dict | None) -> str:
        d = self.change(other)
        return "" if d is None else fmt.change(d, self.indicator)

    def change_style(self, other: dict | None) -> tuple[str, str]:
        """(colour, arrow) for st.metric's delta. Set explicitly: the text uses a real minus
        sign («−1,4»), which Streamlit would read as a rise."""
        d = self.change(other)
        if not d:
            return "off", "off"
        better = (d < 0) == (self.indicator.better == "lower")
        return ("green" if better else "red"), ("up" if d > 0 else "down")

    def comparison(self, ref: dict | None):
        if not self.has_value or not ref or ref.get("status") not in fmt.KNOWN:
            return None
        return fmt.compare(self.row["value"], ref.get("value"), ci_a=self.interval,
                           ci_b=views.ci_of(ref))

    def comparison_label(self, ref: dict | None, ref_name: str) -> str:
        if not self.has_value:
            return ""
        if not ref or ref.get("status") not in fmt.KNOWN:
            why = fmt.status_word((ref or {}).get("status") or "missing")
            return f"Ingen sammenligning med {ref_name}: tallet {why}"
        if self.indicator.kind == "count":     # a count is not compared, only put in proportion
            total = fmt.value(ref["value"], self.indicator)
            share = 100 * self.row["value"] / ref["value"] if ref.get("value") else None
            if share is None:
                return f"{fmt.upper_first(ref_name)} i alt: {total}"
            part = "under 0,1 %" if share < 0.05 else fmt.percent(share)
            return f"{fmt.upper_first(ref_name)} i alt: {total} ({self.place} er {part} av dette)"
        return fmt.comparison_label(self.comparison(ref), ref_name,
                                    fmt.value(ref.get("value"), self.indicator))

    def sentence(self, reference_name: str = "landet") -> str:
        return fmt.sentence(self.indicator, self.place, self.row, period_=self.period,
                            age=self.age, category=self.category, reference=self.national,
                            reference_name=reference_name, previous=self.previous)


def facts(ind: Indicator, df: pd.DataFrame, municipality: str, *, county: str | None,
          period: str | None, age: str | None = None, category: str = "alle",
          place: str | None = None) -> Facts:
    """Facts for `municipality` in `period` from a series frame holding the municipality,
    its county and Norway over all periods."""
    if place is None:
        m = df[df["region_code"] == municipality]["region_name"]
        place = m.iloc[0] if len(m) else municipality
    f = Facts(indicator=ind, place=place, period=period, row=None, age=age, category=category)
    if period is None:
        return f
    idx = views.index_rows(df)
    f.row = views.row_for(idx, municipality, period)
    f.previous = views.row_for(idx, municipality, views.previous_period(period, ind.period_type))
    f.five = views.row_for(idx, municipality, views.shift_years(period, -5))
    f.county = views.row_for(idx, county, period) if county else None
    f.national = views.row_for(idx, NORWAY, period)
    f.last_known = views.row_for(idx, municipality, views.latest_known(df, municipality))
    return f


# --- the lines -------------------------------------------------------------------------------

@dataclass(frozen=True)
class FactLine:
    """One line beside a family's chart: «label: value after». `value` is the figure (bold on
    the page); a line that is only words has it empty. `kind` says which fact the line is:
    value, interval, change, five_years, county, national, suppressed, last_known."""
    kind: str
    label: str
    value: str = ""
    after: str = ""

    @property
    def text(self) -> str:
        """The line as plain text (the presentation, tests)."""
        s = f"{self.label}: {self.value}" if self.value and self.label else (self.label or self.value)
        return f"{s} {self.after}" if self.after else s


def fact_lines(f: Facts, county_name: str | None) -> list[FactLine]:
    """The lines Min kommune shows for one family, in order. The first (kind «value») is the
    figure for the period — the page shows it as the metric, the presentation as a line. With a
    figure: the interval (shares with counts), the change since the previous period and over five
    years, the comparison with the county (when named) and with Norway. Without one: why (a
    suppressed figure) and the last known figure."""
    ind = f.indicator
    period = fmt.period(f.period) if f.period is not None else ""
    out = [FactLine("value", fmt.upper_first(period), f.value_text)]
    if f.has_value:
        ci = f.interval
        if ci:
            out.append(FactLine("interval", "95 % usikkerhetsintervall", fmt.interval(ci)))
        out.append(FactLine("change", f"Endring {f.since}", f.change_text(f.previous) or "ingen tall"))
        five = fmt.period(views.shift_years(f.period, -5))
        out.append(FactLine("five_years", f"Endring over fem år (siden {five})",
                            f.change_text(f.five) or "ingen tall"))
        if county_name:
            out.append(FactLine("county", f.comparison_label(f.county, county_name)))
        out.append(FactLine("national", f.comparison_label(f.national, "landet")))
        return [x for x in out if x.label or x.value]
    if f.row and f.row.get("status") == "suppressed":
        out.append(FactLine("suppressed", "Tallet er skjermet fordi det gjelder få personer."))
    last = f.last_known
    if last and f.period is not None:
        out.append(FactLine("last_known", "Siste kjente tall",
                            fmt.value(last["value"], ind, last["status"]),
                            f"({fmt.period(last['period'])})"))
    return out
