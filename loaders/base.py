"""What every loader shares: the raw file, the error type, the Format protocol every format
module follows, the normalised row shape, grouping helpers, and the parsing of numbers, symbols
and region labels as Norwegian sources write them."""
from __future__ import annotations

import hashlib
import html
import io
import math
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any, Protocol

import numpy as np
import pandas as pd
import pyarrow as pa

from vocab.i18n import N_, _
from vocab.numbers import integer

# normalise() returns the columns vocab.keys.NORMALISED, one row per published cell.
# `row` is the line (CSV) or row (xlsx) a value was read from; `sheet` the xlsx sheet it is on,
# '' for CSV, or '#Verdi' for JSON-stat (where `row` is the value's number in the response).
# Text columns are str, or ordered categoricals with sorted categories (coded_strings): a 1M-row
# file then never spells out its few hundred distinct strings a million times.

MAX_UNPACKED = 200 * 1024 * 1024   # what an xlsx may unpack to (its members, uncompressed)
MAX_SHARED_STRINGS = 2_000_000     # distinct texts an xlsx may declare
HEAD_CHARS = 64 * 1024   # what detection looks at: never the whole (possibly 50 MB) file

# SSB's symbols (https://www.ssb.no/en/help/symbols-in-tables) and NAV/Udir's '*'. The notes are
# stored with the figures in bokmål (data, compared by the readers); N_ puts them in the catalogs
# so a page can show them with _(note).
SYMBOLS = {
    ".": ("missing", N_("«.» kan ikke forekomme")),
    "..": ("missing", N_("«..» tall kan ikke offentliggjøres / ikke tilgjengelig")),
    "...": ("missing", N_("«...» tall ennå ikke tilgjengelig")),
    ":": ("suppressed", N_("«:» skjermet")),
    "*": ("suppressed", N_("«*» skjermet (færre enn 4)")),
    "-": ("ok", N_("«-» null")),
}
EMPTY_CELL = N_("tom celle")   # the stored note of an empty cell (bokmål, like every stored note)


def count_text(n: int) -> str:
    """A large count in a message, in the language's digits ('6 000 000' with plain spaces in
    Norwegian, as the messages have always written it; '6,000,000' in English)."""
    return integer(n).replace("\u00a0", " ")


class LoadError(Exception):
    """A file we will not load. The message (in the current language) says what to do."""

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
        if self.is_utf32:
            return None
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
    def is_utf32(self) -> bool:
        """UTF-32 (with or without BOM): text when read four bytes to a character."""
        d = self.data
        if d.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
            return True
        head = d[:4000 // 4 * 4] if len(d) >= 4000 else d[:len(d) // 4 * 4]
        for enc in ("utf-32-le", "utf-32-be"):
            try:
                t = head.decode(enc)
            except UnicodeDecodeError:   # (UTF-16 and 8-bit text are never valid UTF-32)
                continue
            if len(t) >= 4 and sum(c.isprintable() or c in "\r\n\t" for c in t) > 0.95 * len(t):
                return True
        return False

    @cached_property
    def text(self) -> str | None:
        if self.encoding is None:
            return None
        try:
            t = self.data.decode(self.encoding)
        except UnicodeDecodeError:
            return None
        if "\r" in t and "\n" not in t:   # old Mac line endings (CR only): lines as everywhere else
            t = t.replace("\r", "\n")
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

    def check_unpacked_size(self) -> None:
        """Refuse an xlsx that would unpack to more than MAX_UNPACKED (a «zip bomb»: a few hundred
        kB that inflate to gigabytes), or with more shared strings than MAX_SHARED_STRINGS, before
        anything is unpacked. The sizes are the zip's own table of contents; Python's zipfile
        never inflates a member past the size stated there."""
        try:
            with zipfile.ZipFile(io.BytesIO(self.data)) as z:
                infos = z.infolist()
                total = sum(i.file_size for i in infos)
                head = b""
                if total <= MAX_UNPACKED and "xl/sharedStrings.xml" in z.namelist():
                    with z.open("xl/sharedStrings.xml") as f:
                        head = f.read(2048)
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError):
            return   # a damaged zip is named by the reader that tries to open it
        if total > MAX_UNPACKED or len(infos) > 10_000:
            raise LoadError(_("Excel-filen pakkes ut til {size} MB, mer enn {limit} MB som er grensen. "
                              "Filen er enten skadet eller laget for å fylle opp minnet; Innenfor åpner "
                              "den ikke. Last ned tabellen på nytt fra kilden.").format(
                size=total // 1024 // 1024, limit=MAX_UNPACKED // 1024 // 1024))
        m = re.search(rb'\buniqueCount="(\d+)"', head) or re.search(rb'\bcount="(\d+)"', head)
        if m and int(m.group(1)) > MAX_SHARED_STRINGS:
            raise LoadError(_("Excel-filen sier den har {n} ulike tekster, mer enn {limit} som er "
                              "grensen. Filen er enten skadet eller laget for å fylle opp minnet; "
                              "Innenfor åpner den ikke. Last ned tabellen på nytt fra kilden.").format(
                n=count_text(int(m.group(1))), limit=count_text(MAX_SHARED_STRINGS)))

    @cached_property
    def workbook(self):
        import openpyxl
        self.check_unpacked_size()
        try:
            wb = openpyxl.load_workbook(io.BytesIO(self.data), read_only=True, data_only=True)
        except Exception as e:
            raise LoadError(_("Excel-filen kan ikke åpnes. Den kan være skadet, avkortet eller "
                              "passordbeskyttet. Last ned filen på nytt.")) from e
        return wb

    def check_formulas(self, sheets) -> None:
        """Refuse a formula with no stored value on the sheets a loader reads (`sheets`: their
        titles). Such a cell reads as empty, which would silently turn a number into 'missing'.
        Other sheets (an analyst's own =SUM) are not read, so they do not matter."""
        if found := self._formula_without_value(self.workbook, set(sheets)):
            sheet, ref, formula = found
            raise LoadError(_("Excel-filen har formler uten lagret verdi (arket «{sheet}», celle {cell}: "
                              "={formula}). Innenfor regner ikke ut formler. Åpne filen i Excel og "
                              "lagre den på nytt (da lagres verdiene), eller lim inn som verdier.").format(
                sheet=sheet, cell=ref, formula=formula[:60]))

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
_REF = re.compile(r"([A-Z]+)(\d+)")


def formula_cells(raw: RawFile, sheets) -> dict[str, dict[tuple[int, int], tuple[bool, str]]]:
    """The formula cells on the sheets titled `sheets`: {title: {(row, column index from 0):
    (whether a value is stored, the formula)}}. The sources never write formulas: a formula in
    a downloaded table is an analyst's (a sum row, a share column, a look-up)."""
    from openpyxl.utils import column_index_from_string
    wanted, out = set(sheets), {}
    with zipfile.ZipFile(io.BytesIO(raw.data)) as z:
        names = set(z.namelist())
        for ws in raw.workbook.worksheets:
            path = getattr(ws, "_worksheet_path", None)
            if ws.title not in wanted or not path or path not in names:
                continue
            xml = z.read(path)
            found: dict[tuple[int, int], tuple[bool, str]] = {}
            if b"<f>" in xml or b"<f " in xml:
                for m in _FORMULA_CELL.finditer(xml):
                    col, row = _REF.fullmatch(m.group(1).decode()).groups()   # type: ignore[union-attr]
                    found[(int(row), column_index_from_string(col) - 1)] = (
                        bool(_CACHED_VALUE.search(m.group(3))),
                        html.unescape((m.group(2) or b"").decode("utf-8", "replace")))
            out[ws.title] = found
    return out


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


_NUM = re.compile(r"^[+-]?(\d{1,3}([ \u00a0\u202f]\d{3})+|\d+)([.,]\d+)?$", re.ASCII)
# Invisible characters a copy from a web page or a word processor leaves in a cell: zero-width
# space/joiners, word joiner, BOM, soft hyphen. Removed before a cell is read.
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
MAX_COUNT = 6_000_000   # more people than live in Norway: no count in any source can be larger


def plain_text(text: str) -> str:
    """The text with full-width, half-width and no-break forms folded to what they stand for
    (NFKC of those characters only: full-width digits U+FF10–FF19 → 0–9, U+00A0 → space) and
    invisible characters removed: what the cell means. Other compatibility characters are kept
    (garbled UTF-8 must stay as it is to be recognised; a superscript two is not «2»)."""
    if text.isascii():
        return text
    return _INVISIBLE.sub("", "".join(
        unicodedata.normalize("NFKC", ch) if unicodedata.decomposition(ch).startswith(_FOLDED) else ch
        for ch in text))


_FOLDED = ("<wide>", "<narrow>", "<noBreak>")


_ENDLESS = {"nan", "inf", "infinity", "\u221e"}
_EXCEL_ERRORS = {"#DIV/0!", "#NUM!", "#VALUE!", "#N/A", "#REF!", "#NAME?", "#NULL!", "#SPILL!", "#CALC!"}


def _finite(x: float, shown) -> float:
    if not math.isfinite(x):
        raise ValueError(_("«{value}» er ikke et endelig tall").format(value=str(shown)[:40]))
    return x + 0.0   # -0 → 0


def parse_cell(cell, decimal: str = ",") -> tuple[float | None, str, str]:
    """(number, status, note) for one published cell: numbers, SSB symbols, NAV's '*'.

    `decimal` is the file's decimal mark; the other mark is not accepted inside numbers
    except as thousands separator in '1 234' (space) form.

    One rule for every reader, CSV and xlsx alike: an empty cell (None, '', spaces, or the float
    NaN a reader's frame holds for one) is missing, never 0; NaN and infinities written in the
    file ('nan', 'NaN', 'Infinity', '-inf', '∞', 1e309) and Excel's error values ('#DIV/0!') are
    refused (ValueError, which the reader names with its row); -0 is 0.
    """
    if cell is None:
        return None, "missing", EMPTY_CELL
    if isinstance(cell, bool):
        raise ValueError(_("«{value}» er ikke et tall").format(value=cell))
    if isinstance(cell, (int, float)):
        if isinstance(cell, float) and math.isnan(cell):   # an empty cell in a reader's frame
            return None, "missing", EMPTY_CELL
        try:
            x = float(cell)
        except OverflowError:   # an int of 400 digits
            raise ValueError(_("«{value}…» er ikke et endelig tall").format(value=str(cell)[:20])) from None
        return _finite(x, cell), "ok", ""
    s = plain_text(str(cell)).strip().strip('"').strip()
    if s == "":
        return None, "missing", EMPTY_CELL
    if s in SYMBOLS:
        status, note = SYMBOLS[s]
        return (0.0 if s == "-" else None), status, note
    if not _NUM.match(s):
        if s.casefold().lstrip("+-") in _ENDLESS:
            raise ValueError(_("«{value}» er ikke et endelig tall").format(value=s))
        if s.upper() in _EXCEL_ERRORS:
            raise ValueError(_("«{value}» er en feilverdi fra Excel, ikke et tall (sjekk formelen)")
                             .format(value=s))
        raise ValueError(_("«{value}» er ikke et tall eller et kjent symbol").format(value=s[:40]))
    other = "." if decimal == "," else ","
    if other in s:
        raise ValueError(_("«{value}» har feil desimaltegn (filen bruker «{mark}»)").format(
            value=s, mark=decimal))
    s = re.sub(r"[ \u00a0\u202f]", "", s).replace(",", ".")
    return _finite(float(s), s), "ok", ""


_LABEL = re.compile(r"^\s*(?:K-|F-)?(\d{1,4})(?:\s+(.*?))?\s*$", re.ASCII)
_YEARS_SUFFIX = re.compile(r"\s*\((?:\d{4})?\s*-\s*(?:\d{4})?\)\s*$")


def parse_region_label(label) -> tuple[str, str, str]:
    """('4003', 'Skien', 'kommune') from 'K-4003 Skien', '3807 Skien (2020-2023)', '40 Telemark',
    '0 Hele landet'. Raises ValueError for a label with no number."""
    s = "" if label is None else plain_text(str(label)).strip()
    if isinstance(label, (int, float)) and not isinstance(label, bool):
        s = f"{int(label)}"
    m = _LABEL.match(s)
    if not m:
        raise ValueError(_("«{label}» har ikke et regionnummer").format(label=s[:60]))
    code, name = m.group(1), (m.group(2) or "").strip()
    name = _YEARS_SUFFIX.sub("", name)
    if code == "0" or code == "00":
        return "0", name, "land"
    if len(code) <= 2:
        return code.zfill(2), name, "fylke"
    return code.zfill(4), name, "kommune"
