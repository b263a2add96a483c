"""/api/v1/notifications/ (the inbox) and /api/v1/memberships/ (join an organisation, decide)."""

from __future__ import annotations

import pytest

from accounts.models import CoordinatorScope, Membership
from notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db


def _message(user, subject: str) -> Notification:
    return Notification.objects.create(
        recipient=user,
        kind="test",
        dedupe_key=subject,
        language="en",
        subject=subject,
        body_text=subject,
    )


def test_inbox_lists_my_messages_and_marks_them_read(client_for, volunteer):
    first, second = _message(volunteer, "First"), _message(volunteer, "Second")
    theirs = _message(factories.UserFactory(), "Not yours")
    api = client_for(volunteer)

    rows = api.get("/api/v1/notifications/").json()["results"]
    assert {row["subject"] for row in rows} == {"First", "Second"}
    assert api.get("/api/v1/notifications/unread/").json() == {"unread": 2}

    assert api.post(f"/api/v1/notifications/{first.pk}/read/").json() == {"marked": 1}
    assert [
        row["id"] for row in api.get("/api/v1/notifications/?unread=true").json()["results"]
    ] == [second.pk]
    # Someone else's message is as unknown as a missing one, and stays unread.
    assert api.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None

    assert api.post("/api/v1/notifications/read-all/").json() == {"marked": 1}
    assert api.get("/api/v1/notifications/unread/").json() == {"unread": 0}
    assert api.get("/api/v1/notifications/?unread=maybe").status_code == 400


def test_mark_all_read_on_the_web(client, volunteer):
    _message(volunteer, "Hello")
    client.force_login(volunteer)
    response = client.post("/en/notifications/read-all/")
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=volunteer, read_at=None).exists()


def test_notification_settings(client_for, volunteer):
    api = client_for(volunteer)
    assert api.get("/api/v1/notifications/settings/").json()["mode"] == "immediate"
    changed = api.put(
        "/api/v1/notifications/settings/", {"channels": [], "mode": "daily"}, format="json"
    )
    assert changed.status_code == 200 and changed.json() == {"channels": [], "mode": "daily"}
    bad = api.put(
        "/api/v1/notifications/settings/", {"channels": ["pigeon"], "mode": "daily"}, format="json"
    )
    assert bad.status_code == 400 and "channels" in bad.json()


def test_request_to_join_and_a_coordinator_of_the_organisation_decides(client_for, volunteer):
    organisation = factories.OrganisationFactory()
    api = client_for(volunteer)
    created = api.post("/api/v1/memberships/", {"organisation": organisation.pk})
    assert created.status_code == 201 and created.json()["status"] == "requested"
    again = api.post("/api/v1/memberships/", {"organisation": organisation.pk})
    assert again.status_code == 400 and "organisation" in again.json()
    assert [row["organisation"] for row in api.get("/api/v1/memberships/").json()["results"]] == [
        organisation.pk
    ]
    membership_id = created.json()["id"]

    # A coordinator of another organisation sees nothing of the request.
    other = factories.UserFactory(roles=["coordinator"])
    CoordinatorScope.objects.create(user=other, organisation=factories.OrganisationFactory())
    assert client_for(other).get("/api/v1/memberships/to-decide/").json()["results"] == []
    assert (
        client_for(other)
        .post(f"/api/v1/memberships/{membership_id}/decide/", {"decision": "approve"})
        .status_code
        == 404
    )

    coordinator = factories.UserFactory(roles=["coordinator"])
    CoordinatorScope.objects.create(user=coordinator, organisation=organisation)
    coordinating = client_for(coordinator)
    bad = coordinating.post(f"/api/v1/memberships/{membership_id}/decide/", {"decision": "yes"})
    assert bad.status_code == 400 and "decision" in bad.json()
    decided = coordinating.post(
        f"/api/v1/memberships/{membership_id}/decide/", {"decision": "approve"}
    )
    assert decided.status_code == 200 and decided.json()["status"] == "approved"


def test_an_organisation_admin_decides_requests_to_join_it(client_for, volunteer):
    organisation = factories.OrganisationFactory()
    admin = factories.MembershipFactory(organisation=organisation, is_admin=True).user
    plain_member = factories.MembershipFactory(organisation=organisation).user
    request = Membership.objects.create(user=volunteer, organisation=organisation)

    assert client_for(plain_member).get("/api/v1/memberships/to-decide/").status_code == 403
    queue = client_for(admin).get("/api/v1/memberships/to-decide/").json()["results"]
    assert [row["id"] for row in queue] == [request.pk]
    decided = client_for(admin).post(
        f"/api/v1/memberships/{request.pk}/decide/", {"decision": "reject"}
    )
    assert decided.status_code == 200 and decided.json()["status"] == "rejected"


def test_memberships_need_a_login(api):
    assert api.get("/api/v1/memberships/").status_code == 401
    assert api.get("/api/v1/notifications/").status_code == 401
