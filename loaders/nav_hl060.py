"""NAV's public table files in the layout of «HL060 Helt ledige. Fylke og kommune. Tidsserie måned».

One sheet per level and measure ('1. Fylke Antall', '2. Fylke Prosent av arbeidsstyr',
'3. Kommune Antall', '4. Kommune Prosent av arbeidsst'), a notes sheet ('0. Om tabellene') with
the period ('Januar - oktober 2022'), a row of Norwegian month names above each block, one block
per county ('I alt Oslo', '0301 Oslo', …) on the municipality sheets, '*' for values under 4.
The table counts all ages: it is stored as age 'alle', never as under 30. Sheets an analyst
added ('Telemark', 'Viz') are not NAV's and are left out with a warning."""
from __future__ import annotations

import re

from geo import codes
from loaders.base import LoadError, RawFile, parse_cell, parse_region_label
from loaders.frames import normalised_frame
from loaders.nav_common import not_a_place, skipped_warning
from loaders.plausible import warnings as implausible
from vocab.i18n import N_, _, ngettext
from vocab.numbers import as_written
from vocab.status import word

NAME = N_("NAV HL060-tabell (xlsx, fylke og kommune per måned)")   # stored: translate where shown

MONTHS = {m: i for i, m in enumerate(
    ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september",
     "oktober", "november", "desember"], start=1)}
_SHEET = re.compile(r"^\s*\d+\.\s*(fylke|kommune)\w*\s+(antall|prosent)", re.I)
_NOTES = re.compile(r"^\s*\d+\.\s*om tabellene", re.I)
_MONTH = "(" + "|".join(MONTHS) + ")"
_PERIOD = re.compile(rf"^\s*{_MONTH}\s*(\d{{4}})?\s*(?:[-–]\s*{_MONTH}\s+(\d{{4}}))?\s*$", re.I)
_CATEGORY = {"helt ledige": "helt_ledige", "delvis ledige": "delvis_ledige", "tiltak": "tiltak"}


def detect(raw: RawFile) -> bool:
    return raw.is_xlsx and any(_SHEET.match(n) for n in raw.workbook.sheetnames)


def read(raw: RawFile) -> dict:
    wb = raw.workbook
    sheets, other = [], []
    for ws in wb.worksheets:
        if _SHEET.match(ws.title) or _NOTES.match(ws.title):
            sheets.append((ws.title, [list(r) for r in ws.iter_rows(values_only=True)]))
        else:
            other.append(ws.title)
    raw.check_formulas(name for name, _rows in sheets)
    if other:
        raw._notes.append(ngettext("Arket {sheets} er ikke en del av NAVs tabell og er ikke lest inn.",
                                   "Arkene {sheets} er ikke en del av NAVs tabell og er ikke lest inn.",
                                   len(other)).format(sheets=", ".join(f"«{s}»" for s in other)))
    # Warnings go to raw._notes, which the pipeline shows with the result.
    return {"sheets": sheets, "notes": raw._notes}


def _texts(rows, n=8):
    """The text cells at the top of a sheet (title, subtitle, period)."""
    return [str(c).strip() for r in rows[:n] for c in r if isinstance(c, str) and c.strip()]


def _title_facts(sheets) -> tuple[str, int, int, int, int]:
    """(category, start month, start year, end month, end year) from titles and period text."""
    texts = [t for _name, rows in sheets for t in _texts(rows)]
    title = next((t for t in texts if "tidsserie" in t.lower()), texts[0] if texts else "")
    low = title.lower()
    found = [c for word, c in _CATEGORY.items() if word in low]
    if len(found) != 1 or "alder" in low:
        raise LoadError(_("NAV-tabellen «{title}» er ikke en tabell Innenfor leser. Innenfor leser helt "
                          "ledige, delvis ledige eller arbeidssøkere på tiltak etter fylke og kommune "
                          "(som HL060).").format(title=title))
    for t in texts:
        if m := _PERIOD.match(t):
            m1, y1, m2, y2 = m.groups()
            end_year = int(y2 or y1 or 0)
            if not end_year:
                continue
            start_year = int(y1) if y1 else end_year
            end_month = MONTHS[(m2 or m1).lower()]
            return found[0], MONTHS[m1.lower()], start_year, end_month, end_year
    raise LoadError(_("Fant ikke perioden (f.eks. «Januar - oktober 2022») øverst i NAV-tabellen, så "
                      "månedene kan ikke få riktig år. Last ned tabellen på nytt fra nav.no."))


def _month_columns(row, sheet, n, facts) -> dict[int, str]:
    """{column index: 'YYYY-MM'} for a row of month names, years counted from the period text."""
    _cat, m0, y0, m_end, y_end = facts
    cols, year, prev = {}, y0, None
    for i, c in enumerate(row):
        if isinstance(c, str) and c.strip().lower() in MONTHS:
            m = MONTHS[c.strip().lower()]
            if prev is not None and m != prev % 12 + 1:
                raise LoadError(_("Arket «{sheet}», rad {row}: «{month}» følger ikke etter forrige måned; "
                                  "NAVs tidsserie har én kolonne per måned.").format(
                    sheet=sheet, row=n, month=c.strip()))
            if prev == 12:
                year += 1   # a period across new year: desember 2021 → januar 2022
            cols[i], prev = f"{year}-{m:02d}", m
    first, last = next(iter(cols.values())), list(cols.values())[-1]
    if first != f"{y0}-{m0:02d}" or last != f"{y_end}-{m_end:02d}":
        raise LoadError(_("Arket «{sheet}», rad {row}: månedene ({first} til {last}) passer ikke med "
                          "perioden i tabellen ({start} til {end}).").format(
            sheet=sheet, row=n, first=first, last=last, start=f"{y0}-{m0:02d}", end=f"{y_end}-{m_end:02d}"))
    return cols


def _is_month_row(row) -> bool:
    return sum(isinstance(c, str) and c.strip().lower() in MONTHS for c in row) >= 1


def _sheet_words(title: str) -> tuple[str, str]:
    """('fylke', 'antall') from «1. Fylke Antall» (read() keeps only sheets named so)."""
    m = _SHEET.match(title)
    if m is None:
        raise LoadError(_("Arket «{sheet}» er ikke et av NAV-tabellens tallark.").format(sheet=title))
    level, measure = m.groups()
    return level.lower(), measure.lower()


def _county_code(name: str, county_names: dict) -> str | None:
    """A county's number from its name: first as the county sheet writes it, then the reference."""
    if (c := county_names.get(codes.fold_name(name))) is not None:
        return c
    given = codes.name_forms(name)
    known = {**codes.counties_2024(), **codes.counties_2020(), **codes.COUNTIES_2020_2023}
    hits = {c for c, n in known.items() if given & codes.name_forms(n)}
    return hits.pop() if len(hits) == 1 else None


def normalise(table):
    sheets = [(name, rows) for name, rows in table["sheets"] if _SHEET.match(name)]
    if not sheets:
        raise LoadError(_("NAV-tabellen har ingen ark med tall (som «1. Fylke Antall» eller «3. Kommune "
                          "Antall»)."))
    facts = _title_facts(table["sheets"])
    category = facts[0]
    # County sheets first: they give the county numbers the municipality sheets' 'I alt' rows need.
    sheets.sort(key=lambda s: _sheet_words(s[0])[0] != "fylke")
    county_names: dict[str, str] = {}
    out: dict[tuple, dict] = {}
    skipped, skipped_rows = set(), 0
    for sheet, rows in sheets:
        level_word, measure = _sheet_words(sheet)
        indicator = "arbeidssokere" if measure == "antall" else "arbeidssokere_andel"
        months: dict[int, str] = {}
        for n, row in enumerate(rows, start=1):
            if _is_month_row(row):
                months = _month_columns(row, sheet, n, facts)
                continue
            if not months:
                continue
            first = min(months)
            labels = [str(c).strip() for c in row[:first] if c is not None and str(c).strip()]
            cells = [row[i] if i < len(row) else None for i in months]
            if not labels:
                if any(c is not None for c in cells):
                    raise LoadError(_("Arket «{sheet}», rad {row}: tall uten fylke eller kommune.").format(
                        sheet=sheet, row=n))
                continue
            label = " ".join(dict.fromkeys(labels))   # 'Ukjent', 'Ukjent' → 'Ukjent'
            if all(c is None for c in cells) and not label[0].isdigit():
                continue   # a county heading above its block ('Oslo', 'Rogaland', …)
            if not_a_place(label):
                skipped.add(label)
                skipped_rows += 1
                continue
            region = _region(labels, level_word, county_names, sheet, n)
            for col, cell in zip(months, cells):
                try:
                    value, status, note = parse_cell(cell)
                except ValueError as e:
                    raise LoadError(_("Arket «{sheet}», rad {row}: {error}.").format(
                        sheet=sheet, row=n, error=e)) from None
                obs = {"indicator": indicator, **region, "period": months[col], "age": "alle",
                       "sex": "alle", "category": category, "value": value,
                       "numerator": value if indicator == "arbeidssokere" else None,
                       "denominator": None, "status": status, "note": note, "row": n,
                       "sheet": sheet}
                key = (indicator, region["region"], months[col])
                if key in out:
                    _same_or_fail(out[key], obs, sheet)
                    continue
                obs["_sheet"] = sheet
                out[key] = obs
    if skipped:
        table.setdefault("notes", []).append(skipped_warning(skipped, skipped_rows))
    df = normalised_frame(list(out.values()))
    table.setdefault("notes", []).extend(implausible(df))
    return df


def _region(labels, level_word, county_names, sheet, n) -> dict:
    label = " ".join(labels)
    if level_word == "fylke" and len(labels) == 1 and labels[0].lower() == "i alt":
        return {"region": "0", "region_name": "I alt", "level": "land"}
    if level_word == "kommune" and label.lower().startswith("i alt "):
        name = label[6:].strip()
        code = _county_code(name, county_names)
        if code is None:
            raise LoadError(_("Arket «{sheet}», rad {row}: fant ikke fylkesnummeret til «{name}».").format(
                sheet=sheet, row=n, name=name))
        return {"region": code, "region_name": name, "level": "fylke"}
    try:
        code, name, level = parse_region_label(label)
    except ValueError as e:
        raise LoadError(_("Arket «{sheet}», rad {row}: {error}.").format(
            sheet=sheet, row=n, error=e)) from None
    if level_word == "fylke" and level == "fylke":
        county_names[codes.fold_name(name)] = code
    elif level_word == "kommune" and level != "kommune":
        raise LoadError(_("Arket «{sheet}», rad {row}: «{label}» er ikke et kommunenummer og navn.").format(
            sheet=sheet, row=n, label=label))
    return {"region": code, "region_name": name, "level": level}


def _same_or_fail(kept: dict, obs: dict, sheet: str) -> None:
    """The municipality sheets repeat each county's total ('I alt Oslo'): it must equal the
    county sheet's figure; a different figure is a damaged file, not something to choose from."""
    if kept["_sheet"] == sheet:
        raise LoadError(_("Arket «{sheet}», rad {row}: {name} står to ganger på arket (også rad {other}).")
                        .format(sheet=sheet, row=obs["row"], name=obs["region_name"], other=kept["row"]))
    if kept["status"] == obs["status"] and (kept["value"] == obs["value"] or
                                            (kept["value"] is None and obs["value"] is None)):
        return
    def shown(o: dict) -> str:
        return as_written(o["value"]) if o["value"] is not None else f"«{word(o['status'])}»"
    raise LoadError(_("Arket «{sheet}», rad {row}: {name} {period} er {value}, men arket «{other_sheet}», "
                      "rad {other_row} har {other_value}.").format(
        sheet=sheet, row=obs["row"], name=obs["region_name"], period=obs["period"], value=shown(obs),
        other_sheet=kept["_sheet"], other_row=kept["row"], other_value=shown(kept)))
