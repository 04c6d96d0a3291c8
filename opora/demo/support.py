"""Demo data of the support cycle for the demo region (``load``).

``manage.py load_demo`` calls it after the region's graduates (opora.demo.region). On the
graduates of the demo region it builds, in one transaction and with ``bulk_create`` only:

* the region's support directories (``setup_region``) and 1–3 support specialists per service
  (unusable passwords) besides the demo users ``specialist1``, ``specialist2``, ``coordinator1``;
* about 800 of 2,300 graduates on support (seed 003), by level about 545 / 203 / 53
  (мониторинговый / поддерживающий / интенсивный), each with a consent given on or before the
  contract, contracts numbered «N/ГГГГ» per service and year (signed 0–20 months ago, a year's term,
  renewed when the first term is over, a few expiring within 30 days), a level history (some
  cases changed level once or twice), versioned plans (goals by domain, 2–6 measures, some overdue,
  some done with results) and a year of journal entries;
* cases just identified or contacted, refusals, and closed cases with their reasons and reports;
* two pending transfers from the service of г. Белгород: one to service 2 (``specialist2`` can
  accept it, its notice is not yet due), one with the 3-day notice deadline missed; a few accepted
  transfers and moves outside the region in the history.

The showcase of ``specialist1`` (service 1) is constructed, not drawn, so that it is the same on
every as-of day: 40 open cases (``SPECIALIST1_CASELOAD``; fewer in a small demo), of them exactly
``SHOWCASE_STATUSES`` just identified and contacted, exactly ``len(SHOWCASE_EXPIRING_DAYS)`` contracts
ending within 30 days of as-of (any other contract of theirs that would end that soon was renewed in
advance), the two pending transfers (one overdue), and exactly ``SHOWCASE_STATUSES`` closed and
refused cases of their own.

The data follow the rules of ``opora.support.services`` (one open case per graduate, consent
before contract, no dates in the future, measure deadlines within the plan's period, closure
cancels open measures and terminates the contract). Every date is counted from ``--as-of`` (today
by default); the loader reads no other clock. Deterministic for a given as-of day
(``random.Random(SEED)``). Running it again does nothing when the region already has cases.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.core.management.base import CommandError, OutputWrapper
from django.core.management.color import Style
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.core.roles import Role
from opora.demo import support_texts as T
from opora.demo.quarters import past_consilium_days
from opora.demo.region import CONSENT_SCOPE, PLACES, as_of_moment
from opora.org.models import Region, Service, User
from opora.registry.models import Consent, Graduate
from opora.registry.validators import age_on
from opora.support import services
from opora.support.models import (
    Contract,
    Domain,
    JournalEntry,
    LevelChange,
    PlanGoal,
    PlanMeasure,
    ServiceKind,
    SupportCase,
    SupportLevel,
    SupportPlan,
    Transfer,
)
from opora.support.services import add_months

SEED = 2031
BATCH_SIZE = 1000
DAY = dt.timedelta(days=1)

# Seed 003: 2,300+ graduates in the registry, 800+ on support, by level 545 / 203 / 53.
ON_SUPPORT = 801 / 2300
LEVEL_SHARES = (53, 203, 545)  # from the most intensive level (order 1) to the lightest
SHARE_IDENTIFIED, SHARE_CONTACT, SHARE_REFUSED, SHARE_CLOSED = 0.024, 0.024, 0.04, 0.06
AGE_23_CLOSED = 0.45  # of the graduates who turned 23 this year: supported until then
PRIOR_EPISODE = 0.03  # of the open cases: an earlier episode that ended in a refusal
MOVED_IN = 0.012  # of the active cases: accepted from another service of the region
CONTRACT_MONTHS_MAX = 20
SPECIALIST1_CASELOAD = 40
CASES_PER_SPECIALIST = 45
# specialist1's constructed showcase: cases of their own by status (besides those on support) ...
SHOWCASE_STATUSES = {"identified": 2, "contact": 2, "closed": 2, "refused": 1}
# ... and the contracts of their cases on support that end this many days after as-of.
SHOWCASE_EXPIRING_DAYS = (6, 13, 27)
EXPIRING_DAYS = 30  # «expiring»: ends within this many days (the caseload's reminder)
# How long before as-of a graduate must be in the registry for a case of each kind.
KIND_MIN_DAYS = {"identified": 3, "contact": 5, "refused": 30, "closed": 150}
AGE_WEIGHT = {15: 0.5, 16: 0.7, 17: 0.9, 18: 1.2, 19: 1.2, 20: 1.1, 21: 1.0, 22: 0.9}
JOURNAL_PER_MONTH = ((4, 7), (2, 4), (1, 3))  # by level, the most intensive first
KIND_WEIGHTS = (
    {"phone": 25, "meeting": 20, "home_visit": 18, "accompanying": 15, "messenger": 10, "letter": 8,
     "group_event": 3, "other": 1},
    {"phone": 30, "messenger": 20, "meeting": 20, "home_visit": 9, "accompanying": 10, "letter": 5,
     "group_event": 5, "other": 1},
    {"phone": 40, "messenger": 30, "meeting": 14, "group_event": 8, "home_visit": 5, "letter": 2, "other": 1},
)  # fmt: skip
CLOSED_REASONS = {"adapted": 35, "contract_ended": 25, "moved": 12, "refusal": 10, "army": 8, "no_contact": 10}

Reason = SupportCase.CloseReason
Status = SupportCase.Status


def split(total: int, weights: tuple[int, ...]) -> list[int]:
    """``total`` in proportion to ``weights`` (largest remainder): 801 by 53/203/545 gives exactly those."""
    shares = [total * w / sum(weights) for w in weights]
    counts = [int(s) for s in shares]
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(shares[i] - counts[i]), i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


@dataclass
class Fate:
    """What happens to a graduate in the demo: the kind of the (last) episode and its details."""

    kind: str  # active, identified, contact, refused, closed, age_23
    reason: str = ""  # for «closed»: a key of CLOSED_REASONS
    tier: int = 2  # the level at the end (0 — the most intensive)
    prior: bool = False
    moved_from: Service | None = None
    specialist: User | None = None
    showcase: bool = False  # one of specialist1's constructed cases
    contract_ends: dt.date | None = None  # the current contract's end, for the showcase's expiring ones


@dataclass
class Episode:
    case: SupportCase
    specialist: User | None
    changes: list[LevelChange] = field(default_factory=list)
    contracts: list[Contract] = field(default_factory=list)
    measures: list[PlanMeasure] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)
    # None: an expiring contract is sometimes renewed in advance, by chance; True: it stays expiring
    # (the showcase); False: it is renewed in advance (specialist1's other cases).
    expiring: bool | None = None


class Builder:
    """Builds the support data of the demo region in memory, then saves it with bulk_create."""

    def __init__(self, region: Region, today: dt.date):
        self.region, self.today = region, today
        self.now = as_of_moment(today)
        self.rng = random.Random(SEED)
        self.tiers = sorted(
            SupportLevel.objects.filter(region=region, is_active=True), key=lambda lv: (lv.order, lv.pk)
        )
        if len(self.tiers) < 3:
            raise CommandError(_("В регионе должно быть не меньше трёх действующих уровней сопровождения."))
        self.tiers = [self.tiers[0], self.tiers[1], self.tiers[-1]]
        self.tier_of = {level.pk: i for i, level in enumerate(self.tiers)}
        self.domains = {d.name: d for d in Domain.objects.filter(region=region)}
        self.kinds_by_domain: dict[int, list[ServiceKind]] = defaultdict(list)
        for kind in ServiceKind.objects.filter(region=region, is_active=True):
            if kind.domain_id:
                self.kinds_by_domain[kind.domain_id].append(kind)
        by_territory = {
            s.territory.name: s
            for s in Service.objects.filter(region=region, kind=Service.Kind.MUNICIPAL).select_related("territory")
        }
        self.services = [by_territory[p.name] for p in PLACES if p.name in by_territory]
        if len(self.services) < 3:
            raise CommandError(_("Сначала загрузите демонстрационный регион: manage.py load_demo."))
        self.place = {
            s.pk: p for s, p in zip(self.services, (p for p in PLACES if p.name in by_territory), strict=True)
        }
        self.number = {s.pk: i for i, s in enumerate(self.services, 1)}
        demo = {u.username: u for u in User.objects.filter(username__in=("specialist1", "specialist2", "coordinator1"))}
        self.specialist1, self.specialist2 = demo.get("specialist1"), demo.get("specialist2")
        self.coordinator1 = demo.get("coordinator1")
        self.staff: dict[int, list[User]] = {}
        self.new_users: list[User] = []
        # What bulk_create saves, in this order.
        self.consents: list[Consent] = []
        self.cases: list[SupportCase] = []
        self.contracts: list[Contract] = []
        self.changes: list[LevelChange] = []
        self.plans: list[SupportPlan] = []
        self.goals: list[PlanGoal] = []
        self.measures: dict[int, list[PlanMeasure]] = defaultdict(list)  # by plan version: carried_from goes back
        self.journal: list[JournalEntry] = []
        self.transfers: list[Transfer] = []
        self.incoming: dict[int, Service] = {}  # graduate pk -> the service receiving them
        self.episodes: dict[int, Episode] = {}  # case id() -> episode, for the transfers

    # --- small pieces -------------------------------------------------------------------------
    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, options: dict):
        keys = list(options)
        return self.rng.choices(keys, weights=[options[k] for k in keys])[0]

    def day(self, lo: dt.date, hi: dt.date) -> dt.date:
        return lo + dt.timedelta(days=self.rng.randint(0, max((hi - lo).days, 0)))

    def workday(self, day: dt.date, lo: dt.date) -> dt.date:
        """Most work happens on weekdays: a weekend day moves back to Friday (not before ``lo``)."""
        if day.weekday() >= 5 and self.chance(0.85):
            day = max(lo, day - dt.timedelta(days=day.weekday() - 4))
        return day

    def moment(self, day: dt.date) -> dt.datetime:
        at = dt.datetime.combine(day, dt.time(self.rng.randint(9, 17), self.rng.randint(0, 59)))
        return min(timezone.make_aware(at), self.now)

    def centre(self, service: Service) -> str:
        return self.place[service.pk].centre

    # --- who, what, when ---------------------------------------------------------------------
    def build(self) -> None:
        graduates = list(
            Graduate.objects.filter(service__in=self.services)
            .select_related("service")
            .prefetch_related("consents", "vulnerable_categories")
            .order_by("pk")
        )
        fates = self.fates(graduates)
        self.make_staff(graduates, fates)
        for g in graduates:
            fate = fates.get(g.pk)
            if fate is not None:
                self.graduate(g, fate)
        self.pending_transfers()
        self.number_contracts()

    def earliest(self, g: Graduate) -> dt.date:
        """The first day a case may be opened: the graduate is in the registry."""
        return timezone.localdate(g.created_at)

    def fates(self, graduates: list[Graduate]) -> dict[int, Fate]:
        r, today = self.rng, self.today
        ages = {g.pk: g.age_on(today) for g in graduates}
        fates: dict[int, Fate] = {}

        # On support: weighted by age and vulnerability, without replacement (Efraimidis–Spirakis).
        eligible = [g for g in graduates if ages[g.pk] <= 22 and self.earliest(g) <= today - dt.timedelta(days=21)]
        keyed = []
        for g in eligible:
            risk = len(g.vulnerable_categories.all()) + (g.housing in ("none", "social_hotel", "relatives"))
            weight = AGE_WEIGHT.get(ages[g.pk], 1.0) * (1 + 0.6 * risk)
            keyed.append((r.random() ** (1 / weight), risk + r.random(), g))
        keyed.sort(key=lambda k: -k[0])
        active = keyed[: round(len(graduates) * ON_SUPPORT)]
        # The level now: the graduates at most risk get the intensive levels, by the seed's shares.
        quotas = split(len(active), LEVEL_SHARES)
        by_risk = sorted(active, key=lambda k: -k[1])
        start = 0
        for tier, quota in enumerate(quotas):
            for _key, _risk, g in by_risk[start : start + quota]:
                fates[g.pk] = Fate("active", tier=tier)
            start += quota
        others = [g for g in graduates if g.pk not in fates]
        r.shuffle(others)

        rest = []
        for g in others:
            turned = g.turns_23_on
            if ages[g.pk] >= 23 and self.chance(AGE_23_CLOSED) and self.earliest(g) <= turned - dt.timedelta(days=120):
                fates[g.pk] = Fate("age_23", tier=self.pick(dict(enumerate(LEVEL_SHARES))))
            else:
                rest.append(g)
        wanted = [
            ("identified", round(len(graduates) * SHARE_IDENTIFIED), 3),
            ("contact", round(len(graduates) * SHARE_CONTACT), 5),
            ("refused", round(len(graduates) * SHARE_REFUSED), 30),
            ("closed", round(len(graduates) * SHARE_CLOSED), 150),
        ]
        queue = iter(rest)
        for kind, count, days in wanted:
            for _n in range(count):
                for g in queue:
                    if self.earliest(g) <= today - dt.timedelta(days=days) and (kind != "closed" or ages[g.pk] <= 22):
                        fates[g.pk] = Fate(kind)
                        break
        self.showcase_statuses(graduates, fates, ages)
        for g in graduates:
            fate = fates.get(g.pk)
            if fate is None:
                continue
            if fate.kind == "closed":
                reasons = dict(CLOSED_REASONS)
                if g.sex != Graduate.Sex.MALE or not 18 <= ages[g.pk] <= 22:
                    reasons.pop("army")
                if self.earliest(g) > today - dt.timedelta(days=420):
                    reasons.pop("contract_ended")
                fate.reason = self.pick(reasons)
                fate.tier = self.pick(dict(enumerate(LEVEL_SHARES)))
            if fate.kind in ("active", "identified", "contact"):
                fate.prior = self.earliest(g) <= today - dt.timedelta(days=200) and self.chance(PRIOR_EPISODE)
            if fate.kind == "active" and self.earliest(g) <= today - dt.timedelta(days=120) and self.chance(MOVED_IN):
                fate.moved_from = r.choice([s for s in self.services if s.pk != g.service_id])
        self.showcase_expiring(graduates, fates)
        return fates

    def showcase_service(self) -> Service | None:
        """The service of specialist1, whose showcase is constructed (service 1)."""
        if self.specialist1 is None:
            return None
        return next((s for s in self.services if s.pk == self.specialist1.service_id), None)

    def showcase_statuses(self, graduates: list[Graduate], fates: dict[int, Fate], ages: dict[int, int]) -> None:
        """specialist1's cases by status: taken from the drawn ones of service 1, made up if too few."""
        service = self.showcase_service()
        if service is None:
            return
        own = [g for g in graduates if g.service_id == service.pk]
        for kind, count in SHOWCASE_STATUSES.items():
            chosen = [g for g in own if g.pk in fates and fates[g.pk].kind == kind][:count]
            spare = (
                g
                for g in own
                if g.pk not in fates
                and ages[g.pk] <= 22
                and self.earliest(g) <= self.today - dt.timedelta(days=KIND_MIN_DAYS[kind])
            )
            for g in spare:
                if len(chosen) >= count:
                    break
                fates[g.pk] = Fate(kind)
                chosen.append(g)
            for g in chosen:
                fates[g.pk].showcase = True
                if kind in ("closed", "refused"):
                    fates[g.pk].specialist = self.specialist1

    def showcase_expiring(self, graduates: list[Graduate], fates: dict[int, Fate]) -> None:
        """Cases on support of service 1 whose only contract ends ``SHOWCASE_EXPIRING_DAYS`` after as-of."""
        service = self.showcase_service()
        if service is None:
            return
        # A year's contract signed at least 14 days after the registry entry.
        old_enough = self.today - dt.timedelta(days=400)
        candidates = [
            g
            for g in graduates
            if g.service_id == service.pk
            and g.pk in fates
            and fates[g.pk].kind == "active"
            and self.earliest(g) <= old_enough
        ]
        for g, days in zip(candidates, SHOWCASE_EXPIRING_DAYS, strict=False):
            fate = fates[g.pk]
            fate.showcase, fate.moved_from = True, None
            fate.contract_ends = self.today + dt.timedelta(days=days)

    def make_staff(self, graduates: list[Graduate], fates: dict[int, Fate]) -> None:
        """1–3 specialists per service by its open cases, then the open cases shared among them."""
        open_by_service: dict[int, list[int]] = defaultdict(list)
        for g in graduates:
            fate = fates.get(g.pk)
            if fate is not None and fate.kind in ("active", "identified", "contact"):
                open_by_service[g.service_id].append(g.pk)
        existing = User.objects.filter(username__startswith="spec").in_bulk(field_name="username")
        names = iter(T.STAFF_NAMES * 2)
        for service in self.services:
            number = self.number[service.pk]
            own = [u for u in (self.specialist1, self.specialist2) if u is not None and u.service_id == service.pk]
            cases = open_by_service[service.pk]
            fixed = SPECIALIST1_CASELOAD if self.specialist1 in own else 0
            count = min(3, max(1, math.ceil((len(cases) - fixed) / CASES_PER_SPECIALIST) - len(own) + (fixed > 0)))
            generated = []
            for n in range(1, count + 1):
                last, first, patronymic = next(names)
                username = f"spec{number:02d}_{n}"
                if username in existing:
                    own.append(existing[username])
                    continue
                user = User(
                    username=username,
                    role=Role.SPECIALIST,
                    service=service,
                    last_name=last,
                    first_name=first,
                    patronymic=patronymic,
                    position=T.STAFF_POSITIONS[(number + n) % len(T.STAFF_POSITIONS)],
                    phone=service.phone,
                    password=make_password(None),
                )
                generated.append(user)
            self.new_users += generated
            self.staff[service.pk] = own + generated  # never empty: at least one is generated or found
        User.objects.bulk_create(self.new_users)

        # Share the open cases: specialist1 gets a caseload of about 40, the coordinator a few.
        for service in self.services:
            cases = list(open_by_service[service.pk])
            self.rng.shuffle(cases)
            staff = self.staff[service.pk]
            owners: list[User] = []
            if self.specialist1 is not None and self.specialist1 in staff:
                # The showcase first, then cases on support up to the caseload; nobody else gets the showcase.
                showcase = [pk for pk in cases if fates[pk].showcase]
                fill = [pk for pk in cases if not fates[pk].showcase and fates[pk].kind == "active"]
                size = min(SPECIALIST1_CASELOAD, len(showcase) + len(fill))
                mine = showcase + fill[: size - len(showcase)]
                taken = set(mine)
                cases = mine + [pk for pk in cases if pk not in taken]
                owners += [self.specialist1] * len(mine)
                if self.coordinator1 is not None and self.coordinator1.service_id == service.pk:
                    owners += [self.coordinator1] * round(len(cases) * 0.05)
            others = [u for u in staff if u != self.specialist1] or staff
            while len(owners) < len(cases):
                owners.append(others[len(owners) % len(others)])
            for pk, user in zip(cases, owners, strict=False):
                fate = fates[pk]
                unassigned = fate.kind == "identified" and user != self.specialist1 and self.chance(0.15)
                fate.specialist = None if unassigned else user

    # --- one graduate ------------------------------------------------------------------------
    def graduate(self, g: Graduate, fate: Fate) -> None:
        today, earliest = self.today, self.earliest(g)
        if fate.kind in ("active", "identified", "contact") or fate.specialist is not None:
            spec = fate.specialist
        else:
            spec = self.someone(g.service)
        if fate.kind == "active":
            lo = max(earliest + dt.timedelta(days=14), today - dt.timedelta(days=CONTRACT_MONTHS_MAX * 30 + 10))
            hi = today - dt.timedelta(days=80) if fate.moved_from else today
            if lo > hi:
                fate.moved_from, hi = None, today
            activated = self.day(lo, hi)
            if fate.contract_ends is not None:  # the showcase: a year's contract that ends then
                activated = add_months(fate.contract_ends + DAY, -12)
                while add_months(activated, 12) - DAY < fate.contract_ends:  # 29 February has no year-ago twin
                    activated += DAY
            identified, contact = self.before(activated, earliest)
            identified = self.prior(g, fate, identified, earliest)
            self.supported(g, fate, spec, identified, contact, activated, status=Status.ACTIVE)
        elif fate.kind in ("identified", "contact"):
            identified = self.day(max(earliest, today - dt.timedelta(days=80)), today)
            identified = self.prior(g, fate, identified, earliest)
            contact = self.day(identified, min(today, identified + dt.timedelta(days=20)))
            how = _("Повторное обращение выпускника") if fate.prior else ""
            contact = contact if fate.kind == "contact" else None
            self.unsupported(g, spec, identified, contact, Status(fate.kind), how=how)
        elif fate.kind == "refused":
            identified = self.day(max(earliest, today - dt.timedelta(days=700)), today - dt.timedelta(days=5))
            contact = self.day(identified, min(today, identified + dt.timedelta(days=14))) if self.chance(0.6) else None
            refused = self.day(contact or identified, min(today, (contact or identified) + dt.timedelta(days=30)))
            self.unsupported(g, spec, identified, contact, Status.REFUSED, closed_at=refused)
        elif fate.kind == "age_23":
            turned = g.turns_23_on
            lo = max(earliest + dt.timedelta(days=14), turned - dt.timedelta(days=700))
            activated = self.day(lo, turned - dt.timedelta(days=90))
            identified, contact = self.before(activated, earliest)
            closed = min(today, turned + dt.timedelta(days=self.rng.randint(0, 14)))
            self.supported(g, fate, spec, identified, contact, activated, Status.CLOSED, closed, Reason.AGE_23)
        else:
            self.closed(g, fate, spec, earliest)

    def someone(self, service: Service) -> User | None:
        """A specialist of ``service`` for a finished case (specialist1 has only the showcase's)."""
        staff = [u for u in self.staff.get(service.pk, ()) if u != self.specialist1] or [None]
        return self.rng.choice(staff)

    def before(self, activated: dt.date, earliest: dt.date) -> tuple[dt.date, dt.date]:
        """Identification and contact some days before the contract, not before the registry entry."""
        contact = max(earliest, activated - dt.timedelta(days=self.rng.randint(0, 14)))
        identified = max(earliest, contact - dt.timedelta(days=self.rng.randint(0, 21)))
        return identified, contact

    def prior(self, g: Graduate, fate: Fate, identified: dt.date, earliest: dt.date) -> dt.date:
        """An earlier episode that ended in a refusal, well before this one; returns this one's start."""
        if not fate.prior or identified - earliest < dt.timedelta(days=90):
            fate.prior = False
            return identified
        start = self.day(earliest, identified - dt.timedelta(days=75))
        refused = self.day(start, min(start + dt.timedelta(days=30), identified - dt.timedelta(days=45)))
        self.unsupported(g, self.someone(g.service), start, None, Status.REFUSED, closed_at=refused)
        return identified

    def closed(self, g: Graduate, fate: Fate, spec, earliest: dt.date) -> None:
        today = self.today
        if fate.reason == "no_contact":
            identified = self.day(max(earliest, today - dt.timedelta(days=700)), today - dt.timedelta(days=40))
            closed = self.day(identified + dt.timedelta(days=30), min(today, identified + dt.timedelta(days=90)))
            self.unsupported(g, spec, identified, None, Status.CLOSED, closed, Reason.OTHER, T.NO_CONTACT)
            return
        lo = max(earliest + dt.timedelta(days=14), today - dt.timedelta(days=800))
        if fate.reason == "contract_ended":
            activated = self.day(lo, today - dt.timedelta(days=390))
            terms = 2 if activated <= today - dt.timedelta(days=760) and self.chance(0.5) else 1
            ended = add_months(activated, 12 * terms) - DAY
            closed = min(today, ended + dt.timedelta(days=self.rng.randint(1, 20)))
            reason = Reason.CONTRACT_ENDED
        else:
            activated = self.day(lo, today - dt.timedelta(days=120))
            closed = self.day(activated + dt.timedelta(days=90), today)
            reason = {"adapted": Reason.ADAPTED, "moved": Reason.MOVED, "refusal": Reason.REFUSAL}.get(
                fate.reason, Reason.OTHER
            )
        identified, contact = self.before(activated, earliest)
        self.supported(g, fate, spec, identified, contact, activated, Status.CLOSED, closed, reason)

    # --- cases without a contract ---------------------------------------------------------------
    def new_case(self, g, spec, identified, contact, status, how="") -> SupportCase:
        case = SupportCase(
            graduate=g,
            specialist=spec,
            status=status,
            identified_at=identified,
            identified_how=how or self.rng.choice(T.IDENTIFIED_HOW),
            contact_at=contact,
            created_at=self.moment(identified),
        )
        self.cases.append(case)
        return case

    def unsupported(self, g, spec, identified, contact, status, closed_at=None, reason="", report="", how=""):
        """A case without a contract: just identified, contacted, refused, or closed without contact."""
        rng = self.rng
        case = self.new_case(g, spec, identified, contact, status, how)
        if status == Status.REFUSED:
            reason, report = Reason.REFUSAL, rng.choice(T.REFUSAL_NOTES)
        case.closed_at, case.close_reason, case.close_report = closed_at, reason, report
        end = closed_at or self.today
        lo = max(identified, self.today - dt.timedelta(days=365))
        reached = contact or end
        if lo <= reached:
            for kind, text, result in rng.sample(T.BEFORE_CONTACT, rng.randint(0 if contact else 1, 2)):
                self.entry(case, g, spec, self.workday(self.day(lo, reached), lo), kind, text, result)
        if contact is not None and max(lo, contact) <= end:
            for kind, text, result in rng.sample(T.BEFORE_CONTRACT, rng.randint(1, 2)):
                self.entry(case, g, spec, self.day(max(lo, contact), end), kind, text, result)
        if status == Status.REFUSED and closed_at >= lo:
            self.entry(case, g, spec, closed_at, "meeting", T.REFUSAL_ENTRY, report)
        return case

    # --- cases on support --------------------------------------------------------------------
    def supported(self, g, fate, spec, identified, contact, activated, status, closed_at=None, reason=""):
        rng, today = self.rng, self.today
        how = _("Повторное обращение выпускника") if fate.prior else ""
        case = self.new_case(g, spec, identified, contact, status, how)
        case.activated_at = activated
        episode = Episode(case, spec, needs=self.needs(g))
        if spec is not None and spec == self.specialist1 and status == Status.ACTIVE:
            episode.expiring = fate.contract_ends is not None
        self.episodes[id(case)] = episode
        limit = closed_at or today
        moved_on = None
        if fate.moved_from is not None:
            moved_on = self.day(activated + dt.timedelta(days=60), today - dt.timedelta(days=20))
        earlier = self.someone(fate.moved_from) if fate.moved_from is not None else spec

        self.consent(g, contact, activated)
        self.level_history(episode, activated, limit, fate.tier)
        self.contract_chain(episode, g, activated, limit, reason, fate.moved_from, moved_on, earlier)
        self.plan_chain(episode, activated, limit, closed=status == Status.CLOSED)
        self.supported_journal(episode, g, identified, activated, limit, moved_on, earlier)

        if status == Status.CLOSED:
            case.closed_at, case.close_reason = closed_at, reason
            where = rng.choice(T.OUTSIDE_REGION)
            case.close_report = self.report(episode, reason, where)
            label = Reason(reason).label
            for contract in episode.contracts:
                if contract.ends_on >= closed_at:
                    contract.terminated_at, contract.termination_reason = closed_at, str(label)
            for measure in episode.measures:
                if measure.status in PlanMeasure.OPEN_STATUSES:
                    # As close_case does: cancelled, with whatever result was written kept.
                    measure.status = PlanMeasure.Status.CANCELLED
            if reason == Reason.MOVED:
                self.transfers.append(
                    Transfer(
                        case=case,
                        graduate=g,
                        from_service=g.service,
                        to_external=where,
                        moved_at=max(activated, closed_at - dt.timedelta(days=rng.randint(1, 10))),
                        started_at=closed_at,
                        notice_due=closed_at + dt.timedelta(days=Transfer.NOTICE_DAYS),
                        notice_sent_at=closed_at,
                        recommendations=_("Продолжить содействие в реализации права на жильё."),
                        notice=self.notice(episode, closed_at),
                        status=Transfer.Status.NOTIFIED_OUTSIDE,
                        started_by=spec,
                    )
                )
        if moved_on is not None:
            started = moved_on + dt.timedelta(days=rng.randint(0, 2))
            sent = started + dt.timedelta(days=rng.randint(0, 3))
            self.transfers.append(
                Transfer(
                    case=case,
                    graduate=g,
                    from_service=fate.moved_from,
                    to_service=g.service,
                    new_address=g.actual_address,
                    moved_at=moved_on,
                    started_at=started,
                    notice_due=started + dt.timedelta(days=Transfer.NOTICE_DAYS),
                    notice_sent_at=sent,
                    recommendations=_("Продолжить работу по индивидуальному плану."),
                    notice=self.notice(episode, started),
                    status=Transfer.Status.ACCEPTED,
                    accepted_at=min(today, sent + dt.timedelta(days=rng.randint(1, 10))),
                    accepted_by=spec,
                    started_by=earlier,
                )
            )

    def needs(self, g: Graduate) -> list[str]:
        """The life domains the graduate needs help in, from the registry record, most pressing first."""
        codes = {c.code for c in g.vulnerable_categories.all()}
        weights = {
            T.HOUSING: 5 if g.housing in ("none", "social_hotel", "relatives", "queue", "rented") else 1,
            T.WORK: 5 if g.employment in ("looking", "unemployed") else 1,
            T.EDUCATION: 4 if g.education in ("vocational", "school", "expelled") else 0.5,
            T.INCOME: 2,
            T.LEGAL: 3 if not g.snils or not g.id_document else 1.5,
            T.CHILDREN: 6 if g.children_count or g.is_pregnant else 0,
            T.BEHAVIOUR: 5 if codes & {"antisocial_behaviour", "released_from_prison"} or g.risk_factors else 0.3,
            T.ARMY: 2 if g.sex == Graduate.Sex.MALE and 18 <= g.age_on(self.today) <= 21 else 0,
            T.OTHER: 4 if g.disability != "none" else 0.7,
        }
        weights = {name: w for name, w in weights.items() if w and name in self.domains}
        chosen: list[str] = []
        for _n in range(min(len(weights), self.rng.randint(2, 4))):
            name = self.pick({k: v for k, v in weights.items() if k not in chosen})
            chosen.append(name)
        return chosen

    def consent(self, g: Graduate, contact: dt.date, activated: dt.date) -> None:
        """A written consent in force on the contract's day: the graduate's own, or one signed at contact."""
        papers = [c for c in g.consents.all()] + [c for c in self.consents if c.graduate is g]
        if any(c.given_at <= activated and c.withdrawn_at is None and c.valid_until is None for c in papers):
            return
        given = contact
        minor = age_on(g.birth_date, given) < 18
        self.consents.append(
            Consent(
                graduate=g,
                given_at=given,
                given_by=Consent.GivenBy.REPRESENTATIVE if minor else Consent.GivenBy.GRADUATE,
                scope=CONSENT_SCOPE,
                recorded_by=None,
                created_at=self.moment(given),
            )
        )

    def level_history(self, episode: Episode, activated: dt.date, limit: dt.date, final: int) -> None:
        rng, case, spec = self.rng, episode.case, episode.specialist
        span = (limit - activated).days
        count = 0
        if span > 100:
            count = self.pick({0: 60, 1: 28, 2: 12})
            if span < 200:
                count = min(count, 1)
        # A level moves at a quarterly consilium of a past quarter of the assessments' window
        # (opora.demo.assessment holds those consilia; the current quarter's is still to come).
        candidates = [d for d in past_consilium_days(self.today) if activated + dt.timedelta(days=45) < d <= limit]
        dates = sorted(rng.sample(candidates, min(count, len(candidates))))
        sequence = [final]
        for _n in dates:
            nxt = sequence[0]
            sequence.insert(0, self.pick({t: (3 if abs(t - nxt) == 1 else 1) for t in range(3) if t != nxt}))
        first = self.tiers[sequence[0]]
        reasons = T.INITIAL_REASONS.get(first.name) or (_("Уровень определён при заключении договора."),)
        episode.changes.append(
            LevelChange(
                case=case,
                level=first,
                effective_from=activated,
                basis=LevelChange.Basis.INITIAL,
                reason=rng.choice(reasons),
                decided_by=spec,
                created_at=self.moment(activated),
            )
        )
        previous = activated
        for i, day in enumerate(dates):
            before, after = sequence[i], sequence[i + 1]
            up = after < before
            basis = LevelChange.Basis.CONSILIUM
            if up and after == 0 and self.chance(0.5):
                basis = LevelChange.Basis.CRISIS
                day = max(previous + DAY, day - dt.timedelta(days=rng.randint(1, 25)))
            decided = self.coordinator1 if basis == LevelChange.Basis.CONSILIUM and self.is_service1(case) else spec
            episode.changes.append(
                LevelChange(
                    case=case,
                    level=self.tiers[after],
                    effective_from=day,
                    basis=basis,
                    reason=rng.choice(
                        [r for r in (T.LEVEL_UP_REASONS if up else T.LEVEL_DOWN_REASONS) if self.suits(episode, r)]
                    ),
                    decided_by=decided,
                    created_at=self.moment(day),
                )
            )
            previous = day
        self.changes += episode.changes

    def is_service1(self, case: SupportCase) -> bool:
        return self.coordinator1 is not None and case.graduate.service_id == self.coordinator1.service_id

    def level_on(self, episode: Episode, day: dt.date) -> SupportLevel:
        level = episode.changes[0].level
        for change in episode.changes:
            if change.effective_from <= day:
                level = change.level
        return level

    def contract_chain(self, episode, g, activated, limit, reason, moved_from, moved_on, earlier) -> None:
        """The first contract and its renewals up to ``limit`` (and a few early renewals of expiring ones)."""
        rng, today = self.rng, self.today
        help_agreed = _("Служба оказывает выпускнику: %(help)s.") % {
            "help": "; ".join(T.HELP_BY_DOMAIN[d] for d in episode.needs)
        }
        duties = rng.sample(T.GRADUATE_OBLIGATIONS, 4)
        obligations = _("Выпускник обязуется: %(duties)s.") % {"duties": "; ".join(duties)}
        signed, starts, previous = activated, activated, None
        while True:
            service = moved_from if moved_from is not None and signed < moved_on else g.service
            author = earlier if moved_from is not None and signed < moved_on else episode.specialist
            contract = Contract(
                case=episode.case,
                service=service,
                number="",
                year=signed.year,
                signed_at=signed,
                starts_on=starts,
                ends_on=add_months(starts, 12) - DAY,
                help_agreed=help_agreed,
                graduate_obligations=obligations,
                termination_terms=T.TERMINATION_TERMS,
                renewed_from=previous,
                created_by=author,
                created_at=self.moment(signed),
            )
            episode.contracts.append(contract)
            self.contracts.append(contract)
            ends = contract.ends_on
            if reason == Reason.CONTRACT_ENDED:
                if ends >= limit - DAY:  # this term ended, not renewed
                    break
                if add_months(ends + DAY, 12) - DAY >= limit:
                    break
            elif ends >= limit:
                # Still in force. A contract that ends within a month is sometimes renewed in advance.
                soon = ends <= today + dt.timedelta(days=EXPIRING_DAYS)
                if episode.expiring is None:
                    in_advance = not reason and soon and self.chance(0.3)
                else:
                    in_advance = soon and not episode.expiring
                if not in_advance:
                    break
            signed = max(contract.starts_on, min(today, ends - dt.timedelta(days=rng.randint(0, 25))))
            starts, previous = max(ends + DAY, signed), contract

    def plan_chain(self, episode: Episode, activated: dt.date, limit: dt.date, *, closed: bool) -> None:
        """Versions of the plan from the contract on: a new one at the end of each period or on a level change."""
        rng = self.rng
        case = episode.case
        start = min(limit, activated + dt.timedelta(days=rng.randint(0, 10)))
        change_days = sorted({c.effective_from for c in episode.changes[1:]})
        previous_goals: list[PlanGoal] = []
        previous_measures: list[PlanMeasure] = []
        review = ""
        version = 0
        approver = self.coordinator1 if self.is_service1(case) else episode.specialist
        while start <= limit:
            version += 1
            level = self.level_on(episode, start)
            ends = add_months(start, level.plan_period_months) - DAY
            change = next((d for d in change_days if start < d <= ends), None)
            if change is not None:
                following, next_review = change, f"{T.REVIEW_LEVEL}: {self.level_on(episode, change).name.lower()}"
            elif (ends - start).days > 60 and self.chance(0.08):
                following = start + dt.timedelta(days=rng.randint(30, (ends - start).days))
                next_review = rng.choice(T.REVIEW_SITUATION)
            else:
                following, next_review = ends + DAY, T.REVIEW_PERIOD
            superseded = following <= limit
            # Now and then the review is late: the current plan's period is over (the caseload shows it).
            if superseded and not closed and following > self.today - dt.timedelta(days=40) and self.chance(0.06):
                superseded = False
            life_end = following - DAY if superseded else limit
            plan = SupportPlan(
                case=case,
                version=version,
                level=level,
                starts_on=start,
                ends_on=ends,
                review_reason=review,
                created_by=episode.specialist,
                created_at=self.moment(start),
            )
            approved = min(life_end, self.today, start + dt.timedelta(days=rng.randint(0, 14)))
            if superseded:
                plan.status, plan.approved_at, plan.approved_by = SupportPlan.Status.SUPERSEDED, approved, approver
            elif not closed and (self.today - start).days < 20 and self.chance(0.5):
                plan.status = SupportPlan.Status.DRAFT
            else:
                plan.status, plan.approved_at, plan.approved_by = SupportPlan.Status.APPROVED, approved, approver
            self.plans.append(plan)

            goals = self.plan_goals(plan, episode, previous_goals)
            measures = self.plan_measures(plan, episode, goals, previous_goals, previous_measures, life_end)
            episode.measures += measures
            self.measures[version] += measures
            previous_goals, previous_measures = goals, measures
            if not superseded:
                break
            start, review = following, next_review

    def plan_goals(self, plan, episode, previous_goals) -> list[PlanGoal]:
        rng = self.rng
        goals = [PlanGoal(plan=plan, domain=goal.domain, text=goal.text, order=goal.order) for goal in previous_goals]
        if not goals or (len(goals) < len(episode.needs) and self.chance(0.3)):
            used = {goal.domain.name for goal in goals}
            fresh = [d for d in episode.needs if d not in used]
            for name in fresh[: rng.randint(1, 3) if not goals else 1]:
                goals.append(
                    PlanGoal(
                        plan=plan,
                        domain=self.domains[name],
                        text=rng.choice([t for t in T.GOALS[name] if self.suits(episode, t)]),
                        order=len(goals) + 1,
                    )
                )
        self.goals += goals
        return goals

    def plan_measures(self, plan, episode, goals, previous_goals, previous_measures, life_end) -> list[PlanMeasure]:
        rng = self.rng
        copies = {id(old): new for old, new in zip(previous_goals, goals, strict=False)}
        measures: list[PlanMeasure] = []
        for old in previous_measures:
            if old.status not in PlanMeasure.OPEN_STATUSES:
                continue
            carried = PlanMeasure(
                plan=plan,
                goal=copies.get(id(old.goal)),
                domain=old.domain,
                text=old.text,
                responsible=old.responsible,
                responsible_name=old.responsible_name,
                deadline=min(max(old.deadline, plan.starts_on), plan.ends_on),
                status=old.status,
                carried_from=old,
            )
            self.settle(carried, plan, life_end)
            measures.append(carried)
        used = {m.text for m in measures}
        wanted = max(0, rng.randint(2, 6) - len(measures))
        if not measures:
            wanted = max(wanted, 2)
        for n in range(wanted):
            goal = goals[n % len(goals)]
            options = [m for m in T.MEASURES[goal.domain.name] if m[0] not in used and self.suits(episode, m[0])]
            if not options:
                continue
            text, responsible, _done, _not_done = rng.choice(options)
            used.add(text)
            days = (plan.ends_on - plan.starts_on).days
            measure = PlanMeasure(
                plan=plan,
                goal=goal,
                domain=goal.domain,
                text=text,
                responsible=responsible,
                responsible_name=self.responsible_name(responsible, goal.domain.name, episode, text),
                deadline=plan.starts_on + dt.timedelta(days=rng.randint(min(7, days), days)),
            )
            self.settle(measure, plan, life_end)
            measures.append(measure)
        return measures

    def responsible_name(self, responsible: str, domain: str, episode: Episode, text: str) -> str:
        if responsible == "organisation":
            name = T.ORGANISATION_OF.get(text) or self.rng.choice(T.ORGANISATIONS[domain])
            return name.format(centre=self.centre(episode.case.graduate.service))
        if responsible == "mentor":
            return self.rng.choice(T.MENTORS)
        if responsible == "specialist" and episode.specialist is not None:
            return episode.specialist.short_name
        return ""

    def settle(self, measure: PlanMeasure, plan: SupportPlan, life_end: dt.date) -> None:
        """The measure's status as of the end of the plan's life (its successor's start, or today)."""
        rng = self.rng
        texts = {m[0]: m for m in T.MEASURES[measure.domain.name]}
        _text, _resp, done_result, not_done_result = texts.get(measure.text, ("", "", "Выполнено", "Не выполнено"))
        x = rng.random()
        if measure.deadline <= life_end:
            if x < 0.72:
                measure.status, measure.result = PlanMeasure.Status.DONE, done_result
                lo = max(plan.starts_on, measure.deadline - dt.timedelta(days=25))
                measure.done_at = self.day(lo, measure.deadline)
            elif x < 0.80:
                measure.status, measure.result = PlanMeasure.Status.NOT_DONE, not_done_result
                measure.done_at = min(life_end, measure.deadline + dt.timedelta(days=rng.randint(0, 5)))
            else:
                measure.status = self.pick({PlanMeasure.Status.PLANNED: 1, PlanMeasure.Status.IN_PROGRESS: 1})
                measure.result, measure.done_at = "", None
        elif x < 0.10 and (life_end - plan.starts_on).days >= 14:
            measure.status, measure.result = PlanMeasure.Status.DONE, done_result
            measure.done_at = self.day(max(plan.starts_on, life_end - dt.timedelta(days=30)), life_end)
        else:
            measure.status = PlanMeasure.Status.IN_PROGRESS if x < 0.45 else PlanMeasure.Status.PLANNED
            measure.result, measure.done_at = "", None

    # --- the journal ---------------------------------------------------------------------------
    def entry(self, case, g, author, day, kind, text, result="", domain=None, measure=None, service_kind=None):
        span = T.DURATION.get(kind)
        minutes = max(5, self.rng.randint(*span) // 5 * 5) if span else None
        self.journal.append(
            JournalEntry(
                case=case,
                graduate=g,
                date=day,
                kind=kind,
                domain=domain,
                service_kind=service_kind,
                text=text,
                result=result,
                duration_minutes=minutes,
                participants=T.PARTICIPANTS.get(kind, ""),
                measure=measure,
                author=author,
                created_at=self.moment(day),
            )
        )

    def supported_journal(self, episode, g, identified, activated, limit, moved_on, earlier) -> None:
        """A year of contacts: a few before the contract, then by the level's norm, and the measures done."""
        rng, case = self.rng, episode.case
        lo = max(identified, self.today - dt.timedelta(days=365))
        if lo > limit:
            return

        def author(day):
            return earlier if moved_on is not None and day < moved_on else episode.specialist

        contact = case.contact_at
        if lo < contact:
            for kind, text, result in rng.sample(T.BEFORE_CONTACT, rng.randint(0, 1)):
                day = self.day(lo, contact)
                self.entry(case, g, author(day), day, kind, text, result)
        if lo <= activated:
            for kind, text, result in rng.sample(T.BEFORE_CONTRACT, rng.randint(1, 2)):
                day = self.day(max(lo, contact), activated)
                self.entry(case, g, author(day), day, kind, text, result)
        block = max(lo, activated)
        while block <= limit:
            block_end = min(block + dt.timedelta(days=29), limit)
            tier = self.tier_of[self.level_on(episode, block).pk]
            low, high = JOURNAL_PER_MONTH[tier]
            count = rng.randint(low, high) * ((block_end - block).days + 1) / 30
            count = int(count) + (rng.random() < count - int(count))
            for _n in range(count):
                day = self.workday(self.day(block, block_end), block)
                kind = self.pick(KIND_WEIGHTS[tier])
                domain_name, text, result = self.journal_text(kind, episode)
                domain = self.domains.get(domain_name) if domain_name else None
                kinds = self.kinds_by_domain.get(domain.pk) if domain is not None else None
                service_kind = rng.choice(kinds) if kinds and kind in ("accompanying", "letter") else None
                self.entry(case, g, author(day), day, kind, text, result, domain, service_kind=service_kind)
            block = block_end + DAY
        for measure in episode.measures:
            if measure.status == PlanMeasure.Status.DONE and lo <= measure.done_at <= limit and self.chance(0.7):
                kind = T.DONE_MEASURE_KIND.get(measure.domain.name, "meeting")
                day = measure.done_at
                self.entry(case, g, author(day), day, kind, measure.text, measure.result, measure.domain, measure)

    def journal_text(self, kind: str, episode: Episode) -> tuple[str | None, str, str]:
        options = [o for o in T.JOURNAL[kind] if self.suits(episode, o[1])]
        relevant = [o for o in options if o[0] is None or o[0] in episode.needs]
        return self.rng.choice(relevant if relevant and self.chance(0.8) else options)

    def suits(self, episode: Episode, text: str) -> bool:
        """Texts about young mothers only for a graduate who is one (or is pregnant)."""
        g = episode.case.graduate
        if not any(word in text for word in T.FEMALE_ONLY):
            return True
        return g.sex == Graduate.Sex.FEMALE and bool(g.children_count or g.is_pregnant)

    # --- endings and transfers -------------------------------------------------------------------
    def report(self, episode: Episode, reason: str, where: str) -> str:
        template = self.rng.choice(T.CLOSE_REPORTS.get(reason, T.CLOSE_REPORTS["adapted"]))
        achievements = [a for a in T.ACHIEVEMENTS if self.suits(episode, a)]
        return template.format(achievement=self.rng.choice(achievements), where=where)

    def notice(self, episode: Episode, day: dt.date) -> dict:
        """The relocation notice's facts as ``services.transfer_notice`` gives them, as of ``day``."""
        g = episode.case.graduate
        contract = next((c for c in reversed(episode.contracts) if c.signed_at <= day), None)
        return {
            "full_name": g.full_name,
            "birth_date": g.birth_date.strftime("%d.%m.%Y"),
            "status_category": str(g.get_status_category_display()),
            "legal_representative": g.legal_representative,
            "identification_place": g.identification_place,
            "housing": str(g.get_housing_display()),
            "housing_right": g.housing_right,
            "phone": g.phone,
            "support_status": str(Status.ACTIVE.label),
            "support_level": self.level_on(episode, day).name,
            "contract": f"Договор № {{number}} от {contract.signed_at:%d.%m.%Y}" if contract else "",
            "recommendations": "",
        }

    def pending_transfers(self) -> None:
        """Two transfers from the service of г. Белгород: to service 2 (not yet due), and one overdue."""
        first, second, third = self.services[0], self.services[1], self.services[2]
        candidates = [
            e
            for e in self.episodes.values()
            if e.case.status == Status.ACTIVE
            and e.case.graduate.service_id == first.pk
            and not any(t.case is e.case for t in self.transfers)
        ]
        mine = [
            e
            for e in candidates
            if self.specialist1 is not None and e.specialist == self.specialist1 and not e.expiring
        ]
        chosen = (mine + [e for e in candidates if e not in mine])[:2]
        today = self.today
        for episode, (to, started, moved) in zip(chosen, ((second, 0, 2), (third, 6, 9)), strict=False):
            g = episode.case.graduate
            place = self.place[to.pk]
            started_at = today - dt.timedelta(days=started)
            recommendations = _("Нужна помощь в постановке на учёт в центре занятости и в оформлении регистрации.")
            notice = self.notice(episode, started_at) | {"recommendations": recommendations}
            self.transfers.append(
                Transfer(
                    case=episode.case,
                    graduate=g,
                    from_service=first,
                    to_service=to,
                    new_address=f"Белгородская обл., {place.centre}, {self.rng.choice(place.streets or ('ул. Ленина',))}, "
                    f"д. {self.rng.randint(1, 90)}, кв. {self.rng.randint(1, 120)}",
                    moved_at=today - dt.timedelta(days=moved),
                    started_at=started_at,
                    notice_due=started_at + dt.timedelta(days=Transfer.NOTICE_DAYS),
                    recommendations=recommendations,
                    notice=notice,
                    status=Transfer.Status.PENDING,
                    started_by=episode.specialist,
                )
            )
            self.incoming[g.pk] = to

    def number_contracts(self) -> None:
        """«N/ГГГГ» in the order of signing, per service and year, as ``next_contract_number`` gives them."""
        by_key: dict[tuple[int, int], list[Contract]] = defaultdict(list)
        for contract in self.contracts:
            by_key[(contract.service.pk, contract.year)].append(contract)
        for (_service, year), contracts in by_key.items():
            contracts.sort(key=lambda c: (c.signed_at, c.created_at))
            for sequence, contract in enumerate(contracts, 1):
                contract.sequence, contract.number = sequence, f"{sequence}/{year}"
        for transfer in self.transfers:
            text = transfer.notice.get("contract", "")
            if "{number}" in text:
                episode = self.episodes[id(transfer.case)]
                contract = next(c for c in reversed(episode.contracts) if c.signed_at <= transfer.started_at)
                transfer.notice["contract"] = text.replace("{number}", contract.number)

    # --- saving ------------------------------------------------------------------------------------
    def save(self) -> None:
        def bulk(model, rows):
            model.objects.bulk_create(rows, batch_size=BATCH_SIZE)

        bulk(Consent, self.consents)
        bulk(SupportCase, self.cases)
        bulk(Contract, [c for c in self.contracts if c.renewed_from is None])
        renewals = [c for c in self.contracts if c.renewed_from is not None]
        while renewals:  # a renewal of a renewal waits for its predecessor
            ready = [c for c in renewals if c.renewed_from.pk is not None]
            bulk(Contract, ready)
            renewals = [c for c in renewals if c.pk is None]
        bulk(LevelChange, self.changes)
        bulk(SupportPlan, self.plans)
        bulk(PlanGoal, self.goals)
        for version in sorted(self.measures):
            bulk(PlanMeasure, self.measures[version])
        bulk(JournalEntry, self.journal)
        bulk(Transfer, self.transfers)
        for graduate_pk, service in self.incoming.items():
            Graduate.objects.filter(pk=graduate_pk).update(incoming_service=service)


def load(region: Region, today: dt.date, out: OutputWrapper, style: Style) -> None:
    """The support cycle's demo data on the graduates of ``region``, as of ``today``, and a summary.

    Nothing is added when the region already has cases; the region's directories are set up
    (``setup_region``) either way.
    """
    with transaction.atomic():
        services.setup_region(region)
        if SupportCase.objects.filter(graduate__service__region=region).exists():
            out.write(_("Данные сопровождения уже загружены: ничего не добавлено."))
        else:
            builder = Builder(region, today)
            builder.build()
            builder.save()
            out.write(
                style.SUCCESS(
                    _(
                        "Сопровождение загружено: специалистов добавлено: %(users)d, согласий: %(consents)d, "
                        "договоров: %(contracts)d, смен уровня: %(changes)d, планов: %(plans)d, мероприятий: "
                        "%(measures)d, записей журнала: %(journal)d, передач: %(transfers)d."
                    )
                    % {
                        "users": len(builder.new_users),
                        "consents": len(builder.consents),
                        "contracts": len(builder.contracts),
                        "changes": len(builder.changes),
                        "plans": len(builder.plans),
                        "measures": sum(len(m) for m in builder.measures.values()),
                        "journal": len(builder.journal),
                        "transfers": len(builder.transfers),
                    }
                )
            )
    summary(region, today, out)


def summary(region: Region, today: dt.date, out: OutputWrapper) -> None:
    """What the region's support data come to: cases by status, levels on ``today``, pending transfers."""
    cases = SupportCase.objects.filter(graduate__service__region=region)
    by_status = Counter(cases.values_list("status", flat=True))
    out.write(_("Случаи сопровождения по статусам:"))
    for status in Status:
        out.write(f"  {status.label}: {by_status.get(status.value, 0)}")
    in_force = LevelChange.objects.filter(case=OuterRef("pk"), effective_from__lte=today).order_by(
        "-effective_from", "-id"
    )
    levels = Counter(
        cases.on_support(today)
        .annotate(level=Subquery(in_force.values("level__name")[:1]))
        .values_list("level", flat=True)
    )
    total = sum(levels.values()) or 1
    out.write(_("На сопровождении на %(day)s по уровням:") % {"day": today.strftime("%d.%m.%Y")})
    for level in SupportLevel.objects.filter(region=region).order_by("-order"):
        count = levels.get(level.name, 0)
        out.write(f"  {level.name}: {count} ({round(100 * count / total)} %)")
    pending = Transfer.objects.filter(from_service__region=region, status=Transfer.Status.PENDING)
    overdue = sum(t.notice_overdue(today) for t in pending)
    out.write(
        _("Передачи, ожидающие принятия: %(pending)d (уведомление просрочено: %(overdue)d).")
        % {"pending": pending.count(), "overdue": overdue}
    )
    specialist1 = User.objects.filter(username="specialist1").first()
    if specialist1 is not None:
        caseload = cases.open().filter(specialist=specialist1).count()
        out.write(_("Незавершённых случаев у specialist1: %(n)d.") % {"n": caseload})
