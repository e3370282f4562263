"""Min kommune's facts: which indicator stands for each family, what is known about it for one
municipality, and the lines that say so. Pure pandas, no Streamlit, no SQL.

The page (app_pages/min_kommune.py) and the exports (exports.kommune: the presentation and the
"Saksvedlegg") both take their lines from fact_lines(), so they cannot say different things.

Symbols keep their word. ▲/▼ against the county or Norway only when a 95 % interval says the
difference is sure (format.compare); a municipality that is its own county (Oslo) is compared
with Norway only. A change over time is tested before it is called a rise or a fall
(change_verdict: a two-proportion test for shares, a Poisson test for counts), and a change in
fewer than SMALL_POPULATION people is said not to be readable; only a sure change is coloured."""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from geo import codes as geocodes
from geo import regions as georegions
from indicators import format as fmt
from indicators import views
from vocab import indicators
from vocab.i18n import _, ngettext
from vocab.indicators import Indicator
from vocab.numbers import is_missing
from vocab.regions import NORWAY

# Below this many people in the age band (the share's denominator, in either period) a change
# is not read: one or two persons move a small municipality's share by whole points (Tokke,
# 373 people, «spikes» in 2020). Said beside the change, never coloured.
SMALL_POPULATION = 1000


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


@lru_cache(maxsize=1)
def _county_members() -> dict[str, frozenset[str]]:
    """County code → the municipalities in it, in the 2020 and 2024 reference lists."""
    out: dict[str, set[str]] = {}
    for table in (geocodes.municipalities_2020(), geocodes.municipalities_2024()):
        for code, r in table.items():
            out.setdefault(r["county_code"], set()).add(code)
    return {k: frozenset(v) for k, v in out.items()}


def own_county(municipality: str, county: str | None) -> bool:
    """The municipality is its county's only one, so the county's figure is its own (Oslo, 0301
    in county 03): it is compared with Norway only, never with itself."""
    return bool(county) and _county_members().get(county or "") == frozenset({municipality})


def change_verdict(ind: Indicator, now: dict | None, before: dict | None) -> str | None:
    """Whether the change from `before` to `now` is sure, at the 95 % level: rise | fall (sure),
    unsure (the test cannot tell it from chance, or no change shown), small (a share of fewer
    than SMALL_POPULATION people in either period: not read), untested (a share without counts);
    None when either figure is unknown.

    A share (numerator of denominator) by the two-proportion z-test with pooled variance; a count
    by the same test for two Poisson counts, z = (k1 − k0) / √(k1 + k0)."""
    if not now or not before or any(r.get("status") not in fmt.KNOWN or is_missing(r.get("value"))
                                    for r in (now, before)):
        return None
    shown = round(float(now["value"]) - float(before["value"]), fmt.decimals_for(ind))
    if ind.kind == "share":
        raw = [(r.get("numerator"), r.get("denominator")) for r in (now, before)]
        if any(is_missing(k) or is_missing(n) for k, n in raw):
            return "untested"
        (k1, n1), (k0, n0) = counts = [(float(k), float(n)) for k, n in raw]   # type: ignore[arg-type]
        if min(n1, n0) <= 0 or any(not 0 <= k <= n for k, n in counts):
            return "untested"
        if min(n1, n0) < SMALL_POPULATION:
            return "small"
        pooled = (k1 + k0) / (n1 + n0)
        se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0))
        z = (k1 / n1 - k0 / n0) / se if se > 0 else 0.0
    else:
        k1, k0 = float(now["value"]), float(before["value"])
        z = (k1 - k0) / math.sqrt(k1 + k0) if k1 + k0 > 0 else 0.0
    if shown == 0 or abs(z) < fmt.Z95:
        return "unsure"
    return "rise" if shown > 0 else "fall"


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
    own_county: bool = False            # the municipality is its county (Oslo): no county line

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

    def change_verdict(self, other: dict | None) -> str | None:
        """change_verdict() for the change from `other` to this period (None when change() is)."""
        if self.change(other) is None:
            return None
        return change_verdict(self.indicator, self.row, other)

    def change_words(self, other: dict | None) -> str:
        """What the change is, said beside it: «(sikker økning)», «(ingen sikker endring)»,
        «(endringen kan ikke leses pålitelig: bare 373 personer i aldersgruppen)»."""
        verdict = self.change_verdict(other)
        if verdict == "small":
            n = int(min(float((r or {})["denominator"]) for r in (self.row, other)))
            return ngettext("(endringen kan ikke leses pålitelig: bare {n} person i aldersgruppen)",
                            "(endringen kan ikke leses pålitelig: bare {n} personer i aldersgruppen)",
                            n).format(n=fmt.number(n))
        words = {"rise": _("(sikker økning)"), "fall": _("(sikker nedgang)"),
                 "unsure": _("(ingen sikker endring)"),
                 "untested": _("(uten feilmargin kan vi ikke si om endringen er sikker)")}
        return words.get(verdict or "", "")

    def change_style(self, other: dict | None) -> tuple[str, str]:
        """(colour, arrow) for st.metric's delta: coloured, with an arrow, only for a sure rise
        or fall (change_verdict); otherwise neutral. Set explicitly: the text uses a real minus
        sign («−1,4»), which Streamlit would read as a rise."""
        verdict = self.change_verdict(other)
        if verdict not in ("rise", "fall"):
            return "off", "off"
        better = (verdict == "fall") == (self.indicator.better == "lower")
        return ("green" if better else "red"), ("up" if verdict == "rise" else "down")

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
              split=split if split and split.code != municipality else None,
              own_county=own_county(municipality, county))
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
    f.county = views.row_for(idx, county, period) if county and not f.own_county else None
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
    period and over five years (never across a split; each said to be sure or not), the comparison
    with the county (when named, and not the municipality itself) and with Norway. Without one:
    why (a suppressed figure) and the last known figure."""
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
        if county_name and not f.own_county:
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
    text = f.change_text(other)
    return FactLine(kind, label, text or _("ingen tall"), f.change_words(other) if text else "")
