"""A script gone wrong with one user's token cannot take the API from the colleagues: 429 in Russian."""

from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture
def limited(settings):
    settings.OPORA_API_RATE = "3/minute"
    cache.clear()
    yield
    cache.clear()


def test_a_user_over_the_api_rate_gets_429_in_russian_with_retry_after(limited, login, specialist):
    client = login(specialist)

    statuses = [client.get("/api/v1/graduates/").status_code for _ in range(3)]
    refused = client.get("/api/v1/graduates/")

    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert "Слишком много запросов к API" in refused.json()["detail"]
    assert 0 < int(refused["Retry-After"]) <= 60


def test_the_rate_counts_each_user_apart(limited, login, specialist, coordinator):
    for _ in range(3):
        login(specialist).get("/api/v1/graduates/")

    assert login(coordinator).get("/api/v1/graduates/").status_code == 200


def test_without_a_rate_nobody_is_throttled(settings, login, specialist):
    settings.OPORA_API_RATE = ""
    client = login(specialist)

    assert {client.get("/api/v1/graduates/").status_code for _ in range(5)} == {200}
