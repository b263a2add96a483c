from __future__ import annotations

import pytest

from tests import factories


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Password hashing is deliberately slow; tests check behaviour, not PBKDF2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def seeded_categories(transactional_db):
    """Transactional tests start after a flush that emptied the categories the posts
    migration seeds; seed them again the same way (it updates or creates, so it is idempotent)."""
    import importlib

    from django.apps import apps

    importlib.import_module("posts.migrations.0002_seed_categories").seed(apps, None)
    importlib.import_module("posts.migrations.0005_category_needs_verification").vet_accommodation(
        apps, None
    )
    importlib.import_module("posts.migrations.0006_category_name_ru_pl").name_in_russian_and_polish(
        apps, None
    )


@pytest.fixture
def volunteer(db):
    return factories.UserFactory(roles=["volunteer"])


@pytest.fixture
def refugee(db):
    return factories.UserFactory(roles=["in_need"], preferred_language="uk")


@pytest.fixture
def coordinator(db):
    """A coordinator of the whole platform (scoped coordinators are in tests/security)."""
    from accounts.models import CoordinatorScope

    user = factories.UserFactory(roles=["coordinator"])
    CoordinatorScope.objects.create(user=user, platform=True)
    return user


@pytest.fixture
def platform_coordinator(coordinator):
    return coordinator


@pytest.fixture
def verified_staff(db):
    user = factories.UserFactory(roles=["organisation_staff"])
    organisation = factories.OrganisationFactory(verified=True)
    factories.MembershipFactory(user=user, organisation=organisation)
    return user
