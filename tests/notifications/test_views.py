from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.services import membership_decide, membership_request
from notifications.models import Notification
from notifications.services import preference_for, unsubscribe_url
from tests import factories

pytestmark = pytest.mark.django_db


def notified_user(coordinator):
    user = factories.UserFactory(preferred_language="en")
    membership = membership_request(user=user, organisation=factories.OrganisationFactory())
    membership_decide(membership=membership, approve=True, actor=coordinator)
    return user


def test_inbox_shows_only_my_messages(client, coordinator):
    me, other = notified_user(coordinator), notified_user(coordinator)
    client.force_login(me)
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 200
    mine = Notification.objects.get(recipient=me)
    theirs = Notification.objects.get(recipient=other)
    assert mine.subject.encode() in response.content
    assert theirs.subject.encode() not in response.content


def test_inbox_needs_login(client):
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_marking_someone_elses_message_read_does_nothing(client, coordinator):
    me, other = notified_user(coordinator), notified_user(coordinator)
    theirs = Notification.objects.get(recipient=other)
    client.force_login(me)
    client.post(reverse("notifications:mark_read", args=[theirs.pk]))
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_unsubscribe_link_turns_email_off_without_login(client, coordinator):
    user = notified_user(coordinator)
    url = unsubscribe_url(user)
    assert client.get(url).status_code == 200
    assert preference_for(user).channels == ["email"]
    response = client.post(url)
    assert response.status_code == 200
    assert preference_for(user).channels == []


def test_forged_unsubscribe_token_is_refused(client, coordinator):
    user = notified_user(coordinator)
    response = client.post(reverse("notifications:unsubscribe", args=["forged-token"]))
    assert response.status_code == 400
    assert preference_for(user).channels == ["email"]


def test_preferences_form_saves_and_rejects_unknown_mode(client, coordinator):
    user = notified_user(coordinator)
    client.force_login(user)
    url = reverse("notifications:preferences")
    bad = client.post(url, {"channels": ["email"], "mode": "hourly"})
    assert bad.status_code == 200
    assert "mode" in bad.context["form"].errors
    assert preference_for(user).mode == "immediate"
    client.post(url, {"channels": ["log"], "mode": "daily"})
    preference = preference_for(user)
    assert (preference.channels, preference.mode) == (["log"], "daily")
