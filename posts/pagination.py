"""One page of a search over posts, for the web list and the API alike, without counting every
result.

An exact ``COUNT(*)`` over 50 km around Prague reads 18 000 rows of 100 000 to say "18 618
results", more work than the page itself. A page here:

1. reads one row more than it shows, which tells whether there is a next page;
2. knows the count for free when that was the last page (most searches are one page);
3. otherwise counts at most ``SEARCH_COUNT_CAP`` + 1 rows: below the cap the count is exact,
   above it the answer is "more than 1,000" (``count_capped``).

A page nearest first is read through the GiST index (``_nearest_rows``). Both queries run with
PostgreSQL's JIT compiler off: it compiles for plans it reckons expensive, which a spatial
filter always looks, and compiling took longer than the query (0.3-0.5 s).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connections, transaction
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from posts.models import Post
from posts.selectors import NEAREST_FIRST

SEARCH_COUNT_CAP = 1000


@dataclass(frozen=True)
class SearchPage:
    """The posts of one page and what the pagination links need. ``count`` is exact unless
    ``count_capped``; then there are more than ``count`` results."""

    posts: list[Post]
    number: int
    page_size: int
    has_next: bool
    count: int
    count_capped: bool

    def __iter__(self) -> Iterator[Post]:
        return iter(self.posts)

    def __len__(self) -> int:
        return len(self.posts)

    def __getitem__(self, index: int) -> Post:
        return self.posts[index]

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def num_pages(self) -> int | None:
        """None while the count is capped: the last page is not known."""
        if self.count_capped:
            return None
        return max(1, math.ceil(self.count / self.page_size))


def search_page(queryset: QuerySet[Post], *, number: int, page_size: int) -> SearchPage:
    """Page ``number`` (from 1) of ``queryset`` in its own order. A page past the end has no
    posts (the caller decides whether that is an error)."""
    start = (number - 1) * page_size
    with _search_settings(queryset.db):
        rows = list(_rows(queryset, start, start + page_size + 1))
        has_next = len(rows) > page_size
        posts = rows[:page_size]
        if not has_next and (posts or number == 1):
            count, capped = start + len(posts), False
        else:
            # The order does not change how many rows there are; without it the planner may
            # stop at any CAP + 1 rows rather than the nearest ones.
            found = queryset.order_by().values("pk")[: SEARCH_COUNT_CAP + 1].count()
            count, capped = min(found, SEARCH_COUNT_CAP), found > SEARCH_COUNT_CAP
    return SearchPage(
        posts=posts,
        number=number,
        page_size=page_size,
        has_next=has_next,
        count=count,
        count_capped=capped,
    )


def _rows(queryset: QuerySet[Post], start: int, stop: int) -> QuerySet[Post]:
    if tuple(queryset.query.order_by) == NEAREST_FIRST:
        return _nearest_rows(queryset, start, stop)
    return queryset[start:stop]


def _nearest_rows(queryset: QuerySet[Post], start: int, stop: int) -> QuerySet[Post]:
    """Rows ``start:stop`` of ``post_near``'s order (distance, then newest, then id).

    The index walks by distance alone, and PostgreSQL does not finish an index's order with
    further keys, so a plain ``ORDER BY … LIMIT`` sorted every post in the radius. Instead:

    1. walk the index nearest first for the first ``stop`` posts, and on to every post as near
       as the last of them (``WITH TIES``), so a cell cut at the page's edge comes whole;
    2. sort just those by the full order and take the page.

    The rows are those of the full sort: every post before ``stop`` in the full order is at
    most as far as the ``stop``-th nearest, so it is among the ties' rows.
    """
    nearest = queryset.order_by("nearest").values("pk")
    sql, params = nearest.query.sql_with_params()
    first = RawSQL(f"{sql} FETCH FIRST %s ROWS WITH TIES", (*params, stop))
    return queryset.filter(pk__in=first)[start:stop]


@contextmanager
def _search_settings(using: str) -> Iterator[None]:
    # set_config(…, true) lasts until the end of the transaction, so the settings stay with
    # these queries; savepoint=False: nothing here writes, and a savepoint is two more queries.
    with transaction.atomic(using=using, savepoint=False):
        with connections[using].cursor() as cursor:
            cursor.execute(
                "SELECT set_config('jit', 'off', true), "
                "set_config('max_parallel_workers_per_gather', '0', true)"
            )
        yield
