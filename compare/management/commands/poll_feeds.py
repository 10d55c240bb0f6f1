"""manage.py poll_feeds [--every N] [--enqueue] : poll the due feeds and re-check items for revisions.

Once by default (for cron); ``--every N`` keeps polling every N minutes (a worker loop). Several
can run at once on PostgreSQL: each feed is claimed by one of them at a time. ``--enqueue`` hands
the poll to the task backend's workers instead of doing it here.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from compare.services.feed_tasks import poll_feeds_task


class Command(BaseCommand):
    help = "Poll the feeds that are due and re-check feed items for revisions (once, or every N minutes)."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, metavar="N", help="keep polling every N minutes")
        parser.add_argument("--enqueue", action="store_true", help="queue the poll for the task workers")

    def handle(self, *args, every: float | None, enqueue: bool, **options):
        if every is not None and every <= 0:
            raise CommandError("--every takes a number of minutes above 0.")
        while True:
            started = time.monotonic()
            if enqueue:
                poll_feeds_task.enqueue()
                self.stdout.write("feed poll queued")
            else:
                self._report(poll_feeds_task.call())
            if every is None:
                return
            time.sleep(max(every * 60 - (time.monotonic() - started), 0))

    def _report(self, outcome: dict[str, int]) -> None:
        self.stdout.write(
            f"{outcome['feeds']} feeds polled, {outcome['new_articles']} new articles, "
            f"{outcome['failed']} failed, {outcome['revisions']} revisions"
        )
