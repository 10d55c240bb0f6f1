"""System checks (``manage.py check``; runserver and migrate run them too) beyond the settings."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Warning, register

from compare.services.encoder import params_fitted_for_another_model


@register()
def fitted_for_this_model(app_configs, **kwargs) -> list[Warning]:
    """The alignment and story-assignment parameters were fitted with the model this server runs."""
    if settings.EMBEDDING_BACKEND == "hashing":  # tests and tooling: no model, nothing to match
        return []
    return [
        Warning(
            message,
            hint="Refit them (manage.py calibrate_alignment; python -m compare.research.clustering_fit) "
            "or set EMBEDDING_MODEL_PATH back.",
            id="compare.W001",
        )
        for message in params_fitted_for_another_model()
    ]
