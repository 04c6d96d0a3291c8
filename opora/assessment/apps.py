from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    """Life-situation assessment, monitoring and the consilium: the quarterly rhythm that sets the level."""

    name = "opora.assessment"
    label = "assessment"
    verbose_name = _("Оценка и консилиум")

    def ready(self) -> None:
        from opora.assessment import rhythm_panels
        from opora.assessment.audit_labels_rhythm import RHYTHM_LABELS
        from opora.core.audit import register_labels
        from opora.core.start import StartSection, register_section
        from opora.registry.tabs import CardTab, register_tab
        from opora.support.caseload import CaseloadPanel, register_panel

        # The rhythm (helper D «rhythm»): the «События» tab, the start page's and the caseload's figures.
        register_tab(CardTab("events", _("События"), "assessment:events", 48))
        register_section(
            StartSection("assessment:rhythm", "assessment/rhythm_start.html", rhythm_panels.start_section, order=15)
        )
        register_panel(
            CaseloadPanel("assessment:rhythm", "assessment/rhythm_counters.html", rhythm_panels.caseload_panel)
        )
        register_labels(RHYTHM_LABELS)
