"""The SSB, NAV and Udir readers speak the user's language (issue 15): a refused file, a warning
about a file and the SSB fetch's status lines come out in nynorsk or English when that is the
language of the run, with English number formats, and word for word as before in bokmål. The
words the readers look for in the files (column names, «I alt», month names) stay as the files
write them."""
from __future__ import annotations

import re

import pytest

from loaders import (
    nav_common,
    nav_hl060,
    nav_long,
    ssb_api,
    ssb_checks,
    ssb_csv,
    ssb_csv_long,
    ssb_jsonstat,
    ssb_xlsx,
    udir_csv,
)
from loaders.base import RawFile
from loaders.pipeline import prepare
from tests.bad_input_corpus import (
    NAV_OK,
    SKIEN_OK,
    SSB_XLSX,
    UDIR_LAND,
    UDIR_TELEMARK,
    edited,
    jsonstat_bomb,
    nav_csv,
    statbank,
    udir,
)
from vocab import i18n
from vocab.i18n import _

# Bokmål words nynorsk does not use (the readers' own sentences; data words stand in «»).
NOT_NYNORSK = re.compile(r"\b(ikke|filen|fra|uten|hvis|bare|tall|lest|lagret|hentet|avkortet|"
                         r"mangler|kolonner|verdier|ble|noen)\b")
NOT_ENGLISH = re.compile(r"\b(ikke|ikkje|filen|fila|fra|frå|rad|kolonner|kolonnar|og|er)\b")


def _own_words(text: str) -> str:
    """The text without what it quotes from the file («…»)."""
    return re.sub(r"«[^»]*»", "", text)


def _refused(name: str, data: bytes, lang: str) -> str:
    with i18n.use(lang):
        _mod, obs, result = prepare(RawFile(name, data))
    assert obs is None and result.message, result
    return result.message


def _warnings(name: str, data: bytes, lang: str) -> list[str]:
    with i18n.use(lang):
        _mod, obs, result = prepare(RawFile(name, data))
    assert obs is not None, result.message
    return result.warnings


# --- refusals -----------------------------------------------------------------------------------

def test_a_cut_off_ssb_file_is_refused_in_each_language():
    data = statbank(*SKIEN_OK)[:-6]
    nb = _refused("13563.csv", data, "nb")
    assert nb == ("Filen slutter midt i rad 5 (uten linjeskift); den kan være avkortet. Last ned filen "
                  "på nytt fra SSB.")
    nn = _refused("13563.csv", data, "nn")
    assert nn.startswith("Fila sluttar midt i rad 5 (utan linjeskift); ho kan vere avkorta.")
    assert "frå SSB" in nn and not NOT_NYNORSK.search(nn), nn
    en = _refused("13563.csv", data, "en")
    assert en.startswith("The file ends in the middle of row 5") and "from SSB" in en
    assert not NOT_ENGLISH.search(en), en


def test_an_ssb_table_that_is_not_neet_is_refused_in_each_language():
    data = statbank(*SKIEN_OK).replace(b"13563:", b"12345:")
    assert _refused("13563.csv", data, "nb").startswith("SSB-tabell 12345 er ikke en NEET-tabell.")
    nn = _refused("13563.csv", data, "nn")
    assert nn.startswith("SSB-tabell 12345 er ikkje ein NEET-tabell.") and "utanfor arbeid" in nn
    assert not NOT_NYNORSK.search(nn), nn
    en = _refused("13563.csv", data, "en")
    assert en.startswith("SSB table 12345 is not a NEET table.")
    assert "not in employment, education or training" in en and not NOT_ENGLISH.search(en), en


def test_a_json_stat_bomb_is_refused_with_english_numbers_in_english():
    data = jsonstat_bomb()
    nb = _refused("13563.json", data, "nb")
    assert "sier det har 100 000 000 celler" in nb and "høyst 10 000 000 celler" in nb
    nn = _refused("13563.json", data, "nn")
    assert "seier at det har 100 000 000 celler" in nn and "høgst 10 000 000 celler" in nn
    assert not NOT_NYNORSK.search(_own_words(nn)), nn
    en = _refused("13563.json", data, "en")
    assert "says it has 100,000,000 cells" in en and "at most 10,000,000 cells" in en
    assert not NOT_ENGLISH.search(_own_words(en)), en


def test_a_cut_off_nav_file_is_refused_in_each_language():
    data = nav_csv(*NAV_OK)[:-3]
    assert _refused("nav.csv", data, "nb") == ("Filen slutter midt i rad 3 (uten linjeskift); den kan være "
                                               "avkortet. Last ned filen på nytt fra NAV.")
    nn = _refused("nav.csv", data, "nn")
    assert nn == ("Fila sluttar midt i rad 3 (utan linjeskift); ho kan vere avkorta. Last ned fila på "
                  "nytt frå NAV.")
    en = _refused("nav.csv", data, "en")
    assert en == ("The file ends in the middle of row 3 (without a line break); it may have been cut off. "
                  "Download the file again from NAV.")


def test_an_unknown_sex_in_a_nav_file_keeps_navs_words_but_not_the_sentence():
    data = nav_csv(NAV_OK[0].replace("Kvinner", "Jenter"), NAV_OK[1])
    assert _refused("nav.csv", data, "nb").endswith(
        ": ukjent kjønn «Jenter» (forventet Kvinner, Menn eller Begge kjønn).")
    nn = _refused("nav.csv", data, "nn")
    assert nn.endswith(": ukjent kjønn «Jenter» (venta Kvinner, Menn eller Begge kjønn).")   # (nn: -t)
    en = _refused("nav.csv", data, "en")
    # The values the file must hold stay NAV's Norwegian words; the sentence is English.
    assert en.endswith(": unknown sex «Jenter» (expected Kvinner, Menn or Begge kjønn).")


def test_a_udir_row_of_the_wrong_width_is_refused_in_each_language():
    data = udir(UDIR_LAND, UDIR_TELEMARK[:4])
    assert _refused("udir.csv", data, "nb").startswith("Rad 4 har 4 kolonner, men overskriften har 8.")
    nn = _refused("udir.csv", data, "nn")
    assert nn.startswith("Rad 4 har 4 kolonnar, men overskrifta har 8. Er fila avkorta")
    assert not NOT_NYNORSK.search(nn), nn
    en = _refused("udir.csv", data, "en")
    assert en.startswith("Row 4 has 4 columns, but the header has 8. Is the file cut off")


# --- warnings about a file that is read -----------------------------------------------------------

def test_a_sheet_that_is_not_ssbs_is_named_in_each_language():
    data = edited(SSB_XLSX, lambda wb: wb.create_sheet("Notater").cell(1, 1, "Mine notater"))
    nb = [w for w in _warnings("13563.xlsx", data, "nb") if "«Notater»" in w]
    assert nb and nb[0].endswith("«Notater» er ikke SSB-tabeller og er ikke lest.")
    nn = [w for w in _warnings("13563.xlsx", data, "nn") if "«Notater»" in w]
    assert nn and nn[0].startswith("Las arka «")
    assert nn[0].endswith("«Notater» er ikkje SSB-tabellar og er ikkje lesne."), nn
    en = [w for w in _warnings("13563.xlsx", data, "en") if "«Notater»" in w]
    assert en and en[0].startswith("Read the sheets «")
    assert en[0].endswith("«Notater» are not SSB tables and were not read."), en


@pytest.mark.parametrize("lang, one, many", [
    ("nb", "1 rad for «Ukjent» er ikke kommune, fylke eller landet og er ikke lest inn.",
     "1\u00a0200 rader for «Svalbard», «Ukjent» er ikke kommune, fylke eller landet og er ikke lest inn."),
    ("nn", "1 rad for «Ukjent» er ikkje kommune, fylke eller landet og er ikkje lesen inn.",
     "1\u00a0200 rader for «Svalbard», «Ukjent» er ikkje kommune, fylke eller landet og er ikkje lesne inn."),
    ("en", "1 row for «Ukjent» is not a municipality, county or the country and has not been read.",
     "1,200 rows for «Svalbard», «Ukjent» are not a municipality, county or the country and have not "
     "been read."),
])
def test_rows_left_out_are_counted_in_the_language(lang, one, many):
    with i18n.use(lang):
        assert nav_common.skipped_warning(["Ukjent"], 1) == one
        assert nav_common.skipped_warning(["Ukjent", "Svalbard"], 1200) == many


def test_sum_rows_an_analyst_added_are_named_in_each_language():
    sums = {("Telemark", 30 + i): "Samla" for i in range(6)}
    with i18n.use("nb"):
        assert ssb_checks.sums_note(sums).startswith("Summeringsrader lagt til i filen er ikke lest inn")
    with i18n.use("nn"):
        said = ssb_checks.sums_note(sums)
        assert said.startswith("Summeringsrader som er lagde til i fila, er ikkje lesne inn (Innenfor "
                               "summerer sjølv): ")
        assert " og 2 til." in said
    with i18n.use("en"):
        said = ssb_checks.sums_note(sums)
        assert said.startswith("Sum rows added to the file have not been read")
        assert said.endswith(" and 2 more.")


def test_place_names_that_cannot_be_placed_are_explained_in_each_language():
    key = ("", "Herøy", "", 2024)
    with i18n.use("nb"):
        nb = nav_common.place_by_name(key)
    with i18n.use("nn"):
        nn = nav_common.place_by_name(key)
    with i18n.use("en"):
        en = nav_common.place_by_name(key)
    assert nb.startswith("«Herøy» er navnet på flere kommuner (1515, 1818) i 2024: ")
    assert "bruk en fil med kommunenummer" in nb
    assert nn.startswith("«Herøy» er namnet på fleire kommunar (1515, 1818) i 2024: ")
    assert "bruk ei fil med kommunenummer" in nn and not NOT_NYNORSK.search(_own_words(nn))
    # «Nordland kommuner» is what the file's level column must say: NAV's word, in any language.
    assert en.startswith("«Herøy» is the name of several municipalities (1515, 1818) in 2024: ")
    assert "kommuner»), or use a file with municipality numbers" in en


# --- the SSB fetch's status lines ----------------------------------------------------------------

def test_a_request_over_ssbs_cell_limit_is_explained_with_the_languages_numbers():
    info = ssb_api.TableInfo("13563", None, {"Region": 2000, "Alder": 5, "InnvandrKat": 1}, ["2022"])
    for lang, expect in [
        ("nb", "Én årgang av tabell 13563 er 20\u00a0000 celler, men SSB tillater høyst 1\u00a0000 per "
               "spørring. Ingenting er hentet."),
        ("nn", "Éin årgang av tabell 13563 er 20\u00a0000 celler, men SSB tillèt høgst 1\u00a0000 per "
               "spørjing. Ingenting er henta."),
        ("en", "One year of table 13563 is 20,000 cells, but SSB allows at most 1,000 per query. Nothing "
               "has been fetched."),
    ]:
        with i18n.use(lang), pytest.raises(ssb_api.TooManyCells) as e:
            ssb_api.pages(info, max_cells=1000)
        assert str(e.value) == expect


def test_ssb_unreachable_is_said_in_each_language():
    class Clock:
        @staticmethod
        def monotonic():
            return 1e9

        @staticmethod
        def sleep(_s):
            pass

    def offline(url, timeout):
        raise OSError("Network is unreachable")

    said = {}
    for lang in ("nb", "nn", "en"):
        with i18n.use(lang):
            out = ssb_api.fetch_table("13563", None, opener=offline, clock=Clock)
        assert not out.ok
        said[lang] = out.message
    assert said["nb"].startswith("Tabell 13563: Fikk ikke kontakt med SSB (ingen internettforbindelse?). "
                                 "Ingenting er endret.")
    assert said["nn"].startswith("Tabell 13563: Fekk ikkje kontakt med SSB (inga internettilkopling?). "
                                 "Ingenting er endra.")
    assert said["en"].startswith("Table 13563: Could not reach SSB (no internet connection?). Nothing "
                                 "has been changed.")


# --- format names -----------------------------------------------------------------------------------

def test_format_names_stay_bokmal_as_stored_and_are_translated_where_shown():
    modules = [ssb_csv, ssb_csv_long, ssb_xlsx, ssb_jsonstat, nav_hl060, nav_long, udir_csv]
    assert ssb_csv.NAME == "SSB Statistikkbanken CSV"   # the name stored with each load
    with i18n.use("nn"):
        assert _(nav_long.NAME) == "NAV arbeidsmarknadsstatus per månad (langt format)"
        assert _(nav_hl060.NAME) == "NAV HL060-tabell (xlsx, fylke og kommune per månad)"
    with i18n.use("en"):
        shown = [_(m.NAME) for m in modules]
        assert all(s != m.NAME for s, m in zip(shown, modules) if m is not ssb_jsonstat), shown
        assert _(ssb_csv_long.NAME) == "SSB CSV, long format (ready-made dataset / PxWebApi)"
        assert _(nav_long.NAME) == "NAV labour market status per month (long format)"
