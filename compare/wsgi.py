"""The WSGI entry point: what gunicorn and runserver import to serve requests (tests do not)."""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compare.settings")
application = get_wsgi_application()

if settings.PRELOAD_MODEL:
    # Here rather than in AppConfig.ready(): only processes that serve requests import this
    # module, so management commands and tests that never embed do not pay for the model.
    from compare.services.encoder import preload_encoder  # after setup: it reads settings

    preload_encoder()
