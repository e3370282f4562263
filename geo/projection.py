"""Boundaries as SVG paths: transverse Mercator around the area's middle meridian (the UTM look
of Norwegian maps), scaled to a box WIDTH units wide, integer coordinates, relative path
commands. Vestfold og Telemark is about 15 KB this way, all of Norway about 135 KB: small
enough to travel with the map on every rerun, so the page needs no geometry request."""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from geo.boundaries import LABEL_PROPERTY

WIDTH = 1000


@dataclass(frozen=True)
class SvgGeometry:
    width: int
    height: int
    paths: dict          # code → SVG path data
    labels: dict         # code → (x, y): where a word on the municipality goes


def _polygons(geom: dict) -> list:
    return geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]


def _ring_centroid(ring) -> tuple[float, float, float]:
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in itertools.pairwise(ring):
        c = x0 * y1 - x1 * y0
        a += c
        cx += (x0 + x1) * c
        cy += (y0 + y1) * c
    if a == 0:
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        return sum(xs) / len(xs), sum(ys) / len(ys), 0.0
    return cx / (3 * a), cy / (3 * a), abs(a) / 2


def label_point(feature: dict) -> tuple[float, float]:
    """Where a feature's name goes: the point inside it found when the boundaries were built
    (geo/build_boundaries.py), else the centroid of its largest polygon's outer ring."""
    pt = (feature.get("properties") or {}).get(LABEL_PROPERTY)
    if pt:
        return float(pt[0]), float(pt[1])
    best = max((_ring_centroid(p[0]) for p in _polygons(feature["geometry"])), key=lambda t: t[2])
    return best[0], best[1]


def bounds(features: list[dict]) -> tuple[float, float, float, float]:
    """(min lon, min lat, max lon, max lat) of the outer rings."""
    xs, ys = [], []
    for f in features:
        for p in _polygons(f["geometry"]):
            for x, y in p[0]:
                xs.append(x)
                ys.append(y)
    return min(xs), min(ys), max(xs), max(ys)


def _transverse_mercator(lon, lat, lon0: float, lat0: float):
    """Spherical transverse Mercator, radians out; y grows southwards (SVG)."""
    lam = np.radians(lon) - lon0
    phi = np.radians(lat)
    b = np.cos(phi) * np.sin(lam)
    x = 0.5 * np.log((1 + b) / (1 - b))
    y = np.arctan2(np.tan(phi), np.cos(lam)) - lat0
    return x, -y


def _path(xs: np.ndarray, ys: np.ndarray) -> str:
    """One closed ring as 'M x y l dx dy …z', repeated points (after rounding) dropped."""
    pts = np.column_stack([xs, ys])
    keep = np.ones(len(pts), dtype=bool)
    keep[1:] = np.any(pts[1:] != pts[:-1], axis=1)
    pts = pts[keep]
    if len(pts) < 3:
        return ""
    d = np.diff(pts, axis=0)
    return f"M{pts[0][0]} {pts[0][1]}l" + " ".join(f"{a} {b}" for a, b in d) + "z"


def svg_geometry(features: list[dict], *, key: str = "kode", width: int = WIDTH) -> SvgGeometry:
    """Paths for features whose properties (or id) carry `key`, fitted to width × height."""
    if not features:
        return SvgGeometry(width, round(width * 0.8), {}, {})
    x0, y0, x1, y1 = bounds(features)
    lon0, lat0 = math.radians((x0 + x1) / 2), math.radians((y0 + y1) / 2)
    rings, labels = [], {}
    for f in features:
        code = f.get("id") or f["properties"][key]
        for poly in _polygons(f["geometry"]):
            for ring in poly:
                a = np.asarray(ring, dtype=float)
                rings.append((code, *_transverse_mercator(a[:, 0], a[:, 1], lon0, lat0)))
        lx, ly = label_point(f)
        labels[code] = _transverse_mercator(np.array([lx]), np.array([ly]), lon0, lat0)
    min_x = min(r[1].min() for r in rings)
    max_x = max(r[1].max() for r in rings)
    min_y = min(r[2].min() for r in rings)
    max_y = max(r[2].max() for r in rings)
    scale = width / (max_x - min_x)
    paths: dict[str, str] = {}
    for code, xs, ys in rings:
        d = _path(np.rint((xs - min_x) * scale).astype(int), np.rint((ys - min_y) * scale).astype(int))
        paths[code] = paths.get(code, "") + d
    labels = {c: (round(float((x[0] - min_x) * scale)), round(float((y[0] - min_y) * scale)))
              for c, (x, y) in labels.items()}
    return SvgGeometry(width, math.ceil((max_y - min_y) * scale), paths, labels)
