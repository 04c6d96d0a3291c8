"""Two coordinators holding the same consilium at once: one holds it, the other hears it is held.

Row locks need PostgreSQL:
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/opora_consilium pytest opora/assessment/tests/test_consilium_concurrency.py``
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from opora.assessment import consilium as consilia
from opora.assessment.models import Consilium
from opora.assessment.tests.conftest import days_ago  # noqa: F401
from opora.assessment.tests.consilium_factories import make_assessment
from opora.support.models import LevelChange
from opora.support.tests.test_concurrency import one_wins, race

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks (select_for_update) are a PostgreSQL matter; SQLite serialises every write",
    ),
]

TRIES = 10


def test_two_coordinators_holding_the_same_consilium_one_holds_it(
    active_case, service, coordinator, second_coordinator, specialist
):
    make_assessment(active_case, timezone.localdate(), {"Жильё": 4})
    for _n in range(TRIES):
        consilium = consilia.prepare_consilium(
            service,
            actor=coordinator,
            kind="extraordinary",
            held_on=timezone.localdate(),
            participants=[coordinator, specialist],
        )
        consilia.add_graduates(consilium, [active_case], actor=coordinator)
        revision = Consilium.objects.get(pk=consilium.pk).revision
        before = LevelChange.objects.filter(case=active_case).count()

        outcomes = race(
            lambda c=consilium, r=revision: consilia.hold_consilium(c, actor=coordinator, expected_revision=r),
            lambda c=consilium, r=revision: consilia.hold_consilium(c, actor=second_coordinator, expected_revision=r),
        )

        one_wins(outcomes)
        assert any("уже проведён" in str(message) for kind, message in outcomes if kind == "refused")
        assert Consilium.objects.get(pk=consilium.pk).status == Consilium.Status.HELD
        assert LevelChange.objects.filter(case=active_case).count() - before <= 1
