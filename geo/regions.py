"""Every region the store knows: municipalities, counties, Norway and the partnership's groups."""
from __future__ import annotations

from geo import codes
from vocab.regions import GROUPS, SEED_COUNTIES  # noqa: F401  (the regions table lists them)


def region_rows() -> list[dict]:
    """Rows for the store's `regions` table."""
    rows = [{"code": codes.NORWAY, "name": "Hele landet", "level": "land", "parent": None,
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
