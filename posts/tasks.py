"""django-q2 tasks of posts: thin, and safe to run twice (see ``posts.freshness``)."""

from __future__ import annotations

from posts.freshness import posts_refresh


def refresh() -> dict[str, int]:
    return posts_refresh()
