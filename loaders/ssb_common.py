"""What all SSB formats share once read: published cells with their dimension labels,
turned into NEET rows (numerator = NEET persons, denominator = residents, value = share).

Every SSB reader (CSV, XLSX, JSON-stat2) yields `Cell`s; `neet_rows` does the rest."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from loaders.base import LoadError, parse_cell, parse_region_label

NEET_TABLES = {"13563", "13556"}


@dataclass
class Cell:
    region: str               # as published: 'K-3807 Skien', '3807 Skien', '0 Hele landet'
    period: str               # '2022'
    raw: object               # the published cell: number, symbol or text
    dims: dict = field(default_factory=dict)   # other dimension labels: alder, status, statistikkvariabel, kjønn
    row: int = 0


def table_id(title: str) -> str | None:
    m = re.match(r'^\s*"?(\d{5})\s*:', title or "")
    return m.group(1) if m else None


def age_code(label: str) -> str | None:
    s = (label or "").lower().replace("–", "-")
    if m := re.search(r"(\d+)\s*-\s*(\d+)\s*år", s):
        return f"{m[1]}-{m[2]}"
    if m := re.search(r"(\d+)\s*år (?:eller|og) eldre", s):
        return f"{m[1]}+"
    if m := re.fullmatch(r"\s*(\d+)-(\d+)\s*", s):
        return f"{m[1]}-{m[2]}"
    return None


def sex_code(label: str) -> str:
    s = (label or "").strip().lower()
    return {"menn": "menn", "1": "menn", "kvinner": "kvinner", "2": "kvinner"}.get(s, "alle")


def _role(dims: dict) -> str | None:
    """numerator / denominator / share / None for one cell, from its status and content labels."""
    labels = [str(v).lower() for k, v in dims.items() if k not in ("alder", "kjønn", "age", "sex")]
    text = " | ".join(labels)
    is_share = "prosent" in text or "andel" in text
    if "neet" in text or "utenfor arbeid" in text:
        return "share" if is_share else "numerator"
    if any(l in ("i alt", "alle", "bosatte i alt", "total") for l in labels) or not any(
            ("status" in k.lower() or "arbeidsstyrke" in k.lower()) for k in dims):
        return None if is_share else "denominator"
    return None


def period_code(label: str) -> str:
    s = str(label).strip()
    if m := re.fullmatch(r"(\d{4})M(\d{2})", s):
        return f"{m[1]}-{m[2]}"
    return s


def neet_rows(cells: list[Cell], decimal: str = ",") -> list[dict]:
    """Group cells per (region, age, sex, year) and build one NEET observation each."""
    groups: dict[tuple, dict] = {}
    for c in cells:
        role = _role(c.dims)
        if role is None:
            continue
        age = age_code(c.dims.get("alder", "")) or "15-29"
        sex = sex_code(c.dims.get("kjønn", ""))
        key = (c.region, age, sex, period_code(c.period))
        try:
            parsed = parse_cell(c.raw, decimal)
        except ValueError as e:
            raise LoadError(f"Rad {c.row}: {e}.") from None
        if role in groups.setdefault(key, {}):
            raise LoadError(f"Rad {c.row}: to verdier for samme region, alder og år ({c.region}, {key[3]}).")
        groups[key][role] = (parsed, c.row)
    if not groups:
        raise LoadError("Fant ingen NEET-tall (status «Utenfor arbeid, utdanning og "
                        "arbeidsmarkedstiltak (NEET)») i SSB-tabellen.")
    rows = []
    for (region, age, sex, period), g in groups.items():
        if "numerator" not in g and "share" not in g:
            continue   # residents only: nothing to show as NEET
        try:
            code, name, level = parse_region_label(region)
        except ValueError as e:
            row = next(iter(g.values()))[1]
            raise LoadError(f"Rad {row}: {e}.") from None
        num, den, share = (g.get(k, ((None, None, ""), 0))[0] for k in ("numerator", "denominator", "share"))
        row = next(iter(g.values()))[1]
        statuses = [p[1] for p in (num, share) if p[1] is not None]
        status = "suppressed" if "suppressed" in statuses else (
            "missing" if statuses and all(s == "missing" for s in statuses) else "ok")
        value = share[0]
        if value is None and num[0] is not None and den[0]:
            value = 100 * num[0] / den[0]
        if status == "ok" and value is None:
            status = "missing"
        note = next((p[2] for p in (num, share) if p[2]), "")
        rows.append({"indicator": "neet", "region": code, "region_name": name, "level": level,
                     "period": period, "age": age, "sex": sex, "category": "alle",
                     "value": value if status == "ok" else None,
                     "numerator": num[0] if status == "ok" else None,
                     "denominator": den[0], "status": status, "note": note, "row": row})
    return rows
