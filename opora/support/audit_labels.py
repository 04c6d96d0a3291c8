"""How the change log's support keys read in the history (opora.core.audit.register_labels).

The workflows of opora.support.services store codes under these keys; the card's history
and the audit log show the label beside each key and render each code as its label.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opora.support.models import JournalEntry, PlanMeasure, SupportCase, SupportPlan, Transfer

# The facts of the relocation notice (services.transfer_notice), by the key it stores them under.
NOTICE_FIELDS = {
    "full_name": _("ФИО"),
    "birth_date": _("дата рождения"),
    "status_category": _("статус"),
    "legal_representative": _("законный представитель"),
    "identification_place": _("место первичного выявления"),
    "housing": _("жилищная ситуация"),
    "housing_right": _("право на обеспечение жильём"),
    "housing_on_list": _("включён в список на обеспечение жильём"),
    "phone": _("телефон"),
    "support_status": _("статус сопровождения"),
    "support_level": _("уровень сопровождения"),
    "contract": _("договор"),
    "recommendations": _("рекомендации"),
}

# key -> (verbose label, choices or None)
SUPPORT_LABELS = {
    "support_case": (_("сопровождение"), SupportCase.Status.choices),
    "support_status": (_("статус сопровождения"), SupportCase.Status.choices),
    "support_level": (_("уровень сопровождения"), None),
    "contract": (_("договор о сопровождении"), None),
    "close_reason": (_("причина завершения"), SupportCase.CloseReason.choices),
    "plan_measures_cancelled": (_("отменено мероприятий плана"), None),
    "support_plan": (_("план сопровождения"), None),
    "support_plan_status": (_("статус плана"), SupportPlan.Status.choices),
    "plan_goal": (_("цель плана"), None),
    "plan_measure": (_("мероприятие плана"), None),
    "plan_measure_status": (_("статус мероприятия"), PlanMeasure.Status.choices),
    "plan_measure_result": (_("результат мероприятия"), None),
    "plan_measure_done_at": (_("дата выполнения мероприятия"), None),
    "journal": (_("запись журнала сопровождения"), None),
    "journal_kind": (_("вид записи журнала"), JournalEntry.Kind.choices),
    "specialist": (_("специалист"), None),
    "transfer": (_("передача сопровождения"), None),
    "transfer_status": (_("статус передачи"), Transfer.Status.choices),
    "transfer_notice_sent": (_("уведомление о переезде направлено"), None),
    "transfer_decline_reason": (_("причина отказа в принятии"), None),
    "contract_ended_on_move": (_("договор прекращён в связи с переездом"), None),
    "notice": (_("в уведомление переданы сведения"), NOTICE_FIELDS),
}
