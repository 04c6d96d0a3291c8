"""The API's rate limit (REST_FRAMEWORK's DEFAULT_THROTTLE_CLASSES; no models, no views here:
DRF imports it while it loads its own views)."""

from __future__ import annotations

from django.conf import settings
from rest_framework import throttling


class ApiRateThrottle(throttling.UserRateThrottle):
    """At most ``OPORA_API_RATE`` requests of one user (or one address, before login) to the API.

    A script gone wrong with a specialist's token must not take the server from the colleagues.
    The count is kept in the default cache, per server process. An empty rate turns it off.
    """

    def get_rate(self):
        return settings.OPORA_API_RATE or None

    def allow_request(self, request, view):
        self.rate = self.get_rate()  # read each time: the setting may change (tests, reload)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)
