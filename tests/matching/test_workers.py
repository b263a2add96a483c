"""The worker pool of a full pass: results in order, errors raised, a failed warm-up harmless."""

from __future__ import annotations

import threading

import pytest

from matching.workers import Workers


def run_with_deadline(function, seconds: float = 20):
    """Run ``function`` on a thread so that a pool that hangs fails the test instead of the run."""
    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["value"] = function()
        except BaseException as error:  # handed to the test
            outcome["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "the worker pool hung"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


@pytest.mark.parametrize("count", [1, 2])
def test_results_come_back_in_task_order_and_progress_counts_each(count):
    done: list[int] = []

    def run():
        with Workers(count) as pool:
            return pool.map([lambda i=i: i * i for i in range(7)], done=done.append)

    assert run_with_deadline(run) == [0, 1, 4, 9, 16, 25, 36]
    assert done == list(range(1, 8))


@pytest.mark.parametrize("count", [1, 2])
def test_a_failing_task_raises_once_the_others_have_stopped(count):
    finished: list[int] = []

    def task(i: int) -> int:
        if i == 1:
            raise RuntimeError("task 1 failed")
        finished.append(i)
        return i

    def run():
        with Workers(count) as pool:
            return pool.map([lambda i=i: task(i) for i in range(4)])

    with pytest.raises(RuntimeError, match="task 1 failed"):
        run_with_deadline(run)
    assert sorted(finished) == [0, 2, 3]


def test_a_worker_whose_warm_up_fails_still_does_its_tasks():
    def warm_up():
        raise ConnectionError("no connection slots left")

    def run():
        with Workers(2, warm_up=warm_up) as pool:
            return pool.map([lambda: "done"] * 3)

    assert run_with_deadline(run) == ["done"] * 3
