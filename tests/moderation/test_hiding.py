"""A hidden post disappears from the web pages, the API and the matcher; its owner still sees
it; showing it again brings it back."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from matching import engine
from matching.models import Match
from moderation.models import Report, ReportStatus
from moderation.services import post_hide, post_mark_reviewed, post_unhide, report_create
from tests import factories
from tests.moderation.conftest import TWINS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("kind", "factory"), TWINS)
def test_hidden_post_is_gone_from_web_list_and_detail_and_api_for_everyone_but_its_owner(
    client, coordinator, volunteer, kind, factory
):
    post = factory(title="Suspicious post")
    visible = factory(title="Ordinary post")
    post_hide(post, actor=coordinator, reason="Spam")

    for viewer in (None, volunteer):
        if viewer:
            client.force_login(viewer)
        listing = client.get(f"/en/{kind}s/").content.decode()
        assert "Suspicious post" not in listing
        assert "Ordinary post" in listing
        assert client.get(f"/en/{kind}s/{post.pk}/").status_code == 404
        api_list = client.get(f"/api/v1/{kind}s/").json()
        assert [item["id"] for item in api_list["results"]] == [visible.pk]
        assert client.get(f"/api/v1/{kind}s/{post.pk}/").status_code == 404

    # Its owner still reaches it, told why nobody else does.
    client.force_login(post.owner)
    page = client.get(f"/en/{kind}s/{post.pk}/")
    assert page.status_code == 200
    assert "A coordinator has hidden this post" in page.content.decode()

    post_unhide(post, actor=coordinator)
    client.logout()
    assert client.get(f"/en/{kind}s/{post.pk}/").status_code == 200
    assert client.get(f"/api/v1/{kind}s/{post.pk}/").status_code == 200


def test_hidden_offer_and_hidden_need_are_not_proposed_by_the_matcher(coordinator):
    hidden_offer = factories.OfferFactory()
    need = factories.NeedFactory()
    post_hide(hidden_offer, actor=coordinator, reason="Spam")

    engine.full_pass()
    assert not Match.objects.exists()

    offer = factories.OfferFactory()
    hidden_need = factories.NeedFactory()
    post_hide(hidden_need, actor=coordinator, reason="Abusive")
    engine.full_pass()
    engine.incremental_pass(offer_id=offer.pk)

    assert set(Match.objects.values_list("offer_id", "need_id")) == {(offer.pk, need.pk)}


def test_hiding_records_who_and_why_and_resolves_open_reports(coordinator, volunteer):
    offer = factories.OfferFactory()
    report_create(reporter=volunteer, post=offer, reason="spam")

    post_hide(offer, actor=coordinator, reason="Advert for loans")

    offer.refresh_from_db()
    assert (offer.hidden_by, offer.hidden_reason) == (coordinator, "Advert for loans")
    assert offer.hidden_at is not None and offer.reviewed_by == coordinator
    report = Report.objects.get()
    assert (report.status, report.handled_by) == (ReportStatus.RESOLVED, coordinator)
    assert report.handled_at is not None


@pytest.mark.parametrize("action", [post_hide, post_unhide, post_mark_reviewed])
def test_only_coordinators_may_hide_unhide_or_review(volunteer, action):
    offer = factories.OfferFactory()

    with pytest.raises(PermissionDenied):
        action(offer, actor=volunteer)

    offer.refresh_from_db()
    assert offer.hidden_at is None and offer.reviewed_at is None
