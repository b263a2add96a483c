"""django-q2 tasks: thin, id-based and safe to run twice (see ``engine``)."""

from __future__ import annotations

from matching import engine


def full_pass() -> dict[str, object]:
    result = engine.full_pass()
    return {"run": result.run_id, "proposed": result.proposed, "skipped": result.skipped}


def match_offer(offer_id: int) -> int:
    return engine.incremental_pass(offer_id=offer_id).proposed


def match_need(need_id: int) -> int:
    return engine.incremental_pass(need_id=need_id).proposed


def expire_matches() -> dict[str, int]:
    from matching.lifecycle import matches_expire

    return matches_expire()


def follow_up_matches() -> dict[str, int]:
    from matching.follow_up import matches_follow_up

    return matches_follow_up()
