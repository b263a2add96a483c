"""Tell the matcher that a post changed, without importing it (apps depend downwards).

Called by ``offers.services`` and ``needs.services`` after a create, an update or a status
change. The task is named, not imported, and queued only once the transaction commits, so the
worker never sees a post that is not saved yet (or one that was rolled back).
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

MATCH_TASKS = {"offer": "matching.tasks.match_offer", "need": "matching.tasks.match_need"}


def matching_queue(*, kind: str, pk: int) -> None:
    """``settings.POMOC_MATCHING_ON_SAVE``: "async" queues a django-q2 task (the default),
    "sync" runs the incremental pass inline after commit, "off" leaves it to the full pass."""
    mode = settings.POMOC_MATCHING_ON_SAVE
    task = MATCH_TASKS[kind]
    if mode == "async":
        from django_q.tasks import async_task

        transaction.on_commit(lambda: async_task(task, pk, task_name=f"match-{kind}-{pk}"))
    elif mode == "sync":
        transaction.on_commit(lambda: import_string(task)(pk))
