"""Label points in the bundled municipality files (property `etikettpunkt`, [lon, lat], written by
geo/build_boundaries.py): every municipality has one, and it lies inside (or on) its own geometry
as bundled, so a name on the map never lands in the neighbour or the sea."""
from __future__ import annotations

import pytest
from shapely.geometry import Point, shape

from geo import boundaries, projection
from indicators import maps

LABEL = boundaries.LABEL_PROPERTY
MUNICIPAL = ("norge", "vestfold_telemark", "ostfold")


@pytest.mark.parametrize("area", MUNICIPAL)
def test_every_municipality_has_a_label_point(area):
    for f in boundaries.load(area)["features"]:
        p = f["properties"]
        pt = p.get(LABEL)
        assert isinstance(pt, list) and len(pt) == 2, (p["kode"], pt)
        assert all(isinstance(c, (int, float)) for c in pt), (p["kode"], pt)


@pytest.mark.parametrize("area", MUNICIPAL)
def test_label_points_lie_in_their_own_municipality(area):
    outside = [f"{f['properties']['kode']} {f['properties']['navn']} {f['properties'][LABEL]}"
               for f in boundaries.load(area)["features"]
               if not shape(f["geometry"]).covers(Point(f["properties"][LABEL]))]
    assert not outside, f"{len(outside)} label points outside their municipality: {outside}"


def test_the_maps_put_names_at_the_bundled_points():
    """The SVG map and the exported images read the point built into the file; the old run-time
    centroid put Narvik's name outside Narvik."""
    geo = maps.geometry("norge")
    narvik = next(f for f in geo["features"] if f["id"] == "1806")
    at = projection.label_point(narvik)
    assert shape(narvik["geometry"]).covers(Point(at))
    centroid = projection.label_point({"geometry": narvik["geometry"]})
    assert not shape(narvik["geometry"]).covers(Point(centroid))
