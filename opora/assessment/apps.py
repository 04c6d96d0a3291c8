from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    """Life-situation assessment, monitoring and the consilium: the quarterly rhythm that sets the level."""

    name = "opora.assessment"
    label = "assessment"
    verbose_name = _("Оценка и консилиум")

    def ready(self) -> None:
        from opora.assessment import consilium_tabs  # noqa: F401  (the card tab «Консилиумы»)
