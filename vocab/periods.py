"""Periods as the store keeps them — a year '2022', a month '2021-05', a school year '2020-2021' —
their kind, the calendar year each belongs to, and how they read in the current language."""
from __future__ import annotations

import re

from vocab import i18n
from vocab.i18n import _
from vocab.numbers import DASH

# ASCII digits only: '\d' would also take full-width digits (U+FF10–FF19), which no database
# reads as a number.
PATTERNS = {
    "year": re.compile(r"^(?:19|20)[0-9]{2}$"),
    "month": re.compile(r"^(?:19|20)[0-9]{2}-(?:0[1-9]|1[0-2])$"),
    "school_year": re.compile(r"^(?:19|20)[0-9]{2}-(?:19|20)[0-9]{2}$"),
}
EXAMPLES = {"year": "2022", "month": "2021-05", "school_year": "2020-2021"}
# Years a figure can be about: the sources' series start after 2000 (SSB's NEET in 2008, NAV's
# monthly files in 2001); a year far ahead is a typo (2099, 2202).
FIRST_YEAR = 2000
YEARS_AHEAD = 5

# Month names are the same in bokmål and nynorsk.
MONTHS = ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september",
          "oktober", "november", "desember"]
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]


def month_name(month: int) -> str:
    """1 → 'januar' ('January' in English)."""
    return (MONTHS_EN if i18n.current() == "en" else MONTHS)[month - 1]


def kind(p) -> str | None:
    """'year', 'month' or 'school_year'; None for text that is not a period."""
    s = str(p)
    return next((k for k, rx in PATTERNS.items() if rx.match(s)), None)


def year(p) -> int | None:
    """The calendar year a period belongs to: a school year counts as the year it ends (OT's
    count is taken on 15 June). None for text that is not a period."""
    s = str(p)
    k = kind(s)
    if k is None:
        return None
    return int(s[-4:]) if k == "school_year" else int(s[:4])


def shift_years(p: str, years: int) -> str:
    """The same period `years` earlier (negative) or later: 2022 → 2017, 2021-05 → 2016-05,
    2020-2021 → 2015-2016."""
    s, k = str(p), kind(p)
    if k == "year":
        return str(int(s) + years)
    if k == "month":
        return f"{int(s[:4]) + years}-{s[5:]}"
    if k == "school_year":
        return f"{int(s[:4]) + years}-{int(s[5:]) + years}"
    return s


def text(p) -> str:
    """'2022' → '2022'; '2021-05' → 'mai 2021' ('May 2021'); '2020-2021' → '2020–2021'."""
    if p is None:
        return DASH
    s, k = str(p), kind(p)
    if k == "month":
        return f"{month_name(int(s[5:]))} {s[:4]}"
    if k == "school_year":
        return f"{s[:4]}{DASH}{s[5:]}"
    return s


def short(p) -> str:
    """For tight axes: 'mai 21' ('May 21'), '2020–21', '2022'."""
    s, k = str(p), kind(p)
    if k == "month":
        return f"{month_name(int(s[5:]))[:3]} {s[2:4]}"
    if k == "school_year":
        return f"{s[:4]}{DASH}{s[7:]}"
    return s


def phrase(p) -> str:
    """The period inside a sentence: 'i 2022', 'i mai 2021', 'i skoleåret 2020–2021'."""
    if kind(p) == "school_year":
        return _("i skoleåret {period}").format(period=text(p))
    return _("i {period}").format(period=text(p))


def span(periods, narrow: bool = False) -> str:
    """First to last period: '2015–2024', 'januar 2015 til desember 2025',
    '2014–2015 til 2024–2025' ('til' where a dash alone would be ambiguous); `narrow` for
    narrow titles: 'jan 15 til des 25', '2014–15 til 2024–25'."""
    ps = sorted(str(p) for p in periods if p is not None)
    if not ps:
        return DASH
    name = short if narrow else text
    a, b = name(ps[0]), name(ps[-1])
    if a == b:
        return a
    if DASH in a or " " in a:
        return _("{first} til {last}").format(first=a, last=b)
    return f"{a}{DASH}{b}"


def date_text(d) -> str:
    """A date in running text: '7. desember 2026' ('7 December 2026' in English)."""
    if i18n.current() == "en":
        return f"{d.day} {month_name(d.month)} {d.year}"
    return f"{d.day}. {month_name(d.month)} {d.year}"
