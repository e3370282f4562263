"""The pipeline and the loader modules every format shares speak the user's language (issue 15):
a refused file, the problems found in it, the warnings about it, the one-line summary of a load,
a plan template's errors, a full disk and a failed sign-in come out in nynorsk or English when
that is the language of the run (English number formats included), and word for word as before
in bokmål. What is stored (format names, notes, release words) stays bokmål: it is data.
Reads the real catalogs (locale/<lang>/LC_MESSAGES/innenfor.po)."""
from __future__ import annotations

import errno
import gzip
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file

from loaders import access, delivery, disk, pipeline, plans, workspace
from loaders.base import RawFile
from loaders.pipeline import prepare
from tests.bad_input_corpus import template
from vocab import i18n

ROOT = Path(__file__).resolve().parent.parent
FILES = ["base", "pipeline", "validate", "detect", "frames", "harmonise", "merges", "plausible",
         "totals", "compare", "store", "disk", "workspace", "build", "__main__", "delivery", "plans",
         "access", "access_book", "shared"]

# Bokmål words nynorsk does not use, and Norwegian words English does not use (in the
# sentences' own words: what they quote from the file stands in «» or “”).
NOT_NYNORSK = re.compile(r"\b(ikke|filen|fra|uten|hvis|bare|tall|tallene|lest|lagret|ukjent|mangler|"
                         r"kolonner|ble|noen|hele|avkortet|skadet|gyldig)\b", re.I)
NOT_ENGLISH = re.compile(r"\b(ikke|ikkje|filen|fila|fra|frå|rader|kolonner|kolonnar|og|er|ukjent|"
                         r"ukjend|lagret|lagra|avvist)\b", re.I)
BAD_STATUS = template("neet;4003;2021;15-29;alle;alle;1302;11215;rar")


def _own_words(text: str) -> str:
    return re.sub(r"«[^»]*»|“[^”]*”|\{[^}]*\}", "", text)


def _refused(name: str, data: bytes, lang: str) -> tuple[pipeline.LoadResult, str]:
    """(result, its one-line summary) for a file prepare() refuses, in `lang`."""
    with i18n.use(lang):
        _mod, obs, result = prepare(RawFile(name, data))
        line = result.line()
    assert obs is None and result.message, result
    return result, line


def test_every_message_of_these_modules_has_its_nynorsk_and_english_form():
    ids = set()
    for f in FILES:
        for t in extract_from_file("python", ROOT / "loaders" / f"{f}.py",
                                   keywords={"_": None, "N_": None, "ngettext": (1, 2)}):
            ids.add(t[1][0] if isinstance(t[1], tuple) else t[1])
    assert len(ids) > 150
    for lang in ("nn", "en"):
        with i18n.use(lang):
            missing = [m for m in ids if i18n._catalog(lang).get(m) is None]
        assert not missing, (lang, missing[:10])


def test_a_refused_template_row_in_bokmaal_is_as_before():
    r, line = _refused("mal.csv", BAD_STATUS, "nb")
    assert r.message == ("Rad 2: ukjent status «rar». Bruk tom (publisert), skjermet, mangler, "
                         "foreløpig, brudd eller symbolene : .. * .")
    assert line.startswith("mal.csv: Innenfor leveransemal (CSV) – AVVIST, 0 rader lastet inn, "
                           "hele filen avvist. Rad 2: ukjent status «rar».")
    assert r.format_name == delivery.NAME == "Innenfor leveransemal (CSV)"   # stored as it was


def test_a_refused_template_row_in_nynorsk():
    r, line = _refused("mal.csv", BAD_STATUS, "nn")
    assert r.message.startswith("Rad 2: ukjend status «rar».")
    assert "AVVIST, 0 rader lasta inn, heile fila avvist." in line
    assert not NOT_NYNORSK.search(_own_words(line)), line
    assert r.format_name == "Innenfor leveransemal (CSV)"   # the stored name stays bokmål


def test_a_refused_template_row_in_english():
    r, line = _refused("mal.csv", BAD_STATUS, "en")
    assert r.message.startswith("Row 2: unknown status “rar”. Use empty (published)")
    assert line.startswith("mal.csv: Innenfor delivery template (CSV) – REJECTED, 0 rows loaded, "
                           "the whole file rejected.")
    assert not NOT_ENGLISH.search(_own_words(line)), line


@pytest.mark.parametrize("lang, expected", [
    ("nb", "Filen er komprimert (gzip, .gz), så Innenfor kan ikke lese den direkte."),
    ("nn", "Fila er komprimert (gzip, .gz), så Innenfor kan ikkje lese ho direkte."),
    ("en", "The file is compressed (gzip, .gz), so Innenfor cannot read it directly."),
])
def test_an_unrecognised_file_is_named_in_the_language_of_the_run(lang, expected):
    r, line = _refused("tabell.csv.gz", gzip.compress(b"region;2021\n4003;12\n"), lang)
    assert r.message.startswith(expected)
    assert {"nb": "ukjent format", "nn": "ukjend format", "en": "unknown format"}[lang] in line


def test_problems_found_in_the_rows_use_the_languages_numbers():
    """More people than live in Norway: the limit is written as each language writes numbers."""
    data = template("ufore;4003;2021;18-29;alle;alle;7000000;9000000;")
    nb, _line = _refused("mal.csv", data, "nb")
    nn, _line = _refused("mal.csv", data, "nn")
    en, _line = _refused("mal.csv", data, "en")
    assert nb.message == "Fant 2 problem(er); ingenting er lagret."
    assert any("antallet 7e+06 er større enn folketallet i Norge (over 6 000 000)" in p
               for p in nb.problems), nb.problems
    assert nn.message == "Fann 2 problem; ingenting er lagra."
    assert any("antalet 7e+06 er større enn folketalet i Noreg (over 6 000 000)" in p
               for p in nn.problems), nn.problems
    assert en.message == "Found 2 problem(s); nothing has been saved."
    assert any("the count 7e+06 is larger than the population of Norway (over 6,000,000)" in p
               for p in en.problems), en.problems
    assert any("the denominator 9e+06 is larger" in p for p in en.problems), en.problems


def test_a_warning_about_an_odd_value_is_translated_with_its_number(tmp_path):
    data = template("neet;4003;2021;15-29;alle;alle;9001;10000;")   # 90,01 % NEET: implausible
    found = {}
    for lang in ("nb", "nn", "en"):
        with i18n.use(lang):
            r = pipeline.load_raw(RawFile("mal.csv", data), tmp_path / "s.duckdb", dry_run=True)
            found[lang] = (r.outcome, [w for w in r.warnings if "90" in w], r.line())
    assert found["nb"][0] == found["nn"][0] == found["en"][0] == "checked"
    assert "ligger langt utenfor det indikatoren kan være (0,5–50 %)" in found["nb"][1][0]
    assert "90,01 %" in found["nb"][1][0]
    nn_warning = found["nn"][1][0]
    assert "ligg langt utanfor det indikatoren kan vere (0,5–50 %)" in nn_warning
    assert "Talet er lagra" in nn_warning and not NOT_NYNORSK.search(_own_words(nn_warning))
    en_warning = found["en"][1][0]
    assert en_warning.startswith("1 figure for ") and "is far outside what the indicator can be" in en_warning
    assert "(0.5–50%)" in en_warning and "90.01%" in en_warning, en_warning
    assert found["nb"][2].startswith("mal.csv: Innenfor leveransemal (CSV) – 1 rader er gyldige "
                                     "(ikke lagret ennå). Merk: ")
    assert found["nn"][2].startswith("mal.csv: Innenfor leveransemal (CSV) – 1 rad er gyldig "
                                     "(ikkje lagra enno). Merk: ")
    assert found["en"][2].startswith("mal.csv: Innenfor delivery template (CSV) – 1 row is valid "
                                     "(not saved yet). Note: ")


def test_a_template_that_checks_out_says_so_in_each_language(tmp_path):
    data = delivery.TEMPLATE_EXAMPLE.encode()
    lines = {}
    for lang in ("nb", "nn", "en"):
        with i18n.use(lang):
            r = pipeline.load_raw(RawFile("mal.csv", data), tmp_path / "s.duckdb", dry_run=True)
            lines[lang] = r.line()
        assert r.outcome == "checked", r.line()
    n = r.rows
    assert lines["nb"].startswith(f"mal.csv: Innenfor leveransemal (CSV) – {n} rader er gyldige "
                                  "(ikke lagret ennå).")
    assert lines["nn"].startswith(f"mal.csv: Innenfor leveransemal (CSV) – {n} rader er gyldige "
                                  "(ikkje lagra enno).")
    assert lines["en"].startswith(f"mal.csv: Innenfor delivery template (CSV) – {n} rows are valid "
                                  "(not saved yet).")


def test_plan_template_errors_are_translated():
    bad = plans.TARGET_EXAMPLE.replace("neet;4003", "xyz;4003")
    bad_date = plans.MEASURE_EXAMPLE.replace(";2023;;", ";31.02.2023;;")
    out = {}
    for lang in ("nb", "nn", "en"):
        with i18n.use(lang):
            out[lang] = (plans.read(RawFile("mal.csv", bad.encode())).problems,
                         plans.read(RawFile("tiltak.csv", bad_date.encode())).problems)
    assert out["nb"][0][0].startswith("Rad 2: ukjent indikator «xyz» (kjente: ")
    assert out["nb"][1] == ["Rad 2: «31.02.2023» er ikke en dato (skriv f.eks. 12.03.2025)."]
    assert "ukjend indikator «xyz» (kjende: " in out["nn"][0][0]
    assert out["nn"][1][0].endswith("«31.02.2023» er ikkje ein dato (skriv t.d. 12.03.2025).")
    assert "unknown indicator “xyz” (known: " in out["en"][0][0]
    assert out["en"][1][0].endswith("“31.02.2023” is not a date (write e.g. 12.03.2025).")
    assert plans.TARGET_NAME == "Innenfor målmal (CSV)"   # stored as the format: bokmål
    with i18n.use("en"):
        assert i18n.gettext(plans.TARGET_NAME) == "Innenfor targets template (CSV)"


@pytest.mark.parametrize("lang, start, rest", [
    ("nb", "Lagringen stoppet fordi disken er full", "Ingenting er lagret, og lageret er som før. "
     "Frigjør plass på disken og prøv igjen."),
    ("nn", "Lagringa stoppa fordi disken er full", "Ingenting er lagra, og lageret er som før. "
     "Frigjer plass på disken og prøv igjen."),
    ("en", "Saving stopped because the disk is full", "Nothing has been saved, and the store is as it "
     "was. Free up space on the disk and try again."),
])
def test_a_full_disk_is_explained_in_the_language_of_the_run(tmp_path, lang, start, rest):
    with i18n.use(lang):
        text = disk.problem(OSError(errno.ENOSPC, "No space left on device"), tmp_path)
    assert text is not None and text.startswith(start) and text.endswith(rest), text


def test_undo_of_a_file_not_in_the_history(tmp_path):
    db = tmp_path / "s.duckdb"
    said = {}
    for lang in ("nb", "nn", "en"):
        with i18n.use(lang):
            said[lang] = workspace.undo(12345, db)
    assert said == {"nb": "Fant ikke filen i historikken; ingenting endret.",
                    "nn": "Fann ikkje fila i historikken; ingenting er endra.",
                    "en": "The file was not found in the history; nothing changed."}


def test_a_failed_sign_in_is_told_in_the_language_of_the_run(tmp_path):
    accounts = {"kari": access.make_hash("riktig passord")}
    said = {}
    for lang in ("nb", "nn", "en"):
        with i18n.use(lang):
            said[lang] = access.sign_in("kari", "feil", accounts, client=lang, db=tmp_path / "s.duckdb")
    assert said["nb"] == (False, "Feil brukernavn eller passord. 4 forsøk igjen før pause.")
    assert said["nn"] == (False, "Feil brukarnamn eller passord. 4 forsøk att før pause.")
    assert said["en"] == (False, "Wrong user name or password. Attempts left before a pause: 4.")
    with i18n.use("en"):
        assert access.sign_in("kari", "riktig passord", accounts, client="en",
                              db=tmp_path / "s.duckdb") == (True, "Signed in as kari.")
