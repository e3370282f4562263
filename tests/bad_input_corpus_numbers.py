"""More of the bad-input corpus (issue 12), part two: NUL bytes, deep JSON, a million columns,
one 20 MB line, NaN and infinities in every format, a status with a value, and earlier classes
in formats that had none. ALL is the whole corpus: tests/bad_input_corpus.py, then part one
(tests/bad_input_corpus_more.py), then these."""
from __future__ import annotations

import json

import openpyxl

from tests.bad_input_corpus import (
    CASES,
    HL060,
    NAV_HEAD,
    NAV_OK,
    NAV_XLSX,
    SKIEN_OK,
    SSB_XLSX,
    UDIR_LAND,
    UDIR_TELEMARK,
    _xlsx_cell_text,
    case,
    edited,
    js,
    jsonstat,
    long_row,
    nav_csv,
    ssb_long,
    statbank,
    template,
    udir,
    xlsx,
)
from tests.bad_input_corpus_more import UFORE

ALL = CASES   # (importing part one above registered its cases before these)


# --- NUL bytes ------------------------------------------------------------------------------------

@case("mal-nul-i-antall", "levering.csv", "NUL-tegn")
def _(tmp):
    return template("ufore;4003;2026;18-29;alle;alle;30\x001;7902;")


@case("mal-nul-i-midten-av-filen", "levering.csv", "NUL-tegn")
def _(tmp):
    return template(UFORE) + b"\x00" * 40 + template(UFORE, head="")[1:]


@case("nav-csv-nul-i-kommunenavn", "nav.csv", "NUL-tegn")
def _(tmp):
    return nav_csv(NAV_OK[0].replace("Skien", "Sk\x00ien"), NAV_OK[1])


@case("ssb-json-nul-i-verdi", "13563.json", "NUL-tegn")
def _(tmp):
    return js(jsonstat()).replace(b"9500", b"95\x0000", 1)


# --- deep, wide and long --------------------------------------------------------------------------

@case("json-dypt-nestet-liste", "13563.json", "JSON", "for dypt")
def _(tmp):
    return b"[" * 200_000 + b"]" * 200_000


@case("ssb-json-dypt-nestet-dimensjon", "13563.json", "JSON", "for dypt")
def _(tmp):
    j = js(jsonstat())
    return j.replace(b'"value":', b'"x":' + b'{"a":' * 100_000 + b"1" + b"}" * 100_000 + b',\n"value":', 1)


@case("mal-en-million-kolonner", "levering.csv", "Rad 2 har 1\u00a0000\u00a0009 kolonner")
def _(tmp):
    return template(UFORE + ";" * 1_000_000)


@case("nav-csv-en-million-kolonner-i-overskriften", "nav.csv", "kolonner, mer enn 10\u00a0000 som er grensen")
def _(tmp):
    return nav_csv(*NAV_OK, head=";".join([NAV_HEAD, *("x" * 1_000_000)]))


@case("mal-en-linje-paa-20-mb", "levering.csv", "over 131\u00a0072 tegn")
def _(tmp):
    return template("ufore;4003;2026;18-29;alle;alle;" + "1" * (20 * 1024 * 1024) + ";7902;")


@case("ssb-csv-en-linje-paa-20-mb", "13563.csv", "over 131\u00a0072 tegn")
def _(tmp):
    return statbank(SKIEN_OK[0], SKIEN_OK[1].replace("Skien", "Skien" + "x" * (20 * 1024 * 1024)))


# --- NaN and infinities, every format ---------------------------------------------------------------

@case("mal-antall-nan", "levering.csv", "Rad 2", "«NaN» er ikke et endelig tall")
def _(tmp):
    return template("ufore;4003;2026;18-29;alle;alle;NaN;7902;")


@case("mal-nevner-infinity", "levering.csv", "Rad 2", "«Infinity» er ikke et endelig tall")
def _(tmp):
    return template("ufore;4003;2026;18-29;alle;alle;301;Infinity;")


@case("mal-antall-minus-inf", "levering.csv", "Rad 2", "«-inf» er ikke et endelig tall")
def _(tmp):
    return template("ot_tilmeldt;4003;2020-2021;16-21;alle;ikke_sokt;-inf;;")


@case("ssb-csv-nan", "13563.csv", "Rad 5", "«nan» er ikke et endelig tall")
def _(tmp):
    return statbank(SKIEN_OK[0], SKIEN_OK[1].replace(";1090;", ";nan;"))


@case("ssb-csv-uendelig-tegn", "13563.csv", "Rad 5", "er ikke et endelig tall")
def _(tmp):
    return statbank(SKIEN_OK[0], SKIEN_OK[1].replace(";1090;", ";\u221e;"), enc="utf-8")


@case("ssb-langt-infinity", "13563_langt.csv", "Rad 3", "«Infinity» er ikke et endelig tall")
def _(tmp):
    return ssb_long(long_row(), long_row(year="2023", value="Infinity"))


@case("ssb-json-minus-infinity", "13563.json", "Verdi nr. 2", "er ikke et endelig tall")
def _(tmp):
    return js(jsonstat(values=[9500, float("-inf")]))


@case("ssb-json-nan-som-tekst", "13563.json", "Verdi nr. 2", "NaN")
def _(tmp):
    return js(jsonstat(values=[9500, "NaN"]))


@case("ssb-xlsx-nan-som-tekst", "13563.xlsx", "Arket «13563», rad 9", "«NaN» er ikke et endelig tall")
def _(tmp):
    return edited(SSB_XLSX, lambda wb: wb["13563"].cell(9, 4, "NaN"))


@case("ssb-xlsx-excel-feilverdi", "13563.xlsx", "Arket «13563», rad 9", "«#DIV/0!» er en feilverdi")
def _(tmp):
    return edited(SSB_XLSX, lambda wb: wb["13563"].cell(9, 4, "#DIV/0!"))


@case("nav-csv-nan", "nav.csv", "Rad 3", "«NaN» er ikke et endelig tall")
def _(tmp):
    return nav_csv(NAV_OK[0], NAV_OK[1].replace(";526;", ";NaN;"))


@case("nav-csv-andel-inf", "nav.csv", "Rad 3", "«inf» er ikke et endelig tall")
def _(tmp):
    return nav_csv(NAV_OK[0], NAV_OK[1].replace(";3,6", ";inf"))


@case("nav-xlsx-nan-som-tekst", "nav.xlsx", "Arket «Telemark», rad 3", "«nan» er ikke et endelig tall")
def _(tmp):
    return edited(NAV_XLSX, lambda wb: wb["Telemark"].cell(3, 8, "nan"))


@case("nav-hl060-infinity-som-tekst", "HL060.xlsx", "Arket «3. Kommune Antall», rad 16",
      "«Infinity» er ikke et endelig tall")
def _(tmp):
    return edited(HL060, lambda wb: wb["3. Kommune Antall"].cell(16, 4, "Infinity"))


@case("nav-hl060-celle-1e309", "HL060.xlsx", "Arket «3. Kommune Antall», rad 16", "ikke et endelig tall")
def _(tmp):
    return _xlsx_cell_text(edited(HL060, lambda wb: wb["3. Kommune Antall"].cell(16, 4, 7654321)),
                           b"<v>7654321</v>", b"<v>1e309</v>")


@case("udir-nan", "udir.csv", "Rad 4", "«NaN» er ikke et endelig tall")
def _(tmp):
    return udir(UDIR_LAND, UDIR_TELEMARK[:6] + ["NaN", "700"])


@case("udir-infinity", "udir.csv", "Rad 4", "«Infinity» er ikke et endelig tall")
def _(tmp):
    return udir(UDIR_LAND, UDIR_TELEMARK[:7] + ["Infinity"])


# --- a status with a value, and values with no status ---------------------------------------------

@case("mal-publisert-uten-verdi", "levering.csv", "Rad 2", "status «ok» men ingen verdi")
def _(tmp):
    return template("ufore;4003;2026;18-29;alle;alle;;7902;publisert")


@case("mal-ukjent-status-med-verdi", "levering.csv", "Rad 2", "ukjent status «prikk»")
def _(tmp):
    return template("ufore;4003;2026;18-29;alle;alle;3;7902;prikk")


@case("mal-foreloepig-uten-verdi", "levering.csv", "Rad 2", "status «provisional» men ingen verdi")
def _(tmp):
    return template("ufore;4003;2026;18-29;alle;alle;;7902;foreløpig")


@case("ssb-json-ukjent-statussymbol-med-verdi", "13563.json", "Verdi nr. 2", "ukjent symbol «?»")
def _(tmp):
    return js(jsonstat(values=[9500, 3], status={"1": "?"}))


@case("ssb-json-status-for-verdi-som-ikke-finnes", "13563.json", "«status» gjelder verdi nr. 8",
      "svaret har 2 verdier")
def _(tmp):
    return js(jsonstat(values=[9500, 1100], status={"7": ":"}))


# --- more of the earlier classes, in formats that had none ------------------------------------------

@case("ssb-langt-negativt-antall", "13563_langt.csv", "Rad 2", "-1130")
def _(tmp):
    return ssb_long(long_row(value="-1130"))


@case("ssb-langt-antall-over-folketallet", "13563_langt.csv", "Rad 2", "større enn folketallet")
def _(tmp):
    return ssb_long(long_row(value="70000000"))


@case("ssb-json-negativ-nevner", "13563.json", "Verdi nr. 1", "-9500")
def _(tmp):
    return js(jsonstat(values=[-9500, 1100]))


@case("ssb-json-desimal-antall", "13563.json", "Verdi nr. 1", "1100,5", "ikke-negativt heltall")
def _(tmp):
    return js(jsonstat(values=[9500, 1100.5]))


@case("ssb-xlsx-negativt-antall", "13563.xlsx", "Arket «13563», rad 9", "-1090")
def _(tmp):
    return edited(SSB_XLSX, lambda wb: wb["13563"].cell(9, 4, -1090))


@case("udir-antall-over-folketallet", "udir.csv", "Rad 4", "større enn folketallet")
def _(tmp):
    return udir(UDIR_LAND, UDIR_TELEMARK[:6] + ["9 000 000", "700"])


@case("nav-xlsx-negativt-antall", "nav.xlsx", "Arket «Telemark», rad 3", "-90")
def _(tmp):
    return edited(NAV_XLSX, lambda wb: wb["Telemark"].cell(3, 8, -90))


@case("xlsx-bare-tomme-ark", "tom.xlsx", "Ukjent filformat")
def _(tmp):
    wb = openpyxl.Workbook()
    wb.create_sheet("Ark2")
    return xlsx(wb)


@case("json-som-ikke-er-json-stat", "13563.json", "JSON")
def _(tmp):
    return json.dumps({"data": [{"kommune": "4003", "antall": 12}]}).encode()
