"""SSB Statistikkbanken CSV download, wide layout ("semikolonseparert med overskrift", and the
same without the title line):

    "13563: Personer 15 år og eldre, etter region, alder, arbeidsstyrkestatus, statistikkvariabel og år"
    <blank>
    "region";"alder";"arbeidsstyrkestatus";"Bosatte 2021";"Bosatte 2022"
    "K-3807 Skien";"15-29 år";"I alt";9700;9641

ISO-8859-1 (older downloads) or UTF-8 with or without BOM; `;` (or `,` from the API's csv);
stub variables one column each, heading variables (statistikkvariabel × år [× alder]) joined in
the column name. Footnotes after a blank line at the end are skipped.
The long layout (one column per variable) is loaders.ssb_csv_long."""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass

from loaders.base import LoadError, RawFile
from loaders.ssb_common import Cell, check_table, clean, dim_kind, neet_frame, table_id
from loaders.ssb_common import text_release as release  # noqa: F401  (the Format's release())
from vocab.i18n import N_, _
from vocab.numbers import integer

NAME = N_("SSB Statistikkbanken CSV")   # stored as the format's name: translate where it is shown

PERIOD_TOKEN = re.compile(r"(?<!\S)(\d{4}(?:M\d{2}|K\d)?)(?!\S)")   # 'Bosatte 2022', not '(2024)'
_AGE_TOKEN = re.compile(r"\d+\s*-\s*\d+\s*år|\d+\s*år (?:eller|og) eldre")


@dataclass
class Text:
    title: str | None
    delimiter: str
    header: list[str]
    body: list[tuple[int, list[str]]]   # (line number in the file, cells)


def split_text(raw: RawFile, head: bool = False) -> tuple[str | None, list[tuple[int, str]]]:
    """(title, numbered lines from the header on). The title is SSB's '"13563: …"' first line.
    head=True: only the start of the file (for detection, which needs no more)."""
    lines = list(enumerate(((raw.head_text if head else raw.text) or "").splitlines(), start=1))
    title = None
    if lines and table_id(lines[0][1]):
        first = [c for c in next(csv.reader([lines[0][1]], delimiter=";"), []) if c.strip()]
        if len(first) == 1:   # the title alone on its line, not a header cell
            title, lines = clean(first[0]), lines[1:]
    while lines and not lines[0][1].strip():
        lines = lines[1:]
    return title, lines


def sniff(line: str) -> str:
    """The delimiter that splits the header line into the most columns."""
    return max((";", ",", "\t"), key=lambda d: len(next(csv.reader([line], delimiter=d), [])))


def read_text(raw: RawFile) -> Text:
    title, lines = split_text(raw)
    if not lines:
        raise LoadError(_("Filen har ingen overskriftsrad med kolonnenavn."))
    if not (raw.text or "").endswith(("\n", "\r")):
        # SSB ends every line; a last line without an ending is a download that was cut off
        raise LoadError(_("Filen slutter midt i rad {row} (uten linjeskift); den kan være avkortet. "
                          "Last ned filen på nytt fra SSB.").format(row=lines[-1][0]))
    delim = sniff(lines[0][1])
    reader = csv.reader((t for _n, t in lines), delimiter=delim)
    parsed = []
    for cells in reader:
        parsed.append(cells)
        if reader.line_num != len(parsed) or (   # a quoted value ran on over the line end,
                reader.line_num == len(lines) and lines[-1][1].count('"') % 2):   # or the file
            n = lines[len(parsed) - 1][0]
            raise LoadError(_("Rad {row} har et anførselstegn (\") som ikke er lukket; filen kan være "
                              "avkortet eller skadet. Last ned filen på nytt fra SSB.").format(row=n))
    header = [clean(h) for h in parsed[0]]
    while header and not header[-1]:
        header.pop()
    body: list[tuple[int, list[str]]] = []
    after_blank = False
    for (n, _text), cells in zip(lines[1:], parsed[1:]):
        if not any(c.strip() for c in cells):
            after_blank = True
            continue
        if after_blank and len([c for c in cells if c.strip()]) == 1:
            break   # footnotes below the table
        cells = cells[:len(header)] if len(cells) > len(header) and not any(
            c.strip() for c in cells[len(header):]) else cells
        if len(cells) != len(header):
            raise LoadError(_("Rad {row} har {n} kolonner, men overskriften har {header}. Filen kan være "
                              "avkortet eller lagret med feil skilletegn (forventet «{sep}»).").format(
                row=n, n=integer(len(cells)), header=integer(len(header)), sep=delim))
        body.append((n, cells))
    return Text(title, delim, header, body)


def decimal_mark(values, delim: str) -> str:
    """Decimal comma unless numbers use a point (a comma-separated file cannot use commas)."""
    if delim == ",":
        return "."
    sample = [str(v).strip() for v in values]
    if any(re.fullmatch(r"-?\d+\.\d+", s) for s in sample):
        return "."
    return ","


def detect(raw: RawFile) -> bool:
    if raw.head_text is None or raw.is_zip:
        return False
    _title, lines = split_text(raw, head=True)
    if not lines:
        return False
    head = [clean(h) for h in next(csv.reader([lines[0][1]], delimiter=sniff(lines[0][1])))]
    kinds = [dim_kind(h) for h in head]
    return len(head) >= 2 and kinds[0] == "region" and "period" not in kinds and \
        any(PERIOD_TOKEN.search(h) for h in head[1:])


def read(raw: RawFile):
    return read_text(raw), raw.period_hint, raw._notes


def heading_dims(h: str, age_in_stub: bool) -> tuple[str, dict]:
    """'Bosatte 2022' → ('2022', {statistikkvariabel: 'Bosatte'}); an age in the heading is its own."""
    m = PERIOD_TOKEN.search(h)
    period = m.group(1) if m else ""
    rest = (h[:m.start()] + " " + h[m.end():]) if m else h
    dims = {}
    outside = re.sub(r"\([^)]*\)", " ", rest)   # '(inkl. NEET for personer 15-29 år)' is not an age
    if not age_in_stub and (a := _AGE_TOKEN.search(outside)):
        dims["alder"] = a.group(0)
        rest = rest.replace(a.group(0), " ", 1)
    dims["statistikkvariabel"] = clean(rest)
    return period, dims


def normalise(table):
    text, hint, notes = table
    check_table(text.title)
    header = text.header
    stubs = [i for i, h in enumerate(header) if not PERIOD_TOKEN.search(h)]
    if 0 not in stubs or dim_kind(header[0]) != "region":
        raise LoadError(_("Første kolonne må være region (f.eks. «K-3807 Skien»)."))
    stub_kind = {i: dim_kind(header[i]) for i in stubs[1:]}
    if unknown := [header[i] for i, k in stub_kind.items() if k is None]:
        raise LoadError(_("Kolonnen «{column}» er ikke en kjent SSB-variabel (kjente: region, alder, "
                          "kjønn, arbeidsstyrkestatus, statistikkvariabel, innvandringskategori).")
                        .format(column=unknown[0]))
    headings = {i: heading_dims(h, "alder" in stub_kind.values())
                for i, h in enumerate(header) if i not in stubs}
    cells = []
    for row_no, values in text.body:
        stub = {stub_kind[i]: values[i].strip() for i in stubs[1:] if stub_kind[i] != "region"}
        for i, (period, dims) in headings.items():
            cells.append(Cell(region=values[0].strip(), period=period, raw=values[i],
                              dims={**stub, **dims}, row=row_no))
    decimal = decimal_mark((values[i] for _n, values in text.body for i in headings), text.delimiter)
    return neet_frame(cells, decimal=decimal, period_hint=hint, notes=notes)
