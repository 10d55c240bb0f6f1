from django.db import migrations, models


class Migration(migrations.Migration):
    """Every stored vector records its model. Vectors stored before this came from the packaged model
    (the only one the app ran unless EMBEDDING_MODEL_PATH was set; ``manage.py reembed`` fixes that case)."""

    dependencies = [
        ("compare", "0002_aligned_pair"),
    ]

    operations = [
        migrations.AddField(
            model_name="sentence",
            name="embedding_model",
            field=models.CharField(
                blank=True,
                db_index=True,
                editable=False,
                max_length=200,
                default="sentence-transformers/all-MiniLM-L6-v2",
            ),
            preserve_default=False,
        ),
    ]
