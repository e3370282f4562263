"""The shape of the code: vocab at the bottom, no import cycle between packages (function-level
imports included), each shared rule defined once, modules one can read in a sitting, and a
README route table that names the files one number really passes through."""
from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["vocab", "geo", "loaders", "indicators", "exports", "ui", "app_pages", "data", "bench"]
# Who may import whom: each package only from the packages listed (below it).
ALLOWED = {
    "vocab": set(),
    "geo": {"vocab"},
    "data": {"vocab", "geo"},
    "loaders": {"vocab", "geo"},
    "indicators": {"vocab", "geo", "loaders"},
    "exports": {"vocab", "geo", "loaders", "indicators"},
    "ui": {"vocab", "geo", "loaders", "indicators", "exports"},
    "app_pages": {"vocab", "geo", "loaders", "indicators", "exports", "ui"},
    "bench": {"vocab", "geo", "loaders", "indicators", "exports", "ui", "data"},
}


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _imports(path: Path) -> set[str]:
    """Top-level project packages a module imports, at any depth of the code."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & set(PACKAGES)


def _graph() -> dict[str, dict[str, list[str]]]:
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for pkg in PACKAGES:
        for path in _modules(pkg):
            for other in _imports(path) - {pkg}:
                graph[pkg][other].append(str(path.relative_to(ROOT)))
    return graph


def test_vocab_imports_no_other_package():
    offenders = {str(p.relative_to(ROOT)): _imports(p) - {"vocab"} for p in _modules("vocab")}
    assert not {k: v for k, v in offenders.items() if v}


def test_packages_import_only_downwards():
    wrong = [f"{pkg} → {other} ({', '.join(files)})" for pkg, deps in _graph().items()
             for other, files in deps.items() if other not in ALLOWED[pkg]]
    assert not wrong, "\n".join(wrong)


def test_no_import_cycle_between_packages():
    graph = {pkg: set(deps) for pkg, deps in _graph().items()}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(n == goal or (n not in seen and reaches(n, goal, seen | {n}))
                   for n in graph.get(start, ()))
    cycles = [pkg for pkg in PACKAGES if reaches(pkg, pkg, set())]
    assert not cycles


def _source_files() -> list[Path]:
    return [p for pkg in PACKAGES if pkg != "vocab" for p in _modules(pkg)] + [ROOT / "app.py"]


def test_shared_rules_are_defined_only_in_vocab():
    """A function with one of these names is a second copy of a vocabulary rule."""
    names = {"fold", "where", "period_year", "fmt_int", "fmt_number", "status_word", "shift_years"}
    found = []
    for path in _source_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name in names:
                found.append(f"{path.relative_to(ROOT)}: def {node.name}")
    assert not found


def test_status_lists_and_key_columns_are_not_spelled_out_again():
    statuses = re.compile(r"""['"]ok['"],\s*['"](provisional|suppressed)['"]""")
    key = re.compile(r"""\[\s*['"]indicator['"],\s*['"]region_code['"],\s*['"]period['"]""")
    found = [f"{p.relative_to(ROOT)}:{i}" for p in _source_files()
             for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if statuses.search(line) or key.search(line)]
    assert not found


def test_queries_never_derive_the_year_from_the_period_text():
    sql = (ROOT / "indicators" / "queries.py").read_text(encoding="utf-8")
    assert "substr(" not in sql and "length(period" not in sql and "m.year" in sql


def test_modules_fit_one_sitting():
    long = {str(p.relative_to(ROOT)): n for p in _source_files() + _modules("vocab")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 480}
    assert not long


def test_readme_route_table_names_at_most_five_files_that_exist():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Slik går et tall fra fil til skjerm", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|") and "`" in line]
    files = [re.findall(r"`([^`]+\.py)`", line)[0] for line in rows]
    assert 1 < len(files) <= 5
    for f in files:
        pattern = f.replace("<format>", "*")
        assert list(ROOT.glob(pattern)), f
    # The route is the one the code takes: each step's module uses the one before it.
    assert "harmonise" in (ROOT / "loaders" / "pipeline.py").read_text(encoding="utf-8")
