from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    """Life-situation assessment, monitoring and the consilium: the quarterly rhythm that sets the level."""

    name = "opora.assessment"
    label = "assessment"
    verbose_name = _("Оценка и консилиум")

    def ready(self) -> None:
        from opora.assessment import (
            consilium_tabs,  # noqa: F401  (the card tab «Консилиумы»)
            tabs,  # noqa: F401  (adds the «Оценка» tab to the graduate card)
        )
        from opora.assessment.services import on_region_set_up
        from opora.registry.tabs import CardTab, register_tab
        from opora.support.signals import region_set_up

        region_set_up.connect(on_region_set_up, dispatch_uid="assessment_defaults")
        register_tab(CardTab("trajectory", _("Траектория"), "assessment:trajectory", 56))

        from opora.assessment import rhythm_panels
        from opora.assessment.audit_labels_rhythm import RHYTHM_LABELS
        from opora.core.audit import register_labels
        from opora.core.start import StartSection, register_section
        from opora.support.caseload import CaseloadPanel, register_panel

        # The rhythm (helper D «rhythm»): the «События» tab, the start page's and the caseload's figures.
        register_tab(CardTab("events", _("События"), "assessment:events", 58))
        register_section(
            StartSection("assessment:rhythm", "assessment/rhythm_start.html", rhythm_panels.start_section, order=15)
        )
        register_panel(
            CaseloadPanel("assessment:rhythm", "assessment/rhythm_counters.html", rhythm_panels.caseload_panel)
        )
        register_labels(RHYTHM_LABELS)
