from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from accounts.models import Role, User
from accounts.services import user_create

pytestmark = pytest.mark.django_db


def test_email_is_the_login_and_is_case_insensitive(client):
    user_create(email="Olena@Example.org", password="a long passphrase", roles=[Role.IN_NEED])
    # django-axes counts log-ins per request, so authenticate() is always given one.
    request = RequestFactory().post("/")
    assert client.login(request=request, email="olena@example.org", password="a long passphrase")


def test_the_same_email_cannot_register_twice():
    user_create(email="ivan@example.org", password="a long passphrase", roles=[Role.VOLUNTEER])
    with pytest.raises(ValidationError) as error:
        user_create(email="IVAN@example.org", password="another one", roles=[Role.VOLUNTEER])
    assert "email" in error.value.message_dict
    assert User.objects.count() == 1


def test_unknown_role_is_refused():
    with pytest.raises(ValidationError) as error:
        user_create(email="x@example.org", password="a long passphrase", roles=["king"])
    assert "roles" in error.value.message_dict
