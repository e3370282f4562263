"""Files in the layouts analysts really hand in (issue 11): they load with the published figures,
what the analyst added is left out and named, and what cannot be told is refused with the
sheet, the row and the reason. Plausibility before storage: a share written as a fraction under
a percent header is never stored 100 times off, a share that disagrees with its own counts is
refused, and a value far outside what the indicator can be is stored with a warning.

The files are built in tmp_path by tests/fixtures/real_layouts.py (invented numbers, the real
layouts). The real files in ../shared/realdata are read in place at the end (skipped when absent)."""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import tomllib
from pathlib import Path

import duckdb
import openpyxl
import pytest

from loaders import pipeline, udir_csv, validate
from loaders.base import RawFile
from loaders.frames import normalised_frame
from tests.fixtures import real_layouts as rl
from vocab import indicators

REAL = Path(__file__).parents[2] / "shared" / "realdata" / "evensrii_Telemark"
needs_real = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/realdata finnes ikke")
pytestmark = pytest.mark.filterwarnings("ignore:Workbook contains no default style")


@pytest.fixture
def db(tmp_path):
    return tmp_path / "lager" / "innenfor.duckdb"


def stored(db, indicator, region, period, *, age=None, sex="alle", category="alle"):
    """(value, numerator, denominator, status) of the one stored row with this key."""
    age = age or indicators.get(indicator).default_age
    with duckdb.connect(str(db), read_only=True) as con:
        found = con.execute("SELECT value, numerator, denominator, status FROM observations WHERE "
                            "indicator=? AND region_code=? AND period=? AND age=? AND sex=? AND "
                            "category=?", [indicator, region, period, age, sex, category]).fetchall()
    assert len(found) == 1, (indicator, region, period, found)
    return found[0]


def count_rows(db, where="TRUE") -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(f"SELECT count(*) FROM observations WHERE {where}").fetchone()[0]


def loaded(r):
    assert r.outcome == "loaded", r.line()
    return r


def refused(r, db):
    assert r.outcome == "rejected", r.line()
    assert not db.exists()
    return r


# --- SSB 13563: a workbook an analyst worked in ---------------------------------------------

def test_analyst_workbook_loads_the_ssb_table_and_names_what_was_added(tmp_path, db):
    r = loaded(pipeline.load_path(rl.ssb_analyst_workbook(tmp_path / "13563.xlsx"), db))
    assert r.format_name == "SSB Statistikkbanken Excel"
    # Skien (K-3807): SSB's count and residents; the share worked out from them, not the
    # analyst's «Andel utenfor» column
    value, num, den, status = stored(db, "neet", "4003", "2021")
    assert (num, den, status) == (1090, 9480, "ok") and value == pytest.approx(100 * 1090 / 9480)
    assert stored(db, "neet", "4001", "2021")[1:3] == (730, 6480)              # Porsgrunn, twice in the file
    assert stored(db, "neet", "3909", "2021")[1:3] == (860, 7600)              # Larvik 3805 → 3909
    # the analyst's own stub (number and name in two columns, a VLOOKUP of the county beside)
    assert stored(db, "neet", "3101", "2021")[1:3] == (630, 5590)              # 3001 Halden
    assert stored(db, "neet", "3114", "2021")[1:3] == (82, 870)                # 3018 Våler (Viken)
    assert stored(db, "neet", "5501", "2021")[1:3] == (1340, 16980)            # 5401 Tromsø
    # the counties from the sheet with the regions across the top
    assert stored(db, "neet", "38", "2021")[1:3] == (8110, 72300)
    assert stored(db, "neet", "30", "2021")[1:3] == (21720, 216800)
    # nothing else: no «Samla», no 30–61, no shares from the analyst's rows below the table
    assert count_rows(db) == 15 and count_rows(db, "age <> '15-29'") == 0
    text = " ".join(r.warnings)
    assert ("Arket «Bosatte»: lagt til i Excel og ikke lest inn: kolonne D «Andel utenfor» "
            "(formler); rad 15 «Samla» (sum). Kolonnene F–H står ved siden av SSB-tabellen og er "
            "ikke lest inn.") in text
    assert "Arket « Viken, Troms og Finnmark»: lagt til i Excel og ikke lest inn: kolonnene " \
           "C «Fylke 2024» og L (formler)." in text
    assert "«Kommuntabell», «Viz andel unge utafor» er ikke SSB-tabeller" in text


def test_analyst_workbook_pasted_as_values_is_read_the_same(tmp_path, db):
    r = loaded(pipeline.load_path(rl.ssb_analyst_workbook(tmp_path / "verdier.xlsx", formulas=False), db))
    assert stored(db, "neet", "4003", "2021")[1:3] == (1090, 9480)
    assert count_rows(db) == 15
    text = " ".join(r.warnings)
    assert "kolonne D «Andel utenfor» (desimaltall i en tabell med antall personer)" in text
    assert "rad 15 «Samla» (sum)" in text


def test_a_formula_without_stored_value_matters_only_where_it_is_read(tmp_path, db):
    # the share column the analyst added is not read: its formulas need no stored value
    f = rl.ssb_analyst_workbook(tmp_path / "skript.xlsx", stored=False)
    loaded(pipeline.load_path(f, db))
    # a formula in SSB's own column without a stored value would read as «missing»: refused
    wb = openpyxl.load_workbook(rl.ssb_analyst_workbook(tmp_path / "b.xlsx"))
    wb["Bosatte"]["C8"] = "=B8*0.11"
    wb.save(tmp_path / "c8.xlsx")
    other = tmp_path / "other" / "s.duckdb"
    r = refused(pipeline.load_path(tmp_path / "c8.xlsx", other), other)
    assert "formler uten lagret verdi (arket «Bosatte», celle C8: =B8*0.11)" in r.message


def test_sum_rows_never_collide_across_sheets(tmp_path, db):
    """«Samla» on two sheets with different sums was «to verdier for samme region»."""
    wb = openpyxl.load_workbook(rl.ssb_analyst_workbook(tmp_path / "a.xlsx", formulas=False))
    assert wb["Bosatte"]["A15"].value == wb["Telemark"]["A13"].value == "Samla"
    assert wb["Bosatte"]["B15"].value != wb["Telemark"]["B13"].value
    loaded(pipeline.load_path(tmp_path / "a.xlsx", db))
    assert "Samla" not in {r[0] for r in duckdb.connect(str(db), read_only=True)
                           .execute("SELECT region_code FROM observations").fetchall()}


# --- NAV's long table on four sheets, fractions under '% av arbeidsstyrken' ------------------

def test_nav_table_repeated_on_four_sheets_is_read_once(tmp_path, db):
    r = loaded(pipeline.load_path(rl.nav_four_sheets(tmp_path / "ledighet.xlsx"), db))
    assert r.rows == 216                      # 108 rows of the first sheet, count and share each
    # Skien, helt ledige, kvinner, January 2025: 140 persons, 0,006 of the labour force → 0,6 %
    assert stored(db, "arbeidssokere", "4003", "2025-01", age="alle", sex="kvinner",
                  category="helt_ledige")[::3] == (140, "ok")
    assert stored(db, "arbeidssokere_andel", "4003", "2025-01", age="alle", sex="kvinner",
                  category="helt_ledige")[0] == pytest.approx(0.6)
    # Norway, helt ledige, both sexes: 33 902 of 2 900 000 is 1,2 %, never 0,012 %
    assert stored(db, "arbeidssokere_andel", "0", "2025-01", age="alle",
                  category="helt_ledige")[0] == pytest.approx(1.2)
    assert count_rows(db, "indicator = 'arbeidssokere_andel' AND value < 0.05 AND value > 0") == 0
    text = " ".join(r.warnings)
    assert "Arkene «Telemark», «Landet», «Fylker» gjentar 108 rader som står likt på et annet ark; " \
           "de er lest inn én gang." in text
    assert "Kolonnen «% av arbeidsstyrken» har andelene som brøk, ikke prosent" in text


def test_a_repeated_row_with_other_figures_is_refused_naming_both_sheets(tmp_path, db):
    r = refused(pipeline.load_path(rl.nav_four_sheets(tmp_path / "ulik.xlsx", differ=True), db), db)
    assert "Arkene gjentar tabellen, men ikke med de samme tallene (1 rad står med ulike tall" in r.message
    assert r.problems == ["Arket «01_Arbeidsledighet», rad 32 og arket «Telemark», rad 5: Telemark "
                          "kommuner Skien Delvis ledige Kvinner 2024-12 har 104 / 0,004 på det ene "
                          "arket og 105 / 0,004 på det andre."]


def test_fractions_under_a_percent_header_in_a_csv(tmp_path, db):
    rows = rl.nav_rows([dt.datetime(2025, 1, 1)])
    f = rl.nav_csv(tmp_path / "brok.csv", rows, date=lambda m: m.strftime("%Y-%m-%d"),
                   share_header="% av arbeidsstyrken")
    r = loaded(pipeline.load_path(f, db))
    for _level, name, group, sex, _count, share, _m in rows:
        if name == "Skien":
            cat = {"Helt ledige": "helt_ledige", "Delvis ledige": "delvis_ledige"}.get(group, "tiltak")
            sx = {"Kvinner": "kvinner", "Menn": "menn"}.get(sex, "alle")
            assert stored(db, "arbeidssokere_andel", "4003", "2025-01", age="alle", sex=sx,
                          category=cat)[0] == pytest.approx(share * 100), (group, sex)
    assert any("Kolonnen «% av arbeidsstyrken» har andelene som brøk" in w
               and "rad 2: 0,002, som er 0,2 %" in w for w in r.warnings)


def _one_group(tmp_path, shares: list[str]) -> Path:
    f = tmp_path / "tiltak.csv"
    lines = ["År-måned;Nåværende Kommune Nr Navn;Arbeidsmarkedsstatus hovedgruppe;Kjønn;"
             "Beh personer i mnd;% av arbeidsstyrken"]
    for code, share in zip(["4001 Porsgrunn", "4003 Skien", "4005 Notodden"], shares):
        lines.append(f"202501;{code};Arbeidssøkere på tiltak;Kvinner;40;{share}")
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return f


def test_shares_of_one_percent_or_less_are_percent_fraction_or_refused(tmp_path):
    # one decimal, as NAV writes percent: 0,4 % stays 0,4 %
    db = tmp_path / "a" / "s.duckdb"
    loaded(pipeline.load_path(_one_group(tmp_path, ["0,4", "0,6", "0,5"]), db))
    assert stored(db, "arbeidssokere_andel", "4003", "2025-01", age="alle", sex="kvinner",
                  category="tiltak")[0] == pytest.approx(0.6)
    # three decimals whose hundredfold has one: a fraction, 0,006 is 0,6 %
    db = tmp_path / "b" / "s.duckdb"
    loaded(pipeline.load_path(_one_group(tmp_path, ["0,004", "0,006", "0,005"]), db))
    assert stored(db, "arbeidssokere_andel", "4003", "2025-01", age="alle", sex="kvinner",
                  category="tiltak")[0] == pytest.approx(0.6)
    # 0,2512: 0,25 % and 25,12 % are both possible, and neither is how NAV writes: refused
    db = tmp_path / "c" / "s.duckdb"
    r = refused(pipeline.load_path(_one_group(tmp_path, ["0,2512", "0,3101", "0,2733"]), db), db)
    assert r.message.startswith("Kolonnen «% av arbeidsstyrken» har bare andeler mellom 0 og 1 "
                                "(f.eks. rad 2: 0,2512)")
    assert "kan ikke avgjøre om de er prosent (0,2512 %) eller brøk (25,12 %)" in r.message


# --- Dates as Norwegians write them; names without numbers ------------------------------------

@pytest.mark.parametrize("date", [lambda m: m.strftime("%d.%m.%Y"), lambda m: f"{m.day}.{m.month}.{m.year}",
                                  lambda m: m.strftime("%d.%m.%Y 00:00")],
                         ids=["01.02.2020", "1.2.2020", "med klokkeslett"])
def test_norwegian_dates_are_months(tmp_path, db, date):
    rows = rl.nav_rows([dt.datetime(2020, 2, 1), dt.datetime(2020, 3, 1)])
    loaded(pipeline.load_path(rl.nav_csv(tmp_path / "datoer.csv", rows, date=date), db))
    # Skien, helt ledige, kvinner, February 2020: 278 // 2 + 2 persons, 0,006 → 0,6 %
    assert stored(db, "arbeidssokere", "4003", "2020-02", age="alle", sex="kvinner",
                  category="helt_ledige")[0] == 141
    assert stored(db, "arbeidssokere_andel", "4020", "2020-03", age="alle",
                  category="tiltak")[0] == pytest.approx(100 * round((52 // 4 + 3 + 71 // 4 + 3) / 24000, 3))
    with duckdb.connect(str(db), read_only=True) as con:
        assert {p for (p,) in con.execute("SELECT DISTINCT period FROM observations").fetchall()} \
            == {"2020-02", "2020-03"}


def test_a_date_that_is_no_date_is_named_alone(tmp_path, db):
    rows = rl.nav_rows([dt.datetime(2020, 2, 1)])
    f = rl.nav_csv(tmp_path / "dato.csv", rows)
    lines = f.read_text(encoding="utf-8").splitlines()
    lines[6] = lines[6].replace("01.02.2020", "31.13.2020")     # file line 7
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = refused(pipeline.load_path(f, db), db)
    # the count and the share of that one row; every other date is read
    assert r.problem_count == 2 and all(p.startswith("Rad 7: ugyldig periode «31.13.2020»")
                                        for p in r.problems)


def _names(tmp_path, rows: list[tuple[str, str, str]], header="Nivå,Geografisk enhet") -> Path:
    f = tmp_path / "navn.csv"
    cols = header.count(",") + 1
    lines = [header + ",Arbeidsmarkedsstatus,Kjønn,Antall personer,Andel av arbeidsstyrken,Dato"]
    lines += [",".join((level, name)[2 - cols:]) + f",Helt ledige,Begge kjønn,40,0.012,{date}"
              for level, name, date in rows]
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return f


@pytest.mark.parametrize("level,name,date,expected", [
    ("Kommuner", "Herøy", "01.05.2021",
     "Rad 2: «Herøy» er navnet på flere kommuner (1515, 1818) i 2021: Herøy (Møre og Romsdal) og "
     "Herøy (Nordland). Filen har ikke kommunenummer, så raden kan ikke plasseres: skriv fylket i "
     "navnet (f.eks. «Herøy (Nordland)») eller i nivået («Nordland kommuner»)"),
    ("Kommuner", "Våler", "01.05.2022", "«Våler» er navnet på flere kommuner (3018, 3419) i 2022"),
    ("Kommuner", "Sande", "01.05.2019",
     "«Sande» er navnet på flere kommuner (0713, 1514) i 2019: Sande (Vestfold) og Sande."),
    ("Vestfold kommuner", "Herøy", "01.05.2021", "«Herøy» (1515, 1818) ligger ikke i Vestfold"),
    ("Kommuner", "Herøy (Finnmark)", "01.05.2021", "«Herøy (Finnmark)» (1515, 1818) ligger ikke i Finnmark"),
])
def test_a_name_that_is_several_places_that_year_is_refused_by_name(tmp_path, db, level, name, date,
                                                                   expected):
    r = refused(pipeline.load_path(_names(tmp_path, [(level, name, date)]), db), db)
    assert expected in r.message, r.message


def test_a_name_with_its_county_or_one_place_that_year_is_placed(tmp_path, db):
    f = _names(tmp_path, [("Kommuner", "Herøy (Nordland)", "01.05.2021"),
                          ("Møre og Romsdal kommuner", "Herøy", "01.05.2021"),
                          ("Kommuner", "Sande", "01.05.2021"),                # one Sande since 2020
                          ("Kommuner", "Våler", "01.06.2021"),
                          ("Fylker", "Vestfold og Telemark", "01.05.2021")])  # a county of 2021
    f.write_text(f.read_text(encoding="utf-8").replace("Våler,", "\"Våler (Innlandet)\","), encoding="utf-8")
    loaded(pipeline.load_path(f, db))
    for region, period in [("1818", "2021-05"), ("1515", "2021-05"), ("1514", "2021-05"),
                           ("3419", "2021-06"), ("38", "2021-05")]:
        assert stored(db, "arbeidssokere", region, period, age="alle", category="helt_ledige")[0] == 40


def test_names_without_a_level_column(tmp_path, db):
    f = _names(tmp_path, [("", "Skien", "01.05.2025"), ("", "Telemark", "01.05.2025"),
                          ("", "Landet", "01.05.2025")], header="Geografisk enhet")
    loaded(pipeline.load_path(f, db))
    for region in ("4003", "40", "0"):
        assert stored(db, "arbeidssokere", region, "2025-05", age="alle", category="helt_ledige")[0] == 40
    other = tmp_path / "o" / "s.duckdb"
    r = refused(pipeline.load_path(_names(tmp_path, [("", "Oslo", "01.05.2025")],
                                          header="Geografisk enhet"), other), other)
    assert "Rad 2: «Oslo» er både et fylke og en kommune, og filen har ingen kolonne for nivå" in r.message


# --- Udir exports that are not OT -------------------------------------------------------------

@pytest.mark.parametrize("build,what", [
    (rl.udir_kindergartens, "«Antall barnehager», «Oppfyller pedagognormen med disp. (antall)»"),
    (rl.udir_pupil_survey, "«Prosentandel» om «Mobbing på skolen (prosent)»"),
])
def test_a_udir_export_that_is_not_ot_is_named_as_such(tmp_path, db, build, what):
    r = refused(pipeline.load_path(build(tmp_path / "udir.csv"), db), db)
    assert r.format_name == udir_csv.NAME
    assert r.message.startswith("Filen er en eksport fra Udirs statistikkbank, men ikke om "
                                f"Oppfølgingstjenesten (OT): den har {what}")


# --- Shares against their counts (SSB), and plausible ranges ----------------------------------

SSB_LONG = '"region","alder","arbeidsstyrkestatus","statistikkvariabel","år","value"\n'
NEET_LABEL = "Utenfor arbeid, utdanning og arbeidsmarkedstiltak (NEET)"


def _ssb_long(tmp_path, share_skien: str, share_siljan: str, counts: bool = True) -> Path:
    rows = []
    if counts:
        rows += ['"K-3807 Skien","15-29 år","I alt","Bosatte","2022",9480',
                 f'"K-3807 Skien","15-29 år","{NEET_LABEL}","Bosatte","2022",1090',
                 '"K-3812 Siljan","15-29 år","I alt","Bosatte","2022",360',
                 f'"K-3812 Siljan","15-29 år","{NEET_LABEL}","Bosatte","2022",32']
    rows += [f'"K-3807 Skien","15-29 år","{NEET_LABEL}","Bosatte (prosent)","2022",{share_skien}',
             f'"K-3812 Siljan","15-29 år","{NEET_LABEL}","Bosatte (prosent)","2022",{share_siljan}']
    f = tmp_path / "13556.csv"
    f.write_text(SSB_LONG + "\n".join(rows) + "\n", encoding="utf-8")
    return f


def test_a_share_written_as_a_fraction_beside_its_counts(tmp_path, db):
    r = loaded(pipeline.load_path(_ssb_long(tmp_path, "0.115", "0.089"), db))
    value, num, den, _ = stored(db, "neet", "4003", "2022")
    assert (num, den) == (1090, 9480) and value == pytest.approx(11.4979, abs=1e-4)
    assert any("Andelene under «Bosatte (prosent)» er skrevet som brøk, ikke prosent (f.eks. rad 6: "
               "0,115 der antallene gir 11,5\u00a0%); 2 andeler er derfor regnet ut av antallene." in w
               for w in r.warnings), r.warnings


def test_a_share_that_disagrees_with_its_counts_is_refused_naming_the_row(tmp_path, db):
    r = refused(pipeline.load_path(_ssb_long(tmp_path, "3.2", "8.9"), db), db)
    assert r.problems == ["Rad 6: andelen 3,2 % stemmer ikke med antallet 1090 av 9480 (11,5 %), "
                          "heller ikke avrundet. Sjekk kolonnene for antall, nevner og andel."]
    # 8,9 for 32 of 360 (8,89 %) is the same share, rounded: not a problem
    assert r.problem_count == 1


def test_fractions_without_counts_are_read_as_percent_when_the_range_tells(tmp_path, db):
    r = loaded(pipeline.load_path(_ssb_long(tmp_path, "0.115", "0.089", counts=False), db))
    assert stored(db, "neet", "4003", "2022")[0] == pytest.approx(11.5)
    assert stored(db, "neet", "4010", "2022")[0] == pytest.approx(8.9)         # Siljan 3812 → 4010
    assert any("er skrevet som brøk (f.eks. rad 2: 0,115), ikke prosent; 2 andeler er lest som "
               "prosent (ganget med 100)" in w for w in r.warnings), r.warnings


TEMPLATE = "indikator;kommunenr;periode;alder;kjonn;kategori;antall;nevner;status\n"


def _template(tmp_path, rows: list[str]) -> Path:
    f = tmp_path / "mal.csv"
    f.write_text(TEMPLATE + "".join(r + "\n" for r in rows), encoding="utf-8")
    return f


def test_far_outside_the_plausible_range_is_stored_with_a_warning_naming_the_rows(tmp_path, db):
    f = _template(tmp_path, ["ufore;4003;2021;18-29;alle;alle;301;7902;",
                             "ufore;4001;2021;18-29;alle;alle;2400;7000;",      # 34,3 %: over 20
                             "neet;4003;2021;15-29;alle;alle;2;1000;",          # 0,2 %: under 0,5
                             "neet;4001;2021;15-29;alle;alle;0;900;"])          # nobody: fine
    r = loaded(pipeline.load_path(f, db))
    assert stored(db, "ufore", "4001", "2021")[0] == pytest.approx(100 * 2400 / 7000)   # stored
    text = " ".join(r.warnings)
    assert ("1 tall for uføre under 30 ligger langt utenfor det indikatoren kan være (0,05–20 %): "
            "rad 3 (4001 2021: 34,2857 %). Tallene er lagret") in text
    assert "1 tall for unge utenfor (NEET) ligger langt utenfor det indikatoren kan være " \
           "(0,5–50 %): rad 4 (4003 2021: 0,2 %)" in text
    assert "rad 5" not in text and "rad 2 " not in text


def test_the_plausible_ranges_are_data_read_through_vocab(tmp_path, db, monkeypatch):
    with open(Path(indicators.__file__).parent / "definitions.toml", "rb") as fh:
        toml = tomllib.load(fh)
    for key, ind in indicators.all_indicators().items():
        assert ind.plausible == tuple(float(x) for x in toml[key]["plausible"])
    wider = {k: dataclasses.replace(v, plausible=(0.0, 40.0)) if k == "ufore" else v
             for k, v in indicators.all_indicators().items()}
    monkeypatch.setattr(indicators, "all_indicators", lambda: wider)
    r = loaded(pipeline.load_path(_template(tmp_path, ["ufore;4001;2021;18-29;alle;alle;2400;7000;"]), db))
    assert not any("langt utenfor" in w for w in r.warnings)


def test_validate_refuses_a_share_off_its_counts_but_not_a_rounded_one():
    df = normalised_frame([
        {"indicator": "neet", "region": "4003", "level": "kommune", "period": "2022", "age": "15-29",
         "sex": "alle", "category": "alle", "value": v, "numerator": 1090, "denominator": 9480,
         "status": "ok", "row": n, "sheet": ""}
        for n, v in ((2, 11.5), (3, 11.4979), (4, 11.6), (5, 1.15))])
    df.loc[1:, "region"] = ["4001", "4005", "4010"]
    found = validate.validate(df)
    assert [p.split(":")[0] for p in found] == ["Rad 4", "Rad 5"] and found.total == 2


# --- The real files (../shared/realdata), read in place --------------------------------------

def _real_csv_rows() -> list[dict]:
    with open(REAL / "nav_arbeidsledighet_long_2011-2026_telemark_kommuner.csv", encoding="utf-8",
              newline="") as f:
        return list(csv.DictReader(f))


def _skien_2025_01(rows):
    r = next(r for r in rows if r["Geografisk enhet"] == "Skien" and r["Dato"] == "2025-01-01"
             and r["Arbeidsmarkedsstatus"] == "Helt ledige" and r["Kjønn"] == "Kvinner")
    return int(r["Antall personer"]), float(r["Andel av arbeidsstyrken"])


@needs_real
def test_real_processed_csv_with_norwegian_dates_and_a_percent_header(db):
    """The analyst's CSV as another export would write it: dates 01.01.2025 and its fractions
    under «% av arbeidsstyrken». Same figures as the file; the shares never 100 times off."""
    data = (REAL / "nav_arbeidsledighet_long_2011-2026_telemark_kommuner.csv").read_text(encoding="utf-8")
    lines = data.splitlines()
    head = lines[0].replace("Andel av arbeidsstyrken", "% av arbeidsstyrken")
    body = []
    for line in lines[1:]:
        stem, date = line.rsplit(",", 1)
        y, m, d = date.split("-")
        body.append(f"{stem},{d}.{m}.{y}")
    r = loaded(pipeline.load_raw(RawFile("ledighet.csv", "\n".join([head] + body).encode() + b"\n"), db))
    count, fraction = _skien_2025_01(_real_csv_rows())
    assert stored(db, "arbeidssokere", "4003", "2025-01", age="alle", sex="kvinner",
                  category="helt_ledige")[0] == count
    assert stored(db, "arbeidssokere_andel", "4003", "2025-01", age="alle", sex="kvinner",
                  category="helt_ledige")[0] == pytest.approx(fraction * 100)
    assert any("Kolonnen «% av arbeidsstyrken» har andelene som brøk" in w for w in r.warnings)
    assert count_rows(db, "indicator = 'arbeidssokere_andel' AND value > 0 AND value < 0.05") == 0


@needs_real
def test_real_monthly_workbook_with_its_sheet_repeated(db):
    path = REAL / "nav_arbeidsmarkedsstatus_202501_delivery.xlsx"
    wb = openpyxl.load_workbook(path)
    wb.copy_worksheet(wb["Telemark"]).title = "Telemark (kopi)"
    buf = io.BytesIO()
    wb.save(buf)
    r = loaded(pipeline.load_raw(RawFile("kopi.xlsx", buf.getvalue()), db))
    expected = next(row for row in openpyxl.load_workbook(path, read_only=True)["Telemark"]
                    .iter_rows(values_only=True)
                    if len(row) > 8 and row[4:7] == ("4003 Skien", "Helt ledige", "Kvinner"))
    assert stored(db, "arbeidssokere", "4003", "2025-01", age="alle", sex="kvinner",
                  category="helt_ledige")[0] == expected[7]
    assert any("Arket «Telemark (kopi)» gjentar" in w and "lest inn én gang" in w for w in r.warnings)


@needs_real
def test_real_hl060_with_an_implausible_share_is_stored_with_a_warning(db):
    wb = openpyxl.load_workbook(REAL / "nav_HL060_helt_ledige_fylke_kommune_tidsserie_maaned_2022-10.xlsx")
    ws = wb["4. Kommune Prosent av arbeidsst"]
    row = next(c.row for r in ws.iter_rows() for c in r if c.value == "3807 Skien")
    month = next(c.column for r in ws.iter_rows(max_row=row) for c in r if c.value == "Januar")
    assert isinstance(ws.cell(row=row, column=month).value, (int, float))   # (3,4 or so)
    ws.cell(row=row, column=month).value = 75
    buf = io.BytesIO()
    wb.save(buf)
    r = loaded(pipeline.load_raw(RawFile("hl060.xlsx", buf.getvalue()), db))
    assert stored(db, "arbeidssokere_andel", "4003", "2022-01", age="alle", category="helt_ledige")[0] == 75
    assert any(w.startswith("1 tall for arbeidssøkere, andel ligger langt utenfor") and
               f"arket «4. Kommune Prosent av arbeidsst», rad {row} (Skien 2022-01: 75 %)" in w
               for w in r.warnings), r.warnings


@needs_real
def test_real_udir_sample_is_named_as_a_udir_export_that_is_not_ot(db):
    sample = REAL / "FORMATSAMPLE_udir_statistikkbank_csv_slutta_vgo_utf16_tab.csv"
    r = refused(pipeline.load_path(sample, db), db)
    assert r.message.startswith("Filen er en eksport fra Udirs statistikkbank, men ikke om "
                                "Oppfølgingstjenesten (OT): den har «Andel sluttet»")


@needs_real
def test_real_workbooks_refused_name_their_sheets(db):
    r = refused(pipeline.load_path(REAL / "ssb13563_arbeidsmarkedstilknytning_2021_kommune.xlsx", db), db)
    assert r.message.endswith("Arkene som ble lest: «Alle fylkene», «Bosatte», «Hele landet».")
    r = refused(pipeline.load_path(REAL / "neet_utenfor_arbeid_og_utdanning_2023folder.xlsx", db), db)
    assert ("Filen sier ikke hvilket år tallene gjelder (arkene «Spørring TF Viken», «Spørring fylker», "
            "«Spørring kommuner VT» har verken en årskolonne eller året i overskriften)") in r.message
