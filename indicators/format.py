"""Norwegian sentences, captions and comparisons for the views and exports.

Numbers, periods, statuses and names follow the one convention in vocab (decimal comma, NBSP
thousands separator, real minus sign); they are imported here so a view needs one `fmt`.
Everything here is pure: no Streamlit, no database.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from vocab import indicators
from vocab.indicators import Indicator
from vocab.numbers import DASH, MINUS, NBSP, PLOTLY_SEPARATORS, number, percent, signed  # noqa: F401
from vocab.numbers import is_missing as _missing
from vocab.periods import MONTHS  # noqa: F401
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
        return f"{signed(delta, 1)} prosentpoeng"
    n = signed(delta, 0)
    return f"{n} {'person' if abs(round(float(delta))) == 1 else 'personer'}"


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
    return f"{number(ci[0], 1)}{DASH}{number(ci[1], 1)}{NBSP}%"


@dataclass(frozen=True)
class Comparison:
    """How a value stands against a reference. `direction`: higher | lower | uncertain | same.
    `tested` is True when the verdict rests on 95 % intervals (numerator/denominator known)."""
    direction: str
    tested: bool

    @property
    def symbol(self) -> str:
        return SYMBOLS[self.direction]


SYMBOLS = {"higher": "▲", "lower": "▼", "uncertain": "≈", "same": "="}


def compare(value_a, value_b, *, ci_a=None, ci_b=None, decimals: int = 1) -> Comparison | None:
    """Compare a with b. With both intervals: different only when they do not overlap
    (conservative; says 'ikke sikker forskjell' otherwise). Without: by the shown values."""
    if _missing(value_a) or _missing(value_b):
        return None
    if ci_a is not None and ci_b is not None:
        if ci_a[0] > ci_b[1]:
            return Comparison("higher", True)
        if ci_a[1] < ci_b[0]:
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
    words = {"higher": "høyere enn", "lower": "lavere enn", "same": "det samme som",
             "uncertain": "ikke sikker forskjell fra"}[cmp.direction]
    return f"{words} {ref_name} ({ref_text})"


def comparison_label(cmp: Comparison | None, ref_name: str, ref_text: str) -> str:
    """Symbol and words (never colour alone): '▲ Høyere enn landet (9,7 %)'."""
    if cmp is None:
        return f"Kan ikke sammenligne med {ref_name}: mangler tall"
    w = comparison_words(cmp, ref_name, ref_text)
    text = f"{cmp.symbol} {w[0].upper()}{w[1:]}"
    if not cmp.tested and cmp.direction != "same":
        text += " – uten feilmargin"
    return text


# --- sentences -------------------------------------------------------------------------------

# How each indicator is named inside a sentence: «{alder}» is its age band, always said, so a
# figure for all ages can never read as the youth figure.
SUBJECTS = {
    "neet": "Andelen unge {alder} utenfor arbeid og utdanning",
    "ufore": "Andelen uføre blant unge {alder}",
    "ot_tilmeldt": "Antallet unge {alder} registrert i Oppfølgingstjenesten",
    "arbeidssokere": "Antallet arbeidssøkere {alder}",
    "arbeidssokere_andel": "Andelen arbeidssøkere {alder}",
}

# Age bands that are not young people: a figure for them is said to be for all ages.
ALL_AGES = ("alle", "15-74", "15+")


def is_all_ages(age: str | None) -> bool:
    return age in ALL_AGES


def age_words(ind: Indicator, age: str | None = None) -> str:
    """The age band as said in a sentence: '15–29 år', 'under 30 år', 'i alle aldre'."""
    a = age or ind.default_age
    words = lower_first(indicators.label("age", a))
    return f"i {words}" if a == "alle" else words


def subject(ind: Indicator, age: str | None = None, category: str = "alle") -> str:
    """'Andelen unge 15–29 år utenfor arbeid og utdanning', 'Antallet arbeidssøkere i alle
    aldre (helt ledige)': the indicator with its age band (and category) in the same words."""
    template = SUBJECTS.get(ind.id, f"Verdien for «{ind.short}», {{alder}}")
    a = age or ind.default_age
    if is_all_ages(a) and "unge {alder}" in template:      # «unge i alle aldre» says nothing
        template = template.replace("unge {alder}", "{alder}")
    s = template.format(alder=age_words(ind, a))
    if category and category != "alle":
        s += f" ({indicators.label('category', category).lower()})"
    return s


def sentence(ind: Indicator, place: str, row: dict | None, *, period_: str | None = None,
             age: str | None = None, category: str = "alle", reference: dict | None = None,
             reference_name: str = "landet", previous: dict | None = None) -> str:
    """The plain sentence for Min kommune, e.g.
    'Andelen unge utenfor arbeid og utdanning i Skien var 11,7 % i 2022, høyere enn landet (9,7 %).'

    `row`/`reference`/`previous` are dicts with value, numerator, denominator, status, period.
    Shares are compared with the reference (Wilson intervals where known); counts say how they
    moved since `previous` (counts of different-sized places are not compared)."""
    subj = subject(ind, age, category)
    p = (row or {}).get("period") or period_
    when = period_phrase(p) if p else ""
    status = (row or {}).get("status") or "missing"
    if row is None or status not in KNOWN or _missing(row.get("value")):
        if status == "suppressed":
            return (f"{subj} i {place} er skjermet {when}: for få personer til at tallet "
                    f"kan vises.").replace("  ", " ")
        return f"Ingen data for {place} {when}.".replace(" .", ".")
    s = f"{subj} i {place} var {value(row['value'], ind)} {when}"
    extra = ""
    if status == "provisional":
        extra = " (foreløpig tall)"
    elif status == "break":
        extra = " (brudd i serien: sammenlign med forsiktighet)"
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
            clause = f"like mange som i {when_prev}"
        else:
            n = "én" if round(abs(d)) == 1 else number(abs(d))
            more = ("mer" if n == "én" else "flere") if d > 0 else "færre"
            clause = f"{n} {more} enn i {when_prev} ({number(previous['value'])})"
    return f"{s}{extra}{', ' + clause if clause else ''}."


# --- captions and names ----------------------------------------------------------------------

def source_line(ind: Indicator) -> str:
    return f"Kilde: {ind.source}. Bearbeidet av Innenfor."


def dimension_text(ind: Indicator, age: str | None = None, category: str = "alle") -> str:
    """'15–29 år' / '16–21 år, avbrutt opplæring' (what the figure is restricted to)."""
    a = indicators.label("age", age or ind.default_age)
    parts = [a[0].lower() + a[1:] if a[:1].isalpha() else a]    # 'under 30 år', '15–29 år'
    if category and category != "alle":
        parts.append(indicators.label("category", category).lower())
    return ", ".join(parts)


def caption(ind: Indicator, periods_text: str, *, age: str | None = None, category: str = "alle",
            demo: bool = False, notes: tuple | list = ()) -> str:
    """The line under every chart: definition, source and period (plus demo and notes)."""
    bits = [f"Definisjon: {ind.definition}",
            f"Utvalg: {dimension_text(ind, age, category)}.",
            source_line(ind),
            f"Periode: {periods_text}."]
    bits += [n if n.endswith(".") else n + "." for n in notes if n]
    if demo:
        bits.append("DEMODATA: oppdiktede tall for utprøving, ikke ekte statistikk.")
    return " ".join(bits)


def unit_label(ind: Indicator) -> str:
    """Axis/legend unit: 'Prosent' or 'Antall personer'."""
    return "Prosent" if ind.kind == "share" else "Antall personer"
