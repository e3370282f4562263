"""Which format a file is in: each format module's detect() is asked in turn, most specific
layout first; when none takes the file, say as precisely as the bytes allow why not."""
from __future__ import annotations

import json
import re
from types import ModuleType

from loaders import delivery, nav_hl060, nav_long, ssb_csv, ssb_csv_long, ssb_jsonstat, ssb_xlsx, udir_csv
from loaders.base import LoadError, RawFile, mojibake
from vocab.i18n import _
from vocab.numbers import integer

# Detection order: most specific layouts first. Every module follows loaders.base.Format.
FORMATS: list[ModuleType] = [delivery, ssb_jsonstat, ssb_xlsx, ssb_csv, ssb_csv_long,
                             nav_hl060, nav_long, udir_csv]


MAX_COLUMNS = 10_000   # no source's layout comes near (SSB's widest downloads have a few hundred)


def detect(raw: RawFile) -> ModuleType:
    first = (raw.head_text or "").split("\n", 1)[0] if not raw.is_zip else ""
    if (n := max(first.count(c) for c in ";,\t") + 1) > MAX_COLUMNS:   # before any detector splits it
        raise LoadError(_("Første linje i filen har minst {n} kolonner, mer enn {limit} som er "
                          "grensen; ingen av tabellene Innenfor leser har så mange. Filen er trolig "
                          "skadet, eller ikke en av de kjente tabellene.").format(
            n=integer(n), limit=integer(MAX_COLUMNS)))
    for mod in FORMATS:
        try:
            if mod.detect(raw):
                return mod
        except LoadError:
            raise
        except Exception:  # noqa: BLE001 - a detector that trips means "not mine"
            continue
    raise LoadError(unrecognised(raw))


_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")   # the stream an encrypted .xlsx is kept in
_HTML = re.compile(r"<\s*(!doctype\s+html|html|table|head|body)\b", re.I)
_ENCODING_NAMES = {"utf-16": "UTF-16", "utf-16-le": "UTF-16", "utf-8-sig": "UTF-8"}


def unrecognised(raw: RawFile) -> str:
    """Why no format module took the file, as specifically as the bytes allow."""
    expected = "; ".join(_(m.NAME) for m in FORMATS)   # (stored in bokmål, shown translated)
    if raw.is_ole2:
        if _ENCRYPTED in raw.data:
            return _("Excel-filen er passordbeskyttet (kryptert), så Innenfor kan ikke lese den. Åpne "
                     "den i Excel, fjern passordet (Fil → Info → Beskytt arbeidsbok → Krypter med "
                     "passord) og lagre den på nytt som .xlsx.")
        return _("Filen er i det gamle Excel-formatet (.xls, Excel 97–2003), som Innenfor ikke leser. "
                 "Åpne den i Excel og lagre den som Excel-arbeidsbok (.xlsx).")
    if raw.is_zip and not raw.is_xlsx:
        if raw.zip_is_broken:
            return _("Excel-filen kan ikke åpnes: den er skadet eller avkortet (zip-arkivet er "
                     "ufullstendig). Last ned filen på nytt.")
        return _("Ukjent filformat: filen er et zip-arkiv, men ikke en Excel-fil (.xlsx). "
                 "Forventet en av: {expected}.").format(expected=expected)
    if raw.is_xlsx:
        try:
            names = ", ".join(f"«{n}»" for n in raw.workbook.sheetnames[:10])
        except LoadError as e:
            return e.message
        return _("Ukjent filformat: ingen av arkene i Excel-filen ({names}) har et oppsett Innenfor "
                 "kjenner igjen. Forventet en av: {expected}.").format(names=names, expected=expected)
    if raw.data[:2] == b"\x1f\x8b":
        return _("Filen er komprimert (gzip, .gz), så Innenfor kan ikke lese den direkte. Pakk ut filen "
                 "først (f.eks. med 7-Zip eller gunzip) og last inn CSV- eller JSON-filen som kommer ut.")
    if raw.is_utf32:
        return _("Filen er lagret som UTF-32, som Innenfor ikke leser. Lagre den som UTF-8 (eller "
                 "ISO-8859-1) og prøv igjen.")
    if raw.encoding is None:
        first = raw.data[:4000]
        if len(first) >= 4 and first[0::2].count(0) > 0.8 * len(first[0::2]) and first[1] != 0:
            return _("Filen er lagret som UTF-16 big-endian uten BOM, som Innenfor ikke leser. Lagre "
                     "den som UTF-8 (eller ISO-8859-1) og prøv igjen.")
        if _text_with_nul(first):
            return _("Filen har NUL-tegn (byte 0) inne i teksten: den er skadet, eller lagret av et "
                     "program som fyller med nuller. Last den ned på nytt, eller åpne den og lagre den "
                     "som CSV (UTF-8).")
        return _("Ukjent filformat: filen ser ut til å være binær, ikke tekst eller Excel. "
                 "Forventet en av: {expected}.").format(expected=expected)
    if raw.text is None:
        name = _ENCODING_NAMES.get(raw.encoding, raw.encoding)
        return _("Filen kan ikke leses som {encoding}: den slutter midt i et tegn eller har ugyldige "
                 "tegn, og kan være avkortet. Last ned filen på nytt.").format(encoding=name)
    if not raw.text.strip():
        return _("Filen er tom.")
    head = raw.head_text or ""
    if _HTML.search(head[:2000]):
        return _("Filen er en nettside (HTML), ikke en Excel-fil, selv om navnet kan slutte på .xls. "
                 "Åpne den i Excel og lagre den som Excel-arbeidsbok (.xlsx), eller last ned tabellen "
                 "som CSV.")
    if head.lstrip()[:1] in ("{", "[") and (why := _json_problem(raw.text)):
        return why
    for mod in FORMATS:
        miss = getattr(mod, "near_miss", None)
        if miss and (text := miss(raw)):
            return text
    if any(mojibake(line) for line in raw.first_lines):
        return _("Ukjent filformat: kjente ikke igjen oppsettet, og teksten har feil tegnkoding "
                 "(f.eks. «Ã¥» der det skulle stått «å»): filen er trolig åpnet og lagret på nytt med "
                 "feil tegnsett. Bruk originalfilen, eller lagre den som UTF-8. "
                 "Forventet en av: {expected}.").format(expected=expected)
    return _("Ukjent filformat: kjente ikke igjen oppsettet i filen. Forventet en av: {expected}.").format(
        expected=expected)


def _text_with_nul(head: bytes) -> bool:
    """Text (UTF-8) apart from NUL bytes here and there, not a binary file."""
    rest = head.replace(b"\x00", b"")
    try:
        text = rest.decode("utf-8")
    except UnicodeDecodeError:
        return False
    shown = sum(c.isprintable() or c in "\r\n\t" for c in text)
    return len(rest) > len(head) // 2 and shown > 0.95 * len(text)


def _json_problem(text: str) -> str | None:
    """Why a file that opens like JSON is not read (only when no format took it, and only for a
    file small enough to parse again: a JSON-stat response that big is read by its module)."""
    if len(text) > 5_000_000:
        return None
    try:
        json.loads(text)
    except RecursionError:
        return _(ssb_jsonstat.TOO_DEEP)   # (an N_ constant: translated here)
    except ValueError:
        return None   # (a cut-off JSON-stat response is named by its format module)
    return _("Filen er JSON, men ikke JSON-stat2 fra SSBs PxWebApi (den mangler «class»: «dataset» og "
             "«dimension»). Hent tabellen på nytt fra SSB som JSON-stat2.")
