"""The project's URLs plus views that fail on purpose, for the error-page tests (test_error_pages.py)."""

from django.urls import path

from opora.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def boom(request):
    raise RuntimeError("секретная подробность 7c1f: не для пользователя")


urlpatterns = [
    path("test-boom/", boom),
    path("api/test-boom/", boom),
    *urlpatterns,
]
