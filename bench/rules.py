"""The matcher's rules over the benchmark's in-memory posts, vectorised, for the baselines that
run outside PostgreSQL (the NumPy brute force and the KD-tree).

They read what the matcher reads: the EPSG:3035 point (``location_3035`` is a generated column
``ST_Transform(location, 3035)``, so distances are planar metres, not haversine), the category
and its parent, radius and remote flag, languages, owner and organisation, and the details of
issue 13 (listed in ``pair_fits``). Every function takes index arrays that
broadcast against each other (a chunk of needs as a column against all offers as a row, or two
arrays of pairs), so the same rule serves the brute-force matrix and the KD-tree's neighbours.
"""

from __future__ import annotations

import numpy as np

# Root categories whose offer capacity counts what a need takes as its people_count (beds,
# seats); other roots count items or sessions and have no "capacity >= need" rule.
PEOPLE_ROOTS = ("accommodation", "transport")
# Boolean details a need may require of an offer, as bits of ``Synthetic.flags``.
FLAG_BITS = {"pets": 1, "accessible": 2, "cargo": 4}

# GRS80 and the EPSG:3035 (ETRS89-extended / LAEA Europe) parameters.
_A = 6378137.0
_F = 1 / 298.257222101
_E2 = _F * (2 - _F)
_E = np.sqrt(_E2)
_LAT0, _LON0 = np.radians(52.0), np.radians(10.0)
_FALSE_EASTING, _FALSE_NORTHING = 4321000.0, 3210000.0


def _q(sin_lat: np.ndarray | float) -> np.ndarray | float:
    return (1 - _E2) * (
        sin_lat / (1 - _E2 * sin_lat**2)
        - np.log((1 - _E * sin_lat) / (1 + _E * sin_lat)) / (2 * _E)
    )


def project_3035(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Easting and northing in metres, what PostGIS's ``ST_Transform(..., 3035)`` gives
    (ellipsoidal Lambert azimuthal equal-area, EPSG guidance note 7-2, section 1.3.11)."""
    phi, lam = np.radians(lat), np.radians(lon)
    q_pole = _q(1.0)
    beta = np.arcsin(_q(np.sin(phi)) / q_pole)
    beta0 = np.arcsin(_q(np.sin(_LAT0)) / q_pole)
    radius_q = _A * np.sqrt(q_pole / 2)
    d = _A * (np.cos(_LAT0) / np.sqrt(1 - _E2 * np.sin(_LAT0) ** 2)) / (radius_q * np.cos(beta0))
    b = radius_q * np.sqrt(
        2 / (1 + np.sin(beta0) * np.sin(beta) + np.cos(beta0) * np.cos(beta) * np.cos(lam - _LON0))
    )
    easting = _FALSE_EASTING + b * d * np.cos(beta) * np.sin(lam - _LON0)
    northing = _FALSE_NORTHING + (b / d) * (
        np.cos(beta0) * np.sin(beta) - np.sin(beta0) * np.cos(beta) * np.cos(lam - _LON0)
    )
    return easting, northing


def distance_m(offers, offer_index, needs, need_index) -> np.ndarray:
    """Planar EPSG:3035 distance, as ``o.location_3035 <-> n.location_3035``."""
    return np.hypot(
        offers.x[offer_index] - needs.x[need_index], offers.y[offer_index] - needs.y[need_index]
    )


def pair_fits(offers, offer_index, needs, need_index, *, details: bool = True) -> np.ndarray:
    """Every rule but reach, for the pairs the indexes describe (broadcast):

    - the offer's category is the need's or the need's parent (general) category;
    - a shared language;
    - different owners, and not both of one organisation;
    - the details (issue 13): where the root counts people, the offer's capacity (beds, seats)
      is at least the need's people_count; each of pets, accessible, cargo that the need asks
      for, the offer states as true (unstated counts as no); an interpreting need's language
      pair, if it states one, is the offer's pair in either order.

    ``details=False`` leaves the detail rules out (a matcher without them, before issue 13).
    """
    need_category = needs.category[need_index]
    offer_category = offers.category[offer_index]
    ok = (offer_category == need_category) | (offer_category == needs.parent[need_index])
    ok &= (offers.language_mask[offer_index] & needs.language_mask[need_index]) != 0
    ok &= offers.owner[offer_index] != needs.owner[need_index]
    offer_organisation = offers.organisation[offer_index]
    need_organisation = needs.organisation[need_index]
    ok &= (
        (offer_organisation == 0)
        | (need_organisation == 0)
        | (offer_organisation != need_organisation)
    )
    if details:
        ok &= offers.capacity[offer_index] >= needs.units_required[need_index]
        ok &= (needs.flags[need_index] & ~offers.flags[offer_index]) == 0
        need_pair = needs.language_pair[need_index]
        ok &= (need_pair < 0) | (need_pair == offers.language_pair[offer_index])
    return ok


def within_reach(offers, offer_index, needs, need_index, distance: np.ndarray) -> np.ndarray:
    return distance <= (offers.radius[offer_index] + needs.radius[need_index]) * 1000.0
