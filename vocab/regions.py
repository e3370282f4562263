"""Region codes as the store keys them: Norway '0', counties by their 2-digit number, today's
municipalities by their 4-digit 2024 number, and the partnership's regional groups 'R-…'.
(Which numbers existed when, and how old numbers map to today's, is geo.codes.)"""
from __future__ import annotations

NORWAY = "0"
VESTFOLD_OG_TELEMARK = "38"   # the county of 2020–2023, today 39 Vestfold + 40 Telemark

# The regional groups of Partnerskap for inkludering og ung deltakelse (shared/BRIEF.md),
# keyed by 2024 municipality numbers.
GROUPS = {
    "R-grenland": ("Grenland", ["4003", "4001", "4010", "4012", "4014", "4016"]),
    "R-vestfold": ("Vestfold", ["3909", "3907", "3905", "3911", "3901", "3903"]),
    "R-ost-midt-telemark": ("Øst- og Midt-Telemark", ["4005", "4026", "4024", "4020", "4018"]),
    "R-vest-telemark": ("Vest-Telemark", ["4036", "4034", "4022", "4028", "4032", "4030"]),
}

# The counties the partnership work started in (the seeds), shown first in pickers.
SEED_COUNTIES = ("39", "40", "31")

LEVELS = ("kommune", "fylke", "region", "land")


def level_of(code: str) -> str:
    """'land', 'fylke', 'kommune' or 'region' from the shape of a code."""
    if code == NORWAY:
        return "land"
    if code.startswith("R-"):
        return "region"
    return "fylke" if len(code) == 2 else "kommune"


def group_of(code: str) -> str | None:
    """The regional group a municipality belongs to (None outside them)."""
    return next((g for g, (_name, members) in GROUPS.items() if code in members), None)
