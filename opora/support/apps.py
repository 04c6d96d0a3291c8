from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "opora.support"
    label = "support"
    verbose_name = "Сопровождение"

    def ready(self) -> None:
        from opora.core.audit import register_labels
        from opora.support import (
            registry_filters,  # noqa: F401  (adds the support filters to the registry list)
            start,  # noqa: F401  (adds the working day to the start page)
            tabs,  # noqa: F401  (adds the support tabs to the graduate card)
        )
        from opora.support.audit_labels import SUPPORT_LABELS

        register_labels(SUPPORT_LABELS)
