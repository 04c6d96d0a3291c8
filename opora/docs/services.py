"""Generating documents: the contract, the individual plan, the social card and the relocation notice.

``render(kind, context, region=...)`` fills the region's active template of that kind, or the
default shipped in opora/docs/default_templates/, with docxtpl (``fill`` of opora.docs.rendering,
which also holds the formatting helpers). The ``*_context`` builders turn the models into the
flat, already formatted values a template shows (dates as dd.mm.yyyy, names declined, choices as
their Russian labels), each in a fixed number of queries.

Templates are uploaded by administrators, who see no personal data: they are rendered in
Jinja's sandbox, so that a template can print the values it is given and nothing else.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.db.models import Prefetch
from django.utils import timezone

from opora.core.roles import Role
from opora.core.templatetags.opora import years
from opora.docs.declension import CASES, decline_person, position_genitive
from opora.docs.models import DocumentTemplate
from opora.docs.rendering import fill, fmt_date, long_date, multiline, sex_word, yes_no
from opora.registry.models import Graduate
from opora.support.models import (
    Contract,
    JournalEntry,
    LevelChange,
    PlanGoal,
    PlanMeasure,
    SupportCase,
    SupportPlan,
    Transfer,
    numbered_items,
)
from opora.support.services import add_months

logger = logging.getLogger(__name__)

Kind = DocumentTemplate.Kind
DEFAULT_DIR = Path(__file__).resolve().parent / "default_templates"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LAST_CONTACTS = 10


# --- Rendering -----------------------------------------------------------------------------------


def default_template_path(kind: str) -> Path:
    return DEFAULT_DIR / f"{Kind(kind).value}.docx"


def active_template(kind: str, region_id: int | None) -> DocumentTemplate | None:
    """The region's template of ``kind`` in force: the latest uploaded active one."""
    if region_id is None:
        return None
    return (
        DocumentTemplate.objects.filter(region_id=region_id, kind=kind, is_active=True)
        .order_by("-uploaded_at", "-id")
        .first()
    )


@transaction.atomic
def save_template(template: DocumentTemplate, *, actor, new_file: bool = True) -> DocumentTemplate:
    """Save a region's template; an active one replaces (deactivates) the region's others of its kind."""
    if new_file or template.pk is None:
        template.uploaded_by, template.uploaded_at = actor, timezone.now()
    template.save()
    if template.is_active:
        DocumentTemplate.objects.filter(region_id=template.region_id, kind=template.kind, is_active=True).exclude(
            pk=template.pk
        ).update(is_active=False)
    return template


def render(kind: str, context: dict[str, Any], *, region=None) -> bytes:
    """The document of ``kind`` filled with ``context``, as the bytes of a .docx file.

    The region's own template is used when it has one; if it fails to render (a field
    that is not there, a broken tag), the default is used and the failure is logged for
    the administrator, so that a specialist still gets the document.
    """
    region_id = getattr(region, "pk", region)
    custom = active_template(kind, region_id)
    if custom is not None:
        try:
            with custom.file.open("rb") as fh:
                return fill(io.BytesIO(fh.read()), context)
        except Exception:
            # Whatever an uploaded template does wrong (a missing file, a tag that fails on
            # these values), the specialist still gets the document from the default.
            logger.exception("document template %s (%s, region %s) failed", custom.pk, kind, region_id)
    return fill(default_template_path(kind), context)


# --- Formatting (the helpers that know no models are in opora.docs.rendering) --------------------


def lines(text: str) -> list[str]:
    """A multi-line text as its non-empty lines, list markers and typed numbers dropped.

    The templates number the items themselves («2.1.1.»), so a number the specialist typed
    («1. Содействие…») would print twice.
    """
    return numbered_items(text)


def _display(obj, field: str) -> str:
    value = getattr(obj, field)
    if value in (None, ""):
        return ""
    return str(getattr(obj, f"get_{field}_display")())


# --- Parts shared by every document --------------------------------------------------------------


def service_context(service, today: dt.date) -> dict[str, Any]:
    region = service.region
    territory = service.territory
    return {
        "service_name": service.name,
        "service_short_name": service.display_name,
        "service_address": service.address,
        "service_phone": service.phone,
        "service_email": service.email,
        "region_name": region.name,
        "territory_name": territory.name if territory else "",
        "place": territory.name if territory else region.name,
        "today": fmt_date(today),
        "today_long": long_date(today),
        "year": today.year,
    }


def graduate_context(graduate: Graduate, on: dt.date) -> dict[str, Any]:
    """The graduate's name in every case and the facts every document names."""
    context: dict[str, Any] = {
        "graduate_full_name": graduate.full_name,
        "graduate_last_name": graduate.last_name,
        "graduate_first_name": graduate.first_name,
        "graduate_patronymic": graduate.patronymic,
        "graduate_birth_date": fmt_date(graduate.birth_date),
        "graduate_age": graduate.age_on(on),
        "graduate_age_text": years(graduate.age_on(on)),
        "graduate_is_minor": graduate.age_on(on) < 18,
        "graduate_sex": _display(graduate, "sex"),
        "graduate_status": _display(graduate, "status_category"),
        "graduate_snils": graduate.snils,
        "graduate_id_document": graduate.id_document,
        "graduate_registration_address": graduate.registration_address,
        "graduate_actual_address": graduate.actual_address,
        "graduate_phone": graduate.phone,
        "graduate_email": graduate.email,
        "legal_representative": graduate.legal_representative,
        # Agreement with the graduate's sex: «именуемый(ая)», «ознакомлен(а)», «гражданин(ка)».
        "graduate_named": sex_word(graduate, "именуемый", "именуемая"),
        "graduate_acquainted": sex_word(graduate, "ознакомлен", "ознакомлена"),
        "graduate_citizen": sex_word(graduate, "гражданин", "гражданка"),
        "graduate_word": sex_word(graduate, "выпускник", "выпускница"),
        "graduate_received": sex_word(graduate, "получил", "получила"),
        "graduate_agreed": sex_word(graduate, "согласен", "согласна"),
        # For any other word: {{ graduate_by_sex("сменил", "сменила") }}.
        "graduate_by_sex": lambda male, female: sex_word(graduate, str(male), str(female)),
    }
    for name, case in CASES.items():
        declined = decline_person(graduate, case)
        if name != "nominative":
            context[f"graduate_{name}"] = declined.full
        context[f"graduate_{name}_short"] = declined.short
    context["graduate_short_name"] = context.pop("graduate_nominative_short")
    return context


def staff_context(prefix: str, user) -> dict[str, Any]:
    """A member of staff who signs: «Тестова А. П.», the genitive for «в лице …», the position."""
    if user is None:
        return {
            f"{prefix}_full_name": "",
            f"{prefix}_short_name": "",
            f"{prefix}_genitive": "",
            f"{prefix}_position": "",
            f"{prefix}_position_genitive": "",
            f"{prefix}_acting": "действующего(ей)",
            f"{prefix}_phone": "",
        }
    position = user.position or {
        Role.SPECIALIST: "специалист сопровождения",
        Role.COORDINATOR: "руководитель службы сопровождения",
        Role.REGIONAL: "специалист регионального ресурсного центра",
    }.get(user.role, "")
    nominative = decline_person(user, "nominative")
    return {
        f"{prefix}_full_name": nominative.full,
        f"{prefix}_short_name": nominative.short,
        f"{prefix}_genitive": decline_person(user, "genitive").full,
        f"{prefix}_position": position,
        f"{prefix}_position_genitive": position_genitive(position),
        f"{prefix}_acting": sex_word(user, "действующего", "действующей"),
        f"{prefix}_phone": user.phone,
    }


# --- The contract --------------------------------------------------------------------------------


def contract_queryset():
    return Contract.objects.select_related(
        "service__region",
        "service__territory",
        "case__graduate__service__region",
        "case__graduate__territory",
        "case__specialist",
        "created_by",
        "renewed_from",
    )


def contract_context(contract: Contract) -> dict[str, Any]:
    """The contract's fields (from ``contract_queryset()``): 1 query beyond the contract itself."""
    case = contract.case
    graduate = case.graduate
    level_change = (
        LevelChange.objects.filter(case=case, effective_from__lte=contract.starts_on)
        .select_related("level")
        .order_by("-effective_from", "-id")
        .first()
    )
    renewed = contract.renewed_from
    previous = _replaced_contract(contract) if renewed is None else None
    previous_moved = bool(previous and previous.terminated_at and previous.service_id != contract.service_id)
    return {
        **service_context(contract.service, contract.signed_at),
        **graduate_context(graduate, contract.signed_at),
        **staff_context("representative", contract.created_by or case.specialist),
        **staff_context("specialist", case.specialist),
        "contract_number": contract.number,
        "contract_date": fmt_date(contract.signed_at),
        "contract_date_long": long_date(contract.signed_at),
        "contract_year": contract.year,
        "contract_starts_on": fmt_date(contract.starts_on),
        "contract_ends_on": fmt_date(contract.ends_on),
        "contract_terminated_at": fmt_date(contract.terminated_at),
        "contract_termination_reason": contract.termination_reason,
        "help_agreed": lines(contract.help_agreed),
        "graduate_obligations": lines(contract.graduate_obligations),
        "termination_terms": lines(contract.termination_terms),
        "renewed_from_number": renewed.number if renewed else "",
        "renewed_from_date": fmt_date(renewed.signed_at) if renewed else "",
        # A new contract (not a renewal) after an earlier one of the case: ended on a move, or expired.
        "previous_contract_number": previous.number if previous else "",
        "previous_contract_date": fmt_date(previous.signed_at) if previous else "",
        "previous_service_name": previous.service.name
        if previous and previous.service_id != contract.service_id
        else "",
        "previous_ends_on": fmt_date(previous.ends_on) if previous else "",
        "previous_terminated_at": fmt_date(previous.terminated_at) if previous else "",
        "previous_moved": previous_moved,
        "support_level": level_change.level.name if level_change else "",
        "is_draft": False,
    }


def _replaced_contract(contract: Contract) -> Contract | None:
    """The case's contract this one follows when it is not a renewal: the latest that started
    before it (the one that ended on the graduate's move, or whose term ran out). One query."""
    if not contract.case_id:
        return None
    earlier = Contract.objects.filter(case_id=contract.case_id, starts_on__lt=contract.starts_on)
    if contract.pk:
        earlier = earlier.exclude(pk=contract.pk)
    return earlier.select_related("service").order_by("-starts_on", "-id").first()


# Lines to write in by hand on a printed draft (the measures of help and the obligations not agreed yet).
BLANK_ITEM = "_" * 70


def draft_contract(case: SupportCase, today: dt.date) -> Contract:
    """The contract the service proposes to sign, not saved: «проект договора» to print before signing.

    The term is proposed as signing would set it (a year from today, or from the day after the
    contract in force ends); the terms are those of the latest contract when there is one.
    """
    graduate = case.graduate
    latest = (
        Contract.objects.filter(case=case, terminated_at__isnull=True).order_by("-ends_on", "-id").first()
        if case.pk
        else None
    )
    starts_on = today
    if latest is not None and latest.ends_on >= today:
        starts_on = latest.ends_on + dt.timedelta(days=1)
    ends_on = _year_after(starts_on)
    return Contract(
        case=case,
        service=graduate.service,
        number="",
        year=today.year,
        signed_at=today,
        starts_on=starts_on,
        ends_on=ends_on,
        help_agreed=latest.help_agreed if latest else "",
        graduate_obligations=latest.graduate_obligations if latest else "",
        termination_terms=latest.termination_terms if latest else "",
        created_by=case.specialist,
    )


def _year_after(day: dt.date) -> dt.date:
    """The last day of a year-long term starting on ``day`` (as signing a contract counts it)."""
    return add_months(day, 12) - dt.timedelta(days=1)


def draft_contract_context(case: SupportCase) -> dict[str, Any]:
    """The contract template's fields for a draft: no number, no signing date, proposed term."""
    today = timezone.localdate()
    context = contract_context(draft_contract(case, today))
    context.update(
        {
            "is_draft": True,
            "contract_number": "________",
            "contract_date": "",
            "contract_date_long": long_date(None),
            "help_agreed": context["help_agreed"] or [BLANK_ITEM] * 3,
            "graduate_obligations": context["graduate_obligations"] or [BLANK_ITEM] * 2,
        }
    )
    return context


def draft_case_queryset():
    return SupportCase.objects.select_related(
        "specialist", "graduate__service__region", "graduate__service__territory", "graduate__territory"
    )


# --- The individual plan -------------------------------------------------------------------------


def plan_queryset():
    return SupportPlan.objects.select_related(
        "level",
        "approved_by",
        "created_by",
        "case__specialist",
        "case__graduate__service__region",
        "case__graduate__service__territory",
        "case__graduate__territory",
    ).prefetch_related(
        Prefetch("goals", queryset=PlanGoal.objects.select_related("domain").order_by("domain__order", "order", "id")),
        Prefetch(
            "measures",
            queryset=PlanMeasure.objects.select_related("domain").order_by("domain__order", "deadline", "id"),
        ),
    )


def _measure_row(number: int, measure: PlanMeasure, today: dt.date) -> dict[str, Any]:
    responsible = measure.get_responsible_display()
    if measure.responsible_name:
        responsible = f"{responsible} ({measure.responsible_name})"
    return {
        "n": number,
        "domain": measure.domain.name,
        "text": multiline(measure.text),
        "responsible": responsible,
        "deadline": fmt_date(measure.deadline),
        "status": measure.get_status_display(),
        "result": multiline(measure.result),
        "done_at": fmt_date(measure.done_at),
        "is_overdue": measure.is_overdue(today),
    }


def goals_by_domain(goals) -> list[dict[str, Any]]:
    grouped: dict[str, list[str]] = {}
    for goal in goals:
        grouped.setdefault(goal.domain.name, []).append(goal.text)
    return [{"domain": domain, "goals": texts, "text": "; ".join(texts)} for domain, texts in grouped.items()]


def plan_context(plan: SupportPlan) -> dict[str, Any]:
    """The plan (from ``plan_queryset()``): its goals by domain and its measures; 1 query more (the contract)."""
    case = plan.case
    graduate = case.graduate
    today = timezone.localdate()
    contract = Contract.objects.filter(case=case, starts_on__lte=plan.ends_on).order_by("-starts_on", "-id").first()
    measures = list(plan.measures.all())
    goals = list(plan.goals.all())
    return {
        **service_context(graduate.service, today),
        **graduate_context(graduate, today),
        **staff_context("specialist", case.specialist),
        **staff_context("approver", plan.approved_by),
        "plan_version": plan.version,
        "plan_status": plan.get_status_display(),
        "plan_is_approved": plan.status != SupportPlan.Status.DRAFT,
        "plan_starts_on": fmt_date(plan.starts_on),
        "plan_ends_on": fmt_date(plan.ends_on),
        "plan_level": plan.level.name if plan.level else "",
        "plan_level_period": plan.level.plan_period_months if plan.level else "",
        "plan_review_reason": plan.review_reason,
        "plan_approved_at": fmt_date(plan.approved_at),
        "plan_created_at": fmt_date(plan.created_at),
        "contract_number": contract.number if contract else "",
        "contract_date": fmt_date(contract.signed_at) if contract else "",
        "goals": [{"n": i, "domain": g.domain.name, "text": multiline(g.text)} for i, g in enumerate(goals, 1)],
        "goals_by_domain": goals_by_domain(goals),
        "measures": [_measure_row(i, m, today) for i, m in enumerate(measures, 1)],
        "measures_total": len(measures),
    }


# --- The social card -----------------------------------------------------------------------------


def social_card_queryset():
    return Graduate.objects.select_related("service__region", "service__territory", "territory").prefetch_related(
        "vulnerable_categories", "consents"
    )


def _latest_case(graduate: Graduate) -> SupportCase | None:
    """The open case, or else the latest one."""
    return (
        SupportCase.objects.filter(graduate=graduate)
        .select_related("specialist")
        .prefetch_related(
            Prefetch("contracts", queryset=Contract.objects.order_by("-starts_on", "-id")),
            Prefetch("level_changes", queryset=LevelChange.objects.select_related("level", "decided_by")),
        )
        .order_by(
            # the open case first (there is at most one), then the latest
            models.Case(
                models.When(status__in=SupportCase.OPEN_STATUSES, then=models.Value(0)), default=models.Value(1)
            ),
            "-identified_at",
            "-id",
        )
        .first()
    )


def _current_plan(case: SupportCase) -> SupportPlan | None:
    return (
        SupportPlan.objects.filter(case=case)
        .exclude(status=SupportPlan.Status.SUPERSEDED)
        .select_related("level")
        .prefetch_related(
            Prefetch("goals", queryset=PlanGoal.objects.select_related("domain").order_by("domain__order", "order")),
            Prefetch(
                "measures",
                queryset=PlanMeasure.objects.select_related("domain").order_by("domain__order", "deadline", "id"),
            ),
        )
        .order_by("-version")
        .first()
    )


def _support_context(case: SupportCase | None, today: dt.date) -> dict[str, Any]:
    if case is None:
        return {"has_case": False, "level_history": [], "plan_goals": [], "plan_measures": [], "last_contacts": []}
    contracts = list(case.contracts.all())
    contract = next((c for c in contracts if c.terminated_at is None), contracts[0] if contracts else None)
    changes = sorted(case.level_changes.all(), key=lambda c: (c.effective_from, c.pk))
    current_level = next((c.level for c in reversed(changes) if c.effective_from <= today), None)
    plan = _current_plan(case)
    measures = list(plan.measures.all()) if plan else []
    entries = (
        JournalEntry.objects.filter(case=case)
        .select_related("domain", "author")
        .order_by("-date", "-id")[:LAST_CONTACTS]
    )
    status_counts: dict[str, int] = {}
    for measure in measures:
        label = measure.get_status_display()
        status_counts[label] = status_counts.get(label, 0) + 1
    return {
        "has_case": True,
        "case_status": case.get_status_display(),
        "case_identified_at": fmt_date(case.identified_at),
        "case_identified_how": case.identified_how,
        "case_contact_at": fmt_date(case.contact_at),
        "case_activated_at": fmt_date(case.activated_at),
        "case_closed_at": fmt_date(case.closed_at),
        "case_close_reason": _display(case, "close_reason"),
        "case_specialist": case.specialist.short_name if case.specialist else "",
        "case_specialist_phone": case.specialist.phone if case.specialist else "",
        "current_level": current_level.name if current_level else "",
        "has_contract": contract is not None,
        "contract_number": contract.number if contract else "",
        "contract_date": fmt_date(contract.signed_at) if contract else "",
        "contract_starts_on": fmt_date(contract.starts_on) if contract else "",
        "contract_ends_on": fmt_date(contract.ends_on) if contract else "",
        "contract_terminated_at": fmt_date(contract.terminated_at) if contract else "",
        "level_history": [
            {
                "level": c.level.name,
                "effective_from": fmt_date(c.effective_from),
                "basis": c.get_basis_display(),
                "reason": multiline(c.reason),
                "decided_by": c.decided_by.short_name if c.decided_by else "",
            }
            for c in changes
        ],
        "has_plan": plan is not None,
        "plan_version": plan.version if plan else "",
        "plan_status": plan.get_status_display() if plan else "",
        "plan_level": plan.level.name if plan and plan.level else "",
        "plan_starts_on": fmt_date(plan.starts_on) if plan else "",
        "plan_ends_on": fmt_date(plan.ends_on) if plan else "",
        "plan_goals": goals_by_domain(plan.goals.all()) if plan else [],
        "plan_measures": [_measure_row(i, m, today) for i, m in enumerate(measures, 1)],
        "plan_measures_total": len(measures),
        "plan_measures_done": sum(m.status == PlanMeasure.Status.DONE for m in measures),
        "plan_measures_open": sum(m.status in PlanMeasure.OPEN_STATUSES for m in measures),
        "plan_measures_overdue": sum(m.is_overdue(today) for m in measures),
        "plan_measures_by_status": ", ".join(f"{label} — {n}" for label, n in status_counts.items()),
        "last_contacts": [
            {
                "date": fmt_date(e.date),
                "kind": e.get_kind_display(),
                "domain": e.domain.name if e.domain else "",
                "text": multiline(e.text),
                "result": multiline(e.result),
                "author": e.author.short_name if e.author else "",
            }
            for e in entries
        ],
    }


def social_card_context(graduate: Graduate) -> dict[str, Any]:
    """Everything the registry and the support case know of the graduate (from ``social_card_queryset()``).

    A fixed number of queries whatever the length of the history: the case with its contracts
    and level history, the current plan with its goals and measures, the last contacts.
    """
    today = timezone.localdate()
    consent = graduate.current_consent
    case = _latest_case(graduate)
    g = graduate
    return {
        **service_context(graduate.service, today),
        **graduate_context(graduate, today),
        "territory": g.territory.name,
        "identification_place": g.identification_place,
        "left_from_kind": _display(g, "left_from_kind"),
        "left_organisation": g.left_organisation,
        "left_at": fmt_date(g.left_at),
        "messengers": g.messengers,
        "marital_status": _display(g, "marital_status"),
        "children_count": g.children_count,
        "is_pregnant": yes_no(g.is_pregnant),
        "housing": _display(g, "housing"),
        "housing_right": yes_no(g.housing_right),
        "housing_on_list": yes_no(g.housing_on_list),
        "education": _display(g, "education"),
        "education_place": g.education_place,
        "employment": _display(g, "employment"),
        "employment_place": g.employment_place,
        "disability": _display(g, "disability"),
        "vulnerable_categories": ", ".join(c.name for c in g.vulnerable_categories.all()),
        "risk_factors": multiline(g.risk_factors),
        "notes": multiline(g.notes),
        "registered_at": fmt_date(g.created_at),
        "consent": (
            f"от {fmt_date(consent.given_at)} ({consent.get_given_by_display().lower()})"
            + (f", действует до {fmt_date(consent.valid_until)}" if consent.valid_until else "")
            if consent
            else "нет действующего согласия"
        ),
        **_support_context(case, today),
    }


# --- The relocation notice -----------------------------------------------------------------------


def transfer_queryset():
    return Transfer.objects.select_related(
        "from_service__region",
        "from_service__territory",
        "to_service__region",
        "started_by",
        "graduate__service__region",
        "graduate__territory",
        "case",
    )


def transfer_context(transfer: Transfer) -> dict[str, Any]:
    """The relocation notice (000 §3.2.7): the facts recorded when the transfer started (``Transfer.notice``)
    and the names of both services; no query beyond ``transfer_queryset()``."""
    notice = transfer.notice or {}
    graduate = transfer.graduate
    housing_right = notice.get("housing_right")
    # Notices recorded before the list status was part of them: the record's own value.
    on_list = notice.get("housing_on_list", graduate.housing_on_list)
    return {
        **service_context(transfer.from_service, transfer.started_at),
        **graduate_context(graduate, transfer.started_at),
        **staff_context("sender", transfer.started_by),
        # What the notice states is what was recorded when the transfer started.
        "notice_full_name": notice.get("full_name") or graduate.full_name,
        "notice_birth_date": notice.get("birth_date") or fmt_date(graduate.birth_date),
        "notice_status_category": notice.get("status_category", ""),
        "notice_legal_representative": notice.get("legal_representative", ""),
        "notice_identification_place": notice.get("identification_place", ""),
        "notice_housing": notice.get("housing", ""),
        "notice_housing_right": "" if housing_right is None else ("имеет" if housing_right else "не имеет"),
        "notice_housing_on_list": (
            sex_word(graduate, "включён", "включена") if on_list else sex_word(graduate, "не включён", "не включена")
        )
        + " в список детей-сирот и лиц из их числа, подлежащих обеспечению жилыми помещениями",
        "notice_phone": notice.get("phone", ""),
        "notice_support_status": notice.get("support_status", ""),
        "notice_support_level": notice.get("support_level", ""),
        "notice_contract": notice.get("contract", ""),
        "recommendations": lines(notice.get("recommendations") or transfer.recommendations),
        "from_service_name": transfer.from_service.name,
        "to_service_name": transfer.to_service.name if transfer.to_service else "",
        "to_name": transfer.to_service.name if transfer.to_service else transfer.to_external,
        "to_service_address": transfer.to_service.address if transfer.to_service else "",
        "is_external": transfer.to_service is None,
        "new_address": transfer.new_address,
        "moved_at": fmt_date(transfer.moved_at),
        "started_at": fmt_date(transfer.started_at),
        "notice_due": fmt_date(transfer.notice_due),
        "notice_sent_at": fmt_date(transfer.notice_sent_at),
        "transfer_status": transfer.get_status_display(),
    }


# --- File names ----------------------------------------------------------------------------------

_UNSAFE = str.maketrans({c: "-" for c in '/\\:*?"<>|'})


def file_name(kind: str, obj, graduate: Graduate) -> tuple[str, str]:
    """The Russian file name of a document and its plain-ASCII fallback."""
    who = graduate.full_name
    if kind == Kind.CONTRACT and isinstance(obj, SupportCase):
        name, ascii_name = f"Проект договора, {who}", f"contract-draft-{graduate.pk}"
    elif kind == Kind.CONTRACT:
        name, ascii_name = f"Договор № {obj.number}, {who}", f"contract-{obj.number}"
    elif kind == Kind.PLAN:
        name, ascii_name = f"Индивидуальный план (версия {obj.version}), {who}", f"plan-{graduate.pk}-v{obj.version}"
    elif kind == Kind.SOCIAL_CARD:
        name, ascii_name = f"Социальная карта, {who}", f"social-card-{graduate.pk}"
    else:
        name, ascii_name = f"Уведомление о смене места жительства, {who}", f"transfer-notice-{obj.pk}"
    name = " ".join(name.translate(_UNSAFE).split())
    ascii_name = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "-" for c in ascii_name)
    return f"{name}.docx", f"{ascii_name}.docx"
