"""The loader path for large files (issue 3): NAV long CSVs are read into categorical columns
(Arrow dictionaries) and never spelled out row by row. These tests hold that path to the plain
str path and to the checks: same store contents, bad rows named by row number deep in a large
file, '*' never 0, rejected or repeated loads leave the store as it was."""
from __future__ import annotations

import duckdb
import pytest

from bench.bench_loaders import make_file
from loaders import base, frames, nav_long, pipeline, store, workspace
from loaders.base import RawFile

HEADER = ("År;År-måned;Nåværende Kommune Nr Navn;Arbeidsmarkedsstatus hovedgruppe;Kjønn;"
          "Beh personer i mnd;% av arbeidsstyrken\n")
GROUPS = ("Helt ledige", "Delvis ledige", "Arbeidssøkere på tiltak")


def _lines(labels, months, cell):
    out, i = [], 0
    for ym in months:
        for label in labels:
            for group in GROUPS:
                for sex in ("Kvinner", "Menn"):
                    count, share = cell(i)
                    out.append(f"{ym[:4]};{ym};{label};{group};{sex};{count};{share}\n")
                    i += 1
    return out


def _tricky_file(path):
    """Old numbers summed into a 2024 municipality, a county whose borders moved, a split
    municipality, NAV's '*' and rows that are not a place: every branch of harmonise()."""
    def cell(i):
        n = 4 + i % 300
        return ("*", "0,1") if i % 7 == 0 else (str(n), f"{n / 40:.1f}".replace(".", ","))
    lines = _lines(["0713 Sande (Vestfold)", "0715 Holmestrand", "0806 Skien", "07 Vestfold",
                    "1507 Ålesund", "1532 Giske", "Landet"], ["201901", "201902"], cell)
    lines += _lines(["3802 Holmestrand", "3807 Skien", "38 Vestfold og Telemark"], ["202101"], cell)
    lines += _lines(["3903 Holmestrand", "4003 Skien", "1508 Ålesund", "1580 Haram", "Ukjent"],
                    ["202401"], cell)
    lines = [_total(x) if ";Landet;" in x or ";38 Vestfold og Telemark;" in x else x for x in lines]
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return path


def _total(line: str) -> str:
    """Norway's and a county's counts above their municipalities' (loaders.totals refuses a
    total below its parts)."""
    head, count, share = line.rsplit(";", 2)
    return f"{head};{int(count) * 1000};{share}" if count.isdigit() else line


def _observations(db):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT indicator, region_code, period, age, sex, category, value, unit, "
                           "status, numerator, denominator, note FROM observations ORDER BY ALL").fetchall()
    finally:
        con.close()


def test_categorical_columns_store_what_plain_text_columns_store(tmp_path, monkeypatch):
    src = _tricky_file(tmp_path / "nav.csv")
    fast = pipeline.load_path(src, tmp_path / "a" / "s.duckdb")
    assert fast.outcome == "loaded", fast.line()
    assert any("1507" in w for w in fast.warnings)
    normalise = nav_long.normalise
    monkeypatch.setattr(nav_long, "normalise", lambda table: frames.plain(normalise(table)))
    slow = pipeline.load_path(src, tmp_path / "b" / "s.duckdb")
    assert (slow.outcome, slow.rows, slow.warnings) == (fast.outcome, fast.rows, fast.warnings)
    rows = _observations(tmp_path / "a" / "s.duckdb")
    assert rows == _observations(tmp_path / "b" / "s.duckdb")
    statuses = {r[8] for r in rows}
    assert {"ok", "suppressed", "break"} <= statuses
    assert all(r[6] is None for r in rows if r[8] == "suppressed")          # '*' is never 0
    assert any(r[11] and r[11].startswith("summert fra") for r in rows)      # 0713 + 0715 → 3903


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    """A 60 000-row NAV long CSV as the benchmark writes it (the benchmark's 1M rows, shorter)."""
    p = tmp_path_factory.mktemp("large") / "nav.csv"
    make_file(p, 60_000)
    return p.read_text(encoding="utf-8").splitlines(keepends=True)


def test_large_file_loads_once_and_twice_is_a_no_op(large, tmp_path):
    src = tmp_path / "nav.csv"
    src.write_text("".join(large), encoding="utf-8")
    db = tmp_path / "s.duckdb"
    r = pipeline.load_path(src, db)
    assert (r.outcome, r.rows) == ("loaded", 120_000), r.line()
    before = db.read_bytes()
    again = pipeline.load_path(src, db)
    assert again.outcome == "duplicate" and db.read_bytes() == before
    p = workspace.preview(src.name, src.read_bytes(), tmp_path / "other.duckdb")
    assert p.summary["perioder"] == "2022-08 – 2024-12" and p.summary["rader"] == 120_000


def _replace(line: str, field: int, value: str) -> str:
    cells = line.rstrip("\n").split(";")
    cells[field] = value
    return ";".join(cells) + "\n"


@pytest.mark.parametrize("mutate, expected", [
    (lambda l: _replace(l, 6, "120,5"), "andelen 120,5 er utenfor 0–100"),
    (lambda l: _replace(l, 5, "-3"), "antallet -3 er ikke et ikke-negativt heltall"),
    (lambda l: _replace(l, 5, "3,5"), "antallet 3,5 er ikke et ikke-negativt heltall"),
    (lambda l: _replace(l, 5, "abc"), "«abc» er ikke et tall eller et kjent symbol"),
    (lambda l: _replace(l, 2, "4999 Ingensted"), "ukjent kommunenummer 4999"),
    (lambda l: _replace(l, 2, "4003 Porsgrunn"), "kommunenummer 4003 heter «Skien», ikke «Porsgrunn»"),
    (lambda l: _replace(l, 1, "202413"), "ugyldig periode «2024-13»"),
    (lambda l: _replace(l, 3, "Permitterte"), "ukjent arbeidsmarkedsstatus «Permitterte»"),
])
def test_a_bad_row_deep_in_a_large_file_is_named_and_nothing_is_stored(large, tmp_path, writable_db,
                                                                       mutate, expected):
    lines = list(large)
    at = 54_321                                 # line number in the file (the header is line 1)
    lines[at - 1] = mutate(lines[at - 1])
    src = tmp_path / "nav.csv"
    src.write_text("".join(lines), encoding="utf-8")
    before = writable_db.read_bytes()
    r = pipeline.load_path(src, writable_db)
    assert r.outcome == "rejected"
    assert f"Rad {at}: {expected}" in r.line(), r.line()
    assert writable_db.read_bytes() == before


def test_a_repeated_row_deep_in_a_large_file_is_named(large, tmp_path):
    lines = list(large) + [large[40_000]]
    src = tmp_path / "nav.csv"
    src.write_text("".join(lines), encoding="utf-8")
    r = pipeline.load_path(src, tmp_path / "s.duckdb")
    assert r.outcome == "rejected" and not (tmp_path / "s.duckdb").exists()
    assert f"Rad {len(lines)}: dobbel rad for arbeidssokere" in r.line(), r.line()


def test_conflict_with_the_store_is_found_from_categorical_columns(large, tmp_path):
    src = tmp_path / "nav.csv"
    src.write_text("".join(large[:2001]), encoding="utf-8")
    db = tmp_path / "s.duckdb"
    assert pipeline.load_path(src, db).outcome == "loaded"
    con = duckdb.connect(str(db))                    # as if another source (not a release of the
    con.execute("UPDATE sources SET product = 'NAV HL060'")   # same extract) had these figures
    con.close()
    changed = large[:1500] + [_replace(large[1500], 5, "999")] + large[1501:2001]
    src.write_text("".join(changed), encoding="utf-8")
    before = db.read_bytes()
    r = pipeline.load_path(src, db)
    assert r.outcome == "rejected" and "filen har 999" in " ".join(r.problems), r.line()
    assert db.read_bytes() == before


def test_large_text_is_checked_as_utf8_and_only_its_head_decoded():
    text = "År;Sted æøå;Kjønn;Antall\n" + "".join(f"{i};4003 Skien;Kvinner;{i % 10}\n"
                                                  for i in range(40_000))
    raw = RawFile("x.csv", text.encode())
    assert raw.encoding == "utf-8" and "text" not in raw.__dict__   # checked, not decoded
    head = raw.head_text
    assert head.startswith("År;Sted æøå") and head.endswith("\n") and len(head) <= base.HEAD_CHARS
    assert "text" not in raw.__dict__ and raw.text == text and text.startswith(head)
    latin = RawFile("y.csv", (text + "Tønsberg\n").encode("latin-1"))
    assert latin.encoding == "latin-1" and latin.head_text == head
    mixed = RawFile("z.csv", text.encode() + "Tønsberg\n".encode("latin-1"))   # not UTF-8 at the end
    assert mixed.encoding == "latin-1"
    bom = RawFile("b.csv", b"\xef\xbb\xbf" + text.encode())
    assert bom.encoding == "utf-8-sig" and bom.head_text == head and bom.text == text


def test_observations_behave_like_text_for_readers(tmp_path):
    _, obs, r = pipeline.prepare(RawFile("nav.csv", _tricky_file(tmp_path / "nav.csv").read_bytes()))
    assert obs is not None and r.rows == len(obs) and not r.problems
    assert obs["period"].min() == "2019-01" and obs["period"].max() == "2024-01"
    assert sorted(obs["region_code"].unique())[0] == "0"
    assert (obs["status"] == "suppressed").sum() > 0 and not (obs["status"] == "nei").any()
    assert store.as_arrow(obs).num_rows == len(obs)
