"""Workflows of the registry: create, change and delete a graduate, record a consent.

Each runs in one transaction, checks the rules of the domain, and writes the audit
event (who, when, which fields, old and new values) in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.core import audit
from opora.core.errors import DomainError
from opora.core.models import AuditEvent
from opora.core.validators import check_date
from opora.core.versioning import changed_fields, lock_for_edit, save_bumped
from opora.registry.models import Consent, Graduate, normalize_name
from opora.registry.validators import age_on, snils_digits

# Fields that the change history tracks (everything a person can edit).
HISTORY_FIELDS = [
    f.name
    for f in Graduate._meta.get_fields()
    if getattr(f, "editable", False)
    and f.concrete
    and f.name not in {"id", "search_name", "snils_digits", "created_at", "updated_at"}
] + ["vulnerable_categories"]
# What a change of the record writes to the history: the editable fields and the marks set by workflows.
TRACKED_FIELDS = [*HISTORY_FIELDS, "details_to_confirm"]
# What a receiving specialist confirms after a move (000 §3.2.7; the graduate's new situation).
DETAILS_AFTER_MOVE = [
    "actual_address",
    "territory",
    "housing",
    "housing_right",
    "housing_on_list",
    "education",
    "education_place",
]


@dataclass(frozen=True)
class Duplicate:
    """A record already in the region's registry that looks like the same person.

    Only the holding service is named: a foreign record's data is never revealed.
    """

    reason: str  # "snils" or "name_birth"
    service_name: str
    graduate_id: int

    @property
    def message(self) -> str:
        if self.reason == "snils":
            return _(
                "Выпускник с таким СНИЛС уже есть в банке данных региона (служба: %(service)s). "
                "Если он переехал, попросите эту службу передать его вам."
            ) % {"service": self.service_name}
        return _(
            "В банке данных региона уже есть выпускник с такими ФИО и датой рождения "
            "(служба: %(service)s). Проверьте, не тот ли это человек."
        ) % {"service": self.service_name}


def find_duplicates(*, region_id: int, data: dict[str, Any], exclude_id: int | None = None) -> list[Duplicate]:
    """Records of the whole region with the same SNILS, or the same full name and birth date.

    This is the one deliberate look across the scope: it returns only the holding
    service's name, never the record's data.
    """
    found: list[Duplicate] = []
    base = Graduate.objects.filter(service__region_id=region_id).select_related("service")
    if exclude_id is not None:
        base = base.exclude(pk=exclude_id)
    digits = snils_digits(data.get("snils") or "")
    if digits:
        found += [Duplicate("snils", g.service.display_name, g.pk) for g in base.filter(snils_digits=digits)[:3]]
    key = normalize_name(" ".join(data.get(k) or "" for k in ("last_name", "first_name", "patronymic")))
    if key and data.get("birth_date"):
        same = base.filter(search_name=key, birth_date=data["birth_date"]).exclude(
            pk__in=[d.graduate_id for d in found]
        )
        found += [Duplicate("name_birth", g.service.display_name, g.pk) for g in same[:3]]
    return found


def check_age(service, birth_date) -> None:
    """A graduate's age today must be within the service's age range (e.g. 15–23)."""
    if birth_date is None:
        return
    age = age_on(birth_date, timezone.localdate())
    if not service.age_min <= age <= service.age_max:
        raise DomainError(
            _("Возраст %(age)s не входит в диапазон службы «%(service)s»: от %(min)s до %(max)s лет.")
            % {"age": age, "service": service.display_name, "min": service.age_min, "max": service.age_max},
            field="birth_date",
        )


def _check_service(actor, service) -> None:
    from opora.org.models import Service

    if not Service.objects.assignable_by(actor).filter(pk=service.pk).exists():
        raise DomainError(_("Нельзя внести выпускника в чужую службу."), field="service")


@transaction.atomic
def create_graduate(
    *, actor, data: dict[str, Any], vulnerable_categories=(), confirm_duplicate: bool = False, request=None
) -> Graduate:
    """Enter a graduate into the registry of ``data["service"]``.

    A graduate with the same SNILS anywhere in the region is refused; one with the same
    full name and birth date needs ``confirm_duplicate`` (it may be a namesake).
    """
    service = data["service"]
    _check_service(actor, service)
    check_age(service, data.get("birth_date"))
    duplicates = find_duplicates(region_id=service.region_id, data=data)
    by_snils = [d for d in duplicates if d.reason == "snils"]
    if by_snils:
        raise DomainError(by_snils[0].message, field="snils", code="duplicate_snils")
    if duplicates and not confirm_duplicate:
        raise DomainError(duplicates[0].message, code="duplicate_name")
    graduate = Graduate(**data)
    graduate.full_clean(exclude=["service", "territory"])
    graduate.save()
    graduate.vulnerable_categories.set(vulnerable_categories)
    audit.record(
        AuditEvent.Action.CREATE,
        request=request,
        actor=actor,
        obj=graduate,
        changes={
            k: [None, v] for k, v in audit.snapshot(graduate, HISTORY_FIELDS).items() if v not in (None, "", [], False)
        },
    )
    return graduate


@transaction.atomic
def update_graduate(
    graduate: Graduate,
    *,
    actor,
    data: dict[str, Any],
    vulnerable_categories=None,
    expected_revision: int | None = None,
    confirm_details: bool = False,
    request=None,
) -> Graduate:
    """Change a graduate's record; the history keeps which fields changed, from what to what.

    ``confirm_details``: the user has checked the details a move makes doubtful (address,
    territory, housing, place of study) and the «сведения нужно подтвердить» mark is cleared
    in the same save, even when nothing else changed.

    ``expected_revision`` is the revision the user started from: when someone saved the
    record since, the save is refused with :class:`~opora.core.versioning.StaleEdit`
    naming their changes. Only the fields that differ from the row as locked now are
    written, and the history is computed from that row, so it always equals the data.
    """
    locked = lock_for_edit(Graduate.objects.all(), graduate.pk, expected_revision)
    before = audit.snapshot(locked, TRACKED_FIELDS)
    if confirm_details and locked.details_to_confirm:
        data = {**data, "details_to_confirm": False}
    if "service" in data and data["service"].pk != locked.service_id:
        _check_service(actor, data["service"])
    service = data.get("service", locked.service)
    if "birth_date" in data and data["birth_date"] != locked.birth_date:
        check_age(service, data["birth_date"])
    if "snils" in data and snils_digits(data["snils"] or "") != locked.snils_digits:
        dup = [
            d
            for d in find_duplicates(region_id=service.region_id, data={"snils": data["snils"]}, exclude_id=locked.pk)
            if d.reason == "snils"
        ]
        if dup:
            raise DomainError(dup[0].message, field="snils", code="duplicate_snils")
    changed = changed_fields(locked, data)
    categories = None
    if vulnerable_categories is not None:
        categories = {c.pk for c in vulnerable_categories}
        if categories == set(locked.vulnerable_categories.values_list("pk", flat=True)):
            categories = None
    if not changed and categories is None:
        return locked
    for name in changed:
        setattr(locked, name, data[name])
    locked.full_clean(exclude=["service", "territory"])
    marker = save_bumped(locked, changed)
    if categories is not None:
        locked.vulnerable_categories.set(categories)
    changes = audit.diff(before, audit.snapshot(locked, TRACKED_FIELDS))
    audit.record(AuditEvent.Action.UPDATE, request=request, actor=actor, obj=locked, changes={**changes, **marker})
    # The caller's copy shows what was saved, as before.
    for name in changed:
        setattr(graduate, name, getattr(locked, name))
    graduate.revision = locked.revision
    return locked


@transaction.atomic
def delete_graduate(graduate: Graduate, *, actor, request=None) -> None:
    """Remove a record entered by mistake; the audit log keeps what it held."""
    audit.record(
        AuditEvent.Action.DELETE,
        request=request,
        actor=actor,
        obj=graduate,
        changes={
            k: [v, None] for k, v in audit.snapshot(graduate, HISTORY_FIELDS).items() if v not in (None, "", [], False)
        },
    )
    graduate.delete()


@transaction.atomic
def record_consent(graduate: Graduate, *, actor, data: dict[str, Any], request=None) -> Consent:
    """Record a written consent to personal-data processing."""
    consent = Consent(graduate=graduate, recorded_by=actor, **data)
    consent.full_clean(exclude=["graduate"])
    if consent.valid_until and consent.valid_until < consent.given_at:
        raise DomainError(
            _("Срок действия согласия не может закончиться раньше даты его подписания."), field="valid_until"
        )
    consent.save()
    audit.record(
        AuditEvent.Action.CREATE,
        request=request,
        actor=actor,
        obj=graduate,
        changes={"consent": [None, str(consent)], "consent_scope": [None, consent.scope]},
    )
    return consent


@transaction.atomic
def withdraw_consent(consent: Consent, *, actor, on, request=None) -> Consent:
    """Mark a consent as withdrawn on ``on`` (the row is locked, so it is withdrawn once)."""
    consent = Consent.objects.select_for_update(of=("self",)).select_related("graduate").get(pk=consent.pk)
    if consent.withdrawn_at:
        raise DomainError(_("Это согласие уже отозвано."))
    check_date(on, field="withdrawn_at")
    if on < consent.given_at:
        raise DomainError(_("Согласие не может быть отозвано раньше, чем дано."), field="withdrawn_at")
    consent.withdrawn_at = on
    marker = save_bumped(consent, ["withdrawn_at"])
    audit.record(
        AuditEvent.Action.UPDATE,
        request=request,
        actor=actor,
        obj=consent.graduate,
        changes={"consent_withdrawn": [None, on.isoformat()], **marker},
    )
    return consent
