"""Every region the store knows: municipalities, counties, Norway and the partnership's groups."""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cache

from geo import codes
from vocab import periods, text
from vocab.i18n import N_, _
from vocab.regions import GROUPS, SEED_COUNTIES  # noqa: F401  (the regions table lists them)


def region_rows() -> list[dict]:
    """Rows for the store's `regions` table (data shared by every reader: bokmål; the country's
    name is shown as _() of it)."""
    rows = [{"code": codes.NORWAY, "name": N_("Hele landet"), "level": "land", "parent": None,
             "valid_from": None, "valid_to": None, "note": None}]
    for code, name in sorted(codes.counties_2024().items()):
        rows.append({"code": code, "name": name, "level": "fylke", "parent": codes.NORWAY,
                     "valid_from": 2024 if code not in codes.counties_2020() else None,
                     "valid_to": None, "note": None})
    for code, name in codes.COUNTIES_2020_2023.items():
        rows.append({"code": code, "name": name, "level": "fylke", "parent": codes.NORWAY,
                     "valid_from": 2020, "valid_to": 2023,
                     "note": "Fylke 2020–2023; delt i 2024"})
    for code, r in sorted(codes.municipalities_2024().items()):
        rows.append({"code": code, "name": r["name"], "level": "kommune",
                     "parent": r["county_code"], "valid_from": None, "valid_to": None, "note": None})
    for code in sorted(codes.split_codes()):
        h = codes.to_2024(code)
        rows.append({"code": code, "name": codes.name_of(code), "level": "kommune", "parent": None,
                     "valid_from": None, "valid_to": None,
                     "note": "Delt kommune; tallene fordeles ikke på " + " og ".join(h.split_into)})
    for code, (name, _members) in GROUPS.items():
        rows.append({"code": code, "name": name, "level": "region", "parent": None,
                     "valid_from": None, "valid_to": None,
                     "note": "Regiongruppe i Partnerskap for inkludering og ung deltakelse"})
    return rows


def member_rows() -> list[dict]:
    """(group, member) pairs: regional groups, 2024 counties, 38 = 39 + 40, and Norway."""
    rows = [{"group_code": g, "member_code": m} for g, (_n, ms) in GROUPS.items() for m in ms]
    for code, r in codes.municipalities_2024().items():
        rows.append({"group_code": r["county_code"], "member_code": code})
        rows.append({"group_code": codes.NORWAY, "member_code": code})
        if r["county_code"] in ("39", "40"):
            rows.append({"group_code": "38", "member_code": code})
    return rows


# 2020–2023 counties split in 2024, by their 2024 parts.
SPLIT_2024 = {"30": ("31", "32", "33"), "38": ("39", "40"), "54": ("55", "56")}


def county_partitions() -> list[dict]:
    """Counties that together make up a larger area, by the years the figures are for: Norway is
    the sum of today's counties in any year (older figures are stored under today's county
    numbers) or of the counties of 2020–2023; 38 Vestfold og Telemark (and 30, 54) the sum of
    its 2024 parts. A total can then be added up from published county figures when a hidden
    municipality stops the sum over municipalities."""
    rows = [{"group_code": codes.NORWAY, "first_year": 0, "last_year": 9999, "member_code": c}
            for c in sorted(codes.counties_2024())]
    rows += [{"group_code": codes.NORWAY, "first_year": 2020, "last_year": 2023, "member_code": c}
             for c in sorted(codes.counties_2020())]
    rows += [{"group_code": g, "first_year": 0, "last_year": 9999, "member_code": c}
             for g, parts in SPLIT_2024.items() for c in parts]
    return rows


# --- regions in their own time -----------------------------------------------------------------
# Figures are kept in today's (2024) division for every period: today's counties and
# municipalities are back-cast. A region that existed only some years (the counties of
# 2020–2023, a municipality later split) has figures only for those years, so no table lists it
# beside the parts it later became (a column sum would count them twice).

COUNTY_YEARS_2020_2023 = (2020, 2023)


def lifetimes() -> list[dict]:
    """(code, first_year, last_year) of every region that existed only some years: 30 Viken,
    38 Vestfold og Telemark, 54 Troms og Finnmark (2020–2023) and the split municipalities'
    numbers (1507 Ålesund 2020–2023, 0720 Stokke until 2016, …). Other regions: every year."""
    first, last = COUNTY_YEARS_2020_2023
    rows = [{"code": c, "first_year": first, "last_year": last} for c in codes.COUNTIES_2020_2023]
    for c in sorted(codes.split_codes()):
        start, end = codes.valid_years(c)
        rows.append({"code": c, "first_year": start, "last_year": end - 1})
    return rows


def existed(code: str, year: int | None) -> bool:
    """Did the region exist in `year` (True for today's regions and an unknown year)?"""
    if year is None:
        return True
    span = _lifetime_of().get(code)
    return span is None or span[0] <= year <= span[1]


@cache
def _lifetime_of() -> dict[str, tuple[int, int]]:
    return {r["code"]: (r["first_year"], r["last_year"]) for r in lifetimes()}


@dataclass(frozen=True)
class Split:
    """A municipality that was split into new ones, each made only from it (1507 Ålesund into
    1508 Ålesund and 1580 Haram on 1 January 2024). Its figures for its own years cover all its
    parts and are never spread over them; before it existed its parts have figures of their own
    (back-cast), and so they do again after the split."""
    code: str
    name: str
    first_year: int
    last_year: int
    parts: tuple[tuple[str, str], ...]       # (code, name) of the municipalities it became

    @property
    def years(self) -> str:
        start = max(self.first_year, 2015)
        return f"{start}\u2013{self.last_year}" if start != self.last_year else str(start)

    @property
    def part_names(self) -> str:
        return text.listing(n for _c, n in self.parts)

    @property
    def old_place(self) -> str:
        """'det gamle Ålesund (1507: Ålesund og Haram)', for a sentence about its figures."""
        return _("det gamle {name} ({code}: {parts})").format(
            name=self.name, code=self.code, parts=self.part_names)

    @property
    def old_area(self) -> str:
        """'det gamle Ålesund med Haram', beside a figure of it."""
        others = text.listing(n for _c, n in self.parts if n != self.name)
        if others:
            return _("det gamle {name} med {others}").format(name=self.name, others=others)
        return _("det gamle {name}").format(name=self.name)

    @property
    def label(self) -> str:
        """The name its figures carry in charts and tables: 'Gamle Ålesund (1507: Ålesund og
        Haram), 2020–2023'."""
        return _("Gamle {name} ({code}: {parts}), {years}").format(
            name=self.name, code=self.code, parts=self.part_names, years=self.years)

    @property
    def story(self) -> str:
        """«Ålesund ble delt i Ålesund (1508) og Haram (1580) 1. januar 2024; tallene for
        2020–2023 gjelder hele det gamle Ålesund.»"""
        parts = text.listing(f"{n} ({c})" for c, n in self.parts)
        return _("{name} ble delt i {parts} {date}; tallene for {years} gjelder hele det gamle "
                 "{name} ({code}), med {others}.").format(
            name=self.name, parts=parts, date=periods.date_text(datetime.date(self.last_year + 1, 1, 1)),
            years=self.years, code=self.code,
            others=text.listing(n for _c, n in self.parts if n != self.name))


@cache
def splits() -> dict[str, Split]:
    """Split municipality number → Split, for the splits whose every part was made from that
    municipality alone (so its figures cover each part whole): today 1507 Ålesund. Stokke,
    Snillfjord and Tysfjord went partly into municipalities that also took in others: their
    old figures are no part's whole area, and they stand only under their own number."""
    out = {}
    for code in sorted(codes.split_codes()):
        start, end = codes.valid_years(code)
        parts = codes.to_2024(code).split_into
        made_from = {p: {c.old_code for c in codes.changes()
                         if c.new_code == p and c.kind != "boundary" and int(c.date[:4]) == end}
                     for p in parts}
        if parts and all(m == {code} for m in made_from.values()):
            out[code] = Split(code, codes.name_of(code), start, end - 1,
                              tuple((p, codes.name_of(p)) for p in parts))
    return out


def split_of(code: str) -> Split | None:
    """The split a 2024 municipality came out of (1508 and 1580: 1507), or the split of a split
    number itself (1507); None for every other region."""
    if code in splits():
        return splits()[code]
    return next((s for s in splits().values() if code in dict(s.parts)), None)


def split_codes_in(county: str) -> list[str]:
    """Split municipality numbers whose parts all lie in `county` (a 2024 county, or 38 for
    39 + 40), so a county's municipalities in their own time include 1507 Ålesund in 2020–2023."""
    wanted = {county} | set(SPLIT_2024.get(county, ()))
    out = []
    for code in sorted(codes.split_codes()):
        parts = codes.to_2024(code).split_into
        if parts and all(codes.municipalities_2024()[p]["county_code"] in wanted for p in parts):
            out.append(code)
    return out


@cache
def split_members() -> tuple[list[dict], list[dict]]:
    """Split municipality numbers as members of the groups that hold all their parts, for sums
    over municipalities: (additions, parts). A split number with a figure of its own in its own
    years counts in a group's sum (1507 in 15 and Norway in 2020–2023; 0720 Stokke in 39 until
    2016), and then the parts of a whole split (1508, 1580) do not: they are that same area. A
    source that has back-cast the parts instead (no 1507 row) is summed over the parts. Without
    this, 15 Møre og Romsdal would be «mangler tall for 2 av 26 kommuner» for 2020–2023.
    additions: {group_code, member_code}; parts: {group_code, member_code, dropped_by}."""
    groups: dict[str, set[str]] = {}
    for r in member_rows():
        groups.setdefault(r["group_code"], set()).add(r["member_code"])
    additions: list[dict] = []
    parts_out: list[dict] = []
    for code in sorted(codes.split_codes()):
        parts = set(codes.to_2024(code).split_into)
        for group, members in sorted(groups.items()):
            if parts and parts <= members:
                additions.append({"group_code": group, "member_code": code})
                if code in splits():
                    parts_out += [{"group_code": group, "member_code": p, "dropped_by": code}
                                  for p in sorted(parts)]
    return additions, parts_out
