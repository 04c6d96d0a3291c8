"""The scoped base classes cannot be skipped: by a new view, by the order of a viewset's bases, or by a grant.

The guard (opora/core/tests/guards.py) is shown failing on views built to skip the bases;
ScopedViewSet restricts and audits whatever the order of the DRF mixins in its bases; and a
grant (access for one user, not a service) is one more entry in a model's scope, with no
view touched.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse
from django.urls import URLResolver, include, path
from django.urls.resolvers import RegexPattern
from django.views import View
from rest_framework import mixins, serializers, viewsets
from rest_framework.routers import SimpleRouter
from rest_framework.test import APIRequestFactory, force_authenticate

from opora.core import access
from opora.core.access import Grant, Scope
from opora.core.api import ScopedViewSet
from opora.core.models import AuditEvent
from opora.core.roles import Role
from opora.core.views import ScopedView
from opora.registry.models import Graduate

from .guards import scope_problems


class GraduateRowSerializer(serializers.ModelSerializer):
    class Meta:
        model = Graduate
        fields = ["id", "last_name"]


class LeakyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Forgets the scoped base: every graduate of every service."""

    queryset = Graduate.objects.all()
    serializer_class = GraduateRowSerializer


class LeakyPage(LoginRequiredMixin, View):
    def get(self, request, pk):
        return HttpResponse(Graduate.objects.get(pk=pk).last_name)


class ScopedPage(ScopedView):
    model = Graduate

    def get(self, request, pk):
        return HttpResponse(self.get_object().last_name)

    def post(self, request, pk):
        return HttpResponse("ok")


def _resolver(*patterns) -> URLResolver:
    return URLResolver(RegexPattern(r"^/"), list(patterns))


def test_the_guard_fails_on_a_viewset_that_skips_the_scoped_base():
    router = SimpleRouter()
    router.register("leaky", LeakyViewSet, basename="leaky")

    problems = scope_problems(_resolver(path("api/v1/", include(router.urls))), covered=set(), exempt={})

    assert any("leaky-list" in p and "not a scoped view" in p for p in problems), problems
    assert any("leaky-detail" in p and "not a scoped view" in p for p in problems), problems


def test_the_guard_fails_on_a_page_that_skips_the_scoped_base():
    problems = scope_problems(
        _resolver(path("anything/<int:pk>/", LeakyPage.as_view(), name="leaky-page")), covered=set(), exempt={}
    )

    assert problems == [
        "anything/<int:pk>/ (leaky-page): not a scoped view (ScopedView / ScopedViewSet) and not exempt"
    ]


def test_the_guard_fails_on_a_method_the_matrix_does_not_try():
    resolver = _resolver(path("graduates/<int:pk>/x/", ScopedPage.as_view(), name="scoped-page"))

    problems = scope_problems(resolver, covered={("scoped-page", "get")}, exempt={})

    assert problems == ["graduates/<int:pk>/x/ (scoped-page) POST: not tried by the scoping matrix"]
    assert scope_problems(resolver, covered={("scoped-page", "get"), ("scoped-page", "post")}, exempt={}) == []


def test_a_page_cannot_declare_one_scope_action_for_every_method():
    with pytest.raises(TypeError, match="scope_actions"):

        class OneForAll(ScopedView):  # noqa: F841 — the class statement itself must fail
            model = Graduate
            scope_action = "change"


class MixinsFirst(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = Graduate.objects.all()
    serializer_class = GraduateRowSerializer


class BaseFirst(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    queryset = Graduate.objects.all()
    serializer_class = GraduateRowSerializer


@pytest.mark.parametrize("viewset", [MixinsFirst, BaseFirst], ids=["mixins-first", "base-first"])
def test_a_scoped_viewset_restricts_and_audits_whatever_the_order_of_its_bases(
    viewset, specialist, graduate, foreign_graduate
):
    factory = APIRequestFactory()
    listing = factory.get("/x/")
    force_authenticate(listing, user=specialist)
    detail = factory.get("/x/1/")
    force_authenticate(detail, user=specialist)

    rows = viewset.as_view({"get": "list"})(listing).data["results"]
    own = viewset.as_view({"get": "retrieve"})(detail, pk=graduate.pk)
    with transaction.atomic():  # a refusal rolls back its request's transaction, as ATOMIC_REQUESTS does
        foreign = viewset.as_view({"get": "retrieve"})(detail, pk=foreign_graduate.pk)

    assert [row["id"] for row in rows] == [graduate.pk]
    assert own.status_code == 200
    assert foreign.status_code == 404
    reads = AuditEvent.objects.filter(action=AuditEvent.Action.API_READ, actor=specialist).order_by("id")
    assert [(e.object_id, e.record_ids) for e in reads] == [("", [graduate.pk]), (str(graduate.pk), [])]


def test_a_grant_gives_one_user_one_record_without_touching_a_view(
    monkeypatch, attracted, graduate, foreign_graduate, make_graduate
):
    """How a later issue adds «an attracted specialist sees the graduates referred to them»: a path in the scope."""
    referred = make_graduate(graduate.service, last_name="Направленная")
    grant = Grant(
        actions=frozenset({"view"}),
        roles=frozenset({Role.ATTRACTED}),
        condition=lambda user: Q(pk=referred.pk),
    )
    scope = Graduate.access_scope
    monkeypatch.setattr(
        Graduate,
        "access_scope",
        Scope(holder=scope.holder, viewers=scope.viewers, extra=scope.extra, grants=(grant,), model=scope.model),
    )
    monkeypatch.setitem(access.POLICY["view"], Role.ATTRACTED, "grant")

    seen = set(Graduate.objects.restrict(attracted, "view").values_list("pk", flat=True))
    changeable = Graduate.objects.restrict(attracted, "change")

    assert seen == {referred.pk}
    assert not changeable.exists(), "«may see» never implies «may change»"
