"""What every loader shares: the raw file, the error type, the normalised row shape,
and the parsing of numbers, symbols and region labels as Norwegian sources write them."""
from __future__ import annotations

import hashlib
import io
import math
import re
import zipfile
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

# The columns every loader's normalise() returns, one row per published cell.
COLUMNS = ["indicator", "region", "region_name", "level", "period", "age", "sex", "category",
           "value", "numerator", "denominator", "status", "note", "row"]

STATUSES = ("ok", "suppressed", "missing", "provisional", "break")
VALUE_STATUSES = ("ok", "provisional", "break")   # statuses that carry a number

# SSB's symbols (https://www.ssb.no/en/help/symbols-in-tables) and NAV/Udir's '*'.
SYMBOLS = {
    ".": ("missing", "«.» kan ikke forekomme"),
    "..": ("missing", "«..» tall kan ikke offentliggjøres / ikke tilgjengelig"),
    "...": ("missing", "«...» tall ennå ikke tilgjengelig"),
    ":": ("suppressed", "«:» skjermet"),
    "*": ("suppressed", "«*» skjermet (færre enn 4)"),
    "-": ("ok", "«-» null"),
}


class LoadError(Exception):
    """A file we will not load. The message is Norwegian and says what to do."""

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.problems = problems or []


@dataclass
class RawFile:
    """The bytes a user gave us, with lazily decoded views for detection and reading."""
    name: str
    data: bytes
    _notes: list = field(default_factory=list)
    period_hint: str | None = None   # the year the user gave for a file that does not state it

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @cached_property
    def is_zip(self) -> bool:
        return self.data[:4] == b"PK\x03\x04"

    @cached_property
    def is_xlsx(self) -> bool:
        if not self.is_zip:
            return False
        try:
            with zipfile.ZipFile(io.BytesIO(self.data)) as z:
                return "xl/workbook.xml" in z.namelist()
        except zipfile.BadZipFile:
            return False

    @cached_property
    def encoding(self) -> str | None:
        """The text encoding, or None when this is not text."""
        d = self.data
        if d.startswith(b"\xef\xbb\xbf"):
            return "utf-8-sig"
        if d.startswith(b"\xff\xfe"):
            return "utf-16"
        if d.startswith(b"\xfe\xff"):
            return "utf-16"
        head = d[:4000]
        if len(head) >= 4 and head[1::2].count(0) > 0.8 * len(head[1::2]) and head[0] != 0:
            return "utf-16-le"   # Udir exports: UTF-16LE without BOM
        if b"\x00" in head:
            return None
        try:
            d.decode("utf-8")
            return "utf-8"
        except UnicodeDecodeError:
            pass
        # ISO-8859-1 decodes anything; refuse when it is clearly binary (control bytes).
        ctrl = sum(1 for b in head if b < 32 and b not in (9, 10, 13))
        return "latin-1" if ctrl < 0.01 * max(len(head), 1) else None

    @cached_property
    def text(self) -> str | None:
        if self.encoding is None:
            return None
        try:
            t = self.data.decode(self.encoding)
        except UnicodeDecodeError:
            return None
        return t.lstrip("\ufeff")

    @cached_property
    def first_lines(self) -> list[str]:
        return (self.text or "").splitlines()[:12]

    @cached_property
    def workbook(self):
        import openpyxl
        try:
            return openpyxl.load_workbook(io.BytesIO(self.data), read_only=True, data_only=True)
        except Exception as e:  # noqa: BLE001 - any openpyxl failure means the same to the user
            raise LoadError("Excel-filen kan ikke åpnes. Den kan være skadet, avkortet eller "
                            f"passordbeskyttet ({type(e).__name__}). Last ned filen på nytt.") from e


def normalised_frame(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=COLUMNS)
    for col in ("value", "numerator", "denominator"):
        df[col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
    for col in ("indicator", "region", "region_name", "level", "period", "age", "sex", "category",
                "status", "note"):
        df[col] = df[col].fillna("").astype(str)
    df["row"] = pd.to_numeric(df["row"], errors="coerce").fillna(0).astype("int64")
    return df


_NUM = re.compile(r"^[+-]?(\d{1,3}([ \u00a0\u202f]\d{3})+|\d+)([.,]\d+)?$")


def parse_cell(cell, decimal: str = ",") -> tuple[float | None, str, str]:
    """(number, status, note) for one published cell: numbers, SSB symbols, NAV's '*'.

    `decimal` is the file's decimal mark; the other mark is not accepted inside numbers
    except as thousands separator in '1 234' (space) form.
    """
    if cell is None:
        return None, "missing", "tom celle"
    if isinstance(cell, bool):
        raise ValueError(f"«{cell}» er ikke et tall")
    if isinstance(cell, (int, float)):
        if isinstance(cell, float) and math.isnan(cell):
            return None, "missing", "tom celle"
        return float(cell), "ok", ""
    s = str(cell).strip().strip('"').strip()
    if s == "":
        return None, "missing", "tom celle"
    if s in SYMBOLS:
        status, note = SYMBOLS[s]
        return (0.0 if s == "-" else None), status, note
    if not _NUM.match(s):
        raise ValueError(f"«{s[:40]}» er ikke et tall eller et kjent symbol")
    other = "." if decimal == "," else ","
    if other in s:
        raise ValueError(f"«{s}» har feil desimaltegn (filen bruker «{decimal}»)")
    s = re.sub(r"[ \u00a0\u202f]", "", s).replace(",", ".")
    return float(s), "ok", ""


_LABEL = re.compile(r"^\s*(?:K-|F-)?(\d{1,4})(?:\s+(.*?))?\s*$")
_YEARS_SUFFIX = re.compile(r"\s*\((?:\d{4})?\s*-\s*(?:\d{4})?\)\s*$")


def parse_region_label(label) -> tuple[str, str, str]:
    """('4003', 'Skien', 'kommune') from 'K-4003 Skien', '3807 Skien (2020-2023)', '40 Telemark',
    '0 Hele landet'. Raises ValueError for a label with no number."""
    s = "" if label is None else str(label).strip()
    if isinstance(label, (int, float)) and not isinstance(label, bool):
        s = f"{int(label)}"
    m = _LABEL.match(s)
    if not m:
        raise ValueError(f"«{s[:60]}» har ikke et regionnummer")
    code, name = m.group(1), (m.group(2) or "").strip()
    name = _YEARS_SUFFIX.sub("", name)
    if code == "0" or code == "00":
        return "0", name, "land"
    if len(code) <= 2:
        return code.zfill(2), name, "fylke"
    return code.zfill(4), name, "kommune"
