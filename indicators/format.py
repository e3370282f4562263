"""Sentences, captions and comparisons for the views and exports, in the current language
(vocab.i18n; bokmål is the source).

Numbers, periods, statuses and names follow the one convention in vocab (decimal comma, NBSP
thousands separator, real minus sign); they are imported here so a view needs one `fmt`.
Everything here is pure: no Streamlit, no database.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime

from vocab import indicators
from vocab.i18n import N_, _, ngettext
from vocab.indicators import Indicator
from vocab.numbers import DASH, MINUS, NBSP, PLOTLY_SEPARATORS, number, percent, signed  # noqa: F401
from vocab.numbers import is_missing as _missing
from vocab.periods import MONTHS  # noqa: F401
from vocab.periods import date_text as period_date
from vocab.periods import phrase as period_phrase
from vocab.periods import short as period_short  # noqa: F401
from vocab.periods import span as period_range  # noqa: F401
from vocab.periods import text as period
from vocab.periods import year as period_year  # noqa: F401
from vocab.status import VALUE_STATUSES as KNOWN
from vocab.status import long as status_long  # noqa: F401
from vocab.status import word as status_word
from vocab.text import fold, listing, lower_first, slug, upper_first  # noqa: F401


def decimals_for(ind: Indicator) -> int:
    return 1 if ind.kind == "share" else 0


def value(x, ind: Indicator, status: str | None = "ok") -> str:
    """A value as shown: '11,7 %' / '1 234', or the status word when there is no value."""
    if status and status not in KNOWN:
        return status_word(status)
    if _missing(x):
        return status_word("missing")
    return percent(x) if ind.kind == "share" else number(x)


def change(delta, ind: Indicator) -> str:
    """A difference between two values: '+1,2 prosentpoeng' / '−12 personer'."""
    if _missing(delta):
        return DASH
    if ind.kind == "share":
        return _("{n} prosentpoeng").format(n=signed(delta, 1))
    k = abs(round(float(delta)))
    return ngettext("{n} person", "{n} personer", k).format(n=signed(delta, 0))


# --- uncertainty and comparison --------------------------------------------------------------

Z95 = 1.959963984540054


def wilson(k, n, z: float = Z95) -> tuple[float, float] | None:
    """Wilson score interval for k of n, in percent; None when k/n are unknown or invalid."""
    if _missing(k) or _missing(n):
        return None
    k, n = float(k), float(n)
    if n <= 0 or k < 0 or k > n:
        return None
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    lo = 0.0 if k == 0 else max(0.0, centre - half)       # exact ends, no 1e-16 residue
    hi = 1.0 if k == n else min(1.0, centre + half)
    return lo * 100, hi * 100


def interval(ci: tuple[float, float] | None) -> str:
    """'10,9–12,4 %' (or '–' without an interval)."""
    if ci is None:
        return DASH
    return f"{number(ci[0], 1)}{DASH}{percent(ci[1], 1)}"


@dataclass(frozen=True)
class Comparison:
    """How a value stands against a reference. `direction`: higher | lower | uncertain | same.
    `tested` is True when the verdict rests on a 95 % interval (numerator/denominator known)."""
    direction: str
    tested: bool

    @property
    def symbol(self) -> str:
        """▲/▼ mean a sure difference, so they are only for a tested one: an untested higher or
        lower has no symbol (its words say it is not known to be sure)."""
        if self.direction in ("higher", "lower") and not self.tested:
            return ""
        return SYMBOLS[self.direction]


SYMBOLS = {"higher": "▲", "lower": "▼", "uncertain": "≈", "same": "="}


def compare(value_a, value_b, *, ci_a=None, ci_b=None, decimals: int = 1) -> Comparison | None:
    """Compare a with b. With both intervals: different only when they do not overlap
    (conservative; says 'ikke sikker forskjell' otherwise). With only a's interval (a reference
    published without counts, such as a total for the country): different only when a's
    interval leaves out b's value. Without a's interval: by the shown values, untested."""
    if _missing(value_a) or _missing(value_b):
        return None
    if ci_a is not None:
        lo_b, hi_b = ci_b if ci_b is not None else (float(value_b), float(value_b))
        if ci_a[0] > hi_b:
            return Comparison("higher", True)
        if ci_a[1] < lo_b:
            return Comparison("lower", True)
        return Comparison("uncertain", True)
    a, b = round(float(value_a), decimals), round(float(value_b), decimals)
    if a == b:
        return Comparison("same", False)
    return Comparison("higher" if a > b else "lower", False)


def comparison_words(cmp: Comparison | None, ref_name: str, ref_text: str) -> str:
    """'høyere enn landet (9,7 %)', 'ikke sikker forskjell fra Telemark (11,1 %)'."""
    if cmp is None:
        return ""
    template = {"higher": _("høyere enn {name} ({value})"),
                "lower": _("lavere enn {name} ({value})"),
                "same": _("det samme som {name} ({value})"),
                "uncertain": _("ikke sikker forskjell fra {name} ({value})")}[cmp.direction]
    return template.format(name=ref_name, value=ref_text)


def comparison_label(cmp: Comparison | None, ref_name: str, ref_text: str) -> str:
    """Symbol and words (never colour alone): '▲ Høyere enn landet (9,7 %)'. Without an
    interval no sure-symbol, and the words say so: 'Høyere enn landet (2,3 %), men uten
    feilmargin kan vi ikke si om forskjellen er sikker'."""
    if cmp is None:
        return _("Kan ikke sammenligne med {name}: mangler tall").format(name=ref_name)
    if not cmp.tested and cmp.direction in ("higher", "lower"):
        template = _("Høyere enn {name} ({value}), men uten feilmargin kan vi ikke si om "
                     "forskjellen er sikker") if cmp.direction == "higher" else \
            _("Lavere enn {name} ({value}), men uten feilmargin kan vi ikke si om forskjellen "
              "er sikker")
        return template.format(name=ref_name, value=ref_text)
    return f"{cmp.symbol} {upper_first(comparison_words(cmp, ref_name, ref_text))}"


# --- sentences -------------------------------------------------------------------------------

# How each indicator is named inside a sentence: «{age}» is its age band, always said, so a
# figure for all ages can never read as the youth figure. Translated where used (subject()).
SUBJECTS = {
    "neet": N_("Andelen unge {age} utenfor arbeid og utdanning"),
    "ufore": N_("Andelen uføre blant unge {age}"),
    "ot_tilmeldt": N_("Antallet unge {age} registrert i Oppfølgingstjenesten"),
    "arbeidssokere": N_("Antallet arbeidssøkere {age}"),
    "arbeidssokere_andel": N_("Andelen arbeidssøkere {age}"),
}
# The same for a figure for all ages: «unge i alle aldre» says nothing.
SUBJECTS_ALL_AGES = {
    "neet": N_("Andelen {age} utenfor arbeid og utdanning"),
    "ufore": N_("Andelen uføre blant {age}"),
    "ot_tilmeldt": N_("Antallet {age} registrert i Oppfølgingstjenesten"),
}

# Age bands that are not young people: a figure for them is said to be for all ages.
ALL_AGES = ("alle", "15-74", "15+")


def is_all_ages(age: str | None) -> bool:
    return age in ALL_AGES


def age_words(ind: Indicator, age: str | None = None) -> str:
    """The age band as said in a sentence: '15–29 år', 'under 30 år', 'i alle aldre'."""
    a = age or ind.default_age
    words = lower_first(indicators.label("age", a))
    return _("i {age}").format(age=words) if a == "alle" else words


def subject(ind: Indicator, age: str | None = None, category: str = "alle") -> str:
    """'Andelen unge 15–29 år utenfor arbeid og utdanning', 'Antallet arbeidssøkere i alle
    aldre (helt ledige)': the indicator with its age band (and category) in the same words."""
    a = age or ind.default_age
    if is_all_ages(a) and ind.id in SUBJECTS_ALL_AGES:
        template = _(SUBJECTS_ALL_AGES[ind.id])
    elif ind.id in SUBJECTS:
        template = _(SUBJECTS[ind.id])
    else:
        template = _("Verdien for «{name}», {age}")
    s = template.format(age=age_words(ind, a), name=ind.short)
    if category and category != "alle":
        s += f" ({indicators.label('category', category).lower()})"
    return s


def sentence(ind: Indicator, place: str, row: dict | None, *, period_: str | None = None,
             age: str | None = None, category: str = "alle", reference: dict | None = None,
             reference_name: str | None = None, previous: dict | None = None) -> str:
    """The plain sentence for Min kommune, e.g.
    'Andelen unge utenfor arbeid og utdanning i Skien var 11,7 % i 2022, høyere enn landet (9,7 %).'

    `row`/`reference`/`previous` are dicts with value, numerator, denominator, status, period.
    Shares are compared with the reference (Wilson intervals where known); counts say how they
    moved since `previous` (counts of different-sized places are not compared)."""
    subj = subject(ind, age, category)
    reference_name = _("landet") if reference_name is None else reference_name
    p = (row or {}).get("period") or period_
    when = period_phrase(p) if p else ""
    status = (row or {}).get("status") or "missing"
    if row is None or status not in KNOWN or _missing(row.get("value")):
        if status == "suppressed":
            return _("{subject} i {place} er skjermet {when}: for få personer til at tallet "
                     "kan vises.").format(subject=subj, place=place, when=when).replace("  ", " ")
        return _("Ingen data for {place} {when}.").format(place=place, when=when).replace(" .", ".")
    s = _("{subject} i {place} var {value} {when}").format(
        subject=subj, place=place, value=value(row["value"], ind), when=when)
    extra = ""
    if status == "provisional":
        extra = " " + _("(foreløpig tall)")
    elif status == "break":
        extra = " " + _("(brudd i serien: sammenlign med forsiktighet)")
    clause = ""
    if ind.kind == "share" and reference and reference.get("status") in KNOWN:
        cmp = compare(row["value"], reference.get("value"),
                      ci_a=wilson(row.get("numerator"), row.get("denominator")),
                      ci_b=wilson(reference.get("numerator"), reference.get("denominator")))
        clause = comparison_words(cmp, reference_name, value(reference.get("value"), ind))
    elif ind.kind == "count" and previous and previous.get("status") in KNOWN:
        d = float(row["value"]) - float(previous["value"])
        when_prev = period(previous.get("period"))
        if round(d) == 0:
            clause = _("like mange som i {period}").format(period=when_prev)
        else:
            one = round(abs(d)) == 1
            if d > 0:
                template = _("én mer enn i {period} ({previous})") if one else \
                    _("{n} flere enn i {period} ({previous})")
            else:
                template = _("én færre enn i {period} ({previous})") if one else \
                    _("{n} færre enn i {period} ({previous})")
            clause = template.format(n=number(abs(d)), period=when_prev,
                                     previous=number(previous["value"]))
    return f"{s}{extra}{', ' + clause if clause else ''}."


# --- captions and names ----------------------------------------------------------------------

@dataclass(frozen=True)
class Provenance:
    """Where the figures a view shows come from (indicators.queries.provenance): the products of
    the releases shown as the store names them ('SSB tabell 13563', 'SSB tabell 13556 og 13563',
    a format's name), when the newest of them came into Innenfor, and whether any is demo."""
    products: tuple[str, ...] = ()
    loaded: datetime | None = None
    demo: bool = False


def provenance_of(rows) -> Provenance | None:
    """The Provenance of source rows (queries.sources_for's frame, or dicts with product,
    loaded_at, is_demo); None without any."""
    rows = rows.to_dict("records") if hasattr(rows, "to_dict") else list(rows or ())
    if not rows:
        return None
    products = tuple(sorted({str(r.get("product") or "") for r in rows if not r.get("is_demo")} - {""}))
    loaded = [t for r in rows if not r.get("is_demo")
              and isinstance(t := r.get("loaded_at"), datetime) and t == t]      # (not NaT)
    return Provenance(products, max(loaded) if loaded else None, any(bool(r.get("is_demo")) for r in rows))


_SSB_TABLE = re.compile(r"^SSB tabell (\d{5}(?: og \d{5})*)$")


def source_line(ind: Indicator, provenance: Provenance | None = None) -> str:
    """«Kilde: SSB, tabell 13563, hentet 7. desember 2026. Bearbeidet av Innenfor.» when the
    figures shown are SSB tables' releases (the date the newest of them was fetched or loaded),
    «Kilde: <the indicator's source>, lastet inn <date>. …» for other real files, and the
    indicator's source alone without provenance or when any figure shown is demo data."""
    p = provenance
    if p is None or p.demo or not p.products or p.loaded is None:
        return _("Kilde: {source}. Bearbeidet av Innenfor.").format(source=ind.source)
    when = period_date(p.loaded)
    found = [_SSB_TABLE.match(x) for x in p.products]
    if all(found):
        tables = sorted({t for m in found if m for t in m[1].split(" og ")},
                        key=lambda t: (ind.source.find(t) % (len(ind.source) + 1), t))
        return ngettext("Kilde: SSB, tabell {tables}, hentet {date}. Bearbeidet av Innenfor.",
                        "Kilde: SSB, tabell {tables}, hentet {date}. Bearbeidet av Innenfor.",
                        len(tables)).format(tables=listing(tables), date=when)
    return _("Kilde: {source}, lastet inn {date}. Bearbeidet av Innenfor.").format(
        source=ind.source, date=when)


def dimension_text(ind: Indicator, age: str | None = None, category: str = "alle") -> str:
    """'15–29 år' / '16–21 år, avbrutt opplæring' (what the figure is restricted to)."""
    a = indicators.label("age", age or ind.default_age)
    parts = [a[0].lower() + a[1:] if a[:1].isalpha() else a]    # 'under 30 år', '15–29 år'
    if category and category != "alle":
        parts.append(indicators.label("category", category).lower())
    return ", ".join(parts)


def caption(ind: Indicator, periods_text: str, *, age: str | None = None, category: str = "alle",
            demo: bool = False, notes: tuple | list = (), provenance: Provenance | None = None,
            source: str | None = None) -> str:
    """The line under every chart: definition, source and period (plus demo and notes). The
    source is source_line(ind, provenance), or `source` when a figure's meta already has it."""
    bits = [_("Definisjon: {definition}").format(definition=ind.definition),
            _("Utvalg: {selection}.").format(selection=dimension_text(ind, age, category)),
            source or source_line(ind, None if demo else provenance),
            _("Periode: {period}.").format(period=periods_text)]
    bits += [n if n.endswith(".") else n + "." for n in notes if n]
    if demo:
        bits.append(_("DEMODATA: oppdiktede tall for utprøving, ikke ekte statistikk."))
    return " ".join(bits)


def unit_label(ind: Indicator) -> str:
    """Axis/legend unit: 'Prosent' or 'Antall personer'."""
    return _("Prosent") if ind.kind == "share" else _("Antall personer")


def percent_suffix() -> str:
    """What follows a number in percent: ' %' (NBSP) in Norwegian, '%' in English."""
    return percent(0, 0)[len(number(0, 0)):]


# --- notes beside a computed figure ----------------------------------------------------------

# The queries write these in SQL (indicators/queries.py), so in bokmål, and the loaders store
# theirs in bokmål too: they are read back into the current language where they are shown.
SQL_NOTES = (N_("skjermet fordi minst én kommune er skjermet"),
             N_("skjermet fordi minst én av fylkene er skjermet"),
             N_("mangler fordi minst én kommune mangler"),
             N_("mangler fordi minst én av fylkene mangler"),
             N_("mangler fordi andeler uten antall ikke kan summeres"))
_COUNTED = re.compile(r"^(summert over|mangler tall for (?P<missing>\d+) av) (?P<n>\d+) "
                      r"(?P<unit>kommuner|fylker)(?P<rest>.*)$")
_OWN = {" (kildens eget tall er ufullstendig)": N_("kildens eget tall er ufullstendig"),
        " (kildens eget tall mangler)": N_("kildens eget tall mangler")}


def note_text(note) -> str:
    """A stored or computed note in the current language ('' for none); a note from a file
    that is no known phrase is shown as it was written."""
    s = "" if note is None or (isinstance(note, float) and math.isnan(note)) else str(note)
    m = _COUNTED.match(s)
    if not m:
        return _(s) if s else ""
    n, kommuner = int(m["n"]), m["unit"] == "kommuner"
    if m["missing"]:
        text = (_("mangler tall for {missing} av {n} kommuner") if kommuner else
                _("mangler tall for {missing} av {n} fylker")).format(missing=m["missing"], n=n)
    else:
        text = (_("summert over {n} kommuner") if kommuner else
                _("summert over {n} fylker")).format(n=n)
    own = _OWN.get(m["rest"])
    return f"{text} ({_(own)})" if own else text + m["rest"]
