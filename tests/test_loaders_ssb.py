"""SSB loaders (CSV wide and long, XLSX, JSON-stat2) on small fixtures in SSB's real layouts
(tests/fixtures/ssb/, invented numbers; lag_fixturer.py writes them). Every load goes through
pipeline.load_path into a fresh store, and values are read back from the store.
The real downloads are tested in test_loaders_ssb_realdata.py."""
from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from loaders import pipeline, ssb_common
from loaders.__main__ import main as cli

FIX = Path(__file__).parent / "fixtures" / "ssb"
NEET = "Utenfor arbeid, utdanning og arbeidsmarkedstiltak (NEET)"


@pytest.fixture
def db(tmp_path):
    return tmp_path / "lager" / "innenfor.duckdb"   # its own folder, so snapshots see only the store


def obs(db, region, period, age="15-29", sex="alle"):
    """(numerator, denominator, value, status, note) from the store, or None."""
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "SELECT numerator, denominator, value, status, note FROM observations WHERE indicator = "
            "'neet' AND region_code = ? AND period = ? AND age = ? AND sex = ? AND category = 'alle'",
            [region, period, age, sex]).fetchone()


def regions(db) -> set[str]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {r[0] for r in con.execute("SELECT DISTINCT region_code FROM observations").fetchall()}


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under the store's folder (database, WAL, raw archive) by content hash."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def load(name_or_path, db, **kw):
    p = name_or_path if isinstance(name_or_path, Path) else FIX / name_or_path
    return pipeline.load_path(p, db, **kw)


def loaded(r) -> None:
    assert r.outcome == "loaded", r.line()


# --- Statistikkbanken CSV, wide -----------------------------------------------------------------

def test_csv_with_title_iso_8859_1(db):
    r = load("13563_med_tittel_latin1.csv", db)
    loaded(r)
    assert r.format_name == "SSB Statistikkbanken CSV"
    assert obs(db, "4003", "2022")[:2] == (1100, 9500)                 # K-3807 Skien → 4003
    assert obs(db, "4003", "2021", age="15-19")[:2] == (150, 3100)
    assert obs(db, "38", "2022")[:3] == (7900, 70000, pytest.approx(100 * 7900 / 70000))
    assert obs(db, "0", "2021")[:2] == (97000, 1005000)
    assert obs(db, "4014", "2022")[:2] == (175, 1510)                  # Kragerø, ISO-8859-1 «ø»
    assert obs(db, "4010", "2021")[2:4] == (None, "suppressed")        # «:»
    assert obs(db, "4032", "2021")[:4] == (0, 190, 0, "ok")             # «-» is zero
    assert "null" in obs(db, "4032", "2021")[4]
    assert obs(db, "4032", "2022")[2:4] == (None, "missing")            # «..»
    assert "0806" not in regions(db)                                    # «.» under a retired number
    assert r.rows == 14


def test_csv_without_title_utf8_13556_with_sex_and_share(db):
    r = load("13556_uten_tittel_utf8.csv", db)
    loaded(r)
    num, den, value, status, _ = obs(db, "4001", "2023")                # 3806 Porsgrunn → 4001
    assert (num, den, value, status) == (720, None, 11.2, "ok")          # decimal comma
    assert obs(db, "4001", "2023", sex="menn")[:3] == (400, None, 12.1)
    assert obs(db, "4001", "2023", sex="kvinner")[:3] == (320, None, 10.2)
    assert obs(db, "4012", "2023", sex="menn")[3] == "suppressed"


def test_csv_utf8_bom_year_suffixes_and_age_in_heading(db):
    r = load("13563_utf8_bom.csv", db)
    loaded(r)
    assert obs(db, "4003", "2023")[:2] == (1120, 9550)                 # '3807 Skien (2020-2023)'
    assert obs(db, "4003", "2024")[:2] == (1150, 9600)                 # '4003 Skien'
    assert obs(db, "40", "2024")[:2] == (3300, 30000)
    assert obs(db, "40", "2023") is None                                # «.»: Telemark did not exist


def test_not_yet_available_symbol(db, tmp_path):
    f = tmp_path / "ennaa_ikke.csv"
    f.write_text('"region";"alder";"arbeidsstyrkestatus";"Bosatte 2024"\n'
                 f'"4003 Skien";"15-29 år";"I alt";9600\n"4003 Skien";"15-29 år";"{NEET}";"..."\n')
    loaded(load(f, db))
    assert obs(db, "4003", "2024")[2:] == (None, "missing", "«...» tall ennå ikke tilgjengelig")


def test_truncated_csv_is_rejected_naming_the_row(db, tmp_path):
    text = (FIX / "13563_med_tittel_latin1.csv").read_bytes()
    cut = tmp_path / "avkortet.csv"
    cut.write_bytes(text[:text.index(b"K-3812") + 40])        # mid-number: '…;360;3'
    r = load(cut, db)
    assert r.outcome == "rejected" and not db.exists()
    assert "slutter midt i rad 12" in r.message and "avkortet" in r.message
    end = text.index(b'"I alt";360') + len(b'"I alt";360')
    cut.write_bytes(text[:end] + b"\r\n")                        # a line that lost a column
    r = load(cut, db)
    assert r.outcome == "rejected" and "Rad 12 har 4 kolonner, men overskriften har 5" in r.message


def test_unknown_table_is_rejected(db, tmp_path):
    f = tmp_path / "11616.csv"
    f.write_text('"11616: Sysselsatte per 4. kvartal, etter region, statistikkvariabel og år"\n\n'
                 '"region";"Sysselsatte personer 2021"\n"3807 Skien";26000\n', encoding="latin-1")
    r = load(f, db)
    assert r.outcome == "rejected" and "SSB-tabell 11616 er ikke en NEET-tabell" in r.message


def test_duplicate_row_and_name_without_number_are_named(db, tmp_path):
    head = '"region";"alder";"arbeidsstyrkestatus";"Bosatte 2022"\n'
    dup = tmp_path / "dobbel.csv"
    dup.write_text(head + f'"4003 Skien";"15-29 år";"{NEET}";1100\n"4003 Skien";"15-29 år";"{NEET}";1101\n')
    r = load(dup, db)
    assert r.outcome == "rejected" and r.message.startswith("Rad 3: to verdier for samme region")
    noname = tmp_path / "uten_nummer.csv"
    noname.write_text(head + f'"Skien";"15-29 år";"{NEET}";1100\n')
    r = load(noname, db)
    assert r.outcome == "rejected" and "Rad 2: «Skien» har ikke et regionnummer" in r.message


# --- Long CSV (ready-made dataset / PxWebApi v2) --------------------------------------------------

def test_long_csv_comma_and_decimal_point(db):
    r = load("13556_langt_komma_punktum.csv", db)
    loaded(r)
    assert r.format_name.startswith("SSB CSV, langt format")
    assert obs(db, "4003", "2024")[:3] == (1130, None, 11.8)
    assert obs(db, "4003", "2024", age="20-24")[:3] == (420, None, 12.9)
    assert obs(db, "4003", "2024", sex="kvinner")[:3] == (490, None, 10.6)
    assert obs(db, "4010", "2024")[3] == "suppressed"
    assert obs(db, "4010", "2024", sex="kvinner")[3] == "missing"
    assert obs(db, "0", "2024")[:3] == (101000, None, 9.7)


def test_long_csv_semicolon_decimal_comma_code_and_label_columns(db):
    r = load("13563_langt_semikolon_komma.csv", db)
    loaded(r)
    # With both counts the share is worked out from them, not SSB's share rounded to 11,7.
    for code, num, den in (("4003", 1120, 9550), ("4001", 730, 6500), ("38", 8000, 70500)):
        # '3807' + 'Skien (2020-2023)'
        assert obs(db, code, "2023")[:3] == (num, den, pytest.approx(100 * num / den))
    assert r.rows == 3                                                   # not the immigrant rows
    assert any("«Innvandrere» er utelatt" in w for w in r.warnings)


def test_long_csv_with_api_codes_and_separate_region_label(db, tmp_path):
    f = tmp_path / "koder.csv"
    f.write_text("Region,region,Alder,Kjonn,HovArbStyrkStatus,ContentsCode,Tid,value\n"
                 "3807,Skien (2020-2023),15-29,0,TOT3,Bosatte,2022,9500\n"
                 "3807,Skien (2020-2023),15-29,0,NEET2,Bosatte,2022,1100\n"
                 "3807,Skien (2020-2023),15-29,0,NEET2,BosatteProsent,2022,11.6\n"
                 "3807,Skien (2020-2023),15-29,1,NEET2,Bosatte,2022,600\n", encoding="utf-8")
    r = load(f, db)
    loaded(r)
    assert obs(db, "4003", "2022")[:3] == (1100, 9500, pytest.approx(100 * 1100 / 9500))   # not 11,6
    # menn: a count with no residents and no share is kept, but has no share to show
    assert obs(db, "4003", "2022", sex="menn")[:4] == (600, None, None, "missing")
    assert any("lagres uten andel" in w for w in r.warnings)


@pytest.mark.parametrize("label, expected", [
    ("0806 Skien (-2019)", ("0806", "Skien", "kommune")),
    ("3807 Skien (2020-2023)", ("3807", "Skien", "kommune")),
    ("K-3807 Skien", ("3807", "Skien", "kommune")),
    ("F-38 Vestfold og Telemark", ("38", "Vestfold og Telemark", "fylke")),
    ("0 Hele landet", ("0", "Hele landet", "land")),
])
def test_region_labels_with_year_suffixes(label, expected):
    assert ssb_common._region(label, "2022") == expected


def test_labels_as_ssb_writes_them():
    assert ssb_common._region("Vestfold og Telemark", "2021") == ("38", "Vestfold og Telemark", "fylke")
    assert ssb_common._region("Telemark", "2024")[0] == "40"
    with pytest.raises(ValueError, match="kan bare tolkes fra 2020"):
        ssb_common._region("Telemark", "2019")
    assert [ssb_common.sex_code(x) for x in ("Begge kjønn", "0", "1 Menn", "Kvinner", "2")] == \
        ["alle", "alle", "menn", "kvinner", "kvinner"]
    assert [ssb_common.age_code(x) for x in ("15-29 år", "15-29", "15 år eller eldre", "Alle aldre")] == \
        ["15-29", "15-29", "15+", None]
    assert ssb_common.is_total("A-G I alt") and ssb_common.is_total("A.TOT I alt")
    assert not ssb_common.is_total("Sysselsatte i alt")


def test_long_csv_months_are_parsed_and_refused_for_a_yearly_indicator(db):
    assert ssb_common.period_code("2023M09") == "2023-09"
    r = load("13563_langt_maaneder.csv", db)
    assert r.outcome == "rejected"
    assert "ugyldig periode «2023-09» for neet" in " ".join(r.problems)


def test_only_immigrants_is_rejected(db, tmp_path):
    f = tmp_path / "innvandrere.csv"
    f.write_text('"region";"alder";"innvandringskategori";"arbeidsstyrkestatus";"år";"value"\n'
                 f'"4003 Skien";"15-29 år";"Innvandrere";"{NEET}";"2022";300\n')
    r = load(f, db)
    assert r.outcome == "rejected"
    assert "fordelt på innvandringskategori («Innvandrere»), men har ikke «I alt»" in r.message


# --- Statistikkbanken XLSX ------------------------------------------------------------------------

def test_xlsx_statbank_layout(db):
    r = load("13563_statistikkbanken.xlsx", db)
    loaded(r)
    assert r.format_name == "SSB Statistikkbanken Excel"
    assert obs(db, "38", "2021")[:2] == (8050, 70200)                  # 'Vestfold og Telemark', no number
    assert obs(db, "38", "2022", age="15-19")[:2] == (1150, 22900)     # region filled down
    assert obs(db, "0", "2022")[:2] == (96000, 1000000)                # 'Hele landet'
    assert obs(db, "4003", "2022")[:2] == (1100, 9500)
    assert obs(db, "4010", "2021")[3] == "suppressed"
    assert obs(db, "4010", "2022")[:2] == (28, 350)
    assert any("«Figur» er ikke SSB-tabeller" in w for w in r.warnings)


def test_truncated_xlsx_is_rejected(db, tmp_path):
    f = tmp_path / "avkortet.xlsx"
    f.write_bytes((FIX / "13563_statistikkbanken.xlsx").read_bytes()[:3000])
    r = load(f, db)
    assert r.outcome == "rejected" and not db.exists()
    assert r.message.startswith("Excel-filen kan ikke åpnes: den er skadet eller avkortet"), r.message


# --- JSON-stat2 --------------------------------------------------------------------------------------

def test_jsonstat2_13563(db):
    r = load("13563_jsonstat2.json", db)
    loaded(r)
    assert r.format_name == "SSB PxWebApi JSON-stat2"
    assert obs(db, "4003", "2023")[:2] == (1120, 9550)                 # K-3807, innvandringskat. A-G
    assert obs(db, "38", "2022")[:2] == (7900, 70000)                  # F-38
    assert obs(db, "0", "2023")[:2] == (98000, 1010000)
    assert obs(db, "4010", "2022")[3:] == ("suppressed", "«:» skjermet")   # status {"n": ":"}
    assert obs(db, "4010", "2023")[:2] == (30, 355)
    assert "21" not in regions(db)                                       # F-21 Svalbard: all «.»
    assert r.rows == 8


def test_jsonstat2_13556_sparse_values(db):
    r = load("13556_jsonstat2.json", db)
    loaded(r)
    assert obs(db, "4003", "2024")[:3] == (1150, None, 11.9)
    assert obs(db, "4003", "2024", sex="menn")[:3] == (632, None, 11.9)
    assert obs(db, "39", "2024", age="15-19")[:3] == (980, None, 5.8)
    assert obs(db, "4010", "2024", sex="menn")[3] == "suppressed"
    assert obs(db, "4010", "2024", sex="kvinner")[3] == "missing"      # null without a symbol
    assert r.rows == 24


def test_jsonstat2_truncated_or_inconsistent_is_rejected(db, tmp_path):
    text = (FIX / "13563_jsonstat2.json").read_text(encoding="utf-8")
    cut = tmp_path / "avkortet.json"
    cut.write_text(text[:len(text) // 2], encoding="utf-8")
    r = load(cut, db)
    assert r.outcome == "rejected" and "avkortet eller ikke gyldig JSON" in r.message
    short = tmp_path / "for_faa.json"
    short.write_text(text.replace('"value": [', '"value": [1, '), encoding="utf-8")
    r = load(short, db)
    assert r.outcome == "rejected" and "41 verdier, men dimensjonene gir 40" in r.message


# --- Period given by the user -------------------------------------------------------------------------

def _no_year_file(tmp_path) -> Path:
    f = tmp_path / "uten_aar.csv"
    f.write_text('"Kommune_nr";"Kommune";"Innvandring";"alder";"I alt";'
                 f'"{NEET}"\n"3807";"Skien";"I alt";"15-29 år";9500;1100\n', encoding="utf-8")
    return f


def test_file_without_year_needs_period(db, tmp_path):
    f = _no_year_file(tmp_path)
    r = load(f, db)
    assert r.outcome == "rejected" and "sier ikke hvilket år" in r.message and "--period" in r.message
    r = load(f, db, period="22")
    assert r.outcome == "rejected" and "«22» er ikke et årstall" in r.message
    loaded(load(f, db, period="2022"))
    assert obs(db, "4003", "2022")[:2] == (1100, 9500)


def test_period_that_contradicts_the_file_is_rejected(db):
    r = load("13563_utf8_bom.csv", db, period="2020")
    assert r.outcome == "rejected" and "Filen gjelder 2023, 2024, men oppgitt periode er 2020" in r.message


def test_cli_period_argument(db, tmp_path, capsys):
    f = _no_year_file(tmp_path)
    assert cli(["load", "--db", str(db), "--period", "2021", str(f)]) == 0
    assert "1 rader lastet inn" in capsys.readouterr().out.replace("\u00a0", " ")
    assert obs(db, "4003", "2021")[:2] == (1100, 9500)


# --- All or nothing ------------------------------------------------------------------------------------

def test_rejections_leave_the_store_byte_for_byte_unchanged(db, tmp_path):
    loaded(load("13563_med_tittel_latin1.csv", db))
    before = snapshot(db.parent)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "innvandrere.csv").write_text(
        '"region";"alder";"innvandringskategori";"arbeidsstyrkestatus";"år";"value"\n'
        f'"4003 Skien";"15-29 år";"Innvandrere";"{NEET}";"2022";300\n')
    (bad / "andel_over_100.csv").write_text(
        '"region";"alder";"arbeidsstyrkestatus";"Bosatte (prosent) 2022"\n'
        f'"4003 Skien";"15-29 år";"{NEET}";130,5\n')
    (bad / "annen_verdi.csv").write_text(      # conflicts with what is stored for 4003 2022
        '"region";"alder";"arbeidsstyrkestatus";"Bosatte 2022"\n'
        f'"K-3807 Skien";"15-29 år";"I alt";9500\n"K-3807 Skien";"15-29 år";"{NEET}";1101\n')
    for f in [*sorted(bad.iterdir()), FIX / "13563_langt_maaneder.csv"]:
        r = load(f, db)
        assert r.outcome == "rejected", f.name
        assert snapshot(db.parent) == before, f.name
    r = load("13563_med_tittel_latin1.csv", db)   # the same bytes again: a no-op
    assert r.outcome == "duplicate" and snapshot(db.parent) == before
