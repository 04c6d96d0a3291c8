"""Demo data of the assessment and the consilium for the demo region (``load``, issue 8 point 10).

``manage.py load_demo`` calls it after the support part (opora.demo.support). On the region's
cases on support it builds, in one transaction and with ``bulk_create``:

* **Quarterly assessments** for every quarter a case was on support, from the quarter two years
  before as-of to the current one (opora.demo.quarters.window): in a past quarter before the
  service's consilium (the 25th of its last month) when the case was on support by then, in the
  current quarter for only a part of the cases — more the later in the quarter — so that the
  rhythm has graduates «due». A few graduates miss a past quarter, and a few the previous one and
  are not yet assessed in this one («overdue»). The scores follow the level in force (the level
  the quarter's consilium set): an intensive level has a domain at 4 or two at 3, a monitoring one
  mostly 0–1, so that the region's rule (opora.assessment.models.LevelRule) suggests that level —
  except for about one assessment in eight, whose suggestion the consilium overrode with a reason.
  The difficulties come from the region's catalogue in the proportions of seed 003's table,
  weighted by the graduate's registry record; they persist or are overcome from quarter to quarter
  (more persist at an intensive level) and are found again now and then. Their statuses — new,
  persisting, closed — are computed as ``opora.assessment.services.restatus_from`` computes them
  (:func:`statuses`; a test recomputes them with the service). Most assessments carry the
  graduate's own ratings; a few were corrected (the original kept, replaced by the correction).
* **Monitoring** (seed 001, 000) every half-year with the assessment of the half's last quarter
  for most graduates.
* **Consilia.** Per service and past quarter a quarterly consilium, held on its day, deciding on
  the graduates assessed in the quarter by then: the levels the support part's level history
  moved on that day («Решение консилиума») are its decisions — the existing ``LevelChange`` rows are
  linked to them, and carry the consilium's protocol in their reason — the others kept. Cases put
  on support in the last 100 days had their level set provisionally at signing and confirmed by a
  primary consilium a few days after their first assessment (the 10th or the 25th of a month), the
  last one or two of service 1 still waiting for it («ждут консилиума»). This quarter's consilium of
  service 1 is prepared for today, for coordinator1 to hold: the graduates assessed this quarter
  are added through the consilium service (``add_graduates``, with its draft decisions).
* **Life events** with their reassessment tasks: most done by an extraordinary assessment that
  finds the difficulty the event brought, a few open (one of specialist1's, due in 10 days), one
  cancelled.

specialist1's showcase is constructed: exactly :data:`SHOWCASE_OVERDUE` overdue graduates, at least
:data:`SHOWCASE_MIN_DUE` due and as many assessed this quarter, one open task. Every date is
counted from ``--as-of``; deterministic for a given as-of (``random.Random(SEED)``). Running it again
adds nothing when the region already has assessments.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.management.base import OutputWrapper
from django.core.management.color import Style
from django.db import transaction
from django.db.models import Count, F
from django.utils.translation import gettext as _

from opora.assessment import consilium as consilium_services
from opora.assessment import rhythm
from opora.assessment.models import (
    Assessment,
    AssessmentDifficulty,
    AssessmentDomain,
    AssessmentTask,
    Consilium,
    ConsiliumDecision,
    ConsiliumRecommendation,
    DifficultyType,
    LevelRule,
    LifeEvent,
    Monitoring,
    half_of,
    quarter_bounds,
)
from opora.assessment.services import setup_region_assessment
from opora.core.roles import Role
from opora.demo import assessment_texts as T
from opora.demo.quarters import consilium_day, window
from opora.demo.region import as_of_moment, birthday
from opora.org.models import Region, Service, User
from opora.support.models import Domain, LevelChange, SupportCase, SupportLevel, SupportPlan, Transfer

SEED = 2032
BATCH_SIZE = 1000
DAY = dt.timedelta(days=1)
Status = AssessmentDifficulty.Status
Basis = LevelChange.Basis

# How many difficulties the first assessment finds, by tier (0 — the most intensive level).
FIRST_FOUND = ((3, 5), (2, 4), (0, 2))
# The chance that a difficulty found last time persists, and the new ones a quarter brings, by tier.
KEEP = (0.8, 0.7, 0.5)
NEW_PER_QUARTER = (0.6, 0.35, 0.15)
TYPED_SHARE = 0.03  # of the new difficulties: typed, not from the catalogue
OFF_RULE = 0.12  # of the assessments: the rule suggests another level than the consilium keeps
OWN_RATING = 0.85  # of the assessments: with the graduate's own ratings
CURRENT_QUARTER = (0.1, 0.8)  # assessed this quarter: 10 % on its first day, 90 % on its last
SKIP_OLD, OVERDUE = 0.03, 0.02  # cases missing a past quarter; missing the previous one, not yet assessed
CORRECTED = 0.005  # of the past quarterly assessments
MONITORED = 0.88  # of the half-years
EVENTS = 0.03  # of the cases on support in the window: a life event with an extraordinary assessment
OPEN_TASKS = 2  # besides specialist1's: open tasks of other graduates (one of them late)
RECENT_DAYS = 100  # cases put on support this recently: provisional level, primary consilium
STILL_PROVISIONAL = 2  # of service 1's recent cases: the last ones, still waiting for the primary consilium
SHOWCASE_OVERDUE = 2
SHOWCASE_MIN_DUE = 3
SPECIALIST1_TASK_DAYS = 4  # specialist1's open task: an event this many days before as-of


def statuses(previous_found: dict[str, dict], found: list[dict]) -> tuple[list[str], list[dict]]:
    """The statuses of an assessment's ``found`` difficulties against the previous current assessment's
    found ones (by key), and the closed rows — exactly as ``services.restatus_from`` writes them: a
    difficulty found last time too persists, else it is new; each found last time and not now is a
    closed row of this assessment."""
    keys = {d["key"] for d in found}
    status = [Status.PERSISTING if d["key"] in previous_found else Status.NEW for d in found]
    closed = [d for key, d in previous_found.items() if key not in keys]
    return status, closed


@dataclass
class Planned:
    """An assessment to write: its date and kind, then what the builder fills in."""

    case: SupportCase
    day: dt.date
    kind: str = Assessment.Kind.QUARTERLY
    quarter: tuple[int, int] = (0, 0)
    event: dict | None = None  # the life event an extraordinary assessment answers
    tier: int = 2
    service_id: int | None = None
    author_id: int | None = None
    severities: dict[int, int] = field(default_factory=dict)  # domain id -> score
    found: list[dict] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    closed: list[dict] = field(default_factory=list)
    suggested: SupportLevel | None = None
    row: Assessment | None = None
    original: Planned | None = None  # a corrected assessment: what it replaced


class Builder:
    """Builds the assessments and consilia of the demo region in memory, then saves them."""

    def __init__(self, region: Region, today: dt.date):
        self.region, self.today = region, today
        self.now = as_of_moment(today)
        self.rng = random.Random(SEED)
        self.quarters = window(today)
        self.current = self.quarters[-1]
        self.window_first = quarter_bounds(*self.quarters[0])[0]
        levels = sorted(SupportLevel.objects.filter(region=region, is_active=True), key=lambda lv: (lv.order, lv.pk))
        self.levels = levels
        self.tier_of = {lv.pk: (0 if i == 0 else 2 if i == len(levels) - 1 else 1) for i, lv in enumerate(levels)}
        self.by_tier = {0: levels[0], 1: levels[min(1, len(levels) - 1)], 2: levels[-1]}
        self.level_by_pk = {lv.pk: lv for lv in levels}
        self.rules = list(LevelRule.objects.filter(region=region, is_active=True).select_related("level"))
        self.lightest = max(levels, key=lambda lv: (lv.order, lv.pk))
        self.domains = list(Domain.objects.filter(region=region, is_active=True).order_by("order", "name"))
        self.domain_order = {d.pk: n for n, d in enumerate(self.domains)}
        self.domain_by_name = {d.name: d for d in self.domains}
        self.catalogue: dict[int, list[DifficultyType]] = defaultdict(list)
        for kind in DifficultyType.objects.filter(region=region, is_active=True, domain__in=self.domains):
            self.catalogue[kind.domain_id].append(kind)
        self.type_by_name = {t.name: t for types in self.catalogue.values() for t in types}
        self.services = {
            s.pk: s for s in Service.objects.filter(region=region, kind=Service.Kind.MUNICIPAL).order_by("pk")
        }
        self.staff: dict[int, list[User]] = defaultdict(list)
        self.users: dict[int, str] = {}
        for user in User.objects.filter(
            service__in=list(self.services), is_active=True, role__in=(Role.SPECIALIST, Role.COORDINATOR)
        ).order_by("username"):
            self.staff[user.service_id].append(user)
            self.users[user.pk] = user.short_name
        demo = {u.username: u for u in User.objects.filter(username__in=("specialist1", "coordinator1"))}
        self.specialist1, self.coordinator1 = demo.get("specialist1"), demo.get("coordinator1")
        self.service1 = self.specialist1.service_id if self.specialist1 else None
        self.cases = list(
            SupportCase.objects.filter(
                graduate__service__region=region, activated_at__isnull=False, activated_at__lte=today
            )
            .exclude(closed_at__lte=self.window_first)
            .select_related("graduate")
            .prefetch_related("graduate__vulnerable_categories")
            .order_by("pk")
        )
        ids = [c.pk for c in self.cases]
        self.changes: dict[int, list[LevelChange]] = defaultdict(list)
        for change in LevelChange.objects.filter(case__in=ids).order_by("effective_from", "id"):
            self.changes[change.case_id].append(change)
        self.moves = {
            t.case_id: t
            for t in Transfer.objects.filter(case__in=ids, status=Transfer.Status.ACCEPTED, to_service__isnull=False)
        }
        self.plans: dict[int, list[SupportPlan]] = defaultdict(list)
        for plan in SupportPlan.objects.filter(case__in=ids).order_by("version"):
            self.plans[plan.case_id].append(plan)
        # What is built.
        self.planned: dict[int, list[Planned]] = defaultdict(list)  # by case
        self.events: list[dict] = []
        self.monitorings: list[Monitoring] = []
        self.consilia: list[dict] = []
        self.new_changes: list[LevelChange] = []
        self.changed: list[LevelChange] = []
        self.prepared: Consilium | None = None
        self.eligible: dict[tuple[int, int], list[DifficultyType]] = {}

    # --- small pieces -------------------------------------------------------------------------------
    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def day(self, lo: dt.date, hi: dt.date) -> dt.date:
        return lo + dt.timedelta(days=self.rng.randint(0, max((hi - lo).days, 0)))

    def moment(self, day: dt.date) -> dt.datetime:
        return min(as_of_moment(day), self.now)

    @staticmethod
    def on_support(case: SupportCase, day: dt.date) -> bool:
        return case.activated_at <= day and (case.closed_at is None or case.closed_at > day)

    def last_day(self, case: SupportCase, last: dt.date) -> dt.date:
        """The last day up to ``last`` the case is on support (closed_at is the first day off it)."""
        return min(last, self.today, case.closed_at - DAY) if case.closed_at else min(last, self.today)

    def change_on(self, case: SupportCase, day: dt.date) -> LevelChange | None:
        current = None
        for change in self.changes[case.pk]:
            if change.effective_from <= day:
                current = change
        return current

    def service_on(self, case: SupportCase, day: dt.date) -> int:
        move = self.moves.get(case.pk)
        return move.from_service_id if move and day < move.accepted_at else case.graduate.service_id

    def author_on(self, case: SupportCase, day: dt.date) -> int | None:
        move = self.moves.get(case.pk)
        return move.started_by_id if move and day < move.accepted_at else case.specialist_id

    def suggest(self, severities: list[int]) -> SupportLevel:
        """``opora.assessment.models.suggest_level`` on the rules read once."""
        return next((rule.level for rule in self.rules if rule.holds(severities)), self.lightest)

    def is_recent(self, case: SupportCase) -> bool:
        return case.activated_at > self.today - dt.timedelta(days=RECENT_DAYS)

    def consilium_changes(self, case: SupportCase) -> dict[tuple[int, int], LevelChange]:
        """The case's level changes decided at a quarterly consilium of the window, by quarter."""
        out = {}
        for change in self.changes[case.pk]:
            if change.basis == Basis.CONSILIUM:
                year, quarter = change.effective_from.year, (change.effective_from.month - 1) // 3 + 1
                if change.effective_from == consilium_day(year, quarter):
                    out[(year, quarter)] = change
        return out

    # --- the plan of assessments ---------------------------------------------------------------------
    def build(self) -> None:
        self.schedule()
        self.skip_quarters()
        self.showcase_current()
        self.life_events()
        for case in self.cases:
            self.planned[case.pk].sort(key=lambda p: p.day)
            self.fill(case)
        self.correct()
        self.monitor()
        self.primary_consilia()
        self.quarterly_consilia()

    def schedule(self) -> None:
        """A quarterly assessment for each quarter of the window the case was on support."""
        today, rng = self.today, self.rng
        first_now, last_now = quarter_bounds(*self.current)
        elapsed = (today - first_now).days / max((last_now - first_now).days, 1)
        share_now = CURRENT_QUARTER[0] + (CURRENT_QUARTER[1] - CURRENT_QUARTER[0]) * elapsed
        for case in self.cases:
            for key in self.quarters:
                first, last = quarter_bounds(*key)
                lo, hi = max(first, case.activated_at), self.last_day(case, last)
                if lo > hi:
                    continue
                if case.activated_at >= first:  # the first quarter: assessed a few days after the contract
                    early = min(hi, case.activated_at + dt.timedelta(days=rng.randint(1, 5)))
                else:
                    early = min(hi, first + dt.timedelta(days=rng.randint(4, 12)))
                if key == self.current:
                    # A case just put on support is assessed for its primary consilium.
                    if not (self.is_recent(case) and case.activated_at >= first) and not self.chance(share_now):
                        continue
                    day = self.day(early, hi)
                else:
                    late = min(hi, consilium_day(*key) - 2 * DAY)
                    day = self.day(early, late) if early <= late else self.day(early, hi)
                self.planned[case.pk].append(Planned(case, day, quarter=key))

    def eligible_overdue(self, case: SupportCase) -> bool:
        """On support today and during the whole previous quarter (rhythm's «missed quarter»)."""
        if len(self.quarters) < 2:
            return False
        first, last = quarter_bounds(*self.quarters[-2])
        return (
            self.on_support(case, self.today)
            and case.activated_at <= first
            and self.quarters[-2] not in self.consilium_changes(case)
            and any(p.quarter == self.quarters[-2] for p in self.planned[case.pk])
        )

    def skip_quarters(self) -> None:
        """A few graduates missed an earlier quarter; a few the previous one and are not yet assessed now."""
        mine = [c for c in self.cases if self.is_specialist1(c) and self.eligible_overdue(c)]
        overdue = set(c.pk for c in mine[:SHOWCASE_OVERDUE])
        for case in self.cases:
            planned = self.planned[case.pk]
            if not self.is_specialist1(case) and self.eligible_overdue(case) and self.chance(OVERDUE):
                overdue.add(case.pk)
            if case.pk in overdue:
                self.planned[case.pk] = [p for p in planned if p.quarter not in self.quarters[-2:]]
                continue
            changed = self.consilium_changes(case)
            # Not the first nor the last two (the previous quarter is the rhythm's, the current one
            # decided above), not one whose consilium moved the level.
            old = [p for p in planned[1:] if p.quarter in self.quarters[:-2] and p.quarter not in changed]
            if old and self.chance(SKIP_OLD):
                planned.remove(self.rng.choice(old))
        self.overdue = overdue

    def is_specialist1(self, case: SupportCase) -> bool:
        return self.specialist1 is not None and case.specialist_id == self.specialist1.pk and case.closed_at is None

    def showcase_current(self) -> None:
        """specialist1 has some graduates assessed this quarter and some still due."""
        mine = [
            c
            for c in self.cases
            if self.is_specialist1(c) and c.pk not in self.overdue and self.on_support(c, self.today)
        ]
        assessed = [c for c in mine if any(p.quarter == self.current for p in self.planned[c.pk])]
        due = [c for c in mine if c not in assessed]
        first = quarter_bounds(*self.current)[0]
        while len(assessed) < SHOWCASE_MIN_DUE and len(due) > SHOWCASE_MIN_DUE:
            case = due.pop()
            lo = max(first, case.activated_at)
            self.planned[case.pk].append(Planned(case, self.day(lo, self.today), quarter=self.current))
            assessed.append(case)
        while len(due) < SHOWCASE_MIN_DUE and len(assessed) > SHOWCASE_MIN_DUE:
            case = assessed.pop()
            self.planned[case.pk] = [p for p in self.planned[case.pk] if p.quarter != self.current]
            due.append(case)

    # --- life events --------------------------------------------------------------------------------
    def event_kinds(self, case: SupportCase, lo: dt.date, hi: dt.date) -> list[tuple[str, dt.date | None]]:
        g = case.graduate
        codes = {c.code for c in g.vulnerable_categories.all()}
        kinds: list[tuple[str, dt.date | None]] = [("job_lost", None), ("housing_lost", None)]
        if g.education in ("vocational", "school", "higher"):
            kinds += [("expelled", None), ("left_college", None)]
        if g.sex == "female":
            kinds.append(("child_born", None))
        elif 18 <= g.age_on(hi) <= 27:
            kinds += [("army_callup", None), ("army_return", None)]
        if "released_from_prison" in codes:
            kinds.append(("custody_release", None))
        adult = birthday(g.birth_date, rhythm.ADULT_AGE)
        if lo <= adult <= hi:
            kinds.append(("turned_18", adult))
        return kinds

    def add_event(self, case: SupportCase, kind: str, occurred: dt.date, *, status: str, assess_on=None) -> None:
        note, domain, difficulty = T.LIFE_EVENTS.get(kind, ("", None, None))
        event = {
            "case": case,
            "kind": kind,
            "occurred_on": occurred,
            "note": note,
            "domain": domain,
            "difficulty": difficulty,
            "status": status,
            "due_on": occurred + dt.timedelta(days=14),
            "recorded": min(self.today, occurred + dt.timedelta(days=self.rng.randint(0, 2))),
            "author_id": self.author_on(case, occurred),
            "assessment": None,
        }
        self.events.append(event)
        if assess_on is not None:
            planned = Planned(case, assess_on, kind=Assessment.Kind.EXTRAORDINARY, event=event)
            planned.quarter = (assess_on.year, (assess_on.month - 1) // 3 + 1)
            event["assessment"] = planned
            self.planned[case.pk].append(planned)

    def free_day(self, case: SupportCase, lo: dt.date, hi: dt.date) -> dt.date | None:
        """A day in [lo, hi] on support with no other assessment of the case."""
        taken = {p.day for p in self.planned[case.pk]}
        days = [lo + dt.timedelta(days=n) for n in range((hi - lo).days + 1)]
        free = [d for d in days if d not in taken and self.on_support(case, d)]
        return self.rng.choice(free) if free else None

    def life_events(self) -> None:
        today, rng = self.today, self.rng
        busy = set(self.overdue)
        # specialist1's open task: an event a few days ago, due in ten days.
        mine = [c for c in self.cases if self.is_specialist1(c) and c.pk not in busy]
        mine = [c for c in mine if c.activated_at <= today - dt.timedelta(days=30)]
        if mine:
            case = mine[len(mine) // 2]
            occurred = today - dt.timedelta(days=SPECIALIST1_TASK_DAYS)
            kinds = [k for k, on in self.event_kinds(case, occurred, occurred) if on is None]
            self.add_event(case, rng.choice(kinds), occurred, status=AssessmentTask.Status.OPEN)
            busy.add(case.pk)
        others = [
            c
            for c in self.cases
            if c.pk not in busy and not self.is_specialist1(c) and c.activated_at <= today - dt.timedelta(days=60)
        ]
        on_support = [c for c in others if self.on_support(c, today)]
        for n, case in enumerate(rng.sample(on_support, min(OPEN_TASKS + 1, len(on_support)))):
            occurred = today - dt.timedelta(days=(20 if n == 0 else rng.randint(2, 10)))
            kinds = [k for k, on in self.event_kinds(case, occurred, occurred) if on is None]
            status = AssessmentTask.Status.CANCELLED if n == OPEN_TASKS else AssessmentTask.Status.OPEN
            self.add_event(case, rng.choice(kinds), occurred, status=status)
            busy.add(case.pk)
        for case in others:
            if case.pk in busy or not self.chance(EVENTS):
                continue
            lo = max(case.activated_at + dt.timedelta(days=10), self.window_first)
            hi = min(today - dt.timedelta(days=15), self.last_day(case, today) - dt.timedelta(days=2))
            if lo > hi:
                continue
            kind, on = rng.choice(self.event_kinds(case, lo, hi))
            occurred = on or self.day(lo, hi)
            assess_on = self.free_day(
                case, occurred + dt.timedelta(days=2), min(occurred + dt.timedelta(days=12), self.today)
            )
            if assess_on is not None:
                self.add_event(case, kind, occurred, status=AssessmentTask.Status.DONE, assess_on=assess_on)

    # --- the content of the assessments --------------------------------------------------------------
    def weights(self, case: SupportCase) -> dict[int, float]:
        """How likely a new difficulty of the graduate is in each domain: seed 003's counts, weighted by
        the registry record."""
        g = case.graduate
        codes = {c.code for c in g.vulnerable_categories.all()}
        factor = {
            T.LEGAL: 2.5 if not g.snils or not g.id_document else 1.1,
            T.EDUCATION: 2.0 if g.education in ("vocational", "school", "expelled", "not_studying") else 0.8,
            T.HOUSING: 1.9 if g.housing in ("none", "social_hotel", "relatives", "queue", "rented") else 0.7,
            T.INCOME: 1.2,
            T.WORK: 2.2 if g.employment in ("looking", "unemployed") else 0.9,
            T.BEHAVIOUR: 2.5 if codes & {"antisocial_behaviour", "released_from_prison"} or g.risk_factors else 0.9,
            T.CHILDREN: 8 if g.children_count or g.is_pregnant else (0.8 if g.sex == "female" else 0.1),
            T.ARMY: 3.2 if g.sex == "male" and 17 <= g.age_on(self.today) <= 22 else 0,
            T.OTHER: 3.5 if g.disability != "none" else 1.3,
        }
        out = {}
        for domain in self.domains:
            weight = T.FOUND_BY_DOMAIN.get(domain.name, 100) * factor.get(domain.name, 1)
            if weight and self.eligible_types(case, domain.pk):
                out[domain.pk] = weight
        return out

    def eligible_types(self, case: SupportCase, domain_id: int) -> list[DifficultyType]:
        key = (case.pk, domain_id)
        if key not in self.eligible:
            self.eligible[key] = self.eligible_of(case, domain_id)
        return self.eligible[key]

    def eligible_of(self, case: SupportCase, domain_id: int) -> list[DifficultyType]:
        """The catalogue's difficulties of a domain that may be the graduate's."""
        g = case.graduate
        codes = {c.code for c in g.vulnerable_categories.all()}
        out = []
        for kind in self.catalogue.get(domain_id, ()):
            if kind.name in T.FEMALE_ONLY and g.sex != "female":
                continue
            if kind.name in T.RELEASED_ONLY and "released_from_prison" not in codes:
                continue
            out.append(kind)
        return out

    def new_difficulty(self, case: SupportCase, active: dict[str, dict], weights: dict[int, float]) -> None:
        rng = self.rng
        domains = [pk for pk in weights if any(f"t{t.pk}" not in active for t in self.eligible_types(case, pk))]
        if not domains:
            return
        domain_id = rng.choices(domains, weights=[weights[pk] for pk in domains])[0]
        name = next(d.name for d in self.domains if d.pk == domain_id)
        typed = [t for t in T.TYPED.get(name, ()) if AssessmentDifficulty.key_for(None, t) not in active]
        if typed and self.chance(TYPED_SHARE):
            text = rng.choice(typed)
            key = AssessmentDifficulty.key_for(None, text)
            active[key] = {"key": key, "domain_id": domain_id, "type_id": None, "text": text, "name": text}
            return
        kind = rng.choice([t for t in self.eligible_types(case, domain_id) if f"t{t.pk}" not in active])
        self.add_type(active, kind)

    @staticmethod
    def add_type(active: dict[str, dict], kind: DifficultyType) -> None:
        key = AssessmentDifficulty.key_for(kind.pk)
        active[key] = {"key": key, "domain_id": kind.domain_id, "type_id": kind.pk, "text": "", "name": kind.name}

    def target_tier(self, planned: Planned) -> int:
        """The tier of the level the consilium kept or set after this assessment (before an override)."""
        case, day = planned.case, planned.day
        if planned.kind == Assessment.Kind.QUARTERLY and planned.quarter != self.current:
            held = consilium_day(*planned.quarter)
            if day <= held:
                day = min(held, self.last_day(case, held))
        change = self.change_on(case, day)
        tier = self.tier_of.get(change.level_id, 2) if change else 2
        if self.chance(OFF_RULE):
            tier = min(2, max(0, tier + self.rng.choice((-1, 1))))
        return tier

    def score(self, active: dict[str, dict], tier: int, quiet: frozenset[int] = frozenset()) -> dict[int, int]:
        """Scores per domain that the region's rule turns into ``tier``'s level (the default rule);
        the ``quiet`` domains (the army for a young woman) get no stray small score."""
        rng = self.rng
        count = Counter(d["domain_id"] for d in active.values())
        troubled = sorted(count, key=lambda pk: (-count[pk], self.domain_order[pk]))
        scores = {d.pk: 0 for d in self.domains}
        for pk in troubled:
            scores[pk] = 1
        if tier == 0 and troubled:
            if len(troubled) >= 2 and self.chance(0.5):
                scores[troubled[0]] = scores[troubled[1]] = 3
                for pk in troubled[2:]:
                    scores[pk] = rng.randint(1, 2)
            else:
                scores[troubled[0]] = 4
                for pk in troubled[1:]:
                    scores[pk] = rng.randint(1, 3)
        elif tier == 1 and troubled:
            if len(troubled) >= 2 and self.chance(0.4):
                scores[troubled[0]] = scores[troubled[1]] = 2
            else:
                scores[troubled[0]] = 3
                for pk in troubled[1:]:
                    scores[pk] = rng.randint(1, 2)
        elif tier == 2 and troubled and self.chance(0.3):
            scores[troubled[0]] = 2
        for pk in scores:
            if scores[pk] == 0 and pk not in quiet and self.chance(0.04):
                scores[pk] = 1
        return scores

    def fill(self, case: SupportCase) -> None:
        """The scores, difficulties and statuses of the case's assessments, in order."""
        rng = self.rng
        weights = self.weights(case)
        # A domain the graduate cannot have difficulties in (no weight: the army for a woman).
        quiet = frozenset(pk for pk in self.domain_order if pk not in weights)
        active: dict[str, dict] = {}
        previous_found: dict[str, dict] = {}
        for n, planned in enumerate(self.planned[case.pk]):
            tier = planned.tier = self.target_tier(planned)
            planned.service_id = self.service_on(case, planned.day)
            planned.author_id = self.author_on(case, planned.day)
            if n == 0:
                for _n in range(rng.randint(*FIRST_FOUND[tier])):
                    self.new_difficulty(case, active, weights)
            else:
                for key in [k for k in active if not self.chance(KEEP[tier])]:
                    del active[key]
                expected = NEW_PER_QUARTER[tier]
                for _n in range(int(expected) + self.chance(expected - int(expected))):
                    self.new_difficulty(case, active, weights)
            event = planned.event
            if event and event["difficulty"] in self.type_by_name:
                self.add_type(active, self.type_by_name[event["difficulty"]])
            while tier < 2 and len({d["domain_id"] for d in active.values()}) < 2 - tier and weights:
                before = len(active)
                self.new_difficulty(case, active, weights)
                if len(active) == before:
                    break
            planned.found = sorted(active.values(), key=lambda d: self.domain_order[d["domain_id"]])
            planned.severities = self.score(active, tier, quiet)
            planned.suggested = self.suggest([planned.severities[d.pk] for d in self.domains])
            planned.statuses, planned.closed = statuses(previous_found, planned.found)
            previous_found = {d["key"]: d for d in planned.found}

    def correct(self) -> None:
        """A few past quarterly assessments were corrected: the original differs by a difficulty or a score."""
        for case in self.cases:
            for planned in self.planned[case.pk]:
                if (
                    planned.kind != Assessment.Kind.QUARTERLY
                    or planned.quarter == self.current
                    or not self.chance(CORRECTED)
                ):
                    continue
                original = Planned(case, planned.day, quarter=planned.quarter, tier=planned.tier)
                original.service_id, original.author_id = planned.service_id, planned.author_id
                original.severities = dict(planned.severities)
                original.found = list(planned.found)
                if original.found:
                    original.found.pop(self.rng.randrange(len(original.found)))
                else:
                    pk = self.rng.choice(self.domains).pk
                    original.severities[pk] = 1 if original.severities[pk] == 0 else original.severities[pk] - 1
                original.suggested = self.suggest([original.severities[d.pk] for d in self.domains])
                # Its statuses were written against the same previous assessment as the correction's.
                index = self.planned[case.pk].index(planned)
                before = self.planned[case.pk][index - 1].found if index else []
                original.statuses, original.closed = statuses({d["key"]: d for d in before}, original.found)
                planned.original = original

    # --- monitoring ---------------------------------------------------------------------------------
    def monitor(self) -> None:
        rng = self.rng
        for case in self.cases:
            by_half: dict[tuple[int, int], Planned] = {}
            for planned in self.planned[case.pk]:
                if planned.kind == Assessment.Kind.QUARTERLY:
                    by_half[half_of(planned.day)] = planned  # the latest of the half
            for (year, half), planned in sorted(by_half.items()):
                if not self.chance(MONITORED):
                    continue
                names = {d.pk: d.name for d in self.domains}
                bad = {names[d["domain_id"]] for d in planned.found}
                values = {}
                for name, (domain, good_texts, bad_texts) in T.MONITORING.items():
                    values[name] = rng.choice(bad_texts if domain in bad else good_texts)
                behaviour = self.domain_by_name.get(T.BEHAVIOUR)
                criteria = {
                    "criterion_education": T.EDUCATION not in bad,
                    "criterion_employment": T.WORK not in bad and case.graduate.employment != "unemployed",
                    "criterion_housing": T.HOUSING not in bad,
                    "criterion_health": T.OTHER not in bad,
                    "criterion_environment": self.chance(0.75),
                    "criterion_self_regulation": T.BEHAVIOUR not in bad,
                    "criterion_emotional": behaviour is None or planned.severities.get(behaviour.pk, 0) <= 1,
                }
                met = sum(criteria.values())
                if met <= 3 or (planned.tier == 0 and met <= 5):
                    outcome = Monitoring.Outcome.NOT
                elif met >= 6 and planned.tier == 2:
                    outcome = Monitoring.Outcome.SUCCESSFUL
                else:
                    outcome = Monitoring.Outcome.PARTIAL
                self.monitorings.append(
                    Monitoring(
                        graduate=case.graduate,
                        case=case,
                        service_id=planned.service_id,
                        monitored_on=planned.day,
                        year=year,
                        half=half,
                        outcome=outcome,
                        comment=rng.choice(T.MONITORING_COMMENTS),
                        author_id=planned.author_id,
                        created_at=self.moment(planned.day),
                        **values,
                        **criteria,
                    )
                )
                self.monitorings[-1].planned = planned

    # --- consilia -----------------------------------------------------------------------------------
    def chair(self, service_id: int) -> User | None:
        staff = self.staff.get(service_id, [])
        return next((u for u in staff if u.role == Role.COORDINATOR), staff[0] if staff else None)

    def latest(self, case: SupportCase, day: dt.date) -> Planned | None:
        """The latest assessment of the case on or before ``day`` (as the consilium service picks it)."""
        return next((p for p in reversed(self.planned[case.pk]) if p.day <= day), None)

    def override(self, level: SupportLevel, suggested: SupportLevel | None) -> str:
        if suggested is None or suggested.pk == level.pk:
            return ""
        return self.rng.choice(T.OVERRIDE_REASONS["up" if level.order < suggested.order else "down"])

    def plan_on(self, case: SupportCase, day: dt.date) -> SupportPlan | None:
        return next((p for p in reversed(self.plans[case.pk]) if p.starts_on <= day), None)

    def decision(self, case, held_on, *, level_before, level, change=None, route="") -> dict:
        rng = self.rng
        planned = self.latest(case, held_on)
        suggested = planned.suggested if planned else None
        plan = self.plan_on(case, held_on)
        approved = plan is not None and plan.approved_at is not None and plan.approved_at <= held_on
        recommendations = []
        worst = max(planned.severities.items(), key=lambda kv: kv[1]) if planned else None
        if worst and (worst[1] >= 3 or level.pk != level_before.pk):
            name = next(d.name for d in self.domains if d.pk == worst[0])
            for text, responsible in rng.sample(T.RECOMMENDATIONS[name], 1) if name in T.RECOMMENDATIONS else []:
                who = responsible
                if responsible == "специалист" and planned.author_id:
                    who = self.users.get(planned.author_id, responsible)
                recommendations.append(
                    {"text": text, "responsible": who, "deadline": held_on + dt.timedelta(days=rng.randint(30, 80))}
                )
        return {
            "case": case,
            "planned": planned,
            "level_before": level_before,
            "level": level,
            "suggested": suggested,
            "override_reason": self.override(level, suggested),
            "level_change": change,
            "plan": plan,
            "plan_decision": ConsiliumDecision.PlanDecision.APPROVED
            if approved and plan.starts_on >= held_on - dt.timedelta(days=95)
            else "",
            "route": route,
            "notes": rng.choice(T.DECISION_NOTES),
            "recommendations": recommendations,
        }

    def primary_consilia(self) -> None:
        """Recent cases: the level set provisionally at signing, confirmed at the primary consilium."""
        rng, today = self.rng, self.today
        recent = [c for c in self.cases if self.is_recent(c) and self.planned[c.pk]]
        waiting = set()
        if self.service1 is not None:
            mine = sorted(
                (c for c in recent if c.graduate.service_id == self.service1 and c.closed_at is None),
                key=lambda c: (c.activated_at, c.pk),
            )
            waiting = {c.pk for c in mine[-STILL_PROVISIONAL:]}
        self.primary: dict[int, tuple[int, int]] = {}  # case -> the quarter of its primary consilium
        groups: dict[tuple[int, dt.date], list[SupportCase]] = defaultdict(list)
        for case in self.cases:
            if not self.is_recent(case):
                continue
            initial = self.changes[case.pk][0]
            initial.basis, initial.reason = Basis.PROVISIONAL, T.PROVISIONAL_REASON
            self.changed.append(initial)
            first = self.planned[case.pk][0] if self.planned[case.pk] else None
            if first is None or case.pk in waiting:
                continue
            held = first.day + dt.timedelta(days=rng.randint(3, 12))
            held = held.replace(day=10) if held.day <= 10 else held.replace(day=25) if held.day <= 25 else None
            if held is None:  # the 10th of the next month
                held = (first.day.replace(day=28) + dt.timedelta(days=4)).replace(day=10)
            if held > today:  # its day is to come: the service holds one today for those already assessed
                held = today
            if held < first.day or held <= case.activated_at or not self.on_support(case, held):
                continue
            groups[(self.service_on(case, held), held)].append(case)
        for (service_id, held), cases in sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            decisions = []
            for case in cases:
                initial = self.changes[case.pk][0]
                level = self.level_by_pk[initial.level_id]
                change = LevelChange(
                    case=case,
                    level=level,
                    effective_from=held,
                    basis=Basis.CONSILIUM,
                    reason="",
                    created_at=self.moment(held),
                )
                self.new_changes.append(change)
                self.changes[case.pk].append(change)
                decisions.append(
                    self.decision(
                        case, held, level_before=level, level=level, change=change, route=rng.choice(T.ROUTES)
                    )
                )
                self.primary[case.pk] = (held.year, (held.month - 1) // 3 + 1)
            self.consilia.append(
                {"service_id": service_id, "kind": Consilium.Kind.PRIMARY, "held_on": held, "decisions": decisions}
            )

    def quarterly_consilia(self) -> None:
        """Per service and past quarter (and this one where its day has come, but service 1's) a held consilium."""
        for key in self.quarters:
            held = consilium_day(*key)
            if held > self.today:
                continue
            by_service: dict[int, list[dict]] = defaultdict(list)
            for case in self.cases:
                if not self.on_support(case, held) or self.primary.get(case.pk) == key:
                    continue
                current = self.change_on(case, held)
                if current is None or current.basis == Basis.PROVISIONAL:
                    continue
                assessed = any(p.quarter == key and p.day <= held for p in self.planned[case.pk])
                moved = self.consilium_changes(case).get(key)
                if not assessed and moved is None:
                    continue
                service_id = self.service_on(case, held)
                if key == self.current and service_id == self.service1:
                    continue  # prepared, not held (see prepare)
                before = self.change_on_before(case, held, moved)
                level = self.level_by_pk[current.level_id]
                by_service[service_id].append(
                    self.decision(case, held, level_before=self.level_by_pk[before.level_id], level=level, change=moved)
                )
            for service_id in sorted(by_service):
                self.consilia.append(
                    {
                        "service_id": service_id,
                        "kind": Consilium.Kind.QUARTERLY,
                        "held_on": held,
                        "decisions": by_service[service_id],
                    }
                )

    def change_on_before(self, case: SupportCase, day: dt.date, moved: LevelChange | None) -> LevelChange:
        """The level in force on ``day`` before the consilium's own change of that day."""
        current = None
        for change in self.changes[case.pk]:
            if change.effective_from <= day and change is not moved:
                current = change
        return current

    # --- saving -------------------------------------------------------------------------------------
    def save(self) -> None:
        def bulk(model, rows):
            return model.objects.bulk_create(rows, batch_size=BATCH_SIZE)

        # Life events and their tasks first: an extraordinary assessment names its task.
        for event in self.events:
            event["row"] = LifeEvent(
                graduate=event["case"].graduate,
                kind=event["kind"],
                occurred_on=event["occurred_on"],
                note=event["note"],
                author_id=event["author_id"],
                created_at=self.moment(event["recorded"]),
            )
        bulk(LifeEvent, [e["row"] for e in self.events])
        for event in self.events:
            event["task"] = AssessmentTask(
                graduate=event["case"].graduate,
                life_event=event["row"],
                due_on=event["due_on"],
                status=event["status"],
                cancel_reason=T.TASK_CANCEL_REASON if event["status"] == AssessmentTask.Status.CANCELLED else "",
                created_at=self.moment(event["recorded"]),
            )
            event["row"].task = event["task"]
        bulk(AssessmentTask, [e["task"] for e in self.events])
        LifeEvent.objects.bulk_update([e["row"] for e in self.events], ["task"], batch_size=BATCH_SIZE)

        everything = [p for case in self.cases for p in self.planned[case.pk]]
        originals = [p.original for p in everything if p.original is not None]
        first = originals + [p for p in everything]
        corrections = [p for p in everything if p.original is not None]
        for planned in first:
            planned.row = self.assessment_row(planned)
        for planned in corrections:  # created after their originals
            planned.row.correction_reason = self.rng.choice(T.CORRECTION_REASONS)
        bulk(Assessment, [p.row for p in originals])
        Assessment.objects.filter(pk__in=[p.row.pk for p in originals]).update(replaced_by_id=F("pk"))
        for planned in corrections:
            planned.row.corrects = planned.original.row
            planned.row.created_at = self.moment(planned.day + dt.timedelta(days=self.rng.randint(1, 10)))
        bulk(Assessment, [p.row for p in everything])
        for planned in corrections:
            planned.original.row.replaced_by = planned.row
        Assessment.objects.bulk_update([p.original.row for p in corrections], ["replaced_by"])
        domains, difficulties = [], []
        for planned in first:
            domains += self.domain_rows(planned)
            difficulties += self.difficulty_rows(planned)
        bulk(AssessmentDomain, domains)
        bulk(AssessmentDifficulty, difficulties)
        tasks = []
        for event in self.events:
            if event["assessment"] is not None:
                event["task"].done_by = event["assessment"].row
                tasks.append(event["task"])
        AssessmentTask.objects.bulk_update(tasks, ["done_by"])
        for monitoring in self.monitorings:
            monitoring.assessment = monitoring.planned.row
        bulk(Monitoring, self.monitorings)
        self.save_consilia()

    def assessment_row(self, planned: Planned) -> Assessment:
        case = planned.case
        event = planned.event
        return Assessment(
            graduate=case.graduate,
            case=case,
            service_id=planned.service_id,
            kind=planned.kind,
            assessed_on=planned.day,
            year=planned.day.year,
            quarter=(planned.day.month - 1) // 3 + 1,
            conclusion=self.conclusion(planned),
            suggested_level=planned.suggested,
            task=event["task"] if event else None,
            author_id=planned.author_id,
            created_at=self.moment(planned.day),
        )

    def conclusion(self, planned: Planned) -> str:
        """The conclusion, by the change of the total score against the previous assessment."""
        sequence = self.planned[planned.case.pk]
        # An original replaced by a correction stands where its correction does.
        index = next(n for n, p in enumerate(sequence) if p is planned or p.original is planned)
        total = sum(planned.severities.values())
        if not planned.found and max(planned.severities.values(), default=0) <= 1:
            trend = "calm"
        elif index == 0:
            trend = "first"
        else:
            before = sum(sequence[index - 1].severities.values())
            trend = "better" if total < before else "worse" if total > before else "same"
        worst = max(planned.severities, key=lambda pk: (planned.severities[pk], -self.domain_order[pk]))
        name = next(d.name for d in self.domains if d.pk == worst)
        return self.rng.choice(T.CONCLUSIONS[trend]).format(domain=name)

    def domain_rows(self, planned: Planned) -> list[AssessmentDomain]:
        rng = self.rng
        own = self.chance(OWN_RATING)
        rows = []
        for domain in self.domains:
            severity = planned.severities[domain.pk]
            found = [d["name"] for d in planned.found if d["domain_id"] == domain.pk]
            if severity == 0:
                reason = self.calm_reason(planned.case, domain.name)
            elif not found:
                reason = rng.choice(T.MINOR_NO_DIFFICULTY)
            else:
                listed = "; ".join(name[0].lower() + name[1:] for name in found)
                reason = rng.choice(T.WITH_DIFFICULTIES[severity]).format(
                    found=listed, found_capital=listed[0].upper() + listed[1:]
                )
            graduate_severity, comment = None, ""
            if own:
                graduate_severity = min(4, max(0, severity + rng.choice((-1, -1, 0, 0, 0, 0, 1))))
                if severity >= 2 and self.chance(0.25):
                    comment = rng.choice(T.GRADUATE_COMMENTS)
            rows.append(
                AssessmentDomain(
                    assessment=planned.row,
                    domain=domain,
                    severity=severity,
                    reason=reason,
                    graduate_severity=graduate_severity,
                    graduate_comment=comment,
                )
            )
        return rows

    def calm_reason(self, case: SupportCase, domain: str) -> str:
        """Why a domain is scored 0, in keeping with the graduate's registry record."""
        g = case.graduate
        texts = T.NO_DIFFICULTY.get(domain, T.MINOR_NO_DIFFICULTY)
        if domain == T.CHILDREN:
            return texts[1] if g.children_count else texts[0]
        if domain == T.ARMY:
            return texts[0] if g.sex == "male" else texts[1]
        if domain == T.EDUCATION:
            return texts[0] if g.education in ("school", "vocational", "higher") else texts[1]
        if domain == T.WORK:
            return texts[1] if g.employment == "student" else texts[0]
        return self.rng.choice(texts)

    @staticmethod
    def difficulty_rows(planned: Planned) -> list[AssessmentDifficulty]:
        rows = [
            AssessmentDifficulty(
                assessment=planned.row,
                domain_id=d["domain_id"],
                difficulty_type_id=d["type_id"],
                text=d["text"],
                key=d["key"],
                status=status,
            )
            for d, status in zip(planned.found, planned.statuses, strict=True)
        ]
        rows += [
            AssessmentDifficulty(
                assessment=planned.row,
                domain_id=d["domain_id"],
                difficulty_type_id=d["type_id"],
                text=d["text"],
                key=d["key"],
                status=Status.CLOSED,
            )
            for d in planned.closed
        ]
        return rows

    def save_consilia(self) -> None:
        """The held consilia, their participants and decisions; the level changes they made carry their protocol."""
        rng = self.rng
        self.consilia.sort(key=lambda c: (c["held_on"], c["kind"] != Consilium.Kind.PRIMARY, c["service_id"]))
        self.numbers: Counter = Counter()
        for item in self.consilia:
            held, service_id = item["held_on"], item["service_id"]
            self.numbers[(service_id, held.year)] += 1
            chair = self.chair(service_id)
            agenda = (
                T.AGENDA_PRIMARY
                if item["kind"] == Consilium.Kind.PRIMARY
                else T.AGENDA_QUARTERLY.format(q=(held.month - 1) // 3 + 1, y=held.year)
            )
            item["row"] = Consilium(
                service_id=service_id,
                kind=item["kind"],
                number=str(self.numbers[(service_id, held.year)]),
                held_on=held,
                year=held.year,
                quarter=(held.month - 1) // 3 + 1,
                status=Consilium.Status.HELD,
                chair=chair,
                attracted_participants="\n".join(rng.sample(T.ATTRACTED, rng.randint(1, 2))),
                agenda=agenda,
                created_by=chair,
                created_at=self.moment(held - dt.timedelta(days=rng.randint(3, 10))),
            )
        Consilium.objects.bulk_create([c["row"] for c in self.consilia], batch_size=BATCH_SIZE)
        through = Consilium.participants.through
        through.objects.bulk_create(
            [
                through(consilium_id=item["row"].pk, user_id=user.pk)
                for item in self.consilia
                for user in self.staff.get(item["service_id"], [])
            ],
            batch_size=BATCH_SIZE,
        )
        changed = {id(c): c for c in self.changed}
        for item in self.consilia:
            row = item["row"]
            prefix = T.LEVEL_REASON_PREFIX.format(date=f"{row.held_on:%d.%m.%Y}", number=row.number)
            for decision in item["decisions"]:
                change = decision["level_change"]
                if change is None:
                    continue
                change.reason = f"{prefix}: {change.reason}" if change.reason else f"{prefix}."
                change.decided_by = row.chair
                if change.pk is not None:
                    changed[id(change)] = change
        LevelChange.objects.bulk_create(self.new_changes, batch_size=BATCH_SIZE)
        LevelChange.objects.bulk_update(
            list(changed.values()), ["basis", "reason", "decided_by"], batch_size=BATCH_SIZE
        )
        decisions, recommendations = [], []
        for item in self.consilia:
            for d in item["decisions"]:
                case = d["case"]
                d["row"] = ConsiliumDecision(
                    consilium=item["row"],
                    graduate=case.graduate,
                    case=case,
                    assessment=d["planned"].row if d["planned"] else None,
                    level_before=d["level_before"],
                    suggested_level=d["suggested"],
                    level=d["level"],
                    override_reason=d["override_reason"],
                    level_change=d["level_change"],
                    plan=d["plan"],
                    plan_decision=d["plan_decision"],
                    route=d["route"],
                    notes=d["notes"],
                )
                decisions.append(d["row"])
        ConsiliumDecision.objects.bulk_create(decisions, batch_size=BATCH_SIZE)
        for item in self.consilia:
            for d in item["decisions"]:
                recommendations += [ConsiliumRecommendation(decision=d["row"], **r) for r in d["recommendations"]]
        ConsiliumRecommendation.objects.bulk_create(recommendations, batch_size=BATCH_SIZE)

    def prepare(self) -> Consilium | None:
        """This quarter's consilium of service 1, prepared for coordinator1 to hold, with the graduates assessed this quarter."""
        coordinator = self.coordinator1
        if coordinator is None or self.service1 is None or coordinator.service_id != self.service1:
            return None
        today = self.today
        cases = [
            c
            for c in self.cases
            if self.on_support(c, today)
            and self.service_on(c, today) == self.service1
            and any(p.quarter == self.current for p in self.planned[c.pk])
            and self.primary.get(c.pk) != self.current
            and self.change_on(c, today).basis != Basis.PROVISIONAL
        ]
        numbers = getattr(self, "numbers", Counter())
        # Created as prepare_consilium creates it (its date is as-of, which the service would bound
        # by the real clock); the graduates are added by the service, with its draft decisions.
        consilium = Consilium.objects.create(
            service_id=self.service1,
            kind=Consilium.Kind.QUARTERLY,
            number=str(numbers[(self.service1, today.year)] + 1),
            held_on=today,
            year=self.current[0],
            quarter=self.current[1],
            status=Consilium.Status.PREPARED,
            chair=coordinator,
            attracted_participants="\n".join(T.ATTRACTED[:2]),
            agenda=T.AGENDA_QUARTERLY.format(q=self.current[1], y=self.current[0]),
            created_by=coordinator,
            created_at=self.now,
        )
        consilium.participants.set(self.staff[self.service1])
        consilium_services.add_graduates(consilium, cases, actor=coordinator)
        self.prepared = consilium
        return consilium


def load(region: Region, today: dt.date, out: OutputWrapper, style: Style) -> None:
    """The assessments, monitorings, life events and consilia of ``region``'s cases, as of ``today``.

    Nothing is added when the region already has assessments or consilia; the region's assessment
    directories (catalogue, level rule) are set up either way.
    """
    with transaction.atomic():
        setup_region_assessment(region)
        if (
            Assessment.objects.filter(service__region=region).exists()
            or Consilium.objects.filter(service__region=region).exists()
        ):
            out.write(_("Оценки и консилиумы уже загружены: ничего не добавлено."))
        else:
            builder = Builder(region, today)
            builder.build()
            builder.save()
            builder.prepare()
            everything = [p for case in builder.cases for p in builder.planned[case.pk]]
            out.write(
                style.SUCCESS(
                    _(
                        "Оценки и консилиумы загружены: оценок: %(assessments)d (внеочередных: %(extra)d, "
                        "исправлено: %(corrected)d), мониторингов: %(monitorings)d, консилиумов проведено: "
                        "%(consilia)d (решений: %(decisions)d), событий в жизни выпускников: %(events)d."
                    )
                    % {
                        "assessments": len(everything),
                        "extra": sum(p.kind == Assessment.Kind.EXTRAORDINARY for p in everything),
                        "corrected": sum(p.original is not None for p in everything),
                        "monitorings": len(builder.monitorings),
                        "consilia": len(builder.consilia),
                        "decisions": sum(len(c["decisions"]) for c in builder.consilia),
                        "events": len(builder.events),
                    }
                )
            )
    summary(region, today, out)


def summary(region: Region, today: dt.date, out: OutputWrapper) -> None:
    """What the region's assessment data come to: difficulties found by domain, consilia, the rhythm today."""
    current = Assessment.objects.current().filter(service__region=region)
    found = Counter(
        dict(
            AssessmentDifficulty.objects.filter(assessment__in=current, status=Status.NEW)
            .values("domain__name")
            .annotate(n=Count("id"))
            .values_list("domain__name", "n")
        )
    )
    domains = Domain.objects.filter(region=region, is_active=True).order_by("order", "name")
    out.write(
        _("Выявлено трудностей за два года: %(list)s.")
        % {"list": ", ".join(f"{d.name} {found.get(d.name, 0)}" for d in domains)}
    )
    consilia = Consilium.objects.filter(service__region=region)
    by_status = Counter(consilia.values_list("status", flat=True))
    decisions = ConsiliumDecision.objects.filter(consilium__service__region=region)
    out.write(
        _(
            "Консилиумов проведено: %(held)d, готовится: %(prepared)d; решений: %(decisions)d, "
            "из них сменили уровень: %(moves)d."
        )
        % {
            "held": by_status.get(Consilium.Status.HELD, 0),
            "prepared": by_status.get(Consilium.Status.PREPARED, 0),
            "decisions": decisions.count(),
            "moves": decisions.filter(consilium__status=Consilium.Status.HELD)
            .exclude(level_change=None)
            .exclude(level=F("level_before"))
            .count(),
        }
    )
    quarter = rhythm.Quarter.of(today)
    figures = _(
        "%(on_support)d на сопровождении, оценены в этом квартале %(assessed)d, ждут оценки %(due)d, "
        "просрочено %(overdue)d, ждут консилиума %(consilium)d, задач внеочередной оценки %(tasks)d"
    )
    region_cases = SupportCase.objects.filter(graduate__service__region=region)
    counts = rhythm.counts(region_cases, quarter)
    out.write(
        _("Ритм на %(day)s по региону: %(figures)s.")
        % {"day": f"{today:%d.%m.%Y}", "figures": figures % {**counts, "assessed": counts["assessed_count"]}}
    )
    specialist1 = User.objects.filter(username="specialist1").first()
    if specialist1 is not None:
        counts = rhythm.counts(region_cases.filter(specialist=specialist1), quarter)
        out.write(
            _("У specialist1: %(figures)s.") % {"figures": figures % {**counts, "assessed": counts["assessed_count"]}}
        )
