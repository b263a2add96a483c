"""Threads for the parts of a matcher pass that run on several database connections at once.

Each thread keeps its own Django connection for the whole pass (a new PostgreSQL backend costs
its start and cold catalog caches) and closes it when the pool closes. PostgreSQL does the work,
so threads are enough: the GIL is free while a thread waits for its query.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, as_completed
from typing import TypeVar

from django.db import connection

logger = logging.getLogger(__name__)

T = TypeVar("T")


class Workers:
    """Threads for the parts of a pass that run on several connections at once. Each thread
    keeps its own database connection for the whole pass (a new backend costs its start and
    cold catalog caches; ``warm_up`` runs first, while the calling thread does its own first
    steps) and closes it at the end. With one worker, tasks run at once on the calling thread
    and its connection (and transaction)."""

    def __init__(self, count: int, warm_up: Callable[[], object] | None = None) -> None:
        self.count = max(count, 1)
        self._tasks: queue.Queue = queue.Queue()
        self._warm_up = warm_up
        self._threads = [
            threading.Thread(target=self._work) for _ in range(count if count > 1 else 0)
        ]
        for thread in self._threads:
            thread.start()

    def _work(self) -> None:
        try:
            if self._warm_up:
                try:
                    self._warm_up()
                except Exception:  # only a head start: the tasks report their own errors
                    logger.exception("matching: a worker's warm-up failed")
            while (item := self._tasks.get()) is not None:
                task, future = item
                _run(task, future)
        finally:
            connection.close()

    def submit(self, task: Callable[[], T]) -> Future[T]:
        future: Future[T] = Future()
        if self._threads:
            self._tasks.put((task, future))
        else:
            _run(task, future)
        return future

    def map(
        self, tasks: Sequence[Callable[[], T]], done: Callable[[int], None] | None = None
    ) -> list[T]:
        """The tasks' results in order; ``done(count)`` as they finish; the first error raised
        once every task has stopped."""
        futures = [self.submit(task) for task in tasks]
        for count, _ in enumerate(as_completed(futures), start=1):
            if done:
                done(count)
        return [future.result() for future in futures]

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc_info: object) -> None:
        for _ in self._threads:
            self._tasks.put(None)
        for thread in self._threads:
            thread.join()


def _run(task: Callable[[], T], future: Future[T]) -> None:
    if future.set_running_or_notify_cancel():
        try:
            future.set_result(task())
        except BaseException as error:  # raised again by Future.result()
            future.set_exception(error)
