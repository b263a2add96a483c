from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django_q.models import OrmQ

from matching.models import Match, MatchRun
from tests.factories import NeedFactory, OfferFactory

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("run_matching", *args, stdout=out, verbosity=0)
    return out.getvalue()


def test_run_matching_proposes_and_summarises():
    OfferFactory()
    NeedFactory()

    output = run()

    assert "proposed: 1" in output
    assert "matches by status: proposed 1" in output
    assert Match.objects.count() == 1


def test_run_matching_dry_run_prints_the_top_proposals_and_saves_nothing():
    offer = OfferFactory()
    need = NeedFactory()

    output = run("--dry-run")

    assert "would propose: 1" in output
    assert f"need {need.pk} ← offer {offer.pk}" in output
    assert Match.objects.count() == 0


def test_run_matching_queue_leaves_the_full_pass_to_the_queue_workers():
    OfferFactory()
    NeedFactory()

    output = run("--queue")

    # Nothing is matched here; one full pass waits in django-q2's queue for a worker.
    assert output.startswith("queued a full pass")
    assert not MatchRun.objects.exists() and Match.objects.count() == 0
    assert [queued.func() for queued in OrmQ.objects.all()] == ["matching.tasks.full_pass"]
