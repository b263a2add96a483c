"""Download my data: the ZIP holds the person's data and nobody else's, behind a link that only
its owner can follow and only until it expires."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile

import pytest
import time_machine
from django.urls import reverse

from matching import lifecycle
from rights.models import ContactAccess, DataExport
from rights.services import data_export_request
from rights.tasks import data_export_build
from tests.factories import MatchFactory, NeedFactory, OfferFactory, UserFactory

pytestmark = pytest.mark.django_db


def _download(client, user) -> tuple[dict, str]:
    """Ask for a download on /my/data/ and follow its link; the data.json and index.html."""
    client.force_login(user)
    response = client.post(reverse("my_data"), follow=True)
    assert response.status_code == 200
    link = re.search(r'href="(/en/my/data/download/[^"]+/)"', response.content.decode()).group(1)
    zipped = client.get(link)
    assert zipped.status_code == 200
    assert zipped["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(zipped.streaming_content)))
    return json.loads(archive.read("data.json")), archive.read("index.html").decode()


def test_the_zip_holds_the_persons_data_and_nobody_elses(client):
    me = UserFactory(display_name="Marta Mine", phone="+420777555111")
    stranger = UserFactory(display_name="Sergej Stranger", phone="+420777555999")
    mine = NeedFactory(owner=me, title="Winter coat for my son", description="Size 140")
    OfferFactory(owner=stranger, title="Stranger's bicycle")

    data, index = _download(client, me)

    assert data["account"]["email"] == me.email
    assert data["account"]["phone"] == "+420777555111"
    [post] = data["posts"]
    assert (post["title"], post["description"]) == ("Winter coat for my son", "Size 140")
    # The exact point: it is their own data.
    assert (post["latitude"], post["longitude"]) == (mine.location.y, mine.location.x)
    text = json.dumps(data, ensure_ascii=False) + index
    assert "Winter coat for my son" in index
    for foreign in ("Stranger's bicycle", stranger.email, "Sergej Stranger", "+420777555999"):
        assert foreign not in text


def test_the_other_sides_contact_is_absent_before_connection_and_present_after(client):
    coordinator = UserFactory(is_superuser=True, roles=["coordinator"])
    me = UserFactory(display_name="Marta Mine")
    other = UserFactory(display_name="Oleh Other", phone="+380503334444")
    match = MatchFactory(need__owner=me, offer__owner=other)
    lifecycle.match_approve(match, actor=coordinator)

    before, _index = _download(client, me)
    assert [m["other_side_contact"] for m in before["matches"]] == [None]
    assert other.email not in json.dumps(before)
    assert not ContactAccess.objects.filter(subject=other).exists()

    lifecycle.match_respond(match, actor=me, accept=True)
    lifecycle.match_respond(match, actor=other, accept=True)
    after, index = _download(client, me)

    assert after["matches"][0]["other_side_contact"] == {
        "name": "Oleh Other",
        "email": other.email,
        "phone": "+380503334444",
    }
    assert other.email in index
    # The download showed the other side's contact: it is in their access log.
    access = ContactAccess.objects.get(subject=other)
    assert (access.viewer, access.where) == (me, ContactAccess.Where.DATA_EXPORT)
    # My consent (given by accepting) is in my download, with what I shared.
    [consent] = after["consents"]
    assert consent["match"] == match.pk
    assert consent["values"]["email"] == me.email


def test_a_download_link_works_only_for_its_owner(client):
    owner, other = UserFactory(), UserFactory()
    export = data_export_request(user=owner)
    client.force_login(owner)
    page = client.get(reverse("my_data")).content.decode()
    link = re.search(r'href="(/en/my/data/download/[^"]+/)"', page).group(1)

    client.force_login(other)
    assert client.get(link).status_code == 404
    client.logout()
    assert client.get(link).status_code == 302  # to the log-in page, and then still 404
    # The other person's own page lists nothing of the owner's.
    client.force_login(other)
    assert link not in client.get(reverse("my_data")).content.decode()
    assert DataExport.objects.get().pk == export.pk


def test_a_download_link_expires(client, settings):
    settings.POMOC_DATA_EXPORT_LINK_HOURS = 24
    owner = UserFactory()
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        data_export_request(user=owner)
        client.force_login(owner)
        page = client.get(reverse("my_data")).content.decode()
        link = re.search(r'href="(/en/my/data/download/[^"]+/)"', page).group(1)
        assert client.get(link).status_code == 200
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 1, tzinfo=dt.UTC), tick=False):
        assert client.get(link).status_code == 404


@pytest.mark.parametrize("token", ["garbage", "x" * 300, "1:abc:def"])
def test_a_forged_link_is_not_found(client, token):
    client.force_login(UserFactory())
    assert client.get(reverse("data_export_download", args=[token])).status_code == 404


def test_a_large_download_is_built_by_the_worker(
    client, settings, django_capture_on_commit_callbacks
):
    settings.POMOC_DATA_EXPORT_INLINE_MAX_ROWS = 1
    owner = UserFactory()
    NeedFactory(owner=owner, title="First need")
    NeedFactory(owner=owner, title="Second need")
    client.force_login(owner)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("my_data"), follow=True)
    export = DataExport.objects.get(user=owner)
    assert export.status == DataExport.Status.PENDING
    assert len(callbacks) == 1  # the worker's task, queued after commit
    assert "being prepared" in response.content.decode()
    assert "/my/data/download/" not in response.content.decode()

    # What the worker runs; twice is harmless.
    assert data_export_build(export.pk) == DataExport.Status.READY
    assert data_export_build(export.pk) == DataExport.Status.READY
    page = client.get(reverse("my_data")).content.decode()
    link = re.search(r'href="(/en/my/data/download/[^"]+/)"', page).group(1)
    archive = zipfile.ZipFile(io.BytesIO(b"".join(client.get(link).streaming_content)))
    titles = {post["title"] for post in json.loads(archive.read("data.json"))["posts"]}
    assert titles == {"First need", "Second need"}


def test_anonymous_cannot_ask_for_a_download(client):
    response = client.post(reverse("my_data"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not DataExport.objects.exists()


def test_a_download_that_breaks_is_marked_failed_not_a_500(client, monkeypatch):
    owner = UserFactory()
    NeedFactory(owner=owner)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("rights.services.render_to_string", broken)
    client.force_login(owner)
    response = client.post(reverse("my_data"), follow=True)
    assert response.status_code == 200
    assert "could not be prepared" in response.content.decode()
    export = DataExport.objects.get(user=owner)
    assert (export.status, export.error, bool(export.file)) == ("failed", "disk full", False)
    # Nobody's access log holds a view from a download that never arrived.
    assert not ContactAccess.objects.exists()
