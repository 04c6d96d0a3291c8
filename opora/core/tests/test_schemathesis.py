"""A bounded schemathesis pass over the whole OpenAPI schema: no server errors, no schema violations.

Every operation of /api/schema/ is called with generated requests — valid ones and invalid ones,
unsafe methods included (POST, PATCH …) — as a demo specialist and as the regional centre, on a
throw-away test database holding the demo region (``load_demo``). Two checks run on every
answer: ``not_a_server_error`` (no 5xx) and ``response_schema_conformance`` (the answer is what the
schema says for its status). The pass is deterministic (``derandomize``: a fixed seed) and
bounded (:data:`MAX_EXAMPLES` requests per operation and user), a few minutes on two cores.

It runs with ``make schemathesis`` (``OPORA_SCHEMATHESIS=1``), a step of ``.ci/run``; the
ordinary test run skips it.
"""

from __future__ import annotations

import io
import os

import pytest
import schemathesis
from django.core.management import call_command
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from opora.wsgi import application

MAX_EXAMPLES = int(os.environ.get("OPORA_SCHEMATHESIS_EXAMPLES", "25"))
DEMO_GRADUATES = int(os.environ.get("OPORA_SCHEMATHESIS_GRADUATES", "400"))
CHECKS = [not_a_server_error, response_schema_conformance]

pytestmark = [
    pytest.mark.schemathesis,
    # The test database is created for tests that ask for it; each test's writes are rolled back at
    # its end (the demo region, loaded once for the module, stays).
    pytest.mark.django_db,
    pytest.mark.skipif(
        not os.environ.get("OPORA_SCHEMATHESIS"), reason="schemathesis pass: make schemathesis (OPORA_SCHEMATHESIS=1)"
    ),
]


@pytest.fixture(scope="module")
def demo_tokens(django_db_setup, django_db_blocker):
    """The demo region in the test database, and API tokens of specialist1 and of the regional centre."""
    with django_db_blocker.unblock():
        call_command("load_demo", "--graduates", str(DEMO_GRADUATES), stdout=io.StringIO())
        tokens = {}
        for username in ("specialist1", "region"):
            out = io.StringIO()
            call_command("issue_token", username, stdout=out)
            tokens[username] = out.getvalue().strip().splitlines()[-1]
    return tokens


def _operations(token: str, django_db_blocker):
    with django_db_blocker.unblock():
        schema = schemathesis.openapi.from_wsgi(
            "/api/schema/?format=json", application, headers={"Authorization": f"Token {token}"}
        )
    return [result.ok() for result in schema.get_all_operations()]


BOUNDED = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,  # a fixed seed: the same requests on every run
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def describe(err: BaseException) -> str:
    """What failed, short: each distinct failure's first lines (a group holds several)."""
    parts = err.exceptions if isinstance(err, BaseExceptionGroup) else (err,)
    return "\n".join("  - " + " ".join(str(part).split())[:700] for part in parts)


def run_pass(token: str, django_db_blocker) -> tuple[int, list[str]]:
    """Call every operation with valid and with invalid requests; the failures found, one line each.

    Each operation goes on after another one failed, so that one run lists everything to fix.
    """
    headers = {"Authorization": f"Token {token}"}
    operations = _operations(token, django_db_blocker)
    failures: list[str] = []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @BOUNDED
            @given(case=operation.as_strategy(generation_mode=mode))
            def call(case):
                with django_db_blocker.unblock():
                    case.call_and_validate(headers=headers, checks=CHECKS)

            try:
                call()
            except (Exception, BaseExceptionGroup) as err:  # noqa: BLE001 — reported, then the next operation
                failures.append(f"{operation.method.upper()} {operation.path} ({mode.value}): {describe(err)}")
    return len(operations), failures


@pytest.mark.parametrize("username", ["specialist1", "region"])
def test_the_api_answers_as_its_schema_says_and_never_with_a_server_error(username, demo_tokens, django_db_blocker):
    count, failures = run_pass(demo_tokens[username], django_db_blocker)

    assert count >= 40, "the schema lost its operations"
    assert not failures, f"{len(failures)} of {count} operations failed:\n\n" + "\n\n".join(failures)
