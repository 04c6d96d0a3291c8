from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "opora.core"
    label = "core"
    verbose_name = "Общее"

    def ready(self) -> None:
        from opora.core import signals  # noqa: F401  (connects the login signals to the audit log)
