"""How the change log's keys of life events and reassessment tasks read in the card's history."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opora.assessment.models import AssessmentTask, LifeEvent

RHYTHM_LABELS = {
    "life_event": (_("событие в жизни выпускника"), LifeEvent.Kind.choices),
    "life_event_date": (_("дата события"), None),
    "assessment_task_due_on": (_("срок внеочередной оценки"), None),
    "assessment_task_status": (_("задача внеочередной оценки"), AssessmentTask.Status.choices),
    "assessment_task_cancel_reason": (_("причина отмены задачи"), None),
}
