"""Workflows of the registry: create, change and delete a graduate, record a consent.

Each runs in one transaction, checks the rules of the domain, and writes the audit
event (who, when, which fields, old and new values) in the same transaction.
"""

from __future__ import annotations

import datetime as dt
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
from opora.registry.similarity import names_alike
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

    ``reason``: "snils" (the same SNILS), "name_birth" (the same full name and birth date),
    "similar" (a name within a typo or two, opora.registry.similarity, and the same birth date).

    What the warning tells of the record depends on whether the user may see it anyway:
    a record within the user's scope is named (``full_name``, ``birth_date``, a link to the
    card); a record of another service never is. Of another service's record the warning
    names only the holding service for the same SNILS or the very same name and birth date
    (the user has typed them: nothing new is told), and not even that for a similar name,
    whose exact spelling the user does not know.
    """

    reason: str
    service_name: str
    graduate_id: int
    full_name: str = ""  # only when the user may see the record
    birth_date: dt.date | None = None

    @property
    def visible(self) -> bool:
        return bool(self.full_name)

    @property
    def message(self) -> str:
        if self.reason == "snils":
            return _(
                "Выпускник с таким СНИЛС уже есть в банке данных региона (служба: %(service)s). "
                "Если он переехал, попросите эту службу передать его вам."
            ) % {"service": self.service_name}
        if self.visible:
            facts = {
                "name": self.full_name,
                "date": self.birth_date.strftime("%d.%m.%Y") if self.birth_date else "",
                "service": self.service_name,
            }
            if self.reason == "name_birth":
                return (
                    _(
                        "В банке данных уже есть выпускник с такими ФИО и датой рождения: %(name)s, %(date)s "
                        "(служба: %(service)s). Проверьте, не тот ли это человек."
                    )
                    % facts
                )
            return (
                _(
                    "В банке данных уже есть выпускник с похожими ФИО и той же датой рождения: %(name)s, "
                    "%(date)s (служба: %(service)s). Проверьте, не тот ли это человек, записанный с опечаткой."
                )
                % facts
            )
        if self.reason == "name_birth":
            return _(
                "В банке данных региона уже есть выпускник с такими ФИО и датой рождения "
                "(служба: %(service)s). Проверьте, не тот ли это человек."
            ) % {"service": self.service_name}
        return _(
            "В другой службе региона уже есть выпускник с похожими ФИО и той же датой рождения. "
            "Проверьте написание ФИО; если это тот же человек, обратитесь к координатору службы "
            "или в региональный ресурсный центр — запись передадут, а не заведут заново."
        )

    def as_api(self) -> dict[str, Any]:
        """The candidate as the API tells it: the same facts as the page, no more."""
        return {
            "reason": self.reason,
            "message": self.message,
            "graduate": self.graduate_id if self.visible else None,
            "full_name": self.full_name or None,
            "service": self.service_name if self.visible or self.reason != "similar" else None,
        }


class DuplicateWarning(DomainError):
    """Records that may be the same person: the user confirms that this is someone else, or stops."""

    def __init__(self, duplicates: list[Duplicate]):
        super().__init__(duplicates[0].message, code="duplicate_name")
        self.duplicates = duplicates


# Candidates with one birth date that are compared by name (a region has a handful at most).
MAX_SAME_BIRTH_CANDIDATES = 200


def find_duplicates(
    *, region_id: int, data: dict[str, Any], exclude_id: int | None = None, user=None
) -> list[Duplicate]:
    """Records of the whole region with the same SNILS, or the same birth date and the same or
    a similar full name (a typo or two, words in any order, «ё» as «е»: names_alike).

    This is the one deliberate look across the scope. The candidates are found by the indexed
    SNILS and birth date, the names compared in Python, the same on SQLite and PostgreSQL.
    Which candidates the ``user`` may see anyway is asked of the scope, and only those are
    named (see :class:`Duplicate`).
    """
    found: list[Duplicate] = []
    base = Graduate.objects.filter(service__region_id=region_id).select_related("service")
    if exclude_id is not None:
        base = base.exclude(pk=exclude_id)
    digits = snils_digits(data.get("snils") or "")
    rows: list[tuple[str, Graduate]] = []
    if digits:
        rows += [("snils", g) for g in base.filter(snils_digits=digits)[:3]]
    key = normalize_name(" ".join(data.get(k) or "" for k in ("last_name", "first_name", "patronymic")))
    if key and data.get("birth_date"):
        taken = {g.pk for _reason, g in rows}
        for g in base.filter(birth_date=data["birth_date"]).exclude(pk__in=taken)[:MAX_SAME_BIRTH_CANDIDATES]:
            if g.search_name == key:
                rows.append(("name_birth", g))
            elif names_alike(key, g.search_name):
                rows.append(("similar", g))
    if not rows:
        return found
    visible = set()
    if user is not None:
        visible = set(
            Graduate.objects.restrict(user).filter(pk__in=[g.pk for _r, g in rows]).values_list("pk", flat=True)
        )
    order = {"snils": 0, "name_birth": 1, "similar": 2}
    for reason, g in sorted(rows, key=lambda row: (order[row[0]], row[1].pk not in visible, row[1].pk)):
        seen = g.pk in visible
        found.append(
            Duplicate(
                reason,
                g.service.display_name,
                g.pk,
                full_name=g.full_name if seen else "",
                birth_date=g.birth_date if seen else None,
            )
        )
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
    birth date and the same or a similar full name needs ``confirm_duplicate`` (it may be a
    namesake): without it :class:`DuplicateWarning` lists the candidates.
    """
    service = data["service"]
    _check_service(actor, service)
    check_age(service, data.get("birth_date"))
    duplicates = find_duplicates(region_id=service.region_id, data=data, user=actor)
    by_snils = [d for d in duplicates if d.reason == "snils"]
    if by_snils:
        raise DomainError(by_snils[0].message, field="snils", code="duplicate_snils")
    if duplicates and not confirm_duplicate:
        raise DuplicateWarning(duplicates)
    graduate = Graduate(**data)
    graduate.full_clean(exclude=["service", "territory"])
    graduate.save()
    graduate.vulnerable_categories.set(vulnerable_categories)
    changes = {
        k: [None, v] for k, v in audit.snapshot(graduate, HISTORY_FIELDS).items() if v not in (None, "", [], False)
    }
    if duplicates:
        changes.update(_confirmed(duplicates))
    audit.record(AuditEvent.Action.CREATE, request=request, actor=actor, obj=graduate, changes=changes)
    return graduate


def _confirmed(duplicates: list[Duplicate]) -> dict[str, list]:
    """The change log keeps that the user saved past a duplicate warning, and what it said."""
    return {"duplicate_confirmed": [None, " ".join(d.message for d in duplicates)]}


@transaction.atomic
def update_graduate(
    graduate: Graduate,
    *,
    actor,
    data: dict[str, Any],
    vulnerable_categories=None,
    expected_revision: int | None = None,
    confirm_details: bool = False,
    confirm_duplicate: bool = False,
    request=None,
) -> Graduate:
    """Change a graduate's record; the history keeps which fields changed, from what to what.

    ``confirm_details``: the user has checked the details a move makes doubtful (address,
    territory, housing, place of study) and the «сведения нужно подтвердить» mark is cleared
    in the same save, even when nothing else changed.

    A changed name or birth date that makes the record look like another one (the same birth
    date and the same or a similar name) needs ``confirm_duplicate``, as on entry.

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
    identity = ("last_name", "first_name", "patronymic", "birth_date")
    confirmed: dict[str, list] = {}
    if any(k in data and data[k] != getattr(locked, k) for k in identity):
        after = {k: data.get(k, getattr(locked, k)) for k in identity}
        alike = [
            d
            for d in find_duplicates(region_id=service.region_id, data=after, exclude_id=locked.pk, user=actor)
            if d.reason != "snils"
        ]
        if alike and not confirm_duplicate:
            raise DuplicateWarning(alike)
        confirmed = _confirmed(alike) if alike else {}
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
    audit.record(
        AuditEvent.Action.UPDATE, request=request, actor=actor, obj=locked, changes={**changes, **confirmed, **marker}
    )
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
