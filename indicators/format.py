"""Norwegian text for numbers, periods, statuses, intervals and sentences.

One convention everywhere (screen, tables, exports): decimal comma, NO-BREAK SPACE (U+00A0) as
thousands separator and before "%", a real minus sign (U+2212), en dash in ranges. Everything
here is pure: no Streamlit, no database.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

import indicators
from indicators import Indicator

NBSP = "\u00a0"
MINUS = "\u2212"
DASH = "\u2013"
# Plotly's layout.separators: decimal mark, then thousands separator (same as ours).
PLOTLY_SEPARATORS = "," + NBSP

MONTHS = ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september",
          "oktober", "november", "desember"]
KNOWN = ("ok", "provisional", "break")       # statuses that carry a value

STATUS_WORDS = {"ok": "", "suppressed": "skjermet", "missing": "mangler",
                "provisional": "foreløpig", "break": "brudd i serien"}


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def number(x, decimals: int = 0) -> str:
    """1234.5 → '1 234,5' (NBSP); None/NaN → '–'."""
    if _missing(x):
        return DASH
    x = float(x)
    s = f"{abs(x):,.{decimals}f}"            # '1,234.5'
    s = s.replace(",", NBSP).replace(".", ",")
    if x < 0 and s.strip("0,\u00a0"):          # no '−0,0'
        s = MINUS + s
    return s


def percent(x, decimals: int = 1) -> str:
    """11.6689 → '11,7 %'."""
    return DASH if _missing(x) else number(x, decimals) + NBSP + "%"


def signed(x, decimals: int = 0) -> str:
    """+1,2 / −0,4 / 0 (a zero change has no sign)."""
    if _missing(x):
        return DASH
    s = number(x, decimals)
    if s.lstrip(MINUS).strip("0,\u00a0") == "":
        return number(0, decimals)
    return s if s.startswith(MINUS) else "+" + s


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


def status_word(status: str | None) -> str:
    """'skjermet', 'mangler', 'foreløpig', 'brudd i serien' ('' for ok)."""
    return STATUS_WORDS.get(status or "ok", status or "")


def status_long(status: str | None) -> str:
    """The explanation from definitions.toml, e.g. 'Skjermet (for få personer til å vises)'."""
    return indicators.label("status", status or "ok")


# --- periods -------------------------------------------------------------------------------

_YEAR = re.compile(r"^\d{4}$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_SCHOOL = re.compile(r"^(\d{4})-(\d{4})$")


def period(p) -> str:
    """'2022' → '2022'; '2021-05' → 'mai 2021'; '2020-2021' → '2020–2021'."""
    if p is None:
        return DASH
    p = str(p)
    if m := _MONTH.match(p):
        month = int(m.group(2))
        if 1 <= month <= 12:
            return f"{MONTHS[month - 1]} {m.group(1)}"
    if m := _SCHOOL.match(p):
        return f"{m.group(1)}{DASH}{m.group(2)}"
    return p


def period_short(p) -> str:
    """For tight axes: 'mai 21', '2020–21', '2022'."""
    p = str(p)
    if m := _MONTH.match(p):
        return f"{MONTHS[int(m.group(2)) - 1][:3]} {m.group(1)[2:]}"
    if m := _SCHOOL.match(p):
        return f"{m.group(1)}{DASH}{m.group(2)[2:]}"
    return p


def period_phrase(p) -> str:
    """The period inside a sentence: 'i 2022', 'i mai 2021', 'i skoleåret 2020–2021'."""
    p = str(p)
    if _SCHOOL.match(p):
        return f"i skoleåret {period(p)}"
    return f"i {period(p)}"


def period_range(periods, short: bool = False) -> str:
    """First to last period: '2015–2024', 'januar 2015 til desember 2025',
    '2014–2015 til 2024–2025' ('til' where a dash alone would be ambiguous); `short` for
    narrow titles: 'jan 15 til des 25', '2014–15 til 2024–25'."""
    ps = sorted(str(p) for p in periods if p is not None)
    if not ps:
        return DASH
    name = period_short if short else period
    a, b = name(ps[0]), name(ps[-1])
    if a == b:
        return a
    if DASH in a or " " in a:
        return f"{a} til {b}"
    return f"{a}{DASH}{b}"


def period_year(p) -> int | None:
    """The calendar year a period belongs to (a school year counts as the year it ends)."""
    p = str(p)
    if _YEAR.match(p):
        return int(p)
    if m := _MONTH.match(p):
        return int(m.group(1))
    if m := _SCHOOL.match(p):
        return int(m.group(2))
    return None


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

# How each indicator is named inside a sentence, and the age wording its default age implies.
SUBJECTS = {
    "neet": ("Andelen unge utenfor arbeid og utdanning", ""),
    "ufore": ("Andelen uføre blant unge", "18–29 år"),
    "ot_tilmeldt": ("Antallet unge registrert i Oppfølgingstjenesten", ""),
    "arbeidssokere": ("Antallet arbeidssøkere", "under 30 år"),
    "arbeidssokere_andel": ("Andelen arbeidssøkere", "under 30 år"),
}


def subject(ind: Indicator, age: str | None = None, category: str = "alle") -> str:
    base, default_words = SUBJECTS.get(ind.id, (f"Verdien for «{ind.short}»", ""))
    age = age or ind.default_age
    s = f"{base} {default_words}".strip() if age == ind.default_age else base
    within = [] if age == ind.default_age else [indicators.label("age", age).lower()]
    if category and category != "alle":
        within.append(indicators.label("category", category).lower())
    return f"{s} ({', '.join(within)})" if within else s


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

def listing(words) -> str:
    """'Skien', 'Skien og Siljan', 'Skien, Siljan og Bamble'."""
    words = [w for w in words if w]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " og " + words[-1] if words else ""


def lower_first(s: str) -> str:
    """Lower case for the middle of a sentence without touching names: only the first letter,
    and not when the first word is an abbreviation ('Arbeidssøkere hos NAV' → 'arbeidssøkere
    hos NAV', 'OT-tilmeldte' and 'SSB' stay)."""
    s = str(s or "")
    first = re.split(r"[\s,.:;()/–-]", s, maxsplit=1)[0]
    if len(first) > 1 and first.isupper():
        return s
    return s[:1].lower() + s[1:]


def upper_first(s: str) -> str:
    """'mai 2024' → 'Mai 2024' (str.capitalize would lower the rest: 'nav' for 'NAV')."""
    s = str(s or "")
    return s[:1].upper() + s[1:]


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


def fold(s: str) -> str:
    """Lower case without diacritics, for search: 'Tønsberg' → 'tonsberg', 'Bærum' → 'baerum'."""
    s = (s or "").replace("ø", "o").replace("Ø", "o").replace("æ", "ae").replace("Æ", "ae")
    s = s.replace("å", "a").replace("Å", "a")
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", s).strip().casefold()


def slug(*parts) -> str:
    """A safe file name stem: 'innenfor_kart_neet_vestfold-og-telemark_2022'."""
    out = []
    for p in parts:
        if p is None or p == "":
            continue
        s = re.sub(r"[^a-z0-9]+", "-", fold(str(p))).strip("-")
        if s:
            out.append(s)
    return "_".join(out) or "innenfor"
