"""Accessibility helpers for the browser tests: axe-core (from npm, see package.json), WCAG
contrast ratios, and the list of known axe findings that someone else owns the fix for."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT
from vocab import settings

AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
FAIL_IMPACTS = ("serious", "critical")

# Serious/critical findings we know about, by (page, rule): the test reports them as xfail with
# the fix, and fails as soon as anything else turns up, or when one of these is gone (then
# delete it here). `nodes` matches every offending element's HTML.
KNOWN_AXE = {
}


def axe_source() -> str:
    """axe.min.js, or a skip (a failure on CI) with what to do."""
    if AXE_JS.exists():
        return AXE_JS.read_text(encoding="utf-8")
    why = ("axe-core mangler (node_modules/axe-core): kjør «npm ci» i prosjektmappa "
           + ("(make test gjør det når npm finnes)." if shutil.which("npm") else
              "— npm finnes ikke på maskinen: «apt-get install -y nodejs npm»."))
    if settings.env_flag("INNENFOR_REQUIRE_BROWSER"):
        pytest.fail(why)
    pytest.skip(why)


def run_axe(page) -> list[dict]:
    """axe's violations for the page as it is now (all rules axe runs by default)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source())
    res = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
            nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 200),
                                      summary: (n.failureSummary || '').slice(0, 300)}))}));
    }""")
    return res


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])} element)")
        for n in v["nodes"][:15]:
            lines.append(f"    {n['target']}  {n['html'][:120]}  — {n['summary'][:200]}")
    return "\n".join(lines)


def check_axe(page, page_id: str, report: Path | None = None, strict_known: bool = True) -> list[dict]:
    """Fail on serious/critical violations; known ones (KNOWN_AXE) end the test as xfail.
    With strict_known a known finding that no longer shows fails too (the page state that
    shows it must be the one tested). Returns every violation (moderate/minor too)."""
    violations = run_axe(page)
    if report:
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(describe(violations) or "ingen brudd", encoding="utf-8")
    bad = [v for v in violations if v["impact"] in FAIL_IMPACTS]
    known, unknown = [], []
    for v in bad:
        k = KNOWN_AXE.get((page_id, v["id"]))
        if k and all(k["nodes"].search(n["html"]) for n in v["nodes"]):
            known.append((v, k))
        else:
            unknown.append(v)
    assert not unknown, f"axe: alvorlige brudd på {page_id}:\n{describe(unknown)}"
    stale = [key for key in KNOWN_AXE if key[0] == page_id and key[1] not in {v["id"] for v, _ in known}]
    if strict_known and stale and not known:
        pytest.fail(f"Kjent axe-funn {stale} finnes ikke lenger på {page_id}: fjern det fra "
                    "tests/a11y.py KNOWN_AXE.")
    if known:
        pytest.xfail("; ".join(k["why"] for _v, k in known))
    return violations


# --- colour contrast (WCAG 2.x relative luminance) ------------------------------------------------

def parse_colour(c: str) -> tuple[float, float, float, float]:
    """'#rgb', '#rrggbb', 'rgb(…)', 'rgba(…)' → (r, g, b, alpha) with r/g/b in 0–255."""
    c = c.strip().lower()
    if c.startswith("#"):
        h = c[1:]
        if len(h) == 3:
            h = "".join(ch * 2 for ch in h)
        return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16), 1.0
    m = re.match(r"rgba?\(([^)]*)\)", c)
    if m:
        parts = [float(x) for x in m.group(1).split(",")]
        return parts[0], parts[1], parts[2], parts[3] if len(parts) > 3 else 1.0
    named = {"white": (255, 255, 255, 1.0), "black": (0, 0, 0, 1.0), "transparent": (0, 0, 0, 0.0)}
    return named[c]


def over(c: str, bg: str = "#ffffff") -> tuple[float, float, float]:
    """A possibly transparent colour as seen on the background."""
    r, g, b, a = parse_colour(c)
    br, bg_, bb, _ = parse_colour(bg)
    return r * a + br * (1 - a), g * a + bg_ * (1 - a), b * a + bb * (1 - a)


def luminance(rgb) -> float:
    def ch(v):
        v = v / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    r, g, b = rgb
    return 0.2126 * ch(r) + 0.7152 * ch(g) + 0.0722 * ch(b)


def contrast(a: str, b: str, bg: str = "#ffffff") -> float:
    la, lb = luminance(over(a, bg)), luminance(over(b, bg))
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def assert_no_new_serious(page, page_id: str) -> list[dict]:
    """For journeys: fail on serious/critical violations not in KNOWN_AXE, never xfail (the
    journey goes on). Returns all violations."""
    violations = run_axe(page)
    new = [v for v in violations if v["impact"] in FAIL_IMPACTS and not (
        (page_id, v["id"]) in KNOWN_AXE and
        all(KNOWN_AXE[(page_id, v["id"])]["nodes"].search(n["html"]) for n in v["nodes"]))]
    assert not new, f"axe: alvorlige brudd på {page_id}:\n{describe(new)}"
    return violations
