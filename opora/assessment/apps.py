from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    """Life-situation assessment, monitoring and the consilium: the quarterly rhythm that sets the level."""

    name = "opora.assessment"
    label = "assessment"
    verbose_name = _("Оценка и консилиум")

    def ready(self) -> None:
        from opora.registry.tabs import CardTab, register_tab

        register_tab(CardTab("trajectory", _("Траектория"), "assessment:trajectory", 46))
