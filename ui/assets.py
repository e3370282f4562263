"""Map geometry as static files, so the browser fetches it once per page load and a rerun
(another municipality, another year) sends only the values.

Files are written from geo/boundaries into static/geo/ the first time a process needs them
(and again when the boundaries change); they are build output, not committed. Where the app
folder is read-only the map falls back to inline geometry."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from geo import boundaries
from indicators import maps

STATIC = Path(__file__).resolve().parent.parent / "static"
GEO_DIR = STATIC / "geo"


@lru_cache(maxsize=8)
def geometry_file(area: str) -> Path | None:
    """static/geo/<area>.json, written when missing or older than its source; None on failure."""
    src = boundaries.DIR / boundaries.FILES[area]
    dst = GEO_DIR / f"{area}.json"
    try:
        if not dst.exists() or dst.stat().st_mtime < src.stat().st_mtime:
            GEO_DIR.mkdir(parents=True, exist_ok=True)
            tmp = dst.with_suffix(".tmp")
            tmp.write_text(json.dumps(maps.geometry(area), separators=(",", ":")), encoding="utf-8")
            tmp.replace(dst)
        return dst
    except OSError:
        return None


def geometry_url(area: str, static_url: str) -> str | None:
    f = geometry_file(area)
    if f is None:
        return None
    # The modification time in the URL: a rebuilt boundary file is never served from a cache.
    return f"{static_url}geo/{f.name}?v={int(f.stat().st_mtime)}"
