"""Operator intake (issue 12, part 2): people without email registered by a coordinator or by
staff of a verified organisation, needs posted for them, and the account claimed later."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from accounts.models import ClaimCode, ManagedAccount, Membership, ProxyAction, User
from accounts.services import account_claim, claim_code_issue
from needs.models import Need
from notifications.models import Notification
from notifications.services import notify
from tests import factories
from tests.conftest import register_person

pytestmark = pytest.mark.django_db


def _form(organisation, **overrides) -> dict:
    data = {
        "organisation": organisation.pk,
        "display_name": "Olena",
        "phone": "+420 777 900 100",
        "languages": ["uk", "ru"],
        "preferred_language": "uk",
        "consent_method": "phone",
        "consent_given": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _organisation_of(user):
    return Membership.objects.get(user=user).organisation


def test_staff_of_verified_organisation_registers_person_without_email(client, operator):
    client.force_login(operator)
    response = client.post("/en/intake/new/", _form(_organisation_of(operator)))

    person = User.objects.get(display_name="Olena")
    assert response.status_code == 302
    assert response["Location"] == f"/en/intake/{person.pk}/"
    # No email of their own: a reserved placeholder nobody can log in with.
    assert person.contact_email == ""
    assert person.email.endswith("@managed.invalid")
    assert not person.has_usable_password()
    assert str(person.phone) == "+420777900100"
    account = ManagedAccount.objects.get(user=person)
    assert account.organisation == _organisation_of(operator)
    assert account.languages == ["ru", "uk"]
    # The consent: who took it, how and when.
    assert account.consent_taken_by == operator
    assert account.consent_method == "phone"
    assert abs(account.consent_at - timezone.now()) < dt.timedelta(minutes=1)
    assert ProxyAction.objects.filter(actor=operator, person=person, action="registered").exists()
    page = client.get(f"/en/intake/{person.pk}/").content.decode()
    assert "Olena" in page and "By phone" in page and "Eva Operator" in page


def test_two_people_without_email_do_not_clash(operator):
    first = register_person(operator)
    second = register_person(operator, phone="")
    assert first.email != second.email
    assert second.phone == ""


def test_person_registered_by_operator_cannot_log_in(client, operator):
    person = register_person(operator)
    response = client.post(
        "/en/accounts/login/", {"login": person.email, "password": "correct horse battery"}
    )
    assert response.status_code == 200  # the form again, with an error
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("consent_given", None, "Register a person only with their consent."),
        ("display_name", "", "This field is required."),
        ("phone", "12", "Enter a valid phone number"),
        ("languages", [], "This field is required."),
        ("languages", ["xx"], "Select a valid choice"),
        ("consent_method", "email", "Select a valid choice"),
    ],
)
def test_registration_with_bad_input_is_refused_and_nothing_saved(
    client, operator, field, value, message
):
    client.force_login(operator)
    response = client.post("/en/intake/new/", _form(_organisation_of(operator), **{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ManagedAccount.objects.exists()
    assert not User.objects.filter(display_name="Olena").exists()


def test_staff_of_unverified_organisation_cannot_register(client):
    staff = factories.UserFactory(roles=["organisation_staff"])
    organisation = factories.OrganisationFactory(verified=False)
    factories.MembershipFactory(user=staff, organisation=organisation)
    client.force_login(staff)
    assert client.get("/en/intake/new/").status_code == 403
    response = client.post("/en/intake/new/", _form(organisation))
    assert response.status_code == 403
    assert not ManagedAccount.objects.exists()


def test_pending_staff_and_ordinary_users_cannot_register(client, volunteer):
    organisation = factories.OrganisationFactory(verified=True)
    factories.MembershipFactory(
        user=volunteer, organisation=organisation, status=Membership.Status.REQUESTED
    )
    client.force_login(volunteer)
    assert client.post("/en/intake/new/", _form(organisation)).status_code == 403
    assert not ManagedAccount.objects.exists()


def test_staff_cannot_register_for_another_organisation(client, operator):
    other = factories.OrganisationFactory(verified=True)
    client.force_login(operator)
    response = client.post("/en/intake/new/", _form(other))
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not ManagedAccount.objects.exists()


def test_scoped_coordinator_registers_for_an_organisation_in_scope(client):
    from accounts.models import CoordinatorScope

    organisation = factories.OrganisationFactory(verified=True)
    coordinator = factories.UserFactory(roles=["coordinator"])
    CoordinatorScope.objects.create(user=coordinator, organisation=organisation)
    client.force_login(coordinator)
    response = client.post("/en/intake/new/", _form(organisation))
    assert response.status_code == 302
    assert ManagedAccount.objects.get().registered_by == coordinator


def test_coordinator_without_scope_cannot_register(client):
    coordinator = factories.UserFactory(roles=["coordinator"])
    client.force_login(coordinator)
    assert client.get("/en/intake/").status_code == 403


def test_operator_posts_a_need_for_the_person(client, operator):
    person = register_person(operator)
    client.force_login(operator)
    response = client.post(
        f"/en/intake/{person.pk}/needs/new/",
        {
            "category": factories.category("clothes").pk,
            "title": "Winter coat for a child",
            "place_name": "Praha",
            "radius_km": 10,
            "languages": ["uk"],
            "people_count": 1,
            "urgency": 2,
            "valid_from": timezone.localdate().isoformat(),
        },
    )
    need = Need.objects.get(title="Winter coat for a child")
    assert response.status_code == 302, response.content.decode()[:2000]
    assert need.owner == person
    assert need.organisation == _organisation_of(operator)
    step = ProxyAction.objects.get(action="need_posted")
    assert (step.actor, step.person, step.need) == (operator, person, need)
    # Their posts say who registered them, to everyone who sees the post.
    client.logout()
    assert "Registered by Hotline NGO" in client.get(f"/en/needs/{need.pk}/").content.decode()


def test_operator_outside_the_organisation_gets_403_and_nothing_is_saved(client, operator):
    person = register_person(operator)
    outsider = factories.UserFactory(roles=["organisation_staff"])
    factories.MembershipFactory(
        user=outsider, organisation=factories.OrganisationFactory(verified=True)
    )
    client.force_login(outsider)
    assert client.get(f"/en/intake/{person.pk}/").status_code == 403
    response = client.post(
        f"/en/intake/{person.pk}/needs/new/",
        {
            "category": factories.category("clothes").pk,
            "title": "Forged need",
            "place_name": "Praha",
            "radius_km": 10,
            "languages": ["uk"],
            "people_count": 1,
            "urgency": 2,
            "valid_from": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 403
    assert client.post(f"/en/intake/{person.pk}/claim-code/").status_code == 403
    assert not Need.objects.exists()
    assert not ClaimCode.objects.exists()
    assert list(ProxyAction.objects.values_list("action", flat=True)) == ["registered"]


def test_notifications_for_the_person_go_to_operator_and_staff(operator):
    colleague = factories.UserFactory(roles=["organisation_staff"], preferred_language="en")
    factories.MembershipFactory(user=colleague, organisation=_organisation_of(operator))
    person = register_person(operator)
    notify(
        recipient=person,
        kind="membership_decided",
        dedupe_key="test:1",
        context={"organisation": _organisation_of(operator), "approved": True},
    )
    copies = Notification.objects.filter(dedupe_key=f"test:1:for:{person.pk}")
    assert {copy.recipient for copy in copies} == {operator, colleague}
    assert all(copy.subject.startswith("For Olena: ") for copy in copies)
    # The person's own message has no email delivery (they have no email).
    own = Notification.objects.get(recipient=person)
    assert not own.deliveries.filter(channel="email").exists()


def _claim_code(client, operator, person) -> str:
    client.force_login(operator)
    response = client.post(f"/en/intake/{person.pk}/claim-code/", follow=True)
    page = response.content.decode()
    start = page.index('class="claim-code">') + len('class="claim-code">')
    return page[start : page.index("<", start)]


def test_person_claims_the_account_with_the_code(client, operator):
    person = register_person(operator)
    code = _claim_code(client, operator, person)
    assert len(code) == 11 and ClaimCode.objects.count() == 1
    client.logout()

    response = client.post(
        "/en/claim/",
        {"code": code.lower(), "email": "Olena@Example.org", "password": "a long new secret 42"},
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.email == "olena@example.org"
    assert person.check_password("a long new secret 42")
    assert ManagedAccount.objects.get(user=person).claimed_at is not None
    # She logs in with her own address now ...
    response = client.post(
        "/en/accounts/login/", {"login": "olena@example.org", "password": "a long new secret 42"}
    )
    assert client.session["_auth_user_id"] == str(person.pk)
    # ... and the operator no longer acts for her.
    client.force_login(operator)
    assert client.get(f"/en/intake/{person.pk}/").status_code == 403


@pytest.mark.parametrize("code", ["", "AAAAA-AAAAA", "not a code at all"])
def test_forged_claim_code_is_refused(client, operator, code):
    register_person(operator)
    response = client.post(
        "/en/claim/", {"code": code, "email": "a@example.org", "password": "a long new secret 42"}
    )
    assert response.status_code == 400
    assert not User.objects.filter(email="a@example.org").exists()


def test_used_claim_code_is_refused(operator):
    person = register_person(operator)
    code = claim_code_issue(operator=operator, person=person)
    account_claim(code=code, email="first@example.org", password="a long new secret 42", client="1")
    with pytest.raises(Exception) as refused:
        account_claim(
            code=code, email="second@example.org", password="another secret 43", client="1"
        )
    assert "not valid, was used already or has expired" in str(refused.value)
    person.refresh_from_db()
    assert person.email == "first@example.org"


def test_expired_claim_code_is_refused(client, operator, settings):
    settings.POMOC_CLAIM_CODE_HOURS = 72
    person = register_person(operator)
    code = claim_code_issue(operator=operator, person=person)
    with time_machine.travel(timezone.now() + dt.timedelta(hours=73)):
        response = client.post(
            "/en/claim/",
            {"code": code, "email": "late@example.org", "password": "a long new secret 42"},
        )
    assert response.status_code == 400
    assert "has expired" in response.content.decode()
    assert ManagedAccount.objects.get(user=person).claimed_at is None


def test_a_new_code_replaces_the_old_one(operator):
    person = register_person(operator)
    old = claim_code_issue(operator=operator, person=person)
    claim_code_issue(operator=operator, person=person)
    with pytest.raises(Exception, match="not valid"):
        account_claim(code=old, email="x@example.org", password="a long new secret 42", client="1")


def test_claim_attempts_are_rate_limited(client, operator, settings):
    settings.POMOC_CLAIM_ATTEMPT_LIMIT = 3
    person = register_person(operator)
    code = claim_code_issue(operator=operator, person=person)
    for _ in range(3):
        response = client.post(
            "/en/claim/",
            {"code": "WRONG-GUESS", "email": "g@example.org", "password": "a long new secret 42"},
        )
        assert response.status_code == 400
    # Past the limit even the right code is refused until the window has passed.
    response = client.post(
        "/en/claim/", {"code": code, "email": "g@example.org", "password": "a long new secret 42"}
    )
    assert response.status_code == 429
    assert "Too many wrong codes" in response.content.decode()
    assert ManagedAccount.objects.get(user=person).claimed_at is None


@pytest.mark.parametrize(
    ("email", "password", "field_message"),
    [
        ("taken@example.org", "a long new secret 42", "belongs to another account"),
        ("someone@example.org", "123", "This password is too short"),
    ],
)
def test_claim_with_bad_email_or_password_keeps_the_code(
    client, operator, email, password, field_message
):
    factories.UserFactory(email="taken@example.org")
    person = register_person(operator)
    code = claim_code_issue(operator=operator, person=person)
    response = client.post("/en/claim/", {"code": code, "email": email, "password": password})
    assert response.status_code == 400
    assert field_message in response.content.decode()
    # The code was not spent on a failed form: it still works.
    account_claim(code=code, email="ok@example.org", password="a long new secret 42", client="1")
