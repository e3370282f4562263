"""Which municipality names fit on a presentation map without running into each other.

Pure geometry, no plotly: candidates are ordered by importance (the chosen municipality first,
then the largest polygons), each name's box is estimated in screen pixels from its length and
the font size, at the scale `maps.choropleth` gives the map (its lon/lat ranges fitted into the
figure), and a name whose box overlaps one already placed is left out. The chosen municipality
is always named. Deterministic: the same map always names the same municipalities.
"""
from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping

# The presentation stage on a 1366×768 projector (ui/present.py): the map is drawn about this
# large, names in MIN_FONT (24 px). A cautious (small) stage: a larger one only leaves more room.
STAGE_WIDTH = 1100       # px left for the geo after the colour bar and the size legend
STAGE_HEIGHT = 470
FONT = 24
CHAR_WIDTH = 0.56        # × font size: an average character of the sans-serif in the figure
LINE_HEIGHT = 1.15       # × font size
PAD = 2                  # px between two names

Box = tuple[float, float, float, float]      # x0, y0, x1, y1 in px, y up


def scale(lon_range: tuple[float, float], lat_range: tuple[float, float], *,
          width: float = STAGE_WIDTH, height: float = STAGE_HEIGHT) -> float:
    """Pixels per degree of latitude when the lon/lat ranges are fitted into width × height
    (plotly keeps the aspect: the tighter side decides). Near the area's middle the transverse
    Mercator is close to an equirectangular map with longitude × cos(latitude)."""
    mid = math.cos(math.radians(sum(lat_range) / 2))
    return min(height / (lat_range[1] - lat_range[0]),
               width / ((lon_range[1] - lon_range[0]) * mid))


def polygon_area(geometry: Mapping) -> float:
    """Area of a (Multi)Polygon's outer rings in degrees² with longitude × cos(latitude)."""
    polys = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    total = 0.0
    for poly in polys:
        ring = poly[0]
        mid = math.cos(math.radians(sum(p[1] for p in ring) / len(ring)))
        total += abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in itertools.pairwise(ring))) / 2 * mid
    return total


def by_importance(codes: Iterable[str], chosen: str | None, size: Mapping[str, float]) -> list[str]:
    """The chosen municipality first, then by size (largest first), ties by code."""
    codes = list(codes)
    rest = sorted((c for c in codes if c != chosen), key=lambda c: (-size.get(c, 0.0), c))
    return ([chosen] if chosen in codes else []) + rest


def box(text: str, point: tuple[float, float], *, px_per_deg: float, lat0: float,
        font: float = FONT) -> Box:
    """A name's box in px (centred on its point, as plotly draws text 'middle center')."""
    x = point[0] * math.cos(math.radians(lat0)) * px_per_deg
    y = point[1] * px_per_deg
    w, h = len(text) * CHAR_WIDTH * font / 2 + PAD, LINE_HEIGHT * font / 2 + PAD
    return x - w, y - h, x + w, y + h


def overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def place(order: list[str], names: Mapping[str, str], points: Mapping[str, tuple[float, float]],
          *, px_per_deg: float, lat0: float, chosen: str | None = None,
          font: float = FONT) -> list[str]:
    """The codes in `order` whose names fit: each one's box must not overlap any placed before
    it. `chosen` is placed whatever it overlaps (it should come first in `order`)."""
    placed: list[str] = []
    boxes: list[Box] = []
    for c in order:
        b = box(names[c], points[c], px_per_deg=px_per_deg, lat0=lat0, font=font)
        if c == chosen or not any(overlaps(b, o) for o in boxes):
            placed.append(c)
            boxes.append(b)
    return placed
