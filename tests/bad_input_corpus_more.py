"""More of the bad-input corpus (issue 12), part one: parts that exceed their whole in every
format, Unicode digits and spaces, encodings, BOMs and compression, line endings. Registered in
tests.bad_input_corpus.CASES by the same @case; part two is tests/bad_input_corpus_numbers.py,
whose ALL is the whole corpus (tests/test_bad_input.py)."""
from __future__ import annotations

import gzip

from tests.bad_input_corpus import (
    HL060,
    NAV_OK,
    NEET,
    SKIEN_OK,
    SSB_XLSX,
    UDIR_LAND,
    UDIR_TELEMARK,
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
)

OVER = "Delene kan ikke være flere enn totalen"
UFORE = "ufore;4003;2026;18-29;alle;alle;301;7902;"
OT = "ot_tilmeldt;4003;2020-2021;16-21;alle;{};{};;"

# --- parts above their whole (item 4), every format ----------------------------------------------

@case("mal-fylke-100-kommuner-1800", "levering.csv", "Rad 2", "40 Telemark", "kommunene i fylket",
      "1\u00a0800", OVER)
def _(tmp):
    return template("ot_tilmeldt;40 Telemark;2020-2021;16-21;alle;alle;100;;",
                    "ot_tilmeldt;4003 Skien;2020-2021;16-21;alle;alle;900;;",
                    "ot_tilmeldt;4001 Porsgrunn;2020-2021;16-21;alle;alle;900;;")


@case("mal-kjonn-over-alle", "levering.csv", "Rad 2", "menn og kvinner summerer til 400", OVER)
def _(tmp):
    return template(UFORE, "ufore;4003;2026;18-29;menn;alle;200;4000;",
                    "ufore;4003;2026;18-29;kvinner;alle;200;3902;")


@case("mal-nevner-kjonn-over-alle", "levering.csv", "Rad 2", "nevneren", "10\u00a0000", OVER)
def _(tmp):
    return template(UFORE, "ufore;4003;2026;18-29;menn;alle;150;5000;",
                    "ufore;4003;2026;18-29;kvinner;alle;150;5000;")


@case("mal-ot-kategorier-over-alle", "levering.csv", "Rad 2", "kategoriene summerer til 130", OVER)
def _(tmp):
    return template(OT.format("alle", 100), OT.format("ikke_sokt", 80), OT.format("avbrutt", 50))


@case("mal-skjermet-del-kjente-over", "levering.csv", "Rad 2", "kategoriene summerer til 160", OVER)
def _(tmp):
    # a suppressed part is unknown, but the known ones already exceed the whole
    return template(OT.format("alle", 100), OT.format("ikke_sokt", 90), OT.format("avbrutt", 70),
                    "ot_tilmeldt;4003;2020-2021;16-21;alle;andre;;;skjermet")


@case("mal-land-under-kommunene", "levering.csv", "Rad 2", "0 Hele landet", "kommunene summerer",
      OVER)
def _(tmp):
    return template("ufore;0 Hele landet;2026;18-29;alle;alle;500;90000;", UFORE,
                    "ufore;4001;2026;18-29;alle;alle;250;5000;")


@case("mal-land-under-fylkene", "levering.csv", "Rad 2", "fylkene summerer til 3\u00a0000", OVER)
def _(tmp):
    return template("ot_tilmeldt;0;2020-2021;16-21;alle;alle;1000;;",
                    "ot_tilmeldt;40;2020-2021;16-21;alle;alle;1500;;",
                    "ot_tilmeldt;39;2020-2021;16-21;alle;alle;1500;;")


@case("mal-under30-over-alle-aldre", "levering.csv", "Rad 2", "aldersgruppen under30", OVER)
def _(tmp):
    return template("arbeidssokere;4003;2021-05;alle;alle;helt_ledige;200;;",
                    "arbeidssokere;4003;2021-05;under30;alle;helt_ledige;231;;")


@case("mal-arbeidssokere-grupper-over-alle", "levering.csv", "Rad 2", "kategoriene", OVER)
def _(tmp):
    return template("arbeidssokere;4003;2021-05;under30;alle;alle;300;;",
                    "arbeidssokere;4003;2021-05;under30;alle;helt_ledige;231;;",
                    "arbeidssokere;4003;2021-05;under30;alle;tiltak;150;;")


@case("ssb-csv-fylke-under-kommunene", "13563.csv", "Rad 4", "38 Vestfold og Telemark",
      "kommunene i fylket", OVER)
def _(tmp):
    return statbank('"F-38 Vestfold og Telemark";"15-29 år";"I alt";9480;9500',
                    f'"F-38 Vestfold og Telemark";"15-29 år";"{NEET}";1090;500', *SKIEN_OK)


@case("ssb-langt-fylke-under-kommunene", "13563_langt.csv", "Rad 2", "kommunene i fylket", OVER)
def _(tmp):
    rows = [long_row(region=r, status=s, value=v) for r, neet, alle in (
        ("40 Telemark", "800", "20000"), ("4003 Skien", "1130", "9500"), ("4001 Porsgrunn", "700", "8000"))
        for s, v in ((NEET, neet), ("I alt", alle))]
    return ssb_long(*rows)


@case("ssb-json-fylke-under-kommunene", "13563.json", "Verdi nr. 1", "38 Vestfold og Telemark",
      "kommunene i fylket", OVER)
def _(tmp):
    return js(jsonstat(regions=(("F-38", "Vestfold og Telemark"), ("K-3807", "Skien"),
                                ("K-3806", "Porsgrunn")),
                       values=[15000, 1500, 9500, 1100, 8000, 900]))


@case("ssb-xlsx-fylke-under-kommunene", "13563.xlsx", "Arket «13563», rad 7", "kommunene i fylket",
      OVER)
def _(tmp):
    return edited(SSB_XLSX, lambda wb: (wb["13563"].cell(7, 3, 5000), wb["13563"].cell(7, 4, 500)))


@case("ssb-xlsx-aldersgruppe-over-totalen", "13563.xlsx", "Arket «13563», rad 7",
      "aldersgruppen 15-19", OVER)
def _(tmp):
    return edited(SSB_XLSX, lambda wb: wb["13563"].cell(8, 3, 80000))


@case("nav-hl060-fylke-under-kommunene", "HL060.xlsx", "Arket «1. Fylke Antall»",
      "kommunene i fylket", OVER)
def _(tmp):
    # the county's January on both sheets (they must agree), below its municipalities
    return edited(HL060, lambda wb: (wb["1. Fylke Antall"].cell(11, 4, 100),
                                     wb["3. Kommune Antall"].cell(14, 3, 100)))


@case("nav-hl060-fylke-to-tall", "HL060.xlsx", "Arket «3. Kommune Antall», rad 14", "er 100, men arket",
      "har 6290")
def _(tmp):
    return edited(HL060, lambda wb: wb["3. Kommune Antall"].cell(14, 3, 100))


@case("nav-csv-land-under-kommunene", "nav.csv", "Rad 4", "0 Hele landet", OVER)
def _(tmp):
    return nav_csv(*NAV_OK, "2026;202601;Landet;Helt ledige;Kvinner;100;2,1")


@case("nav-csv-fylke-under-kommunene", "nav.csv", "Rad 4", "kommunene i fylket", OVER)
def _(tmp):
    return nav_csv(*NAV_OK, "2026;202601;40 Telemark;Helt ledige;Menn;300;2,1")


@case("udir-kategori-over-i-alt", "udir.csv", "Rad 3", "kategoriene summerer til 20\u00a0000", OVER)
def _(tmp):
    return udir(UDIR_LAND[:6] + ["13 400", "20 000"], UDIR_TELEMARK)


@case("udir-fylke-over-landet", "udir.csv", "Rad 3", "fylkene summerer", OVER)
def _(tmp):
    return udir(UDIR_LAND, UDIR_TELEMARK[:6] + ["15 000", "700"])


# --- Unicode digits and spaces --------------------------------------------------------------------

@case("mal-antall-med-arabiske-sifre", "levering.csv", "Rad 2", "«\u0663\u0660\u0661» er ikke et tall")
def _(tmp):
    return template("ufore;4003;2026;18-29;alle;alle;\u0663\u0660\u0661;7902;")


@case("mal-periode-med-devanagari-sifre", "levering.csv", "Rad 2", "«\u0968\u0966\u0968\u096c»")
def _(tmp):
    return template("ufore;4003;\u0968\u0966\u0968\u096c;18-29;alle;alle;301;7902;")


@case("mal-antall-med-hevet-skrift", "levering.csv", "Rad 2", "«3\u00b9» er ikke et tall")
def _(tmp):
    return template("ufore;4003;2026;18-29;alle;alle;3\u00b9;7902;")   # a footnote mark, not a 1


@case("mal-antall-med-romertall", "levering.csv", "Rad 2", "«\u216b» er ikke et tall")
def _(tmp):
    return template("ufore;4003;2026;18-29;alle;alle;\u216b;7902;")


@case("mal-kommunenr-med-bokstaven-O", "levering.csv", "Rad 2", "«4OO3» har ikke et regionnummer")
def _(tmp):
    return template("ufore;4OO3;2026;18-29;alle;alle;301;7902;")


@case("mal-periode-med-nullbreddemellomrom-og-feil", "levering.csv", "Rad 2", "ugyldig periode",
      "for arbeidssokere")
def _(tmp):
    return template("arbeidssokere;4003;2026\u200b-13;under30;alle;helt_ledige;231;;")


@case("nav-csv-antall-med-arabiske-sifre", "nav.csv", "Rad 3", "er ikke et tall")
def _(tmp):
    return nav_csv(NAV_OK[0], NAV_OK[1].replace(";526;", ";\u0665\u0662\u0666;"))


@case("udir-antall-med-thai-sifre", "udir.csv", "Rad 4", "er ikke et tall")
def _(tmp):
    return udir(UDIR_LAND, UDIR_TELEMARK[:6] + ["\u0e51\u0e55\u0e50\u0e50", "700"])


@case("ssb-langt-aar-med-bengalske-sifre", "13563_langt.csv", "«\u09e8\u09e6\u09e8\u09ea»")
def _(tmp):
    return ssb_long(long_row(year="\u09e8\u09e6\u09e8\u09ea"))


@case("ssb-csv-antall-med-tynt-mellomrom-og-punktum", "13563.csv", "Rad 5", "090.5» er ikke et tall")
def _(tmp):
    return statbank(SKIEN_OK[0], SKIEN_OK[1].replace(";1090;", ";1\u2009090.5;"), enc="utf-8")


# --- encodings, BOMs, compression -----------------------------------------------------------------

@case("mal-utf32-med-bom", "levering.csv", "UTF-32")
def _(tmp):
    return template(UFORE, enc="utf-32")


@case("mal-utf32-le-uten-bom", "levering.csv", "UTF-32")
def _(tmp):
    return template(UFORE, enc="utf-32-le")


@case("ssb-csv-utf32-be", "13563.csv", "UTF-32")
def _(tmp):
    return statbank(*SKIEN_OK, enc="utf-32-be")


@case("mal-gzip-komprimert", "levering.csv.gz", "gzip", "Pakk ut filen først")
def _(tmp):
    return gzip.compress(template(UFORE), mtime=0)


@case("nav-csv-gzip-komprimert", "nav.csv", "gzip", "Pakk ut filen først")
def _(tmp):
    return gzip.compress(nav_csv(*NAV_OK), mtime=0)


@case("ssb-json-gzip-komprimert", "13563.json", "gzip", "Pakk ut filen først")
def _(tmp):
    return gzip.compress(js(jsonstat()), mtime=0)


@case("mal-ebcdic", "levering.csv", "Ukjent filformat")
def _(tmp):
    return template(UFORE, enc="cp500")


@case("mal-to-bom-er", "levering.csv", "Rad 2", "større enn nevneren")
def _(tmp):
    # a BOM, then a second one pasted in with the header: both go, the rows are still checked
    return b"\xef\xbb\xbf" + template("ufore;4003;2026;18-29;alle;alle;9000;7902;", enc="utf-8-sig")


@case("udir-utf16-be-med-bom-og-negativt", "udir.csv", "Rad 4", "-700")
def _(tmp):
    return udir(UDIR_LAND, UDIR_TELEMARK[:7] + ["-700"], enc="utf-16")   # (BOM, native order)


@case("nav-csv-utf8-bom-og-maaned-13", "nav.csv", "Rad 2", "«2026-13»")
def _(tmp):
    return b"\xef\xbb\xbf" + nav_csv(*(r.replace("202601", "202613") for r in NAV_OK))


@case("ssb-langt-latin1-med-feil-kommunenavn", "13563_langt.csv", "Rad 2",
      "kommunenummer 4003 heter «Skien», ikke «Bø»")
def _(tmp):
    return ssb_long(long_row(region="4003 Bø"), enc="latin-1")


# --- line endings ---------------------------------------------------------------------------------

@case("mal-bare-cr-som-linjeskift", "levering.csv", "Rad 3", "ugyldig periode «2021-13»")
def _(tmp):
    return template(UFORE, "arbeidssokere;4003;2021-13;under30;alle;helt_ledige;231;;", nl="\r")


@case("mal-blandede-linjeskift", "levering.csv", "Rad 4", "ukjent kommunenummer 9999")
def _(tmp):
    return (template(UFORE, nl="\r\n") + b"ufore;4001;2026;18-29;alle;alle;30;790;\n"
            + b"ufore;9999;2026;18-29;alle;alle;30;790;\r\n")


@case("ssb-csv-bare-lf-og-dobbel-rad", "13563.csv", "to verdier for samme region")
def _(tmp):
    return statbank(*SKIEN_OK, SKIEN_OK[1], nl="\n")


@case("nav-csv-crlf-negativt", "nav.csv", "Rad 3", "-526")
def _(tmp):
    return nav_csv(NAV_OK[0], NAV_OK[1].replace(";526;", ";-526;")).replace(b"\n", b"\r\n")


@case("udir-lf-i-stedet-for-crlf-og-ukjent-fylke", "udir.csv", "Rad 4", "ukjent fylkesnummer 77")
def _(tmp):
    row = ["2", "I", "77", "Hele landet", "Sørlandet", "Sørlandet", "100", "40"]
    return udir(UDIR_LAND, row).decode("utf-16-le").replace("\r\n", "\n").encode("utf-16-le")
