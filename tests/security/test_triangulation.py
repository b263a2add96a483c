"""Issue 10, attack 1: public searches must not triangulate a post's exact point.

An anonymous attacker knows a need's public cell (its coordinates are shown to 0.01°) and wants
its exact point. It searches adaptively: many snapped centres with whole-km radii chosen to
split the points still possible, reading membership, ``distance_km``, counts and GeoJSON; and it
posts its own needs at chosen exact points and reads ``ordering=distance`` to see whether the
target comes before them. Against the exact point this pins a need to tens of metres (this
very attacker, in 24 searches: to 26 m).

The defence: every public answer is computed from the public point only. The test runs the
whole adaptive attack twice, with two needs of one cell swapping their exact points in between;
every answer (API lists, GeoJSON, the web list "nearest first" and its map) must be identical,
so the attacker ends with the same guess for both points and cannot place either closer than
the cell.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pytest
from django.contrib.gis.geos import Point
from django.core.cache import cache
from django.db import transaction
from rest_framework.test import APIClient

from needs.models import Need
from posts.selectors import public_point
from tests import factories

pytestmark = pytest.mark.django_db

# Two needs in the public cell (50.08, 14.42), about 590 m apart.
EXACT_A = (50.0812, 14.4163)
EXACT_B = (50.0788, 14.4236)
CELL = (50.08, 14.42)
WORD = "kabat"  # in every title below: the target, its neighbour and the attacker's own needs

# How far the attacker's distance model may be off: it keeps any point this near a boundary.
SLACK_M = 5.0
# WGS84, for the attacker's distance model (PostGIS measures geography on this spheroid).
WGS84_A = 6_378_137.0
WGS84_E2 = 0.00669437999014


def metres(lat1, lon1, lat2, lon2):
    """Distance on the ellipsoid, from its local radii of curvature: within a metre of the
    geodesic at the 10 km the attacker works at (numpy arrays welcome)."""
    phi = np.radians((np.asarray(lat1) + np.asarray(lat2)) / 2)
    w = np.sqrt(1 - WGS84_E2 * np.sin(phi) ** 2)
    north = np.radians(np.asarray(lat2) - np.asarray(lat1)) * WGS84_A * (1 - WGS84_E2) / w**3
    east = np.radians(np.asarray(lon2) - np.asarray(lon1)) * WGS84_A / w * np.cos(phi)
    return np.hypot(north, east)


def metres_east(lat: float, distance_m: float) -> float:
    """Degrees of longitude that make distance_m along the parallel at lat."""
    w = math.sqrt(1 - WGS84_E2 * math.sin(math.radians(lat)) ** 2)
    return math.degrees(distance_m / (WGS84_A / w * math.cos(math.radians(lat))))


@dataclass
class Attacker:
    """Keeps every point of the public cell (on a 55 m grid) that is still consistent with
    the answers, and asks whatever splits them best."""

    api: APIClient
    target_id: int
    others: dict[int, str]  # ids it can tell apart by title: the neighbour, its own needs
    public: tuple[float, float]
    transcript: list = field(default_factory=list)

    def __post_init__(self) -> None:
        steps = np.linspace(-0.005, 0.005, 21)
        lat, lon = np.meshgrid(self.public[0] + steps, self.public[1] + steps)
        self.lat, self.lon = lat.ravel(), lon.ravel()
        offsets = np.arange(-6, 7) / 100
        centre_lat, centre_lon = np.meshgrid(
            round(self.public[0], 2) + offsets, round(self.public[1], 2) + offsets
        )
        self.centres = list(zip(centre_lat.ravel(), centre_lon.ravel(), strict=True))

    def label(self, pk: int) -> str:
        return "target" if pk == self.target_id else self.others.get(pk, f"unknown {pk}")

    def keep(self, mask) -> None:
        self.lat, self.lon = self.lat[mask], self.lon[mask]

    def search(self, path: str, **params) -> dict:
        # The throttle is not the defence under test (20 searches suffice); start it afresh.
        cache.clear()
        response = self.api.get(path, {"q": WORD, "page_size": 100, **params})
        assert response.status_code == 200, response.content
        return response.json()

    def split_by_radius(self) -> None:
        """A snapped centre and a whole-km radius that split the candidates most evenly."""
        best = None
        for centre in self.centres:
            distances = metres(self.lat, self.lon, *centre)
            for radius_km in range(1, 10):
                inside = int((distances <= radius_km * 1000).sum())
                score = abs(2 * inside - len(distances))
                if best is None or score < best[0]:
                    best = (score, centre, radius_km)
        _score, (latitude, longitude), radius_km = best
        params = {"latitude": f"{latitude:.2f}", "longitude": f"{longitude:.2f}"}
        answer = self.search("/api/v1/needs/", **params, radius_km=radius_km, ordering="distance")
        rows = [
            (self.label(row["id"]), row["latitude"], row["longitude"], row["distance_km"])
            for row in answer["results"]
        ]
        geojson = self.search("/api/v1/needs/geojson/", **params, radius_km=radius_km)
        features = [
            (self.label(feature["id"]), *feature["geometry"]["coordinates"])
            for feature in geojson["features"]
        ]
        self.transcript.append(("radius", params, radius_km, answer["count"], rows, features))
        distances = metres(self.lat, self.lon, latitude, longitude)
        target = [row for row in rows if row[0] == "target"]
        edge = radius_km * 1000
        if target:
            km_off = np.abs(distances / 1000 - target[0][3])
            self.keep((distances <= edge + SLACK_M) & (km_off <= 0.5 + SLACK_M / 1000))
        else:
            self.keep(distances > edge - SLACK_M)

    def split_by_own_need(self, step: int, owner) -> None:
        """Post a need of one's own exactly as far from a centre as the median candidate, and
        see whether the target comes before it nearest first."""
        if len(self.lat) == 0:
            return
        direction = [(0.03, 0), (0, 0.04), (-0.03, 0), (0, -0.04), (0.02, 0.03), (-0.02, 0.03)]
        north, east = direction[step % len(direction)]
        latitude, longitude = round(self.public[0] + north, 2), round(self.public[1] + east, 2)
        distances = metres(self.lat, self.lon, latitude, longitude)
        median = float(np.median(distances))
        own = factories.NeedFactory(
            owner=owner,
            title=f"Zimní {WORD} {step}",
            location=Point(longitude + metres_east(latitude, median), latitude, srid=4326),
        )
        self.others[own.pk] = f"own {step}"
        params = {"latitude": f"{latitude:.2f}", "longitude": f"{longitude:.2f}"}
        answer = self.search("/api/v1/needs/", **params, radius_km=15, ordering="distance")
        order = [self.label(row["id"]) for row in answer["results"]]
        self.transcript.append(("own need", params, order))
        if "target" in order and f"own {step}" in order:
            before = order.index("target") < order.index(f"own {step}")
            # ``<->`` on geography measures on the sphere, 0.5 % off the spheroid at most.
            slack = SLACK_M + 0.005 * median
            self.keep(distances < median + slack if before else distances > median - slack)

    def guess(self) -> tuple[float, float] | None:
        if len(self.lat) == 0:
            return None
        return float(self.lat.mean()), float(self.lon.mean())


def web_answers(client, labels: dict[int, str]) -> list:
    """The web list "nearest first" around named places, with its distances and map markers."""
    answers = []
    for place in ["Praha", "Nové Město", "Žižkov", "Smíchov", "Karlín"]:
        for radius_km in (1, 2, 3):
            cache.clear()
            response = client.get(
                "/en/needs/",
                {"q": WORD, "place": place, "radius_km": radius_km, "sort": "distance"},
            )
            assert response.status_code == 200
            page = response.context["page"]
            answers.append(
                (
                    place,
                    radius_km,
                    [(labels.get(post.pk, "?"), round(post.distance.m, 6)) for post in page],
                    [(marker["lat"], marker["lon"]) for marker in response.context["markers"]],
                )
            )
    return answers


def run_attack(target: Need, neighbour: Need, attacker_user) -> tuple[list, tuple | None]:
    """The whole adaptive attack in a savepoint that is rolled back, so the next run starts
    from the same database (the attacker's own needs gone)."""
    with transaction.atomic():
        api = APIClient()
        first = api.get("/api/v1/needs/", {"q": WORD}).json()["results"]
        public = next(
            (row["latitude"], row["longitude"]) for row in first if row["id"] == target.pk
        )
        attacker = Attacker(api, target.pk, {neighbour.pk: "neighbour"}, public)
        for step in range(12):
            attacker.split_by_radius()
            attacker.split_by_own_need(step, attacker_user)
        transcript = [
            *attacker.transcript,
            web_answers(api, attacker.others | {target.pk: "target"}),
        ]
        guess = attacker.guess()
        transaction.set_rollback(True)
    return transcript, guess


def test_adaptive_search_cannot_tell_apart_two_needs_of_one_public_cell():
    # Given two needs whose exact points differ but whose public cell is the same,
    target = factories.NeedFactory(
        title=f"Zimní {WORD} alfa", location=Point(*EXACT_A[::-1], srid=4326)
    )
    neighbour = factories.NeedFactory(
        title=f"Zimní {WORD} beta", location=Point(*EXACT_B[::-1], srid=4326)
    )
    attacker_user = factories.UserFactory()

    # when the attacker runs its adaptive search, then the two needs swap their exact points
    # and it runs it again,
    before, guess_before = run_attack(target, neighbour, attacker_user)
    Need.objects.filter(pk=target.pk).update(location=Point(*EXACT_B[::-1], srid=4326))
    Need.objects.filter(pk=neighbour.pk).update(location=Point(*EXACT_A[::-1], srid=4326))
    after, guess_after = run_attack(target, neighbour, attacker_user)

    # then every answer is the same, search by search: nothing depends on the exact point,
    assert [answer[0] for answer in before].count("radius") == 12
    for answer_before, answer_after in zip(before, after, strict=True):
        assert answer_before == answer_after
    # so the attacker's guess is the same whichever exact point the target has, and it cannot
    # be within 250 m of both (they are 590 m apart): it places no post closer than its cell.
    assert guess_before == guess_after
    if guess_before is not None:
        errors = [float(metres(*guess_before, *exact)) for exact in (EXACT_A, EXACT_B)]
        assert max(errors) > 250
    # Every position in any answer is a public grid point.
    for answer in before:
        if answer[0] == "radius":
            for _label, latitude, longitude, _km in answer[4]:
                assert (latitude, longitude) == (round(latitude, 2), round(longitude, 2))
    target.refresh_from_db()
    assert public_point(target, exact=False).coords == CELL[::-1]


def test_own_list_keeps_exact_distances_for_the_owner():
    # The exact point stays for who may edit: the owner's own list (mine=true) is measured
    # from it, to a tenth of a kilometre; anyone else gets the public point in whole km.
    owner = factories.UserFactory()
    need = factories.NeedFactory(
        owner=owner, title=f"Zimní {WORD}", location=Point(*EXACT_A[::-1], srid=4326)
    )
    client = APIClient()
    client.force_authenticate(owner)
    centre = {"latitude": "50.08", "longitude": "14.44", "radius_km": 5}

    mine = client.get("/api/v1/needs/", {**centre, "mine": "true"}).json()["results"]
    public = APIClient().get("/api/v1/needs/", centre).json()["results"]

    exact_km = float(metres(*EXACT_A, 50.08, 14.44)) / 1000  # 1.7 km
    assert [row["id"] for row in mine] == [need.pk]
    assert mine[0]["distance_km"] == pytest.approx(round(exact_km, 1))
    assert (mine[0]["latitude"], mine[0]["longitude"]) == EXACT_A
    public_km = float(metres(*CELL, 50.08, 14.44)) / 1000  # 1.4 km
    assert public[0]["distance_km"] == round(public_km) == 1  # not 2, as from the exact point
    assert (public[0]["latitude"], public[0]["longitude"]) == CELL
