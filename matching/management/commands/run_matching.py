from __future__ import annotations

from django.core.management.base import BaseCommand
from django_q.tasks import async_task
from tqdm import tqdm

from matching import engine


class Command(BaseCommand):
    help = (
        "Run a full matching pass now, with a progress bar and a summary; or, with --queue, "
        "queue one for the queue workers."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print the top proposals without saving anything.",
        )
        parser.add_argument(
            "--top", type=int, default=20, help="How many proposals --dry-run prints."
        )
        parser.add_argument(
            "--queue",
            action="store_true",
            help="Queue a full pass for the django-q2 cluster and return (as `make run` does at "
            "start, so a new or restarted service does not wait for the schedule).",
        )

    def handle(self, *args, dry_run: bool, top: int, queue: bool, **options):
        if queue:
            # The queue's copy runs wherever a worker is; a pass already under way makes it a
            # skipped run (advisory lock), so queueing one too many costs nothing.
            task_id = async_task("matching.tasks.full_pass")
            self.stdout.write(f"queued a full pass (task {task_id})")
            return
        with tqdm(total=1, unit="chunk", desc="needs", disable=options["verbosity"] < 1) as bar:

            def progress(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            result = engine.full_pass(dry_run=dry_run, progress=progress)
        if result.skipped:
            self.stdout.write(self.style.WARNING("Another full pass is running; skipped."))
            return
        self.stdout.write(
            f"needs considered: {result.needs_considered}, candidate pairs: {result.candidates}, "
            f"assignment: {result.algorithm or '-'}, expired posts: {result.expired}, "
            f"withdrawn proposals: {result.withdrawn}"
        )
        if dry_run:
            self.stdout.write(f"would propose: {len(result.chosen)} (dry run, nothing saved)")
            for pair in result.chosen.take(slice(0, top)):
                factors = ", ".join(f"{name} {value:.2f}" for name, value in pair.factors.items())
                self.stdout.write(
                    f"  need {pair.need_id} ← offer {pair.offer_id}: {pair.score:.3f} "
                    f"({pair.distance_km:.1f} km; {factors})"
                )
            return
        self.stdout.write(self.style.SUCCESS(f"proposed: {result.proposed} (run {result.run_id})"))
        counts = engine.proposal_counts()
        self.stdout.write("matches by status: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
