"""One SSB Statistikkbanken sheet in a workbook, as an analyst leaves it: the SSB table with
the analyst's additions around and inside it, which are left out and named.

    13563: Kommunefordelt arbeidsstyrkestatus …           ← title (the table number)
    https://www.ssb.no/statbank/sq/10074755               ← saved query (optional)
                Bosatte                                   ← heading rows: one per variable,
                2021                                         an outer label covers the columns
                15-29 år                                     to its right (blank rows allowed)
                I alt     Utenfor arbeid …   Andel        ← «Andel»: a column the analyst added
    K-3801 Horten   4789      576            0,12
    …                                                     ← more blocks may follow a blank row
    Samla          72305     8005            0,11         ← a sum row the analyst added
    (blank row, then SSB's footnotes)

SSB never writes a formula, so a column whose filled cells are all formulas (a share, a
VLOOKUP of the county) and a row whose numbers are all formulas (=SUM) are the analyst's; so
are decimal numbers in a table of persons, sum rows by their label, and columns beside the
table. The region is the first stub column, the stub's number and name columns together
('3001' + 'Halden'), or a heading row ('30 Viken', '03 Oslo', … as columns)."""
from __future__ import annotations

import re

from openpyxl.utils import get_column_letter

from geo import codes
from loaders.base import LoadError, parse_region_label
from loaders.ssb_checks import is_sum_label
from loaders.ssb_common import Cell, check_table, clean, guess_kind
from vocab.i18n import N_, _, ngettext
from vocab.text import listing

FORMULA_NO_VALUE = N_("Excel-filen har formler uten lagret verdi (arket «{sheet}», celle {ref}: ={formula}). "
                    "Innenfor regner ikke ut formler. Åpne filen i Excel og lagre den på nytt (da lagres "
                    "verdiene), eller lim inn som verdier.")


def text(v) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return clean(v)


def blank(row) -> bool:
    return not any(clean(v) for v in row)


def first(row):
    return row[0] if row else None


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _letters(cols, labels: dict | None = None) -> str:
    """'D', 'D og I', 'F–H', 'D «Andel» og L–N': column letters, runs joined, a lone column
    with its heading."""
    labels = labels or {}
    runs: list[list[int]] = []
    for c in sorted(cols):
        if runs and c == runs[-1][-1] + 1:
            runs[-1].append(c)
        else:
            runs.append([c])
    parts = []
    for r in runs:
        a, b = get_column_letter(r[0] + 1), get_column_letter(r[-1] + 1)
        if len(r) > 2:
            parts.append(f"{a}–{b}")
        else:
            parts += [get_column_letter(c + 1) + (f" «{labels[c][:60]}»" if labels.get(c) else "")
                      for c in r]
    return listing(parts)


def data_rows(rows: list[list], start: int) -> list[int]:
    """The table's rows from `start`: up to a blank row, and on past blank rows while the next
    filled row is more of the table (a label and a number), not SSB's footnotes (text alone)."""
    out, n = [], start
    while n < len(rows):
        if blank(rows[n]):
            m = n + 1
            while m < len(rows) and blank(rows[m]):
                m += 1
            row = rows[m] if m < len(rows) else []
            if text(first(row)) and len(text(first(row))) < 80 and any(map(_number, row[1:])):
                n = m
                continue
            break
        out.append(n)
        n += 1
    return out


class Additions:
    """What the analyst added to one sheet's table, found from its formulas and shape, and the
    words for the warning that names it."""

    def __init__(self, sheet: str, rows: list[list], formulas: dict, heading: list[int],
                 data: list[int]):
        self.sheet, self.rows, self.formulas = sheet, rows, formulas
        self.columns: dict[int, str] = {}     # column → why it is not read
        self.sum_rows: dict[int, str] = {}    # row index → label
        width = max((len(rows[n]) for n in heading + data), default=0) if formulas else 0
        for c in range(width):
            filled = [n for n in data if c < len(rows[n]) and clean(rows[n][c])]
            if filled and all((n + 1, c) in formulas for n in filled):
                self.columns[c] = _("formler")
        for n in data:
            if is_sum_label(first(rows[n])):
                self.sum_rows[n] = text(first(rows[n]))
            elif formulas:
                nums = [c for c, v in enumerate(rows[n]) if _number(v) and c not in self.columns]
                if nums and all((n + 1, c) in formulas for c in nums):
                    self.sum_rows[n] = text(first(rows[n])) or _("formler")

    def cleaned(self, n: int) -> list:
        """Row n with the analyst's columns blanked."""
        return [None if c in self.columns else v for c, v in enumerate(self.rows[n])]

    def check_values(self, used: set[tuple[int, int]]) -> None:
        """Refuse a formula with no stored value among the cells that are read (it would read as
        an empty cell, turning a number into «missing»)."""
        for (row, col), (has_value, formula) in sorted(self.formulas.items()):
            if not has_value and (row - 1, col) in used:
                raise LoadError(_(FORMULA_NO_VALUE).format(sheet=self.sheet, formula=formula[:60],
                                                           ref=f"{get_column_letter(col + 1)}{row}"))

    def note(self, labels: dict[int, str], beside: list[int]) -> str | None:
        parts = []
        by_why: dict[str, list[int]] = {}
        for c, why in self.columns.items():
            by_why.setdefault(why, []).append(c)
        for why, cols in by_why.items():
            parts.append(ngettext("kolonne {columns} ({why})", "kolonnene {columns} ({why})",
                                  len(cols)).format(columns=_letters(cols, labels), why=why))
        if self.sum_rows:
            shown = listing([f"{n + 1} «{label}»" for n, label in list(self.sum_rows.items())[:4]])
            if len(self.sum_rows) > 4:
                shown = _("{list} m.fl.").format(list=shown)
            parts.append(ngettext("rad {rows} (sum)", "radene {rows} (summer)",
                                  len(self.sum_rows)).format(rows=shown))
        if not parts and not beside:
            return None
        said = []
        if parts:
            said.append(_("lagt til i Excel og ikke lest inn: {parts}.").format(parts="; ".join(parts)))
        if beside:
            said.append(ngettext("Kolonne {columns} står ved siden av SSB-tabellen og er ikke lest inn.",
                                 "Kolonnene {columns} står ved siden av SSB-tabellen og er ikke lest inn.",
                                 len(beside)).format(columns=_letters(beside)))
        return _("Arket «{sheet}»: {text}").format(sheet=self.sheet, text=" ".join(said))


def regionish(label) -> bool:
    """A label that names a region: with a number ('K-3807 Skien', '03 Oslo'), the country, or
    a county's name of any year."""
    s = clean(label)
    if not s:
        return False
    try:
        parse_region_label(s)
        return True
    except ValueError:
        pass
    forms = codes.name_forms(s)
    return bool(forms & {"hele landet", "landet", "norge"}) or any(forms & f for f in _county_forms())


def _county_forms() -> list[set[str]]:
    names = {**codes.counties_2024(), **codes.counties_2020(), **codes.COUNTIES_2020_2023}
    return [codes.name_forms(n) for n in names.values()] + \
        [codes.name_forms(n) for n in codes.OLD_COUNTY_NAMES.values()]


def statbank_cells(name: str, rows: list[list], formulas: dict, notes: list) -> list[Cell]:
    i = next(n for n, r in enumerate(rows) if not blank(r))
    title = clean(rows[i][0])
    check_table(title)
    i += 1
    while i < len(rows) and (blank(rows[i]) or (text(first(rows[i])) and blank(rows[i][1:]))):
        i += 1   # blank rows and the saved-query URL under the title
    heading = []
    while i < len(rows) and not text(first(rows[i])):
        if not blank(rows[i]):
            heading.append(i)
        i += 1
    if not heading:
        raise LoadError(_("Arket «{sheet}»: fant ikke overskriftsradene under tittelen «{title}».")
                        .format(sheet=name, title=title[:60]))
    data = data_rows(rows, i)
    if not data:
        raise LoadError(_("Arket «{sheet}», rad {row}: fant ingen tallrader under overskriften (en "
                          "rad med region og tall).").format(sheet=name, row=i + 1))
    added = Additions(name, rows, formulas, heading, data)
    head = [added.cleaned(n) for n in heading]
    stub_w = min((next((j for j, v in enumerate(r) if text(v)), len(r)) for r in head), default=0)
    last = head[-1]
    cols = []
    for j in range(stub_w, len(last)):
        if j in added.columns:
            continue   # the analyst's column inside the table ('Vestfold', 'Telemark' by formulas)
        if not text(last[j]):
            break
        cols.append(j)
    body = [(n, added.cleaned(n)) for n in data if n not in added.sum_rows]
    cols = [j for j in cols if any(j < len(r) and r[j] is not None for _n, r in body)]   # not empty
    labels = []   # per heading row: the label over each column (outer labels cover their block)
    for r in head:
        current, row_labels = "", []
        for j in cols:
            current = text(r[j]) if j < len(r) and text(r[j]) else current
            row_labels.append(current)
        labels.append(row_labels)
    _decimal_columns(added, labels, cols, body)
    keep = [k for k, j in enumerate(cols) if j not in added.columns]
    labels = [[ls[k] for k in keep] for ls in labels]
    all_cols, cols = cols, [cols[k] for k in keep]
    if not cols:
        raise LoadError(_("Arket «{sheet}»: fant ingen kolonner med SSBs tall under overskriften.")
                        .format(sheet=name))
    last_col = max(all_cols)
    beside = sorted({c for n in heading + data for c, v in enumerate(rows[n])
                     if c > last_col and c not in added.columns and clean(v)})
    titles = rows[heading[-1]]
    if note := added.note({c: text(titles[c]) for c in added.columns if c < len(titles)}, beside):
        notes.append(note)
    cells = _cells(name, head, labels, cols, stub_w, body)
    added.check_values({(n, j) for n, _r in body for j in list(range(stub_w)) + cols})
    return cells


def _decimal_columns(added: Additions, labels: list[list[str]], cols: list[int], body) -> None:
    """In a table of persons, a column of decimal numbers is a share the analyst worked out
    and pasted as values (SSB's shares are under a label that says «prosent»)."""
    for k, j in enumerate(cols):
        own = " ".join(ls[k] for ls in labels).lower()
        if "prosent" in own or j in added.columns:
            continue
        values = [r[j] for _n, r in body if j < len(r) and _number(r[j])]
        if values and any(not float(v).is_integer() for v in values):
            added.columns[j] = _("desimaltall i en tabell med antall personer")


def _cells(name, head, labels, cols, stub_w, body) -> list[Cell]:
    filled, stubs = [""] * stub_w, []
    for _n, r in body:
        filled = [text(r[j]) or filled[j] if j < len(r) else filled[j] for j in range(stub_w)]
        stubs.append(filled)
    used = [j for j in range(stub_w) if any(s[j] for s in stubs)]   # (a blanked column is gone)
    stub_labels = {j: sorted({s[j] for s in stubs if s[j]}) for j in used}
    region_stub = next((j for j in used if _mostly_regions(stub_labels[j])), None)
    region_row = None
    if region_stub is None:
        region_row = next((h for h, ls in enumerate(labels) if _mostly_regions(sorted(set(ls)), 1.0)), None)
    if region_stub is None and region_row is None:
        region_stub = used[0] if used else None
    if region_stub is None and region_row is None:
        raise LoadError(_("Arket «{sheet}»: fant ingen kolonne eller overskriftsrad med regioner.")
                        .format(sheet=name))
    name_col = None
    if region_stub is not None:
        nxt = [j for j in used if j > region_stub]
        if nxt and all(re.fullmatch(r"\d{1,4}", x) for x in stub_labels[region_stub]) and \
                all(not re.fullmatch(r"[\d\s.,]*", x) for x in stub_labels[nxt[0]]):
            name_col = nxt[0]   # the number and the name in two columns ('3001', 'Halden')
    kinds = _names(["region" if h == region_row else guess_kind(sorted(set(ls)))
                    for h, ls in enumerate(labels)])
    others = [j for j in used if j not in (region_stub, name_col)]
    stub_kinds = dict(zip(others, _names([guess_kind(stub_labels[j]) for j in others], taken=set(kinds))))
    cells = []
    for (row_no, r), stub in zip(body, stubs):
        base = {k: stub[j] for j, k in stub_kinds.items()}
        region = ""
        if region_stub is not None:
            region = stub[region_stub] + (f" {stub[name_col]}" if name_col is not None else "")
        for c, j in enumerate(cols):
            dims = {**base, **{k: labels[h][c] for h, k in enumerate(kinds)}}
            period = dims.pop("period", "")
            where_region = dims.pop("region", region)
            cells.append(Cell(region=where_region, period=period, raw=r[j] if j < len(r) else None,
                              dims=dims, row=row_no + 1, sheet=name))
    return cells


def _mostly_regions(labels: list[str], share: float = 0.8) -> bool:
    """Whether labels are regions ('2021' is a year here, though 2021 is also a number)."""
    found = [x for x in labels if not is_sum_label(x)]
    return bool(found) and guess_kind(found) != "period" and sum(map(regionish, found)) >= share * len(found)


def _names(kinds: list[str], taken: set | None = None) -> list[str]:
    """Unique dimension names: a second unrecognised variable must not overwrite the first."""
    seen, out = set(taken or ()), []
    for n, k in enumerate(kinds, start=1):
        out.append(k if k not in seen else _("variabel {n}").format(n=n))
        seen.add(out[-1])
    return out
