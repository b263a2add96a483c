"""How did it go? (issue 12, part 6): both sides of a connection are asked after 14 days, once
more if it is still open, and their one-click answers close the match with its outcome."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from matching import lifecycle
from matching.follow_up import matches_follow_up
from matching.models import FollowUpAnswer, Match, MatchFollowUp, MatchStatus
from notifications.models import Notification
from posts.models import PostStatus

pytestmark = pytest.mark.django_db

LINK = re.compile(r"/(?:cs|uk|en)/matches/how-did-it-go/([^/\s]+)/")


@pytest.fixture
def connected(proposal, platform_coordinator) -> Match:
    # The questions are asserted in English (each recipient's language is its own test).
    for owner in (proposal.offer.owner, proposal.need.owner):
        owner.preferred_language = "en"
        owner.save(update_fields=["preferred_language"])
    lifecycle.match_approve(proposal, actor=platform_coordinator)
    lifecycle.match_respond(proposal, actor=proposal.offer.owner, accept=True)
    match = lifecycle.match_respond(proposal, actor=proposal.need.owner, accept=True)
    assert match.status == MatchStatus.CONNECTED
    return match


def _later(days: float):
    return time_machine.travel(timezone.now() + dt.timedelta(days=days))


def _questions(match: Match, user=None) -> list[Notification]:
    found = Notification.objects.filter(
        kind="match_follow_up", dedupe_key__startswith=f"match:{match.pk}:follow-up:"
    )
    if user is not None:
        found = found.filter(recipient=user)
    return list(found.order_by("pk"))


def _tokens(notification: Notification) -> dict[str, str]:
    worked, failed, going = LINK.findall(notification.body_text)
    return {"worked": worked, "did_not_work": failed, "still_going": going}


def _url(token: str) -> str:
    return reverse("match_follow_up", args=[token])


def _ask_after(days: float) -> dict[str, int]:
    with _later(days):
        return matches_follow_up()


def test_both_sides_are_asked_once_fourteen_days_after_the_connection(connected):
    assert _ask_after(13.9) == {"first": 0, "again": 0}
    assert _questions(connected) == []

    assert _ask_after(14.1) == {"first": 1, "again": 0}
    _ask_after(14.2)
    _ask_after(15)

    asked = _questions(connected)
    assert sorted(n.recipient_id for n in asked) == sorted(
        [connected.offer.owner_id, connected.need.owner_id]
    )
    assert all("How did it go" in n.subject for n in asked)
    assert all(len(LINK.findall(n.body_text)) == 3 for n in asked)


def test_the_question_is_in_each_recipients_language(connected):
    connected.need.owner.preferred_language = "uk"
    connected.need.owner.save()

    _ask_after(14.1)

    (question,) = _questions(connected, connected.need.owner)
    assert question.language == "uk"
    assert "/uk/matches/how-did-it-go/" in question.body_text


def test_worked_shows_a_confirmation_then_completes_the_match(client, connected):
    _ask_after(14.1)
    tokens = _tokens(_questions(connected, connected.need.owner)[0])

    page = client.get(_url(tokens["worked"]))

    assert page.status_code == 200
    assert "This closes the match." in page.content.decode()
    connected.refresh_from_db()
    assert connected.status == MatchStatus.CONNECTED

    done = client.post(_url(tokens["worked"]))

    assert done.status_code == 200
    connected.refresh_from_db()
    assert connected.status == MatchStatus.COMPLETED
    assert connected.closed_at is not None
    assert "It worked" in connected.outcome
    answer = MatchFollowUp.objects.get(match=connected, side="need")
    assert answer.answer == FollowUpAnswer.WORKED
    # What match_close does for a completed match: the need is served.
    connected.need.refresh_from_db()
    assert connected.need.status == PostStatus.FULFILLED
    step = connected.transitions.get(to_status=MatchStatus.COMPLETED)
    assert step.actor == connected.need.owner


def test_did_not_work_closes_the_match_as_failed(client, connected):
    _ask_after(14.1)
    tokens = _tokens(_questions(connected, connected.offer.owner)[0])

    client.post(_url(tokens["did_not_work"]))

    connected.refresh_from_db()
    assert connected.status == MatchStatus.FAILED
    assert "did not work out" in connected.outcome
    connected.offer.refresh_from_db()
    assert connected.offer.status == PostStatus.ACTIVE  # nothing was used


def test_the_other_sides_later_answer_is_recorded_without_reopening(client, connected):
    _ask_after(14.1)
    offer_side = _tokens(_questions(connected, connected.offer.owner)[0])
    need_side = _tokens(_questions(connected, connected.need.owner)[0])
    client.post(_url(offer_side["worked"]))

    page = client.get(_url(need_side["did_not_work"]))
    client.post(_url(need_side["did_not_work"]))

    assert "This closes the match." not in page.content.decode()
    connected.refresh_from_db()
    assert connected.status == MatchStatus.COMPLETED
    answers = dict(MatchFollowUp.objects.filter(match=connected).values_list("side", "answer"))
    assert answers == {"offer": "worked", "need": "did_not_work"}


def test_still_going_asks_once_more_later_and_never_a_third_time(client, connected):
    _ask_after(14.1)
    tokens = _tokens(_questions(connected, connected.need.owner)[0])
    client.post(_url(tokens["still_going"]))
    connected.refresh_from_db()
    assert connected.status == MatchStatus.CONNECTED

    assert _ask_after(20) == {"first": 0, "again": 0}
    assert _ask_after(28.2) == {"first": 0, "again": 1}
    assert _ask_after(60) == {"first": 0, "again": 0}

    again = _questions(connected, connected.need.owner)
    assert len(again) == 2
    assert "still open" in again[1].body_text
    assert len(_questions(connected)) == 4


@pytest.mark.parametrize("answer", ["worked", "did_not_work", "still_going"])
def test_a_reused_link_gives_a_clear_page_and_changes_nothing(client, connected, answer):
    _ask_after(14.1)
    tokens = _tokens(_questions(connected, connected.need.owner)[0])
    client.post(_url(tokens[answer]))
    connected.refresh_from_db()
    before = (connected.status, connected.outcome, connected.closed_at)

    # The same link again, and another answer of the same question.
    other = "still_going" if answer != "still_going" else "worked"
    for token in (tokens[answer], tokens[other]):
        page = client.post(_url(token))
        assert page.status_code == 400
        assert "You have already answered this question" in page.content.decode()
        assert client.get(_url(token)).status_code == 400

    connected.refresh_from_db()
    assert (connected.status, connected.outcome, connected.closed_at) == before
    assert MatchFollowUp.objects.get(match=connected, side="need").answer == answer


def test_a_forged_or_stale_link_gives_a_clear_page_and_changes_nothing(client, connected):
    _ask_after(14.1)
    tokens = _tokens(_questions(connected, connected.need.owner)[0])
    payload = tokens["worked"].rsplit(":", 1)[0]
    signature = tokens["still_going"].rsplit(":", 1)[1]

    for token in (f"{payload}:{signature}", "garbage", tokens["worked"] + "x"):
        page = client.post(_url(token))
        assert page.status_code == 400
        assert "This link is not valid." in page.content.decode()
    with _later(14.1 + 31):
        stale = client.post(_url(tokens["worked"]))
    assert stale.status_code == 400
    assert "This link has expired." in stale.content.decode()

    connected.refresh_from_db()
    assert connected.status == MatchStatus.CONNECTED
    assert not MatchFollowUp.objects.exclude(answer="").exists()


def test_a_match_closed_before_the_question_is_not_asked(connected):
    lifecycle.match_close(connected, actor=connected.offer.owner, worked=True, outcome="")

    _ask_after(15)

    assert _questions(connected) == []


def test_the_follow_ups_run_on_a_schedule(db):
    from django_q.models import Schedule

    schedule = Schedule.objects.get(name="matching-follow-up")
    assert (schedule.func, schedule.minutes) == ("matching.tasks.follow_up_matches", 60)


def test_a_persons_data_download_holds_their_own_answers_only(client, connected):
    from rights.services import user_data

    _ask_after(14.1)
    need_side = _tokens(_questions(connected, connected.need.owner)[0])
    client.post(_url(need_side["still_going"]))

    (mine,) = user_data(user=connected.need.owner)["matches"]
    (theirs,) = user_data(user=connected.offer.owner)["matches"]

    assert [a["answer"] for a in mine["my_follow_up_answers"]] == ["still_going"]
    assert [a["answer"] for a in theirs["my_follow_up_answers"]] == [""]
