"""The protocol of a consilium (протокол консилиума) as a .docx, from the region's replaceable
template of kind «consilium_protocol» (opora.docs: the default is built by
opora/docs/default_templates/build.py). The context is flat and already formatted: dates as
dd.mm.yyyy, names declined («О выпускнике Иванове Иване Ивановиче»), choices as their labels.

It lives here, not in opora.docs, so that docs never imports the assessment app (this app uses
docs' public ``render``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from opora.assessment.models import AssessmentDomain, Consilium, ConsiliumDecision, ConsiliumRecommendation
from opora.docs.declension import decline_person
from opora.docs.models import DocumentTemplate
from opora.docs.rendering import fmt_date, long_date, sex_word
from opora.docs.services import render, service_context, staff_context

KIND = DocumentTemplate.Kind.CONSILIUM_PROTOCOL


def _decisions(consilium: Consilium):
    return (
        ConsiliumDecision.objects.filter(consilium=consilium)
        .select_related("graduate", "assessment", "level_before", "suggested_level", "level", "plan")
        .prefetch_related(
            Prefetch(
                "assessment__domains",
                queryset=AssessmentDomain.objects.select_related("domain").order_by("domain__order", "domain_id"),
            ),
            Prefetch("recommendations", queryset=ConsiliumRecommendation.objects.order_by("deadline", "id")),
        )
        .order_by("graduate__last_name", "graduate__first_name", "pk")
    )


def _graduate_row(number: int, decision: ConsiliumDecision) -> dict[str, Any]:
    graduate = decision.graduate
    assessment = decision.assessment
    scores = list(assessment.domains.all()) if assessment else []
    before, level = decision.level_before, decision.level
    if level is None:
        level_text = "решение не принято"
    elif before is not None and before.pk == level.pk:
        level_text = f"сохранить уровень «{level.name}»"
    else:
        level_text = f"установить уровень «{level.name}»"
    return {
        "number": number,
        "full_name": graduate.full_name,
        "prepositional": decline_person(graduate, "prepositional").full,
        "genitive": decline_person(graduate, "genitive").full,
        "birth_date": fmt_date(graduate.birth_date),
        "word": sex_word(graduate, "выпускник", "выпускница"),
        "about": sex_word(graduate, "выпускнике", "выпускнице"),
        "assessment_date": fmt_date(assessment.assessed_on) if assessment else "",
        "assessment_title": str(assessment) if assessment else "",
        "scores": "; ".join(f"{s.domain.name} — {s.severity}" for s in scores),
        "score_total": sum(s.severity for s in scores) if scores else "",
        "level_before": before.name if before else "",
        "suggested_level": decision.suggested_level.name if decision.suggested_level else "",
        "level": level.name if level else "",
        "level_text": level_text,
        "level_changed": level is not None and (before is None or before.pk != level.pk),
        "override_reason": decision.override_reason,
        "plan": str(decision.plan) if decision.plan else "",
        "plan_decision": decision.get_plan_decision_display() if decision.plan_decision else "",
        "route": decision.route,
        "notes": decision.notes,
        "recommendations": [
            {"number": n, "text": r.text, "responsible": r.responsible, "deadline": fmt_date(r.deadline)}
            for n, r in enumerate(decision.recommendations.all(), 1)
        ],
    }


def protocol_context(consilium: Consilium) -> dict[str, Any]:
    """Everything the protocol shows, in a fixed number of queries whatever the number of graduates."""
    chair = consilium.chair
    participants = list(consilium.participants.order_by("last_name", "first_name", "pk"))
    chair_nominative = decline_person(chair, "nominative") if chair else None
    return {
        **service_context(consilium.service, consilium.held_on),
        **staff_context("chair", chair),
        "consilium_number": consilium.number,
        "consilium_date": fmt_date(consilium.held_on),
        "consilium_date_long": long_date(consilium.held_on),
        "consilium_kind": consilium.get_kind_display(),
        "consilium_kind_genitive": {
            Consilium.Kind.PRIMARY: "первичного",
            Consilium.Kind.QUARTERLY: "ежеквартального",
            Consilium.Kind.EXTRAORDINARY: "внеочередного",
        }[consilium.kind],
        "consilium_quarter": consilium.quarter,
        "consilium_year": consilium.year,
        "consilium_status": consilium.get_status_display(),
        "consilium_is_held": consilium.status == Consilium.Status.HELD,
        "consilium_agenda": consilium.agenda,
        "chair_line": (
            f"{chair_nominative.full}, {staff_context('c', chair)['c_position']}" if chair_nominative else ""
        ),
        "participants": [
            {
                "full_name": decline_person(u, "nominative").full,
                "short_name": decline_person(u, "nominative").short,
                "position": staff_context("p", u)["p_position"],
            }
            for u in participants
        ],
        "attracted": [line.strip() for line in consilium.attracted_participants.splitlines() if line.strip()],
        "graduates": [_graduate_row(n, d) for n, d in enumerate(_decisions(consilium), 1)],
    }


def protocol_docx(consilium: Consilium) -> tuple[bytes, str]:
    """The protocol's bytes and a file name for the download."""
    content = render(KIND, protocol_context(consilium), region=consilium.service.region_id)
    number = consilium.number or str(consilium.pk)
    return content, f"protokol-konsiliuma-{number}-{consilium.held_on:%Y-%m-%d}.docx".replace("/", "-")
