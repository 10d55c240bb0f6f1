from django.apps import AppConfig


class CompareConfig(AppConfig):
    name = "compare"
    verbose_name = "Story comparison"

    def ready(self) -> None:
        # Imported for its side effect: registering the app's system checks.
        from compare import checks  # noqa: F401
