"""Shared fixtures of the assessment and consilium tests.

The support cycle's fixtures (a region with its directories, a case on support) are reused
from ``opora/support/tests/conftest.py``. Helpers of one area put their own fixtures in their
test modules; only what several areas need lives here.
"""

from __future__ import annotations

# The assessment card's fixtures («assess» area: a graduate long on support, writing an assessment).
from opora.assessment.tests.assess_helpers import assess, long_case, on_support  # noqa: E402, F401
from opora.assessment.tests.consilium_fixtures import (  # noqa: F401  (consilium: test_consilium_*.py)
    level_rules,
    prepare,
    second_coordinator,
)
from opora.support.tests.conftest import (  # noqa: F401  (fixtures reused by name)
    INTENSIVE,
    MONITORING,
    SUPPORTING,
    active_case,
    consented_graduate,
    contacted_case,
    days_ago,
    domains,
    give_consent,
    identified_case,
    levels,
    make_active_case,
    support_region,
)
