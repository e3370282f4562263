"""Property tests (issue 12): every reader is fed generated text and numbers, through the same
path a coordinator's file takes (loaders.pipeline.load_raw into a copy of the demo store).

Whatever the cells hold: no exception escapes, no reader trips into the «feil i Innenfor»
message (an unexpected exception, logged with a traceback), a refusal says in Norwegian what is
wrong and leaves the store's bytes as they were, and a file that loads stores only finite
counts within Norway's population and shares within 0–100. Deterministic (derandomize), so a
failure reproduces on every machine, and bounded (max_examples) so the suite stays quick."""
from __future__ import annotations

import math
import shutil
import tempfile
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders import pipeline
from loaders.base import MAX_COUNT, RawFile
from tests.bad_input_corpus import (
    HL060,
    NEET,
    SSB_XLSX,
    UDIR_HEAD,
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
from tests.test_bad_input import LEAKS, NORWEGIAN

PROFILE = settings(derandomize=True, max_examples=15, deadline=None, database=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# What a cell can hold: numbers as sources write them and as they should not, symbols, odd
# digits and spaces, invisible characters, the words for not-a-number.
_WEIRD = ["", " ", ".", "..", "...", ":", "*", "-", "-0", "0", "NaN", "nan", "inf", "-Infinity",
          "\u221e", "1e309", "1" + "0" * 40, "#DIV/0!", "\uff11\uff12", "\u0661\u0662", "1\u200b234",
          "1\u00a0234", "3\u00b9", "12,5", "12.5", "-12", "6000001", "9 500", "\ufeff7", "\x00",
          "=1+1", "\u2028", "«»", "'", '"']
_TEXT = st.text(st.characters(codec="utf-8", exclude_characters=";\n\r\t\"",
                              exclude_categories=("Cc", "Cs")), max_size=8)
NUMBERS = st.one_of(st.integers(min_value=-10, max_value=10**7).map(str),
                    st.floats(allow_nan=True, allow_infinity=True).map(repr), st.sampled_from(_WEIRD),
                    _TEXT)


class Draw:
    """Fields for one generated file: a clean file draws only what a source would write (so it
    gets past the checks and is stored), else any field may be odd, or generated text."""

    def __init__(self, data, clean: bool):
        self.data, self.clean = data, clean

    def pick(self, good: list, odd: list | None = None):
        if self.clean:
            return self.data.draw(st.sampled_from(good))
        return self.data.draw(st.one_of(st.sampled_from(good), st.sampled_from(odd or good), _TEXT))

    def count(self, most: int = 20_000) -> str:
        if self.clean:
            return str(self.data.draw(st.integers(min_value=0, max_value=most)))
        return self.data.draw(st.one_of(st.integers(min_value=0, max_value=most).map(str), NUMBERS))

    def pair(self) -> tuple[str, str]:
        """(count, population): the count at most the population when clean."""
        den = self.count()
        return (self.count(int(den)) if den.isdigit() else self.count()), den


REGIONS = (["4003 Skien", "4001 Porsgrunn", "4010 Siljan", "40 Telemark", "0 Hele landet"],
           ["3807", "K-3807 Skien", "9999", "\uff14\uff10\uff10\uff13", "40", "0", "", "4003 Bergen"])
PERIODS = (["2022", "2023"], ["2021-05", "2021M05", "20\uff12\uff12", "\u0662\u0660\u0662\u0662",
                              "1999", "2199", "2022-13", "", "2022 "])
SEXES = (["alle", "menn", "kvinner"], ["", "Alle", "M", "2", "\u200balle", "=1+1"])


def _check(name: str, data: bytes, demo_db: Path) -> None:
    """Load `data` into a copy of the demo store and assert the properties."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "innenfor.duckdb"
        shutil.copy(demo_db, db)
        before = db.read_bytes()
        r = pipeline.load_raw(RawFile(name, data), db)
        OUTCOMES.setdefault(name, set()).add(r.outcome)
        if r.outcome == "rejected":
            line = r.line()
            assert "feil i Innenfor" not in line, line       # an exception a reader did not expect
            assert NORWEGIAN.search(line) and not LEAKS.search(line), line
            assert db.read_bytes() == before
            assert not (Path(tmp) / "raw").exists() or not any((Path(tmp) / "raw").rglob("*"))
            return
        assert r.outcome in ("loaded", "duplicate"), r.line()
        con = duckdb.connect(str(db), read_only=True)
        try:
            rows = con.execute("SELECT o.value, o.numerator, o.denominator, o.unit FROM observations o "
                               "WHERE o.source_id = ?", [r.source_id]).fetchall()
        finally:
            con.close()
        for value, num, den, unit in rows:
            for x in (value, num, den):
                assert x is None or math.isfinite(x), rows
            for x in (num, den):
                assert x is None or 0 <= x <= MAX_COUNT, rows
            if unit == "prosent" and value is not None:
                assert 0 <= value <= 100, rows
            elif value is not None:
                assert 0 <= value <= MAX_COUNT, rows


OUTCOMES: dict[str, set[str]] = {}   # file name → outcomes seen


@pytest.fixture(autouse=True)
def _duckdb_store(monkeypatch):
    monkeypatch.delenv("INNENFOR_DATABASE_URL", raising=False)


@pytest.fixture(autouse=True, scope="module")
def _both_outcomes():
    """Every format that ran was both stored and refused: the properties of each were checked."""
    yield
    for name, seen in OUTCOMES.items():
        assert {"loaded", "rejected"} <= seen, (name, seen)


@PROFILE
@given(data=st.data(), clean=st.booleans(), n=st.integers(min_value=1, max_value=5))
def test_delivery_template(data, clean, n, demo_db):
    d, lines = Draw(data, clean), []
    for _ in range(n):
        kinds = [("ufore", "18-29", "alle"), ("neet", "15-29", "alle"),
                 ("ot_tilmeldt", "16-21", "ikke_sokt"), ("ot_tilmeldt", "16-21", "alle")]
        ind, age, cat = data.draw(st.sampled_from(kinds if clean else [*kinds, ("x", "", ""),
                                                                       ("ufore", "99", "alle")]))
        period = d.pick(*PERIODS)
        period = f"{int(period) - 1}-{period}" if ind == "ot_tilmeldt" and period.isdigit() else period
        num, den = d.pair()
        status = d.pick([""], ["skjermet", ":", "..", "ok", "?", "foreløpig"])
        lines.append(f"{ind};{d.pick(*REGIONS)};{period};{age};{d.pick(*SEXES)};{cat};{num};"
                     f"{'' if ind == 'ot_tilmeldt' and clean else den};{status}")
    _check("levering.csv", template(*lines), demo_db)


@PROFILE
@given(data=st.data(), clean=st.booleans(), n=st.integers(min_value=1, max_value=4))
def test_ssb_statbank_csv(data, clean, n, demo_db):
    d = Draw(data, clean)
    head = f'"region";"alder";"prioritert arbeidsstyrkestatus";"Bosatte {d.pick(*PERIODS)}"'
    rows = []
    for _ in range(n):
        region = d.pick(["K-4003 Skien", "K-4001 Porsgrunn", "F-40 Telemark"], REGIONS[1])
        neet, alle = d.pair()
        rows += [f'"{region}";"15-29 år";"I alt";{alle}', f'"{region}";"15-29 år";"{NEET}";{neet}']
    _check("13563.csv", statbank(*rows, head=head, enc="utf-8"), demo_db)


@PROFILE
@given(data=st.data(), clean=st.booleans(), n=st.integers(min_value=1, max_value=4))
def test_ssb_long_csv(data, clean, n, demo_db):
    d, rows = Draw(data, clean), []
    for _ in range(n):
        region, year = d.pick(*REGIONS), d.pick(*PERIODS)
        neet, alle = d.pair()
        rows += [long_row(region=region, status="I alt", year=year, value=alle),
                 long_row(region=region, status=NEET, year=year, value=neet)]
    _check("13563_langt.csv", ssb_long(*rows), demo_db)


@PROFILE
@given(data=st.data(), clean=st.booleans())
def test_ssb_jsonstat(data, clean, demo_db):
    d = Draw(data, clean)
    values: list = []
    for _ in range(2):   # two years of (I alt, NEET) for one municipality
        neet, alle = d.pair()
        values += [alle, neet]
    if clean:
        values = [int(v) for v in values]
    else:
        values = [data.draw(st.one_of(st.just(v), st.none(), st.floats(allow_nan=True, allow_infinity=True),
                                      st.integers(min_value=-10, max_value=10**8))) for v in values]
        values = [float(v) if isinstance(v, str) and v.isdigit() else v for v in values]
    status = None if clean else data.draw(st.one_of(st.none(), st.dictionaries(
        st.sampled_from(["0", "1", "2", "3", "9", "x"]), st.sampled_from([":", "..", ".", "?", "", "-"]),
        max_size=3)))
    years = ("2022", "2023") if clean else tuple(data.draw(st.lists(
        st.sampled_from(PERIODS[0] + PERIODS[1]), min_size=2, max_size=2, unique=True)))
    _check("13563.json", js(jsonstat(regions=(("K-4003", "Skien"),), years=years, values=values,
                                     status=status)), demo_db)


@PROFILE
@given(data=st.data(), clean=st.booleans(), n=st.integers(min_value=1, max_value=5))
def test_nav_long_csv(data, clean, n, demo_db):
    d, rows = Draw(data, clean), []
    for i in range(n):
        share = d.pick(["2,1", "0", "3,6", "*"], ["NaN", "inf", "-0", "130,5", "2.1"])
        rows.append(f"2026;20260{i + 1};{d.pick(*REGIONS)};{d.pick(['Helt ledige', 'Delvis ledige'])};"
                    f"{d.pick(['Kvinner', 'Menn'], SEXES[1])};{d.count(500)};{share}")
    _check("nav.csv", nav_csv(*rows), demo_db)


@PROFILE
@given(data=st.data(), clean=st.booleans(), n=st.integers(min_value=0, max_value=2))
def test_udir_csv(data, clean, n, demo_db):
    d = Draw(data, clean)
    rows = [["1", "I", "", "Hele landet", "Alle fylker", "Hele landet", *d.pair()[::-1]]]
    rows += [["2", "I", code, "Hele landet", name, name, *d.pair()[::-1]]
             for code, name in (("40", "Telemark"), ("39", "Vestfold"))[:n]]
    _check("udir.csv", udir(*rows, head=UDIR_HEAD), demo_db)


# (openpyxl cannot write control characters into a cell)
CELLS = st.one_of(st.none(), st.integers(min_value=-10, max_value=10**8),
                  st.floats(allow_nan=False, allow_infinity=False),
                  st.sampled_from([w for w in _WEIRD if w.isprintable()]))


@settings(PROFILE, max_examples=8)
@given(data=st.data(), clean=st.booleans())
def test_ssb_xlsx(data, clean, demo_db):
    d = Draw(data, clean)
    neet, alle = d.pair()
    a, b = (int(alle), int(neet)) if clean else (data.draw(CELLS), data.draw(CELLS))

    def edit(wb):
        wb["13563"].cell(9, 3, a)
        wb["13563"].cell(9, 4, b)
    _check("13563.xlsx", edited(SSB_XLSX, edit), demo_db)


@settings(PROFILE, max_examples=8)
@given(data=st.data(), clean=st.booleans())
def test_nav_hl060_xlsx(data, clean, demo_db):
    a = data.draw(st.integers(min_value=0, max_value=900) if clean else CELLS)
    label = Draw(data, clean).pick(["3807 Skien"], ["3807 Bergen", "I alt", "9999 X", "Skien", "K-3807",
                                                    "\uff13\uff18\uff10\uff17 Skien", ""])

    def edit(wb):
        wb["3. Kommune Antall"].cell(16, 4, a)
        wb["3. Kommune Antall"].cell(16, 2, label)
    _check("HL060.xlsx", edited(HL060, edit), demo_db)
