"""What every loader shares: the raw file, the error type, the Format protocol every format
module follows, the normalised row shape, grouping helpers, and the parsing of numbers, symbols
and region labels as Norwegian sources write them."""
from __future__ import annotations

import hashlib
import html
import io
import math
import re
import threading
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any, Protocol, cast

import numpy as np
import pandas as pd
import pyarrow as pa

from vocab.keys import NORMALISED as COLUMNS

# normalise() returns the columns vocab.keys.NORMALISED, one row per published cell.
# `row` is the line (CSV) or row (xlsx) a value was read from; `sheet` the xlsx sheet it is on,
# '' for CSV, or '#Verdi' for JSON-stat (where `row` is the value's number in the response).
# Text columns are str, or ordered categoricals with sorted categories (coded_strings): a 1M-row
# file then never spells out its few hundred distinct strings a million times.

HEAD_CHARS = 64 * 1024   # what detection looks at: never the whole (possibly 50 MB) file

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


class Format(Protocol):
    """What every format module (loaders/ssb_csv.py, nav_hl060.py, …) has. loaders.detect asks
    each module's detect() in turn; the first that says yes reads and normalises the file."""
    NAME: str                                        # shown to the user: «SSB Statistikkbanken (CSV)»

    def detect(self, raw: RawFile) -> bool: ...      # cheap: looks at raw.head_text / sheet names
    def read(self, raw: RawFile) -> Any: ...         # the file's own table(s), as published
    def normalise(self, table: Any) -> pd.DataFrame: ...   # vocab.keys.NORMALISED rows
    # Optional: validate(df) -> [problems] (format-specific checks), near_miss(raw) -> message
    # (a file that almost has the layout), release(raw) -> Release (what the file says of it).


@dataclass
class Release:
    """Which release of which statistic a file holds. A format module fills in what the file
    says (SSB's table number, JSON-stat's `updated`, «foreløpige tall»); the pipeline fills the
    rest (product: the format's name; published: when loaded)."""
    product: str = ""                     # 'SSB tabell 13563', 'NAV HL060', …
    published: datetime | None = None     # when the source published it, if the file says
    preliminary: bool = False             # the source calls the figures preliminary
    words: str = ""                       # the source's own words for that, shown with them
    periods: tuple[str, ...] = ()         # only these periods are preliminary (empty: all)


@dataclass
class RawFile:
    """The bytes a user gave us, with lazily decoded views for detection and reading."""
    name: str
    data: bytes
    _notes: list = field(default_factory=list)
    period_hint: str | None = None   # the year the user gave for a file that does not state it
    release: Release = field(default_factory=Release)

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
    def is_ole2(self) -> bool:
        """A Compound File (OLE2): an old .xls, or an .xlsx saved with a password (encrypted)."""
        return self.data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

    @cached_property
    def zip_is_broken(self) -> bool:
        """A zip (xlsx) that cannot be opened: cut off during download, or damaged."""
        if not self.is_zip:
            return False
        try:
            with zipfile.ZipFile(io.BytesIO(self.data)) as z:
                return z.testzip() is not None
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError):
            return True

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
        if _is_utf8(d):
            return "utf-8"
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
    def head_text(self) -> str | None:
        """The first HEAD_CHARS characters of the text, ending at a line break when the file
        goes on: what detectors look at, so detection costs the same for 1 kB and 50 MB."""
        if self.encoding in ("utf-8", "utf-8-sig", "latin-1") and len(self.data) > 4 * HEAD_CHARS:
            # Decode only the head (a line break byte is never inside a UTF-8 character).
            head = self.data[:4 * HEAD_CHARS]
            cut = max(head.rfind(b"\n"), head.rfind(b"\r"))
            if cut > 0:
                t = head[:cut + 1].decode(self.encoding).lstrip("\ufeff")
                return t if len(t) <= HEAD_CHARS else _cut_at_line(t[:HEAD_CHARS])
        whole = self.text
        if whole is None or len(whole) <= HEAD_CHARS:
            return whole
        return _cut_at_line(whole[:HEAD_CHARS])

    @cached_property
    def first_lines(self) -> list[str]:
        return (self.head_text or "").splitlines()[:12]

    @cached_property
    def workbook(self):
        import openpyxl
        try:
            wb = openpyxl.load_workbook(io.BytesIO(self.data), read_only=True, data_only=True)
        except Exception as e:
            raise LoadError("Excel-filen kan ikke åpnes. Den kan være skadet, avkortet eller "
                            "passordbeskyttet. Last ned filen på nytt.") from e
        return wb

    def check_formulas(self, sheets) -> None:
        """Refuse a formula with no stored value on the sheets a loader reads (`sheets`: their
        titles). Such a cell reads as empty, which would silently turn a number into 'missing'.
        Other sheets (an analyst's own =SUM) are not read, so they do not matter."""
        if found := self._formula_without_value(self.workbook, set(sheets)):
            sheet, ref, formula = found
            raise LoadError(f"Excel-filen har formler uten lagret verdi (arket «{sheet}», celle {ref}: "
                            f"={formula[:60]}). Innenfor regner ikke ut formler. Åpne filen i Excel og "
                            "lagre den på nytt (da lagres verdiene), eller lim inn som verdier.")

    def _formula_without_value(self, wb, sheets: set) -> tuple[str, str, str] | None:
        """(sheet, cell, formula) of a formula cell with no computed value stored. (Excel stores
        the value of every formula; files written by scripts often do not.)"""
        with zipfile.ZipFile(io.BytesIO(self.data)) as z:
            for ws in wb.worksheets:
                if ws.title not in sheets:
                    continue
                path = getattr(ws, "_worksheet_path", None)
                if not path or path not in z.namelist():
                    continue
                xml = z.read(path)
                if b"<f>" not in xml and b"<f " not in xml:
                    continue
                for m in _FORMULA_CELL.finditer(xml):
                    if not _CACHED_VALUE.search(m.group(3)):
                        return (ws.title, m.group(1).decode(),
                                html.unescape((m.group(2) or b"").decode("utf-8", "replace")))
        return None


def _cut_at_line(head: str) -> str:
    cut = max(head.rfind("\n"), head.rfind("\r"))
    return head[:cut + 1] if cut > 0 else head


def _is_utf8(data: bytes) -> bool:
    """Whether the bytes are valid UTF-8, checked by Arrow without building a str (a 50 MB file
    is then decoded only if a reader needs the whole text)."""
    if data.isascii():
        return True
    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64).tobytes())
    try:
        pa.LargeStringArray.from_buffers(1, offsets, pa.py_buffer(data)).validate(full=True)
        return True
    except pa.ArrowInvalid:
        return False


_FORMULA_CELL = re.compile(rb'<c\b[^>]*?\br="([A-Z]+\d+)"[^>/]*>(?:(?!</c>).)*?<f\b[^>]*?(?:/>|>([^<]*)</f>)'
                           rb'((?:(?!</c>).)*)</c>', re.S)
_CACHED_VALUE = re.compile(rb"<v>[^<]+</v>")


def normalised_frame(rows) -> pd.DataFrame:
    """The normalised rows (a list of dicts, or a DataFrame with some or all of COLUMNS)."""
    df = pd.DataFrame(rows, columns=COLUMNS) if not isinstance(rows, pd.DataFrame) else \
        rows.reindex(columns=COLUMNS)
    for col in ("value", "numerator", "denominator"):
        if df[col].dtype != "float64":
            df[col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
    for col in ("indicator", "region", "region_name", "level", "period", "age", "sex", "category",
                "status", "note", "sheet"):
        if isinstance(df[col].dtype, pd.CategoricalDtype) and not df[col].hasnans:
            continue
        if df[col].dtype != "str" or df[col].hasnans:
            df[col] = df[col].astype("str").fillna("")
    if df["row"].dtype != "int64":
        df["row"] = pd.to_numeric(df["row"], errors="coerce").fillna(0).astype("int64")
    return df


_factors = threading.local()   # column → (codes, values), remembered within pipeline.prepare()


@contextmanager
def remember_factors():
    """While active, str columns factorized with factorize() keep their (codes, distinct values),
    so grouping by a column never hashes its strings twice."""
    _factors.cache = {}
    try:
        yield
    finally:
        _factors.cache = None


def _arrow(col):
    arr = col.array if isinstance(col, pd.Series) else col
    return getattr(arr, "_pa_array", arr)   # the Arrow data: shared by copies of a frame


def factorize(col: pd.Series) -> tuple[np.ndarray, list]:
    """(number of each row's value among the distinct values, the distinct values). The values
    are distinct; their order is not promised, and for a categorical column they may include
    values no row has."""
    cache = getattr(_factors, "cache", None)
    key = id(_arrow(col))
    if cache is not None and key in cache:
        return cache[key][1:]
    if isinstance(col.dtype, pd.CategoricalDtype) and not col.hasnans:
        idx, uniq = col.cat.codes.to_numpy().astype(np.intp), col.cat.categories   # (int8 overflows)
    else:
        idx, uniq = pd.factorize(col, use_na_sentinel=False)
    if cache is not None:
        cache[key] = (_arrow(col), idx, list(uniq))   # keeps the data alive: its id stays unique
    return idx, list(uniq)


def combined_codes(df: pd.DataFrame, cols: list[str]) -> tuple[np.ndarray, int]:
    """(a number per row for its combination of `cols`, the numbers' upper bound): a factorize
    per column, combined arithmetically."""
    n = len(df)
    code = np.zeros(n, dtype=np.int64)
    size = 1
    for c in cols:
        idx, uniq = factorize(df[c])
        k = max(len(uniq), 1)
        if size * k >= 2 ** 62:   # keep the combined number small
            code = pd.factorize(code)[0].astype(np.int64)
            size = int(code.max()) + 1 if n else 1
        code *= k   # (in place: no new 8-byte array per column)
        code += idx
        size *= k
    return code, size


def groups(df: pd.DataFrame, cols: list[str], ordered: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """(group number of each row, position of each group's first row) for the distinct values
    of `cols`, numbered in order of first appearance (ordered=False: in no particular order).
    Vectorised: the combinations (combined_codes) numbered through a dense table when there can be
    few (a file has a few hundred places and periods), else a hash table."""
    n = len(df)
    code, size = combined_codes(df, cols)
    if size <= 2 * n:   # a table of every possible combination costs at most 10 bytes a row
        seen = np.zeros(size, dtype=bool)
        seen[code] = True
        dense = np.cumsum(seen, dtype=np.int32) - 1   # group numbers in order of `code`
        grp = dense[code]
        first = np.full(int(seen.sum()), n, dtype=np.int64)
        np.minimum.at(first, grp, np.arange(n, dtype=np.int64))
        if not ordered:
            return grp, first
        order = np.argsort(first, kind="stable")   # renumber in order of first appearance
        renumber = np.empty_like(order)
        renumber[order] = np.arange(len(order))
        return renumber[grp], first[order]
    grp = pd.factorize(code)[0]
    first = pd.Series(grp).drop_duplicates().index.to_numpy()
    return grp, first


def coded_strings(values: list, idx: np.ndarray, repeat: int = 1) -> pd.Categorical:
    """A text column from its values and each row's index into them, `repeat` times over: an
    ordered categorical with sorted categories, so it sorts, compares and has min/max as str
    does, and reaches the store as an Arrow dictionary (no string per row is built)."""
    strs = ["" if v is None else str(v) for v in values]
    uniq = sorted(set(strs)) or [""]
    pos = {u: i for i, u in enumerate(uniq)}
    small = np.int8 if len(uniq) < 128 else np.int16 if len(uniq) < 32768 else np.int32
    codes = np.array([pos[x] for x in strs] or [0], dtype=small)[idx]
    if repeat != 1:
        codes = np.tile(codes, repeat)
    dtype = pd.CategoricalDtype(uniq, ordered=True)
    return cast(pd.Categorical, pd.Categorical.from_codes(codes, dtype=dtype))


def plain(df: pd.DataFrame, cols=None) -> pd.DataFrame:
    """`cols` (default: all) as str, for code that sets values a categorical does not have or
    builds strings from it. Used where few rows are involved (merged municipalities, breaks)."""
    return df.assign(**{c: df[c].astype("str") for c in (df.columns if cols is None else cols)
                        if isinstance(df[c].dtype, pd.CategoricalDtype)})


def mojibake(text: str) -> str | None:
    """The text as it was meant when UTF-8 bytes were read as ISO-8859-1 ('KragerÃ¸' →
    'Kragerø'), or None when it does not look like that."""  # noqa: RUF002 - the garbled text is the point
    if not text or ("Ã" not in text and "Â" not in text):
        return None
    try:
        fixed = text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None
    return fixed if fixed != text else None


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
