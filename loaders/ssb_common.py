"""What all SSB formats share once read: published cells with their dimension labels,
turned into NEET rows (numerator = NEET persons, denominator = residents, value = share).

Every SSB reader (CSV wide and long, XLSX, JSON-stat2) yields `Cell`s; `neet_frame` does the rest:
it keeps the whole population (innvandringskategori «I alt»), the NEET age groups and the
NEET/total statuses, and says in Norwegian what it left out and why."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from geo import codes
from loaders.base import SYMBOLS, LoadError, RawFile, Release, parse_cell, parse_region_label, plain_text
from loaders.frames import normalised_frame
from loaders.plausible import agrees
from loaders.plausible import warnings as implausible
from loaders.ssb_checks import fractions, is_sum_label, sums_note
from vocab import indicators, text
from vocab.i18n import N_, _, ngettext

NEET_TABLES = {"13563", "13556"}
# A NEET count stored without a share (the note kept with the figure, in bokmål like all stored
# notes; shown translated with _()).
NO_SHARE_NOTE = N_("NEET-antall uten bosatte i alt; andelen kan ikke regnes ut")
WHAT_TO_DOWNLOAD = N_("Last ned SSB-tabell 13563 eller 13556 med arbeidsstyrkestatus «Utenfor arbeid, "
                    "utdanning og arbeidsmarkedstiltak (NEET)» og «I alt», alder 15–29 år, og "
                    "innvandringskategori «I alt» hvis tabellen har den.")


@dataclass
class Cell:
    region: str               # as published: 'K-3807 Skien', '3807 Skien', '0 Hele landet', 'Viken'
    period: str               # '2022', '2023M09', or '' when the file does not say
    raw: object               # the published cell: number, symbol or text
    dims: dict = field(default_factory=dict)   # dimension → label: alder, status, statistikkvariabel …
    row: int = 0
    sheet: str = ""


def where_cell(c: Cell) -> str:
    return text.where(c.sheet, c.row)


def table_id(title: str) -> str | None:
    m = re.match(r'^\s*"?(\d{5})\s*:', str(title or ""))
    return m.group(1) if m else None


def release_of(tables, published: datetime | None = None) -> Release:
    """The release an SSB file holds: the table(s) it is from (each table is its own product:
    13563 and 13556 are different sources of the same figures) and when SSB published it."""
    tids = sorted({t for t in tables if t})
    product = ("SSB tabell " + " og ".join(tids)) if tids else ""
    return Release(product=product, published=published)


def text_release(raw: RawFile) -> Release:
    """The release of a CSV export: its table number from the title or header line."""
    found = set()
    for line in raw.first_lines[:3]:
        for cell in re.split(r"[;,\t]", line):
            if tid := table_id(clean(cell)):
                found.add(tid)
    return release_of(found)


def check_table(title: str | None) -> None:
    tid = table_id(title or "")
    if tid and tid not in NEET_TABLES:
        raise LoadError(_("SSB-tabell {table} er ikke en NEET-tabell. Innenfor leser tabell 13563 og "
                          "13556 (unge utenfor arbeid, utdanning og arbeidsmarkedstiltak).")
                        .format(table=tid))


def clean(text) -> str:
    """A label as plain text: no HTML tags (SSB's XLSX notes have them), single spaces,
    full-width characters folded and invisible ones removed (loaders.base.plain_text)."""
    s = re.sub(r"<[^>]*>", " ", "" if text is None else plain_text(str(text)))
    return re.sub(r"\s+", " ", s).strip().strip('"').strip()


# Dimension names as SSB writes them (texts in downloads, codes in the API).
_KINDS = [
    ("region", re.compile(r"^(region|kommune|fylke)\b")),
    ("period", re.compile(r"^(år|tid|year|måned|month|kvartal|quarter|periode|period)$")),
    ("alder", re.compile(r"^(alder|age)$")),
    ("kjønn", re.compile(r"^(kjønn|kjonn|sex)$")),
    ("status", re.compile(r"^(prioritert )?arbeidsstyrkestatus|^hovarbstyrkstatus$")),
    ("statistikkvariabel", re.compile(r"^(statistikkvariabel|contentscode|contents|innhold)$")),
    ("innvandring", re.compile(r"^innvandr")),
]
CORE = ("alder", "kjønn", "status", "statistikkvariabel")


def dim_kind(name) -> str | None:
    s = clean(name).lower().replace("_", " ")
    if table_id(s):
        return None   # '13563: … etter region, alder …' is the title over the values
    for kind, pat in _KINDS:
        if pat.search(s):
            return kind
    return None


# 'I alt', or a total code alone or before it ('TOT3 I alt', 'A.TOT I alt', 'A-G I alt', '0 Begge kjønn').
_TOTAL = re.compile(r"^(?:(?:[a-z]\.)?(?:tot\d*|a-g|\d{1,3}) )?(?:i alt|alle|total|totalt|begge kjønn|"
                    r"bosatte i alt)$|^(?:(?:[a-z]\.)?tot\d*|a-g|0)$")


def is_total(label) -> bool:
    s = clean(label).lower()
    return bool(s) and bool(_TOTAL.match(s))


def is_neet(label) -> bool:
    s = clean(label).lower()
    return "neet" in s or "utenfor arbeid" in s


def age_code(label) -> str | None:
    s = clean(label).lower().replace("–", "-")
    if m := re.search(r"(\d+)\s*-\s*(\d+)\s*år", s):
        return f"{int(m[1])}-{int(m[2])}"
    if m := re.search(r"(\d+)\s*år (?:eller|og) eldre", s):
        return f"{int(m[1])}+"
    if m := re.fullmatch(r"(\d+)\s*-\s*(\d+)", s):
        return f"{int(m[1])}-{int(m[2])}"
    return None


def sex_code(label) -> str | None:
    s = clean(label).lower()
    first = s.split(" ")[0] if s else ""
    if "kvinne" in s or first == "2":
        return "kvinner"
    if re.search(r"\bmenn\b|\bmann\b", s) or first == "1":
        return "menn"
    return "alle" if is_total(s) or s == "" else None


def period_code(label) -> str:
    """'2022' → '2022', '2023M09' → '2023-09'; '2022 2022' (code and text) → '2022'."""
    s = clean(label)
    if isinstance(label, float) and label.is_integer():
        s = str(int(label))
    s = s.split(" ")[0] if s else s
    if m := re.fullmatch(r"([0-9]{4})M([0-9]{2})", s):
        return f"{m[1]}-{m[2]}"
    return s


def guess_kind(labels: list[str]) -> str:
    """The dimension a header row or stub column holds, from its labels (SSB's XLSX has no names)."""
    ls = [clean(x) for x in labels if clean(x)]
    if not ls:
        return "tom"
    if all(re.fullmatch(r"\d{4}(M\d{2}|K\d)?", x) for x in ls):
        return "period"
    if all(age_code(x) or re.search(r"\bår\b", x.lower()) for x in ls) and not any(map(is_neet, ls)):
        return "alder"
    if all(x.lower() in ("menn", "kvinner", "begge kjønn") for x in ls):
        return "kjønn"
    if any("innvandr" in x.lower() for x in ls) and not any(map(is_neet, ls)):
        return "innvandring"
    if all(re.search(r"bosatte|personer|prosent|andel", x.lower()) for x in ls) and \
            not any(map(is_neet, ls)) and not any(map(is_total, ls)):
        return "statistikkvariabel"
    return "status"


_CONTENT = re.compile(r"\(?\b(bosatte|personer|antall|i prosent|prosent|andel)\b\)?")


def _role(dims: dict) -> str | None:
    """numerator / denominator / share / None for one cell, from its status and content labels."""
    status = dims.get("status")
    content = clean(dims.get("statistikkvariabel", "")).lower()
    text = f"{clean(status).lower() if status is not None else ''} | {content}"
    share = "prosent" in text or "andel" in text
    if is_neet(text):
        return "share" if share else "numerator"
    # Without a status dimension the heading text may carry one ('I alt Bosatte 2022').
    rest = clean(status).lower() if status is not None else clean(_CONTENT.sub(" ", content))
    if rest == "" or is_total(rest):
        return None if share else "denominator"
    return None


def _keep_totals(cells: list[Cell], notes: list[str]) -> list[Cell]:
    """Keep only 'I alt' of breakdowns NEET is not shown by (innvandringskategori, …)."""
    names = {k for c in cells for k in c.dims if k not in CORE}
    for name in sorted(names):
        shown_name = _("innvandringskategori") if name == "innvandring" else name
        values = sorted({clean(c.dims[name]) for c in cells if name in c.dims})
        totals = [v for v in values if is_total(v)]
        if not totals:
            shown = ", ".join(f"«{v}»" for v in values[:4])
            raise LoadError(_("Filen er fordelt på {variable} ({values}), men har ikke «I alt». NEET "
                              "vises for hele befolkningen. Last ned tabellen med {variable} «I alt».")
                            .format(variable=shown_name, values=shown))
        dropped = [v for v in values if v not in totals]
        if dropped:
            notes.append(_("Bare {variable} «{total}» er lest inn; {dropped} er utelatt.").format(
                variable=shown_name, total=totals[0], dropped=", ".join(f"«{v}»" for v in dropped)))
        cells = [c for c in cells if name not in c.dims or is_total(c.dims[name])]
        for c in cells:
            c.dims.pop(name, None)
    return cells


def _resolve_period(cells: list[Cell], hint: str | None) -> set[str]:
    """Fill in the user's year where the file has none; returns the periods the file states."""
    if hint is not None and not re.fullmatch(r"(19|20)\d\d", str(hint).strip()):
        raise LoadError(_("Perioden «{period}» er ikke et årstall. Oppgi året tallene gjelder, f.eks. "
                          "2022.").format(period=hint))
    hint = str(hint).strip() if hint is not None else None
    given = {period_code(c.period) for c in cells if clean(c.period)}
    if any(not clean(c.period) for c in cells):
        if hint is None:
            sheets = sorted({c.sheet for c in cells if not clean(c.period) and c.sheet})
            named = ", ".join(f"«{s}»" for s in sheets[:4])
            if not sheets:
                raise LoadError(_("Filen sier ikke hvilket år tallene gjelder. Oppgi året når du laster "
                                  "inn (f.eks. python -m loaders load --period 2022 FIL), og sjekk året "
                                  "i SSB-tabellen filen ble hentet fra."))
            raise LoadError(ngettext(
                "Filen sier ikke hvilket år tallene gjelder (arket {sheets} har verken en årskolonne "
                "eller året i overskriften). Oppgi året når du laster inn (f.eks. python -m loaders "
                "load --period 2022 FIL), og sjekk året i SSB-tabellen filen ble hentet fra.",
                "Filen sier ikke hvilket år tallene gjelder (arkene {sheets} har verken en årskolonne "
                "eller året i overskriften). Oppgi året når du laster inn (f.eks. python -m loaders "
                "load --period 2022 FIL), og sjekk året i SSB-tabellen filen ble hentet fra.",
                len(sheets)).format(sheets=named))
        for c in cells:
            if not clean(c.period):
                c.period = hint
    return given


def _region(label: str, period: str) -> tuple[str, str, str]:
    """Region code from a label with a number, or from a county name / 'Hele landet' alone."""
    try:
        return parse_region_label(label)
    except ValueError:
        pass
    name = clean(label)
    forms = codes.name_forms(name)
    if forms & {"hele landet", "landet", "norge"}:
        return "0", name, "land"
    year = int(period[:4]) if re.match(r"[0-9]{4}", period) else 0
    table = codes.counties_2024() if year >= 2024 else codes.counties_2020() if year >= 2020 else {}
    found = {code for code, n in table.items() if forms & codes.name_forms(n)}
    if len(found) == 1:
        return found.pop(), name, "fylke"
    if year >= 2020:
        raise ValueError(_("«{name}» har ikke et regionnummer").format(name=name[:60]))
    raise ValueError(_("«{name}» har ikke et regionnummer (fylkesnavn uten nummer kan bare tolkes fra "
                       "2020)").format(name=name[:60]))


def _unknown_region(code: str, level: str) -> bool:
    if level == "fylke":
        return codes.county_to_2024(code) is None
    return level == "kommune" and codes.to_2024(code) is None


def neet_frame(cells: list[Cell], decimal: str = ",", period_hint: str | None = None,
               notes: list | None = None):
    """NEET observations from SSB cells. What was left out, and why, is added to `notes`
    (the file's raw._notes, which the pipeline shows as warnings)."""
    notes = [] if notes is None else notes
    if not cells:
        raise LoadError(_("Fant ingen tallceller i SSB-tabellen."))
    cells = _keep_totals(cells, notes)
    stated = _resolve_period(cells, period_hint)
    neet_ages = indicators.get("neet").ages
    groups: dict[tuple, dict] = {}
    other_ages: set[str] = set()
    statuses: dict[str, None] = {}   # in file order, for the message
    if not any("alder" in c.dims for c in cells):
        raise LoadError(_("Filen har ingen aldersvariabel. NEET gjelder 15–29 år; ta med «alder» i "
                          "uttaket.") + " " + _(WHAT_TO_DOWNLOAD))
    sums: dict[tuple, str] = {}   # (sheet, row) → label of a sum row an analyst added
    for c in cells:
        if c.dims.get("status") is not None:
            statuses.setdefault(clean(c.dims["status"]))
        if is_sum_label(c.region):
            sums.setdefault((c.sheet, c.row), clean(c.region))
            continue
        role = _role(c.dims)
        if role is None:
            continue
        age_label = clean(c.dims.get("alder", ""))
        age = age_code(age_label)
        if age not in neet_ages:
            other_ages.add(age_label or _("uten alder"))
            continue
        sex = sex_code(c.dims.get("kjønn", ""))
        if sex is None:
            raise LoadError(_("{where}: ukjent kjønn «{value}».").format(where=where_cell(c),
                                                                          value=clean(c.dims["kjønn"])))
        key = (clean(c.region), age, sex, period_code(c.period))
        try:
            parsed = parse_cell(c.raw, decimal)
        except ValueError as e:
            raise LoadError(f"{where_cell(c)}: {e}.") from None
        g = groups.setdefault(key, {})
        if role in g:
            (old, old_cell) = g[role]
            if old_cell.sheet != c.sheet and old[:2] == parsed[:2]:
                continue   # the same table pasted in two sheets
            first_at = text.lower_first(where_cell(old_cell))
            raise LoadError(_("{where}: to verdier for samme region, alder, kjønn og år ({region}, "
                              "{age} år, {period}); den første står i {first}.").format(
                where=where_cell(c), region=key[0], age=key[1], period=key[3], first=first_at))
        g[role] = (parsed, c)
    if not any("numerator" in g or "share" in g for g in groups.values()):
        raise LoadError(_no_neet_message(list(statuses), other_ages)
                        + _sheets_read(sorted({c.sheet for c in cells if c.sheet})))
    if period_hint is not None and stated and str(period_hint).strip() not in stated:
        raise LoadError(_("Filen gjelder {periods}, men oppgitt periode er {period}. Fjern --period "
                          "eller oppgi riktig år.").format(periods=", ".join(sorted(stated)),
                                                          period=period_hint))
    if other_ages:
        notes.append(_("Aldersgruppene {ages} er utelatt: NEET gjelder 15–29 år og undergruppene 15–19, "
                       "20–24 og 25–29.").format(ages=", ".join(f"«{a}»" for a in sorted(other_ages))))
    rows: list[dict] = []
    skipped: list[str] = []
    no_share: list[str] = []
    as_fraction: list[tuple] = []   # (share, from the counts, where)
    share_only: list[tuple[int, Cell]] = []            # (row index, where): no counts beside
    for (region, age, sex, period), g in groups.items():
        if "numerator" not in g and "share" not in g:
            continue   # residents only: nothing to show as NEET
        first = next(iter(g.values()))[1]
        try:
            code, name, level = _region(region, period)
        except ValueError as e:
            raise LoadError(f"{where_cell(first)}: {e}.") from None
        none = (None, None, "")
        num, den, share = (g[k][0] if k in g else none for k in ("numerator", "denominator", "share"))
        parts = [p for p in (num, share) if p[1] is not None]
        status = "suppressed" if any(p[1] == "suppressed" for p in parts) else (
            "missing" if parts and all(p[1] == "missing" for p in parts) else "ok")
        # From the counts when both are there: SSB's share is rounded to one decimal, and the
        # same figure from a table without it (13563) must be the same number.
        value = 100 * num[0] / den[0] if num[0] is not None and den[0] else share[0]
        if status == "ok" and share[0] is not None:
            if value is share[0]:
                share_only.append((len(rows), g["share"][1]))
            elif not agrees(share[0], value):
                if agrees(100 * share[0], value):
                    as_fraction.append((share[0], value, g["share"][1]))   # 0,113 for 11,3 %
                else:   # off its own counts: validate refuses it, naming the share's row
                    value, first = share[0], g["share"][1]
        note = next((p[2] for p in (num, share) if p[2]), "")
        if status == "ok" and value is None:   # a count with neither residents nor a share
            status, note = "missing", NO_SHARE_NOTE   # stored: translated where it is shown
            no_share.append(clean(region))
        if all(p[0] is None and p[2] == SYMBOLS["."][1] for p in parts):
            continue   # «.»: the region did not exist that year (Telemark 40 in 2023)
        if status != "ok" and _unknown_region(code, level):
            skipped.append(clean(region))   # SSB lists Svalbard, sokkelen etc. with no numbers
            continue
        rows.append({"indicator": "neet", "region": code, "region_name": name, "level": level,
                     "period": period, "age": age, "sex": sex, "category": "alle",
                     "value": value if status == "ok" else None,
                     "numerator": num[0] if status in ("ok", "missing") else None,
                     "denominator": den[0], "status": status, "note": note, "row": first.row,
                     "sheet": first.sheet})
    fractions(rows, as_fraction, share_only, notes)
    if sums:
        notes.append(sums_note(sums))
    if no_share:
        notes.append(ngettext(
            "{n} NEET-tall har antall, men verken bosatte i alt eller andel, og lagres uten andel "
            "(f.eks. {examples}). Ta med arbeidsstyrkestatus «I alt» i uttaket.",
            "{n} NEET-tall har antall, men verken bosatte i alt eller andel, og lagres uten andel "
            "(f.eks. {examples}). Ta med arbeidsstyrkestatus «I alt» i uttaket.",
            len(no_share)).format(n=len(no_share), examples=", ".join(sorted(set(no_share))[:3])))
    if skipped:
        notes.append(_("Regioner uten tall som ikke er kommuner eller fylker er hoppet over: {regions}.")
                     .format(regions=", ".join(sorted(set(skipped))[:5])))
    df = normalised_frame(rows)
    notes.extend(implausible(df))
    return df


def _sheets_read(sheets: list[str]) -> str:
    if not sheets:
        return ""
    listed = ", ".join(f"«{s}»" for s in sheets[:8])
    if len(sheets) > 8:
        listed = _("{list} m.fl.").format(list=listed)
    return " " + ngettext("Arket som ble lest: {sheets}.", "Arkene som ble lest: {sheets}.",
                          len(sheets)).format(sheets=listed)


def _no_neet_message(statuses: list[str], other_ages: set[str]) -> str:
    ages = ", ".join(f"«{a}»" for a in sorted(other_ages))
    if any(map(is_neet, statuses)):
        what = _("Filen har NEET-tall bare for aldersgruppene {ages}, ikke for 15–29 år.").format(ages=ages)
    else:
        shown = ", ".join(f"«{s}»" for s in statuses[:8]) or _("ingen")
        if ages:
            what = _("Filen har ingen NEET-tall for 15–29 år (arbeidsstyrkestatus: {statuses}; alder: "
                     "{ages}). NEET kan ikke regnes ut av disse tallene: det krever aldersgruppen 15–29 "
                     "år og statusen «Utenfor arbeid, utdanning og arbeidsmarkedstiltak».")
        else:
            what = _("Filen har ingen NEET-tall for 15–29 år (arbeidsstyrkestatus: {statuses}). NEET "
                     "kan ikke regnes ut av disse tallene: det krever aldersgruppen 15–29 år og statusen "
                     "«Utenfor arbeid, utdanning og arbeidsmarkedstiltak».")
        what = what.format(statuses=shown, ages=ages)
    return f"{what} {_(WHAT_TO_DOWNLOAD)}"
