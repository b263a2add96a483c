from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from accounts.models import Membership, Role, User
from tests import factories

pytestmark = pytest.mark.django_db


def _signup(client, **overrides):
    data = {
        "email": "olena@example.org",
        "password1": "a-long-and-unusual-pass",
        "password2": "a-long-and-unusual-pass",
        "intent": "need",
        "preferred_language": "uk",
    }
    data.update(overrides)
    return client.post("/en/accounts/signup/", data)


def test_signup_sets_role_language_and_sends_confirmation(client):
    response = _signup(client)
    assert response.status_code == 302
    user = User.objects.get(email="olena@example.org")
    assert user.roles == [Role.IN_NEED]
    assert user.preferred_language == "uk"
    # Sent on to "check your inbox" in Ukrainian, their chosen language; not signed in yet
    # (tests/security/test_signup_enumeration.py says why).
    assert response.url == "/uk/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session
    assert EmailAddress.objects.filter(user=user, verified=False).exists()
    assert len(mail.outbox) == 1
    # With optional verification the password works at once, confirmed or not.
    login = client.post(
        "/en/accounts/login/",
        {"login": "olena@example.org", "password": "a-long-and-unusual-pass"},
    )
    assert login.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_staff_signup_requests_membership_of_their_organisation(client):
    organisation = factories.OrganisationFactory(name="Charita")
    response = _signup(client, intent="organisation", organisation=organisation.pk)
    assert response.status_code == 302
    user = User.objects.get(email="olena@example.org")
    assert Role.ORGANISATION_STAFF in user.roles
    membership = Membership.objects.get(user=user)
    assert membership.status == Membership.Status.REQUESTED


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"intent": ""}, "intent"),
        ({"intent": "hacker"}, "intent"),
        ({"preferred_language": "xx"}, "preferred_language"),
        ({"email": "not-an-email"}, "email"),
        ({"password2": "different-pass-123"}, "password2"),
        ({"intent": "offer", "organisation": "999999"}, "organisation"),
    ],
)
def test_bad_signup_shows_field_error_and_creates_nobody(client, overrides, field):
    response = _signup(client, **overrides)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html or field == "intent"
    assert not User.objects.exists()


def test_signup_with_taken_email_creates_nobody(client):
    # The answer is the same as for a new address (tests/security/test_signup_enumeration.py).
    factories.UserFactory(email="olena@example.org")
    response = _signup(client)
    assert response.status_code == 302
    assert User.objects.count() == 1


def test_login_redirects_into_preferred_language_and_remembers_it(client):
    factories.UserFactory(email="ivan@example.org", preferred_language="uk")
    response = client.post(
        "/cs/accounts/login/", {"login": "ivan@example.org", "password": "correct horse battery"}
    )
    assert response.status_code == 302
    assert response.url == "/uk/my/"
    assert response.cookies["django_language"].value == "uk"


def test_wrong_password_is_refused_and_repeated_failures_lock_the_account(client, settings):
    factories.UserFactory(email="ivan@example.org")
    responses = [
        client.post("/en/accounts/login/", {"login": "ivan@example.org", "password": "wrong"})
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert "_auth_user_id" not in client.session
    assert responses[0].status_code == 200
    assert "Too many failed log-ins" not in responses[0].content.decode()
    # After the limit, even a right password is refused (tests/security/test_login_guessing.py).
    locked = client.post(
        "/en/accounts/login/", {"login": "ivan@example.org", "password": "correct horse battery"}
    )
    assert locked.status_code == 429
    assert "Too many failed log-ins" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_signup_is_rate_limited_per_ip(client):
    statuses = []
    for number in range(6):
        statuses.append(_signup(client, email=f"bot{number}@example.org").status_code)
        client.logout()
    assert statuses[:5] == [302] * 5
    assert statuses[5] == 429
    assert User.objects.count() == 5


def test_language_switch_is_stored_for_a_signed_in_user(client, volunteer):
    client.force_login(volunteer)
    response = client.post("/i18n/switch/", {"language": "uk", "next": "/cs/my/"})
    assert response.status_code == 302
    assert response.url == "/uk/my/"
    volunteer.refresh_from_db()
    assert volunteer.preferred_language == "uk"


def test_language_switch_ignores_unknown_language(client, volunteer):
    client.force_login(volunteer)
    response = client.post("/i18n/switch/", {"language": "xx", "next": "/cs/"})
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.preferred_language == "cs"


def test_logout_works_by_post(client, volunteer):
    client.force_login(volunteer)
    response = client.post("/en/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_mail(client, volunteer):
    response = client.post("/en/accounts/password/reset/", {"email": volunteer.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert volunteer.email in mail.outbox[0].to


def test_confirmation_email_is_in_the_language_chosen_at_sign_up(client):
    # Signed up on the English page, but chose Polish.
    response = _signup(client, preferred_language="pl")
    assert response.status_code == 302
    [message] = mail.outbox
    assert "potwierdź" in message.subject.lower()
    assert "/pl/accounts/confirm-email/" in message.body


def test_password_reset_email_is_in_the_account_language(client):
    factories.UserFactory(email="ivan@example.org", preferred_language="ru")
    # Asked for on a Czech page (say, a borrowed phone).
    client.post("/cs/accounts/password/reset/", {"email": "ivan@example.org"})
    [message] = mail.outbox
    assert "сброс" in message.subject.lower() and "пароля" in message.subject
    assert "/ru/accounts/password/reset/key/" in message.body
