"""Attack 4: a member of admin staff with every model permission tries to get round the rules
in the admin: connect a match by hand, make themselves superuser or coordinator, approve a
membership without the service, take over a superuser's account."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from accounts.models import CoordinatorScope, Membership, User
from matching.models import Match, MatchStatus, MatchTransition
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff() -> User:
    user = factories.UserFactory(roles=[], is_staff=True)
    user.user_permissions.set(Permission.objects.all())
    return user


@pytest.fixture
def admin_client(staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client


def _form_data(response) -> dict:
    """What the admin's change form would submit unchanged: the main form's and every inline's
    current values and management forms."""
    data = {}
    form = response.context["adminform"].form
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, dt.datetime):  # the admin's split date and time widgets
            data[f"{name}_0"], data[f"{name}_1"] = value.date().isoformat(), value.time()
        elif isinstance(value, (list, tuple)):
            data[name] = [str(v) for v in value]
        else:
            data[name] = value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[f"{formset.prefix}-{name}"] = formset.management_form[name].value()
        for sub in formset.forms:
            for name in sub.fields:
                value = sub[name].value()
                if value is not None:
                    data[f"{sub.prefix}-{name}"] = value
    return data


def test_staff_cannot_connect_a_match_in_the_admin(admin_client):
    match = factories.MatchFactory(status=MatchStatus.APPROVED)
    response = admin_client.post(
        f"/admin/matching/match/{match.pk}/change/",
        {"status": "connected", "offer_response": "accepted", "need_response": "accepted"},
    )
    assert response.status_code == 403
    match.refresh_from_db()
    assert match.status == MatchStatus.APPROVED
    assert match.connected_at is None
    assert not MatchTransition.objects.filter(match=match, to_status="connected").exists()
    # The page shows the match, but offers nothing to save.
    page = admin_client.get(f"/admin/matching/match/{match.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.text


def test_even_a_superuser_changes_matches_only_through_the_lifecycle():
    superuser = factories.UserFactory(roles=[], is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(superuser)
    match = factories.MatchFactory(status=MatchStatus.PROPOSED)
    client.post(f"/admin/matching/match/{match.pk}/change/", {"status": "connected"})
    client.post(f"/admin/matching/match/{match.pk}/delete/", {"post": "yes"})
    assert Match.objects.get(pk=match.pk).status == MatchStatus.PROPOSED


def test_staff_cannot_grant_themselves_superuser_or_a_role(admin_client, staff):
    url = f"/admin/accounts/user/{staff.pk}/change/"
    data = _form_data(admin_client.get(url))
    data.update(
        display_name="Still me",
        is_superuser="on",
        roles="coordinator",
        groups=[],
        user_permissions=[],
    )
    admin_client.post(url, data)
    staff.refresh_from_db()
    # The harmless field went through: the form was valid, only the privileges were ignored.
    assert staff.display_name == "Still me"
    assert not staff.is_superuser
    assert staff.roles == []
    assert staff.user_permissions.count() == Permission.objects.count()


def test_staff_cannot_take_over_a_superuser(admin_client):
    superuser = factories.UserFactory(roles=[], is_staff=True, is_superuser=True)
    response = admin_client.post(
        f"/admin/accounts/user/{superuser.pk}/password/",
        {"password1": "taken over 12345", "password2": "taken over 12345"},
    )
    assert response.status_code == 403
    superuser.refresh_from_db()
    assert superuser.check_password("correct horse battery")
    admin_client.post(f"/admin/accounts/user/{superuser.pk}/delete/", {"post": "yes"})
    assert User.objects.filter(pk=superuser.pk).exists()


def test_staff_cannot_grant_scopes(admin_client, staff):
    response = admin_client.post(
        "/admin/accounts/coordinatorscope/add/", {"user": staff.pk, "platform": "on"}
    )
    assert response.status_code == 403
    assert not CoordinatorScope.objects.exists()


def _request_to_join() -> Membership:
    return Membership.objects.create(
        user=factories.UserFactory(roles=["organisation_staff"]),
        organisation=factories.OrganisationFactory(verified=True),
        status=Membership.Status.REQUESTED,
    )


def test_staff_cannot_approve_a_membership_by_editing_it(admin_client):
    request = _request_to_join()
    url = f"/admin/accounts/membership/{request.pk}/change/"
    data = _form_data(admin_client.get(url))
    data.update(status="approved", is_admin="on")
    admin_client.post(url, data)
    request.refresh_from_db()
    assert request.status == Membership.Status.REQUESTED
    assert not request.is_admin


def test_admin_approval_goes_through_the_service_and_its_scope(admin_client, staff):
    request = _request_to_join()
    action = {"action": "approve", "_selected_action": [request.pk]}

    # Admin staff who coordinates nothing: the service refuses.
    admin_client.post("/admin/accounts/membership/", action)
    request.refresh_from_db()
    assert request.status == Membership.Status.REQUESTED

    # Once they look after the organisation, the same action approves, and the person is told.
    CoordinatorScope.objects.create(user=staff, organisation=request.organisation)
    staff.roles = ["coordinator"]
    staff.save()
    admin_client.post("/admin/accounts/membership/", action)
    request.refresh_from_db()
    assert request.status == Membership.Status.APPROVED
    assert request.user.notifications.filter(kind__startswith="membership").exists()
