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
    importlib.import_module("posts.migrations.0006_category_lifetime_days").set_lifetimes(
        apps, None
    )
    importlib.import_module("posts.migrations.0007_category_name_ru_pl").name_in_russian_and_polish(
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


class SmsGateway:
    """A local HTTP server playing an SMS gateway: it records every request and answers with
    ``status`` (after ``delay`` seconds, to play a timeout)."""

    def __init__(self) -> None:
        import http.server
        import json
        import threading

        gateway = self
        self.requests: list[dict] = []
        self.status = 202
        self.delay = 0.0

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                import time

                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                gateway.requests.append(
                    {
                        "path": self.path,
                        "headers": dict(self.headers),
                        "json": json.loads(body or b"null"),
                    }
                )
                if gateway.delay:
                    time.sleep(gateway.delay)
                self.send_response(gateway.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def texts(self) -> list[str]:
        return [request["json"]["text"] for request in self.requests]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sms_gateway(settings):
    """A real HTTP gateway on a free local port, with the "sms" channel pointed at it."""
    gateway = SmsGateway()
    settings.POMOC_SMS_GATEWAY_URL = gateway.url
    settings.POMOC_SMS_GATEWAY_TOKEN = "gateway-token"
    settings.POMOC_SMS_GATEWAY_KIND = "json"
    settings.POMOC_SMS_GATEWAY_TIMEOUT = 2
    settings.POMOC_NOTIFICATION_CHANNELS = {
        **settings.POMOC_NOTIFICATION_CHANNELS,
        "sms": "notifications.channels.sms.SmsChannel",
    }
    yield gateway
    gateway.stop()


@pytest.fixture
def operator(db):
    """Approved staff of a verified organisation: registers people without email."""
    user = factories.UserFactory(
        roles=["organisation_staff"], display_name="Eva Operator", preferred_language="en"
    )
    organisation = factories.OrganisationFactory(verified=True, name="Hotline NGO")
    factories.MembershipFactory(user=user, organisation=organisation)
    return user


def register_person(operator, *, phone: str = "+420 777 900 100", **overrides):
    """A person without email registered by ``operator`` for their first organisation."""
    from accounts.selectors import operator_organisations
    from accounts.services import managed_person_register

    fields = {
        "organisation": operator_organisations(user=operator).order_by("pk").first(),
        "display_name": "Olena",
        "phone": phone,
        "languages": ["uk", "ru"],
        "preferred_language": "uk",
        "consent_method": "phone",
        "consent_given": True,
    }
    fields.update(overrides)
    return managed_person_register(operator=operator, **fields)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database also gets the database cache's table, as `make run` creates it: tests
    that start servers or workers against the test database share state through it."""
    from django.conf import settings
    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("createcachetable", settings.POMOC_CACHE_TABLE, verbosity=0)
