"""manage.py reembed: re-encode every stored sentence with the model this server runs, then realign.

Run it after changing the embedding model (EMBEDDING_MODEL_PATH): until then
ingest refuses to mix the old model's vectors with the new one's. Story
profiles are rebuilt and every story is aligned afresh; editors' link
decisions are kept, as in any re-alignment.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from compare.models import Sentence, Story
from compare.services.alignment import align_story
from compare.services.encoder import get_encoder
from compare.services.story_index import reset_index
from compare.services.story_profiles import rebuild_profiles
from compare.services.vectors import forget_checks

CHUNK = 2_000


class Command(BaseCommand):
    help = "Re-encode stored sentences with the current embedding model, rebuild story profiles, realign."

    def handle(self, *args, **options):
        encoder = get_encoder()
        stale = Sentence.objects.exclude(embedding_model=encoder.model_id).order_by("id")
        total = stale.count()
        done = 0
        while ids := list(stale.values_list("id", flat=True)[:CHUNK]):
            rows = list(Sentence.objects.filter(pk__in=ids).only("id", "text"))
            vectors = encoder.encode([row.text for row in rows])
            for row, vector in zip(rows, vectors):
                row.embedding = vector.astype("<f4").tobytes()
                row.embedding_model = encoder.model_id
            with transaction.atomic():
                Sentence.objects.bulk_update(rows, ["embedding", "embedding_model"], batch_size=500)
            done += len(rows)
            self.stdout.write(f"{done:,} of {total:,} sentences re-encoded with {encoder.model_id}")
        forget_checks()
        if not total:
            self.stdout.write(f"Every sentence already has a vector of {encoder.model_id}: nothing to do.")
            return
        rebuild_profiles()
        stories = list(Story.objects.order_by("id"))
        for story in stories:
            align_story(story, realign=list(story.articles.values_list("id", flat=True)))
        reset_index()
        self.stdout.write(f"Rebuilt the profiles and realigned {len(stories)} stories.")
