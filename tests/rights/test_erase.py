"""Delete my account: posts and open matches withdrawn, the other side told neutrally, personal
fields erased, the row kept so audit trails stay whole, the email free to sign up again; a
coordinator in scope may do it on the person's request, nobody else."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from accounts.models import CoordinatorScope, User
from accounts.services import user_create
from matching import lifecycle
from matching.models import MatchStatus, MatchTransition
from moderation.models import Report
from needs.models import Need
from notifications.models import Notification
from posts.models import PostStatus
from rights.models import AccountErasure
from tests.factories import MatchFactory, NeedFactory, OfferFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


@pytest.fixture
def person():
    user = UserFactory(
        email="olena@example.org", display_name="Olena K.", phone="+380503334444", roles=["in_need"]
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    Token.objects.create(user=user)
    return user


def test_wrong_password_deletes_nothing(client, person):
    client.force_login(person)
    response = client.post(reverse("account_erase_self"), {"password": "nope", "understood": "on"})
    assert response.status_code == 400
    assert "This is not your password." in response.content.decode()
    person.refresh_from_db()
    assert (person.email, person.is_active) == ("olena@example.org", True)
    assert not AccountErasure.objects.exists()


def test_deleting_my_account_erases_me_and_keeps_the_trail(client, person):
    coordinator = UserFactory(is_superuser=True, roles=["coordinator"])
    need = NeedFactory(
        owner=person,
        title="Room for me and my daughter",
        description="We arrive on Monday",
        details={"note": "x"},
    )
    need.refresh_from_db()
    other = UserFactory(display_name="Host Hana", preferred_language="en")
    approved = MatchFactory(need=need, offer=OfferFactory(owner=other, title="Room in Brno"))
    lifecycle.match_approve(approved, actor=coordinator)
    lifecycle.match_respond(approved, actor=person, accept=True)
    proposal_owner = UserFactory()
    proposal = MatchFactory(need=need, offer=OfferFactory(owner=proposal_owner))
    # An earlier match the person declined: its history names them.
    declined = MatchFactory(need=NeedFactory(owner=person))
    lifecycle.match_approve(declined, actor=coordinator)
    lifecycle.match_respond(declined, actor=person, accept=False)
    reported = OfferFactory()
    Report.objects.create(reporter=person, offer=reported, reason="spam", comment="my words")
    phone_session = Client()  # the same person logged in on another device
    phone_session.force_login(person)
    client.force_login(person)

    response = client.post(
        reverse("account_erase_self"), {"password": PASSWORD, "understood": "on"}, follow=True
    )

    assert "Your account was deleted." in response.content.decode()
    person.refresh_from_db()
    assert person.email == f"deleted-{person.pk}@invalid"
    assert (person.display_name, str(person.phone), person.is_active) == ("", "", False)
    assert not person.has_usable_password()
    assert not EmailAddress.objects.filter(user=person).exists()
    assert not Token.objects.filter(user=person).exists()
    # The post is withdrawn, its text gone and its point reduced to the public grid point.
    need = Need.objects.get(pk=need.pk)
    assert need.status == PostStatus.WITHDRAWN
    assert (need.description, need.details) == ("", {})
    assert "Room for me" not in need.title
    assert need.location.equals_exact(need.public_location, tolerance=1e-9)
    # Open matches withdrawn; the audit log still points at the (anonymised) person.
    approved.refresh_from_db()
    proposal.refresh_from_db()
    assert (approved.status, proposal.status) == (MatchStatus.WITHDRAWN, MatchStatus.WITHDRAWN)
    assert MatchTransition.objects.filter(
        match=approved, actor=person, to_status=MatchStatus.WITHDRAWN
    ).exists()
    # The earlier history stays whole, with the same (now pseudonymous) actor.
    assert MatchTransition.objects.filter(
        match=declined, actor=person, to_status=MatchStatus.DECLINED
    ).exists()
    # The side that had been asked to answer is told, neutrally; a mere proposal was never shown.
    told = Notification.objects.get(recipient=other, kind="match_other_side_left")
    assert "no longer available" in told.body_text
    assert "Olena" not in told.body_text + told.subject
    assert not Notification.objects.filter(
        recipient=proposal_owner, kind="match_other_side_left"
    ).exists()
    # The report stays (the post's history), without the person's words.
    assert Report.objects.get(offer=reported).comment == ""
    erasure = AccountErasure.objects.get(user=person)
    assert (erasure.erased_by, erasure.matches_withdrawn, erasure.posts_withdrawn) == (
        person,
        2,
        2,
    )
    # Logged out here, and cannot log in again.
    assert client.get(reverse("my_data")).status_code == 302
    assert phone_session.get(reverse("my_data")).status_code == 302
    again = Client()
    again.post("/en/accounts/login/", {"login": "olena@example.org", "password": PASSWORD})
    assert "_auth_user_id" not in again.session


def test_the_email_can_sign_up_again(client, person):
    client.force_login(person)
    client.post(reverse("account_erase_self"), {"password": PASSWORD, "understood": "on"})

    response = Client().post(
        "/en/accounts/signup/",
        {
            "email": "olena@example.org",
            "password1": "a-new-and-long-password",
            "password2": "a-new-and-long-password",
            "intent": "need",
            "preferred_language": "uk",
        },
    )
    assert response.status_code == 302
    fresh = User.objects.get(email="olena@example.org")
    assert fresh.pk != person.pk
    assert fresh.check_password("a-new-and-long-password")
    # And the service the API uses agrees.
    with pytest.raises(Exception, match="already exists"):
        user_create(email="olena@example.org", password="x", roles=["in_need"])


def _scoped_coordinator(region: str) -> User:
    coordinator = UserFactory(roles=["coordinator"])
    CoordinatorScope.objects.create(user=coordinator, region=region)
    return coordinator


def test_a_coordinator_in_scope_deletes_on_request_with_a_reason(client, person):
    NeedFactory(owner=person, region="Praha")
    coordinator = _scoped_coordinator("Praha")
    client.force_login(coordinator)
    url = reverse("account_erase_on_request", args=[person.pk])

    missing = client.post(url, {"reason": "  "})
    assert missing.status_code == 400
    assert User.objects.get(pk=person.pk).is_active

    client.post(url, {"reason": "Asked by phone on 3 March, identity checked"})
    erasure = AccountErasure.objects.get(user=person)
    assert erasure.erased_by == coordinator and erasure.on_request
    assert "identity checked" in erasure.reason
    assert User.objects.get(pk=person.pk).email == f"deleted-{person.pk}@invalid"


def test_a_coordinator_out_of_scope_gets_404(client, person):
    NeedFactory(owner=person, region="Praha")
    client.force_login(_scoped_coordinator("Jihomoravský kraj"))
    url = reverse("account_erase_on_request", args=[person.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "because"}).status_code == 404
    assert User.objects.get(pk=person.pk).is_active


def test_a_coordinator_cannot_delete_another_coordinator(client):
    platform = UserFactory(roles=["coordinator"])
    CoordinatorScope.objects.create(user=platform, platform=True)
    colleague = _scoped_coordinator("Praha")
    client.force_login(platform)
    url = reverse("account_erase_on_request", args=[colleague.pk])
    assert client.post(url, {"reason": "because"}).status_code == 404
    assert User.objects.get(pk=colleague.pk).is_active


def test_nobody_else_deletes_my_account(client, person):
    client.force_login(UserFactory(roles=["volunteer"]))
    url = reverse("account_erase_on_request", args=[person.pk])
    assert client.post(url, {"reason": "because"}).status_code == 403
    # The own-account page only ever deletes the account of whoever is logged in.
    client.post(reverse("account_erase_self"), {"password": PASSWORD, "understood": "on"})
    assert User.objects.get(pk=person.pk).is_active
