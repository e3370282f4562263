"""Files built to fill memory (issue 12): a JSON-stat response declaring 10⁸ cells and an xlsx whose
shared strings unpack to 250 MB are refused before anything is built for them. Each is loaded in
a fresh process, whose peak memory (resource.getrusage) must stay near what it was before."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.bad_input_corpus import jsonstat_bomb, xlsx_bomb

ROOT = Path(__file__).resolve().parent.parent

# Loads the file in argv[1] into the store argv[2]; prints the peak memory (kB) before and after,
# then the result line.
LOAD = """
import resource, sys
from pathlib import Path
from loaders import pipeline
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
r = pipeline.load_path(Path(sys.argv[1]), Path(sys.argv[2]))
print(before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
print(r.outcome)
print(r.line())
"""


def _load_in_subprocess(f: Path, db: Path) -> tuple[int, str, str]:
    """(growth of peak memory in MB while loading, outcome, result line)."""
    p = subprocess.run([sys.executable, "-c", LOAD, str(f), str(db)], cwd=ROOT, capture_output=True,
                       text=True, timeout=120)
    assert p.returncode == 0, p.stderr[-2000:]
    sizes, outcome, line = p.stdout.strip().split("\n", 2)
    before, after = (int(x) for x in sizes.split())
    return (after - before) // 1024, outcome, line


@pytest.mark.parametrize("name, build, phrases", [
    ("13563.json", jsonstat_bomb, ("100 000 000 celler", "høyst 10 000 000 celler")),
    ("13563.xlsx", xlsx_bomb, ("pakkes ut til", "200 MB som er grensen")),
])
def test_a_bomb_is_refused_before_it_is_unpacked(name, build, phrases, tmp_path):
    f = tmp_path / name
    f.write_bytes(build())
    assert f.stat().st_size < 1024 * 1024   # small on disk: the danger is what it declares
    grew, outcome, line = _load_in_subprocess(f, tmp_path / "s.duckdb")
    assert outcome == "rejected", line
    for phrase in phrases:
        assert phrase in line, line
    assert grew < 50, f"peak memory grew {grew} MB while refusing {name}"


def test_the_xlsx_bomb_never_reaches_openpyxl(monkeypatch):
    import openpyxl

    from loaders.base import LoadError, RawFile

    def never(*a, **k):
        raise AssertionError("openpyxl was asked to open the bomb")
    monkeypatch.setattr(openpyxl, "load_workbook", never)
    with pytest.raises(LoadError, match="pakkes ut til 243 MB"):
        _ = RawFile("13563.xlsx", xlsx_bomb()).workbook


def test_jsonstat_size_must_be_counts():
    from loaders import ssb_jsonstat
    from loaders.base import LoadError, RawFile
    from tests.bad_input_corpus import js, jsonstat
    j = jsonstat()
    j["size"] = [1, 1, 2, 1, "1"]
    with pytest.raises(LoadError, match="ugyldig «size»"):
        ssb_jsonstat.read(RawFile("13563.json", js(j)))
