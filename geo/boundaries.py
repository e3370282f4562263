"""Committed boundary GeoJSON for the dashboard maps (no network, no geopandas).

Files in geo/boundaries/ are built by geo/build_boundaries.py (see geo/README.md).
Properties: `kode` (2024 municipality number, text), `navn`, `fylke` (2024 county number),
`etikettpunkt` (LABEL_PROPERTY);
the county file has `kode` and `navn`. One exception: feature "1507" is the 2020 Ålesund
area and covers 2024's 1508 Ålesund + 1580 Haram (property `dekker`); the source has no
pre-2020 Haram border. Credit on every map: `CREDIT`.
Beside them, `NEIGHBOURS_FILE` holds which municipalities share a border (geo/neighbours.py).
"""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from vocab.i18n import N_, _

DIR = Path(__file__).parent / "boundaries"

FILES = {
    "norge": "kommuner_norge.geojson",
    "vestfold_telemark": "kommuner_vestfold_telemark.geojson",
    "ostfold": "kommuner_ostfold.geojson",
    "fylker": "fylker_norge.geojson",
}

# Which municipalities share a border, found from kommuner_norge.geojson when it is built.
NEIGHBOURS_FILE = "kommune_naboer.json"

# [lon, lat] inside each municipality where its name goes, found when the files are built.
LABEL_PROPERTY = "etikettpunkt"

# Bokmål, as the files' `attribution` says it; credit() gives it in the reader's language.
CREDIT = N_("Kartverket, CC BY 4.0 — grenser fra 2020, omkodet til 2024-nummer")

_COUNTY_AREA = {"38": "vestfold_telemark", "39": "vestfold_telemark", "40": "vestfold_telemark",
                "31": "ostfold"}


def credit() -> str:
    """The credit every map carries, in the current language."""
    return _(CREDIT)


@cache
def load(area: str) -> dict:
    """The FeatureCollection for an area ("norge", "vestfold_telemark", "ostfold", "fylker").

    Cached and shared between callers: do not mutate it (copy.deepcopy first if needed)."""
    if area not in FILES:
        raise ValueError(f"unknown area {area!r}; choose one of {sorted(FILES)}")
    with open(DIR / FILES[area], encoding="utf-8") as f:
        return json.load(f)


def area_for_county(county_code) -> str:
    """The map area to use for a county: 38/39/40 → vestfold_telemark, 31 → ostfold, else norge."""
    code = str(county_code).strip() if county_code is not None else ""
    if code.isdigit():
        code = code.zfill(2)
    return _COUNTY_AREA.get(code, "norge")
