"""The users of the load test (locust): about 70 % anonymous people searching, 30 % signed-in
people posting offers and needs and withdrawing or closing their own posts.

Started by ``bench/load/run.py``, which passes in the environment:

- ``LOAD_TOKENS_FILE``: JSON list of API tokens of the signed-in load accounts;
- ``LOAD_RECORD_FILE``: where to write, at the end, every post a 201 created, every status
  change a 200 confirmed and the status codes seen per endpoint (the run's own check that no
  write was lost and no request failed, independent of locust's statistics).

Every request carries ``X-Load-Endpoint`` with its endpoint's name, so the server's access log
can tell the time the server spent on each endpoint (``search_vs_trivial_ratio``).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import random
from collections import Counter, defaultdict
from pathlib import Path

from locust import FastHttpUser, between, events, task

TOWNS = [
    "Praha", "Brno", "Ostrava", "Plzen", "Liberec", "Olomouc", "Ceske Budejovice",
    "Hradec Kralove", "Usti nad Labem", "Pardubice", "Zlin", "Havirov", "Kladno", "Most",
    "Opava", "Jihlava", "Karlovy Vary", "Teplice", "Decin", "Chomutov",
]  # fmt: skip
# Public categories only: sensitive ones answer nobody anonymous, which would flatter the
# search. General categories include their subcategories.
SEARCH_CATEGORIES = ["material-aid", "clothes", "transport", "czech-courses", "work", "health"]
LANGUAGES = ["cs", "uk", "en", "ru"]
WORDS = ["bench", "coats", "lift", "lessons", "help"]

# What a signed-in user posts: (kind, category, fields its unit needs).
POSTS = [
    ("offers", "clothes", {"capacity": 10}),
    ("offers", "transport-people", {"capacity": 3}),
    ("offers", "czech-courses", {}),
    ("needs", "clothes", {"details": {"quantity": 4}}),
    ("needs", "transport-people", {"people_count": 2}),
    ("needs", "czech-courses", {}),
]
# Closing one's own post: withdraw it, or mark it fulfilled.
CLOSING = ["withdrawn", "fulfilled"]

TRIVIAL = "trivial (robots.txt)"
API_SEARCH = "api search"

_tokens = itertools.cycle(json.loads(Path(os.environ["LOAD_TOKENS_FILE"]).read_text()))
_created: list[dict] = []
_status_changes: list[dict] = []
_codes: dict[str, Counter] = defaultdict(Counter)
_times: dict[str, list[float]] = defaultdict(list)
_errors: Counter = Counter()


@events.request.add_listener
def _count(name, response_time, response, exception, **_kwargs) -> None:
    # Counted here rather than read from locust's CSV, which is written before the requests
    # still under way at the end have come back.
    code = getattr(response, "status_code", 0) or 0
    _codes[name][str(code if exception is None or code else 0)] += 1
    if not code and exception is not None:  # no answer: what the client saw instead
        _errors[f"{name}: {type(exception).__name__}"] += 1
    _times[name].append(round(response_time, 1))


@events.test_stop.add_listener
def _write_record(**_kwargs) -> None:
    Path(os.environ["LOAD_RECORD_FILE"]).write_text(
        json.dumps(
            {
                "created": _created,
                "status_changes": _status_changes,
                "codes": {name: dict(codes) for name, codes in _codes.items()},
                "times_ms": _times,
                "no_answer": dict(_errors),
            }
        )
    )


def _search_params() -> dict[str, str]:
    params = {"place": random.choice(TOWNS), "radius_km": str(random.choice([10, 25, 50]))}
    if random.random() < 0.7:
        params["category"] = random.choice(SEARCH_CATEGORIES)
    if random.random() < 0.4:
        params["language"] = random.choice(LANGUAGES)
    if random.random() < 0.15:
        params["q"] = random.choice(WORDS)
    return params


class Searcher(FastHttpUser):
    """Someone looking for help or for people to help, without an account."""

    weight = 7
    wait_time = between(1, 3)

    def on_start(self) -> None:
        # Every run measures the trivial view, which the ratio divides by: at one task in
        # eleven, a short smoke run under a busy machine sometimes never drew it.
        self.trivial()

    def _get(self, path: str, name: str, params: dict[str, str] | None = None) -> None:
        with self.client.get(
            path,
            params=params,
            name=name,
            headers={"X-Load-Endpoint": name},
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")

    @task(4)
    def api_search(self) -> None:
        kind = random.choice(["offers", "needs"])
        self._get(f"/api/v1/{kind}/", API_SEARCH, _search_params())

    @task(2)
    def web_list(self) -> None:
        kind = random.choice(["offers", "needs"])
        params = _search_params()
        if params.get("category") == "clothes":
            params["category"] = "material-aid"  # the web form lists general categories only
        self._get(f"/en/{kind}/", "web list", params)

    @task(2)
    def geojson(self) -> None:
        self._get("/api/v1/offers/geojson/", "geojson", _search_params())

    @task(1)
    def trivial(self) -> None:
        self._get("/robots.txt", TRIVIAL)


class Poster(FastHttpUser):
    """A signed-in volunteer or person in need, through the API with a token: posts offers and
    needs and closes their own posts."""

    weight = 3
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.headers = {"Authorization": f"Token {next(_tokens)}"}
        self.mine: list[tuple[str, int]] = []

    @task(3)
    def post(self) -> None:
        kind, category, extra = random.choice(POSTS)
        body = {
            "category": category,
            "title": f"load {kind[:-1]} {random.randint(1, 10**6)}",
            "place_name": random.choice(TOWNS),
            "radius_km": random.choice([5, 10, 25]),
            "languages": random.sample(LANGUAGES, random.randint(1, 2)),
            "valid_until": (dt.date.today() + dt.timedelta(days=30)).isoformat(),
            **extra,
        }
        name = "api post"
        with self.client.post(
            f"/api/v1/{kind}/",
            json=body,
            name=name,
            headers={**self.headers, "X-Load-Endpoint": name},
            catch_response=True,
        ) as response:
            if response.status_code == 201:
                post_id = response.json()["id"]
                _created.append({"kind": kind, "id": post_id})
                self.mine.append((kind, post_id))
            else:
                response.failure(f"status {response.status_code}: {(response.text or '')[:200]}")

    @task(2)
    def close_own(self) -> None:
        if not self.mine:
            self.post()
            return
        kind, post_id = self.mine.pop(random.randrange(len(self.mine)))
        status = random.choice(CLOSING)
        name = "api status"
        with self.client.post(
            f"/api/v1/{kind}/{post_id}/status/",
            json={"status": status},
            name=name,
            headers={**self.headers, "X-Load-Endpoint": name},
            catch_response=True,
        ) as response:
            if response.status_code == 200:
                _status_changes.append({"kind": kind, "id": post_id, "status": status})
            else:
                response.failure(f"status {response.status_code}: {(response.text or '')[:200]}")
