"""Min kommune's facts: which indicator stands for each family, what is known about it for one
municipality, and the lines that say so. Pure pandas, no Streamlit, no SQL.

The page (app_pages/min_kommune.py) and the exports (exports.kommune: the presentation and the
"Saksvedlegg") both take their lines from fact_lines(), so they cannot say different things."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from geo import regions as georegions
from indicators import format as fmt
from indicators import views
from vocab import indicators
from vocab.i18n import _
from vocab.indicators import Indicator
from vocab.regions import NORWAY


def family_choice(ids: list[str], municipality: str, *, ages, periods, series) -> tuple | None:
    """Which (indicator, age, category) stands for a family on Min kommune and in the deck.

    Young people first: an indicator of the family in its own age band (NAV's «under 30 år»)
    is chosen before any indicator in another band, so figures for all ages never stand in for
    the youth figure while a youth figure exists (they are used, and then said to be for all
    ages, only when the store has nothing else). Within that order: the first of `ids` (its
    total before its parts, e.g. NAV 'helt ledige' when only that is published) with a known
    value for the municipality (or, for a municipality split later, for the old municipality
    in its own years); else the first with any data; None if none. The readers are passed in
    (cached on the page, a connection in the exports): ages(id), periods(id, age, category),
    series(id, regions, age=, category=)."""
    own_band, other_bands = [], []
    for i in ids:
        ind = indicators.get(i)
        found = ages(i)
        if ind.default_age in found or not found:
            own_band.append((ind, ind.default_age))
        other_bands += [(ind, a) for a in found if a != ind.default_age]
    other_bands.sort(key=lambda x: fmt.is_all_ages(x[1]))      # another youth band before all ages
    codes = [municipality, *views.old_codes(municipality)]
    first = None
    for ind, age in own_band + other_bands:
        for cat in ["alle"] + [c for c in ind.categories if c != "alle"]:
            if not periods(ind.id, age, cat):
                continue
            first = first or (ind.id, age, cat)
            if views.has_known(series(ind.id, codes, age=age, category=cat), municipality,
                               views.old_codes(municipality)):
                return ind.id, age, cat
    return first


def family_heading(description: str, ind: Indicator, age: str | None, category: str = "alle") -> str:
    """A family's heading with the age band it is shown for, so the heading says whose figures
    they are: «Unge utenfor arbeid, utdanning og opplæring (NEET), 15–29 år»; for all ages
    «Arbeidssøkere hos NAV, alle aldre (ingen tall for unge under 30 år)». `description` is
    views.FAMILIES' bokmål (translated here)."""
    words = fmt.dimension_text(ind, age, category)
    description = _(description)
    if fmt.is_all_ages(age or ind.default_age):
        youth = fmt.dimension_text(ind, ind.default_age)
        return _("{description}, {selection} (ingen tall for unge {youth})").format(
            description=description, selection=words, youth=youth)
    return f"{description}, {words}"


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
    split: georegions.Split | None = None   # the split it came out of (1508 Ålesund: 1507)

    def is_old(self, row: dict | None) -> bool:
        """The row is the old municipality's (1507 for Ålesund or Haram in 2020–2023)."""
        return bool(row) and self.split is not None and (row or {}).get("region_code") == self.split.code

    def place_of(self, row: dict | None) -> str:
        """Where a row's figure is for: the municipality, or «det gamle Ålesund (1507: Ålesund
        og Haram)» for the old municipality's figure."""
        return self.split.old_place if self.is_old(row) and self.split else self.place

    @property
    def has_value(self) -> bool:
        row = self.row or {}
        return row.get("status") in fmt.KNOWN and row.get("value") is not None

    @property
    def value_text(self) -> str:
        if not self.row:
            return _("Ingen data")
        return fmt.value(self.row.get("value"), self.indicator, self.row.get("status"))

    @property
    def interval(self):
        return views.ci_of(self.row)

    @property
    def since(self) -> str:
        """'siden 2023': what the change is measured from ('' without a period)."""
        if self.period is None:
            return ""
        return _("siden {period}").format(
            period=fmt.period(views.previous_period(self.period, self.indicator.period_type)))

    def comparable(self, other: dict | None) -> bool:
        """`other` is for the same area as this period's figure (not the old municipality's
        figure for a later part of it, or the other way round)."""
        return not other or not self.row or self.is_old(other) == self.is_old(self.row)

    def change(self, other: dict | None) -> float | None:
        """The change from `other` to this period, rounded as shown (None when unknown or for
        another area: Ålesund alone in 2024 against the old Ålesund with Haram in 2023)."""
        if not self.has_value or not other or other.get("status") not in fmt.KNOWN \
                or other.get("value") is None or not self.comparable(other):
            return None
        return round((self.row or {})["value"] - other["value"], fmt.decimals_for(self.indicator))

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
        return fmt.compare((self.row or {})["value"], ref.get("value"), ci_a=self.interval,
                           ci_b=views.ci_of(ref))

    def comparison_label(self, ref: dict | None, ref_name: str) -> str:
        if not self.has_value:
            return ""
        if not ref or ref.get("status") not in fmt.KNOWN:
            why = fmt.status_word((ref or {}).get("status") or "missing")
            return _("Ingen sammenligning med {name}: tallet {status}").format(name=ref_name, status=why)
        if self.indicator.kind == "count":     # a count is not compared, only put in proportion
            total = fmt.value(ref["value"], self.indicator)
            share = 100 * (self.row or {})["value"] / ref["value"] if ref.get("value") else None
            if share is None:
                return _("{name} i alt: {total}").format(name=fmt.upper_first(ref_name), total=total)
            part = _("under 0,1 %") if share < 0.05 else fmt.percent(share)
            return _("{name} i alt: {total} ({place} er {share} av dette)").format(
                name=fmt.upper_first(ref_name), total=total, place=self.place, share=part)
        return fmt.comparison_label(self.comparison(ref), ref_name,
                                    fmt.value(ref.get("value"), self.indicator))

    def sentence(self, reference_name: str | None = None) -> str:
        previous = self.previous if self.comparable(self.previous) else None
        return fmt.sentence(self.indicator, self.place_of(self.row), self.row, period_=self.period,
                            age=self.age, category=self.category, reference=self.national,
                            reference_name=reference_name, previous=previous)


def facts(ind: Indicator, df: pd.DataFrame, municipality: str, *, county: str | None,
          period: str | None, age: str | None = None, category: str = "alle",
          place: str | None = None) -> Facts:
    """Facts for `municipality` in `period` from a series frame holding the municipality,
    its county and Norway over all periods (and, for a municipality split out of an older one,
    the old municipality: its figures stand for the area in its own years, said so)."""
    if place is None:
        m = df[df["region_code"] == municipality]["region_name"]
        place = m.iloc[0] if len(m) else municipality
    split = views.split_of(municipality)
    f = Facts(indicator=ind, place=place, period=period, row=None, age=age, category=category,
              split=split if split and split.code != municipality else None)
    if period is None:
        return f
    idx = views.index_rows(df)
    old = views.old_codes(municipality)

    def mine(p: str | None) -> dict | None:
        r = views.row_for(idx, municipality, p)
        return r if r is not None else next(
            (x for c in old if (x := views.row_for(idx, c, p)) is not None), None)

    f.row = mine(period)
    f.previous = mine(views.previous_period(period, ind.period_type))
    f.five = mine(views.shift_years(period, -5))
    f.county = views.row_for(idx, county, period) if county else None
    f.national = views.row_for(idx, NORWAY, period)
    f.last_known = mine(views.latest_known(df, municipality, old))
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
    figure for the period — the page shows it as the metric, the presentation as a line; it says
    in the same line when the figure is for all ages, or for the old municipality a split one
    came from. With a figure: the interval (shares with counts), the change since the previous
    period and over five years (never across a split), the comparison with the county (when
    named) and with Norway. Without one: why (a suppressed figure) and the last known figure."""
    ind = f.indicator
    period = fmt.period(f.period) if f.period is not None else ""
    out = [FactLine("value", fmt.upper_first(period), f.value_text, whose(f, f.row))]
    if f.has_value:
        ci = f.interval
        if ci:
            out.append(FactLine("interval", _("95 % usikkerhetsintervall"), fmt.interval(ci)))
        before = fmt.period(views.previous_period(f.period, ind.period_type)) if f.period else ""
        out.append(_change_line(f, "change", _("Endring siden {period}").format(period=before),
                                f.previous))
        five = fmt.period(views.shift_years(f.period, -5)) if f.period else ""
        out.append(_change_line(f, "five_years",
                                _("Endring over fem år (siden {period})").format(period=five), f.five))
        if county_name:
            out.append(FactLine("county", f.comparison_label(f.county, county_name)))
        out.append(FactLine("national", f.comparison_label(f.national, _("landet"))))
        return [x for x in out if x.label or x.value]
    if f.row and f.row.get("status") == "suppressed":
        out.append(FactLine("suppressed", _("Tallet er skjermet fordi det gjelder få personer.")))
    last = f.last_known
    if last and f.period is not None:
        out.append(FactLine("last_known", _("Siste kjente tall"),
                            fmt.value(last["value"], ind, last["status"]),
                            " ".join(x for x in (f"({fmt.period(last['period'])})",
                                                 whose(f, last)) if x)))
    return out


def whose(f: Facts, row: dict | None, *, age: bool = True) -> str:
    """What a figure is for when it is not the municipality's youth figure, said beside it:
    «(alle aldre, ikke bare unge)», «(det gamle Ålesund med Haram)». `age=False` where the line
    names the age band already (the page's metric label)."""
    bits = []
    if age and fmt.is_all_ages(f.age or f.indicator.default_age):
        bits.append(_("alle aldre, ikke bare unge"))
    if f.is_old(row) and f.split:
        bits.append(f.split.old_area)
    return f"({'; '.join(bits)})" if bits else ""


def _change_line(f: Facts, kind: str, label: str, other: dict | None) -> FactLine:
    if other and f.split and not f.comparable(other) and other.get("status") in fmt.KNOWN:
        return FactLine(kind, label, _("kan ikke sammenlignes"),
                        _("({name} ble delt 1. januar {year})").format(name=f.split.name,
                                                                       year=f.split.last_year + 1))
    return FactLine(kind, label, f.change_text(other) or _("ingen tall"))
