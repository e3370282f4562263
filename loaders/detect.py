"""Which format a file is in: each format module's detect() is asked in turn, most specific
layout first; when none takes the file, say as precisely as the bytes allow why not."""
from __future__ import annotations

import re
from types import ModuleType

from loaders import delivery, nav_hl060, nav_long, ssb_csv, ssb_csv_long, ssb_jsonstat, ssb_xlsx, udir_csv
from loaders.base import LoadError, RawFile, mojibake

# Detection order: most specific layouts first. Every module follows loaders.base.Format.
FORMATS: list[ModuleType] = [delivery, ssb_jsonstat, ssb_xlsx, ssb_csv, ssb_csv_long,
                             nav_hl060, nav_long, udir_csv]


def detect(raw: RawFile) -> ModuleType:
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
    expected = "; ".join(m.NAME for m in FORMATS)
    if raw.is_ole2:
        if _ENCRYPTED in raw.data:
            return ("Excel-filen er passordbeskyttet (kryptert), så Innenfor kan ikke lese den. Åpne "
                    "den i Excel, fjern passordet (Fil → Info → Beskytt arbeidsbok → Krypter med "
                    "passord) og lagre den på nytt som .xlsx.")
        return ("Filen er i det gamle Excel-formatet (.xls, Excel 97–2003), som Innenfor ikke leser. "
                "Åpne den i Excel og lagre den som Excel-arbeidsbok (.xlsx).")
    if raw.is_zip and not raw.is_xlsx:
        if raw.zip_is_broken:
            return ("Excel-filen kan ikke åpnes: den er skadet eller avkortet (zip-arkivet er "
                    "ufullstendig). Last ned filen på nytt.")
        return ("Ukjent filformat: filen er et zip-arkiv, men ikke en Excel-fil (.xlsx). "
                f"Forventet en av: {expected}.")
    if raw.is_xlsx:
        try:
            names = ", ".join(f"«{n}»" for n in raw.workbook.sheetnames[:10])
        except LoadError as e:
            return e.message
        return (f"Ukjent filformat: ingen av arkene i Excel-filen ({names}) har et oppsett Innenfor "
                f"kjenner igjen. Forventet en av: {expected}.")
    if raw.encoding is None:
        first = raw.data[:4000]
        if len(first) >= 4 and first[0::2].count(0) > 0.8 * len(first[0::2]) and first[1] != 0:
            return ("Filen er lagret som UTF-16 big-endian uten BOM, som Innenfor ikke leser. Lagre "
                    "den som UTF-8 (eller ISO-8859-1) og prøv igjen.")
        return ("Ukjent filformat: filen ser ut til å være binær, ikke tekst eller Excel. "
                f"Forventet en av: {expected}.")
    if raw.text is None:
        name = _ENCODING_NAMES.get(raw.encoding, raw.encoding)
        return (f"Filen kan ikke leses som {name}: den slutter midt i et tegn eller har ugyldige "
                "tegn, og kan være avkortet. Last ned filen på nytt.")
    if not raw.text.strip():
        return "Filen er tom."
    head = raw.head_text or ""
    if _HTML.search(head[:2000]):
        return ("Filen er en nettside (HTML), ikke en Excel-fil, selv om navnet kan slutte på .xls. "
                "Åpne den i Excel og lagre den som Excel-arbeidsbok (.xlsx), eller last ned tabellen "
                "som CSV.")
    for mod in FORMATS:
        miss = getattr(mod, "near_miss", None)
        if miss and (text := miss(raw)):
            return text
    if any(mojibake(line) for line in raw.first_lines):
        return ("Ukjent filformat: kjente ikke igjen oppsettet, og teksten har feil tegnkoding "
                "(f.eks. «Ã¥» der det skulle stått «å»): filen er trolig åpnet og lagret på nytt med "
                "feil tegnsett. Bruk originalfilen, eller lagre den som UTF-8. "
                f"Forventet en av: {expected}.")
    return f"Ukjent filformat: kjente ikke igjen oppsettet i filen. Forventet en av: {expected}."
