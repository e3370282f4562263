"""SSB Statistikkbanken CSV download ("semikolonseparert med overskrift" and without title).

    "13563: Personer 15 år og eldre, etter region, alder, arbeidsstyrkestatus, statistikkvariabel og år"
    <blank>
    "region";"alder";"arbeidsstyrkestatus";"Bosatte 2021";"Bosatte 2022"
    "K-3807 Skien";"15-29 år";"I alt";9700;9641

ISO-8859-1 (older downloads) or UTF-8; stub variables one column each, heading variables
(statistikkvariabel × år) joined in the column name, with the period last."""
from __future__ import annotations

import csv
import io
import re

from loaders.base import LoadError, RawFile, normalised_frame
from loaders.ssb_common import NEET_TABLES, Cell, neet_rows, table_id

NAME = "SSB Statistikkbanken CSV"

_PERIOD_AT_END = re.compile(r"^(.*?)\s*(\d{4}(?:M\d{2}|K\d)?)$")


def _lines(raw: RawFile) -> tuple[str | None, list[str]]:
    lines = (raw.text or "").splitlines()
    title = None
    if lines and table_id(lines[0]) and ";" not in lines[0].split(":", 1)[0]:
        title, lines = lines[0].strip().strip('"'), lines[1:]
    while lines and not lines[0].strip():
        lines = lines[1:]
    return title, lines


def detect(raw: RawFile) -> bool:
    if raw.text is None:
        return False
    title, lines = _lines(raw)
    if not lines:
        return False
    head = next(csv.reader([lines[0]], delimiter=";"))
    first = head[0].strip().lower()
    return len(head) >= 2 and first in ("region", "kommune", "fylke") and \
        any(_PERIOD_AT_END.match(h.strip()) for h in head[1:])


def read(raw: RawFile) -> tuple[str | None, list[str], list[list[str]]]:
    title, lines = _lines(raw)
    rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=";"))
    header = [h.strip() for h in rows[0]]
    body = []
    for n, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            raise LoadError(f"Rad {n} har {len(cells)} kolonner, men overskriften har {len(header)}. "
                            "Filen kan være avkortet eller lagret med feil skilletegn (forventet «;»).")
        body.append([n + (1 if title else 0)] + cells)
    return title, header, body


def normalise(table):
    title, header, body = table
    tid = table_id(title or "")
    if tid and tid not in NEET_TABLES:
        raise LoadError(f"SSB-tabell {tid} er ikke en NEET-tabell. Innenfor leser tabell 13563 og "
                        "13556 (unge utenfor arbeid, utdanning og arbeidsmarkedstiltak).")
    stubs = [i for i, h in enumerate(header) if not _PERIOD_AT_END.match(h)]
    if 0 not in stubs:
        raise LoadError("Første kolonne må være region (f.eks. «K-3807 Skien»).")
    cells = []
    for row_no, *values in body:
        stub = {header[i].lower(): values[i].strip() for i in stubs}
        region = values[0].strip()
        for i, h in enumerate(header):
            if i in stubs:
                continue
            content, period = _PERIOD_AT_END.match(h).groups()
            dims = {k: v for k, v in stub.items() if k not in ("region", "kommune", "fylke")}
            dims["statistikkvariabel"] = content or "Bosatte"
            cells.append(Cell(region=region, period=period, raw=values[i], dims=dims, row=row_no))
    return normalised_frame(neet_rows(cells, decimal=","))
