"""Which municipalities border each other: `neighbours("4003")` → ["3303", "4001", …] (2024
numbers, sorted), read from the bundled geo/boundaries/kommune_naboer.json.

The rule lives here and nowhere else. Two municipalities are neighbours when they share a
stretch of border in geo/boundaries/kommuner_norge.geojson as it is written: that file is a
valid polygonal coverage rounded to a 1e-4° grid (geo/build_boundaries.py), so a shared border
has the same vertices on both sides, and a shared boundary *segment* is exact, with no
tolerance to choose. A corner alone (Nome, Midt-Telemark, Seljord and Kviteseid meet in one
point) is not a border. The polygons are land only, so an island municipality without a land
border (Utsira, Træna, Røst, Værøy, Fedje, Askøy …) has no neighbour.

The boundaries are from 2020: 1507 Ålesund (2020–2023) covers 2024's 1508 Ålesund and 1580
Haram, whose border is not in the source. Each part gets the neighbours of the whole area and
the other part, and the area's neighbours get both parts; `note()` says so wherever a list
depends on it (no guessed border).

geo/build_boundaries.py calls `rebuild()` after writing the boundaries; the file can be
recomputed offline with `python geo/build_boundaries.py --neighbours-only` (pure Python,
deterministic: tests/test_neighbours_ranking.py checks the bundled file equals a recomputation).
"""
from __future__ import annotations

import itertools
import json
from collections import defaultdict
from collections.abc import Iterator
from functools import cache

from geo import codes
from geo.boundaries import DIR, NEIGHBOURS_FILE
from vocab.i18n import N_, _

SOURCE = "kommuner_norge.geojson"          # the neighbours are found in this boundary file

NOTE_2020_AREA = N_("Kommunegrensene er fra 2020, da Ålesund og Haram var én kommune. Begge "
                    "regnes derfor som naboer til kommunene rundt den gamle kommunen.")


# --------------------------------------------------------------------------- computing

def _segments(geometry: dict) -> Iterator[tuple[tuple, tuple]]:
    """Every boundary segment of a (Multi)Polygon as written, as a sorted pair of points."""
    polys = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    for poly in polys:
        for ring in poly:
            for a, b in itertools.pairwise(ring):
                p, q = tuple(a), tuple(b)
                if p != q:
                    yield (p, q) if p < q else (q, p)


def shared_borders(fc: dict) -> tuple[dict[str, list[str]], list[list[str]]]:
    """Feature code → the codes of the features sharing a boundary segment with it; and the
    pairs meeting only in a corner (a shared vertex, no shared segment), which are not."""
    seg_owners: dict[tuple, set[str]] = defaultdict(set)
    vertex_owners: dict[tuple, set[str]] = defaultdict(set)
    for f in fc["features"]:
        code = f["properties"]["kode"]
        for seg in _segments(f["geometry"]):
            seg_owners[seg].add(code)
            vertex_owners[seg[0]].add(code)
            vertex_owners[seg[1]].add(code)
    border: dict[str, set[str]] = {f["properties"]["kode"]: set() for f in fc["features"]}
    for seg, owners in seg_owners.items():
        if len(owners) > 2:
            raise ValueError(f"segment {seg} lies on {len(owners)} features: not a coverage")
        for c in owners:
            border[c] |= owners - {c}
    corners = sorted({(a, b) for owners in vertex_owners.values()
                      for a in owners for b in owners if a < b and b not in border[a]})
    return {c: sorted(n) for c, n in sorted(border.items())}, [list(p) for p in corners]


def table_from(fc: dict) -> dict:
    """The neighbours file for a municipal FeatureCollection: {"metadata", "naboer": every 2024
    municipality → its neighbours' 2024 codes}. An area kept under an old code (1507, property
    `dekker`) lends its neighbours to each part, the parts are each other's, and the area's
    neighbours get the parts (listed under `fra_2020_flate`)."""
    border, corners = shared_borders(fc)
    covers = {f["properties"]["kode"]: list(f["properties"]["dekker"])
              for f in fc["features"] if "dekker" in f["properties"]}
    table: dict[str, list[str]] = {}
    for code, near in border.items():
        parts = covers.get(code, [code])
        today = {p for c in near for p in covers.get(c, [c])}
        for p in parts:
            table[p] = sorted((today | set(parts)) - {p})
    odd = set(codes.municipalities_2024()) ^ set(table)
    if odd:
        raise ValueError(f"codes that are not the 2024 municipalities: {sorted(odd)}")
    meta = {
        "title": "Nabokommuner: kommuner med felles grense på land (2024-nummer)",
        "source": f"geo/boundaries/{SOURCE}",
        "boundaries_build_date": fc.get("metadata", {}).get("build_date"),
        "rule": "Naboer deler minst ett linjestykke av grensen i kommuneflatene slik de står i "
                "kildefila (gyldig dekning på 4 desimaler). Et hjørne alene er ingen grense. "
                "Flatene er bare land, så en øykommune uten landgrense har ingen naboer.",
        "fra_2020_flate": covers,
        "merknad_2020_flate": "Grensene er fra 2020: 1507 Ålesund dekker 1508 Ålesund og 1580 "
                              "Haram. Begge får naboene til hele flaten, og hverandre.",
        "bare_hjorne": corners,
        "uten_naboer": sorted(c for c, n in table.items() if not n),
        "built_by": "geo/neighbours.py (python geo/build_boundaries.py --neighbours-only)",
    }
    return {"metadata": meta, "naboer": dict(sorted(table.items()))}


def file_text(table: dict) -> str:
    """The file's text: one line per municipality, so a change reads as a short diff."""
    lines = [f"  {json.dumps(c)}: {json.dumps(n)}" for c, n in table["naboer"].items()]
    meta = json.dumps(table["metadata"], ensure_ascii=False)
    return '{\n "metadata": ' + meta + ',\n "naboer": {\n' + ",\n".join(lines) + "\n }\n}\n"


def rebuild() -> str:
    """Recompute the bundled file from the bundled boundaries as they are on disk; a summary."""
    fc = json.loads((DIR / SOURCE).read_text(encoding="utf-8"))
    table = table_from(fc)
    (DIR / NEIGHBOURS_FILE).write_text(file_text(table), encoding="utf-8")
    _table.cache_clear()
    n = table["naboer"]
    return (f"{NEIGHBOURS_FILE}: {len(n)} municipalities, {sum(map(len, n.values())) // 2} "
            f"borders, {len(table['metadata']['uten_naboer'])} without a land neighbour")


# --------------------------------------------------------------------------- reading

@cache
def _table() -> dict:
    with open(DIR / NEIGHBOURS_FILE, encoding="utf-8") as f:
        return json.load(f)


def areas_2020() -> dict[str, list[str]]:
    """Old code → the 2024 municipalities its 2020 boundary covers ({"1507": ["1508", "1580"]})."""
    return {k: list(v) for k, v in _table()["metadata"]["fra_2020_flate"].items()}


def neighbours(code) -> list[str]:
    """The 2024 municipalities sharing a land border with `code` (sorted); [] for an island
    municipality or an unknown code. The old 1507 gives its whole area's neighbours."""
    code = str(code).strip()
    table = _table()["naboer"]
    if code in table:
        return list(table[code])
    parts = areas_2020().get(code, [])
    return sorted({n for p in parts for n in table.get(p, [])} - set(parts))


def all_neighbours() -> dict[str, list[str]]:
    """Every 2024 municipality → its neighbours (a copy)."""
    return {c: list(n) for c, n in _table()["naboer"].items()}


def from_2020_area(code) -> bool:
    """True when the list for `code` rests on the 2020 area that holds two of today's
    municipalities: `code` is one of them (or the old code), or borders them."""
    code = str(code).strip()
    inside = {p for parts in areas_2020().values() for p in parts} | set(areas_2020())
    return code in inside or bool(inside & set(neighbours(code)))


def note(code) -> str | None:
    """What a reader of the neighbour list for `code` must know, in the current language."""
    return _(NOTE_2020_AREA) if from_2020_area(code) else None
