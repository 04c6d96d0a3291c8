"""Pages of the registry: the list, the graduate card and its tabs, the forms.

Views are thin: they fetch through the access scope, validate with a form, call a
service from opora.registry.services, and turn a DomainError into a form error.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import connection
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.core.access import allowed_actions, can, reach
from opora.core.errors import DomainError
from opora.core.models import AuditEvent, AuditSubject
from opora.core.versioning import StaleEdit
from opora.core.views import ScopedView
from opora.registry import services
from opora.registry.forms import ConsentForm, DetailsConfirmForm, GraduateFilter, GraduateForm
from opora.registry.models import Consent, Graduate
from opora.registry.tabs import card_tabs

PAGE_SIZES = (25, 50, 100)


def graduate_queryset():
    """A graduate with everything the card and the list show, in a constant number of queries."""
    return Graduate.objects.select_related("service", "territory").prefetch_related("vulnerable_categories")


class GraduateListView(ScopedView):
    """The registry list: search, filters, sorting and pagination; every page shown is audited."""

    model = Graduate

    def get(self, request):
        qs = graduate_queryset().restrict(request.user)
        filterset = GraduateFilter(request.GET or None, queryset=qs, user=request.user, vendor=connection.vendor)
        rows = (
            filterset.qs
            if filterset.is_bound and filterset.is_valid()
            else qs.order_by("last_name", "first_name", "patronymic", "id")
        )
        try:
            per_page = int(request.GET.get("per_page", PAGE_SIZES[0]))
        except ValueError:
            per_page = PAGE_SIZES[0]
        if per_page not in PAGE_SIZES:
            per_page = PAGE_SIZES[0]
        page = self.paginate(rows, per_page)
        graduates = page.object_list
        query = request.GET.copy()
        query.pop("page", None)
        without_size = query.copy()
        without_size.pop("per_page", None)
        context = {
            "query_without_size": without_size.urlencode(),
            "filter": filterset,
            "page": page,
            "graduates": graduates,
            "per_page": per_page,
            "page_sizes": PAGE_SIZES,
            "query": query.urlencode(),
            "today": timezone.localdate(),
            "can_create": can(request.user, "change"),
            "multi_service": reach(request.user) == "region",
        }
        template = "registry/_list_results.html" if request.headers.get("HX-Request") else "registry/graduate_list.html"
        return render(request, template, context)


class CardView(ScopedView):
    """A tab of the graduate card (личное дело)."""

    model = Graduate
    tab = "main"

    def get_queryset_unrestricted(self):
        return graduate_queryset().prefetch_related("consents")

    def allowed_on(self, graduate: Graduate) -> set[str]:
        """What the scope lets the user do with this graduate (one query, kept for the request)."""
        if getattr(self, "_allowed", None) is None:
            self._allowed = allowed_actions(self.request.user, graduate, ("change", "delete", "receive"))
        return self._allowed

    def card_context(self, graduate: Graduate, **extra):
        allowed = self.allowed_on(graduate)
        return {
            "graduate": graduate,
            "tab": self.tab,
            "tabs": card_tabs(self.request.user, graduate),
            "today": timezone.localdate(),
            # Buttons only where the scope would let the action through (the receiving side of a
            # transfer sees the card and accepts or declines; it changes nothing before that).
            "can_change": "change" in allowed,
            "can_delete": "delete" in allowed,
            "can_receive": "receive" in allowed,
            **extra,
        }


class GraduateDetailView(CardView):
    def get(self, request, pk):
        graduate = self.get_object()
        return render(request, "registry/card_main.html", self.card_context(graduate))


class GraduateConsentsView(CardView):
    tab = "consents"

    def get(self, request, pk):
        graduate = self.get_object()
        return render(request, "registry/card_consents.html", self.card_context(graduate, form=ConsentForm()))

    def post(self, request, pk):
        graduate = self.get_object()
        form = ConsentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.record_consent(graduate, actor=request.user, data=form.cleaned_data, request=request)
            except DomainError as err:
                form.add_error(err.field, err.message)
            else:
                messages.success(request, _("Согласие на обработку персональных данных внесено."))
                return redirect("registry:consents", pk=graduate.pk)
        return render(request, "registry/card_consents.html", self.card_context(graduate, form=form), status=400)


class ConsentWithdrawView(ScopedView):
    model = Consent

    def post(self, request, pk, consent_pk):
        consent = self.get_in_scope(Consent.objects.select_related("graduate"), pk=consent_pk, graduate_id=pk)
        try:
            services.withdraw_consent(consent, actor=request.user, on=timezone.localdate(), request=request)
        except DomainError as err:
            messages.error(request, err.message)
        else:
            messages.success(request, _("Согласие отмечено как отозванное."))
        return redirect("registry:consents", pk=pk)


class ConsentScanView(ScopedView):
    """The scanned consent, served only within the scope (never from a public media URL)."""

    model = Consent

    def get(self, request, pk, consent_pk):
        self.get_in_scope(Graduate.objects.all(), pk=pk)  # the read is the person's
        consent = self.get_in_scope(Consent.objects.all(), pk=consent_pk, graduate_id=pk)
        if not consent.scan:
            raise Http404
        self.audit_changes = {"file": "consent_scan"}
        return FileResponse(consent.scan.open("rb"), as_attachment=False, filename=consent.scan.name.rsplit("/", 1)[-1])


class GraduatePhotoView(CardView):
    """A graduate's photo, served only within the scope."""

    def get(self, request, pk, kind):
        graduate = self.get_object()
        field = {"portrait": graduate.photo_portrait, "full": graduate.photo_full}.get(kind)
        if not field:
            raise Http404
        self.audit_changes = {"file": f"photo_{kind}"}
        return FileResponse(field.open("rb"))  # no Cache-Control of its own: no-store, like every page


class GraduateHistoryView(CardView):
    """Who changed this person's file, which fields, from what to what; and, for the coordinator and the
    regional centre, who read it (the card, a document, a contract through the API, a list that showed them).

    One indexed query over the events filed under the person (AuditSubject: person_id, at), paginated.
    """

    tab = "history"
    per_page = 50

    def get(self, request, pk):
        graduate = self.get_object()
        with_reads = can(request.user, "audit")
        subjects = AuditSubject.objects.filter(person_id=graduate.pk)
        if not with_reads:
            subjects = subjects.filter(event__action__in=AuditEvent.CHANGE_ACTIONS)
        subjects = subjects.select_related("event", "event__actor", "event__content_type").order_by("-at", "-id")
        page = Paginator(subjects, self.per_page).get_page(request.GET.get("page"))
        return render(
            request,
            "registry/card_history.html",
            self.card_context(graduate, page=page, with_reads=with_reads),
        )


class GraduateCreateView(ScopedView):
    model = Graduate
    scope_actions = {"get": "change", "post": "change"}

    def get(self, request):
        return render(request, "registry/graduate_form.html", {"form": GraduateForm(user=request.user)})

    def post(self, request):
        form = GraduateForm(request.POST, request.FILES, user=request.user)
        duplicates = []
        if form.is_valid():
            try:
                graduate = services.create_graduate(
                    actor=request.user,
                    data=form.service_data(),
                    vulnerable_categories=form.cleaned_data["vulnerable_categories"],
                    confirm_duplicate=form.cleaned_data.get("confirm_duplicate", False),
                    request=request,
                )
            except services.DuplicateWarning as warning:
                duplicates = warning.duplicates
            except DomainError as err:
                form.add_error(err.field, err.message)
            else:
                messages.success(request, _("Выпускник %(name)s внесён в банк данных.") % {"name": graduate.full_name})
                return redirect("registry:detail", pk=graduate.pk)
        return render(request, "registry/graduate_form.html", {"form": form, "duplicates": duplicates}, status=400)


class GraduateUpdateView(CardView):
    scope_actions = {"get": "change", "post": "change"}
    tab = "main"

    def get(self, request, pk):
        graduate = self.get_object()
        form = GraduateForm(instance=graduate, user=request.user)
        return render(request, "registry/graduate_form.html", {"form": form, "graduate": graduate})

    def post(self, request, pk):
        graduate = self.get_object()
        form = GraduateForm(request.POST, request.FILES, instance=graduate, user=request.user)
        status = 400
        duplicates = []
        if form.is_valid():
            try:
                # The service re-reads the row under a lock: the form has already written
                # the typed values into ``graduate``, which is only the scope check's copy.
                services.update_graduate(
                    graduate,
                    actor=request.user,
                    data=form.service_data(),
                    vulnerable_categories=form.cleaned_data["vulnerable_categories"],
                    expected_revision=form.expected_revision,
                    confirm_duplicate=form.cleaned_data.get("confirm_duplicate", False),
                    request=request,
                )
            except StaleEdit as err:
                form.show_stale(err)
                status = 409
            except services.DuplicateWarning as warning:
                duplicates = warning.duplicates
            except DomainError as err:
                form.add_error(err.field, err.message)
            else:
                messages.success(request, _("Изменения сохранены."))
                return redirect("registry:detail", pk=graduate.pk)
        context = {"form": form, "graduate": graduate, "duplicates": duplicates}
        return render(request, "registry/graduate_form.html", context, status=status)


class GraduateConfirmDetailsView(CardView):
    """After a move: the receiving specialist confirms address, territory, housing and place of study.

    The form is prefilled from the record; saving goes through the registry's update service with
    the revision the form was opened at, and clears the «сведения нужно подтвердить» mark.
    """

    scope_actions = {"get": "change", "post": "change"}
    tab = "main"

    def page(self, graduate, form, status=200):
        return render(
            request=self.request,
            template_name="registry/graduate_confirm_details.html",
            context=self.card_context(graduate, form=form),
            status=status,
        )

    def get(self, request, pk):
        graduate = self.get_object()
        return self.page(graduate, DetailsConfirmForm(instance=graduate, user=request.user))

    def post(self, request, pk):
        graduate = self.get_object()
        form = DetailsConfirmForm(request.POST, instance=graduate, user=request.user)
        status = 400
        if form.is_valid():
            try:
                services.update_graduate(
                    graduate,
                    actor=request.user,
                    data=form.service_data(),
                    expected_revision=form.expected_revision,
                    confirm_details=True,
                    request=request,
                )
            except StaleEdit as err:
                form.show_stale(err)
                status = 409
            except DomainError as err:
                form.add_error(err.field if err.field in form.fields else None, err.message)
            else:
                messages.success(request, _("Сведения о выпускнике подтверждены."))
                return redirect("registry:detail", pk=graduate.pk)
        return self.page(graduate, form, status=status)


class GraduateDeleteView(CardView):
    """Deleting a record entered by mistake: a confirmation page, then a POST."""

    scope_actions = {"get": "delete", "post": "delete"}

    def get(self, request, pk):
        graduate = self.get_object()
        return render(request, "registry/graduate_confirm_delete.html", self.card_context(graduate))

    def post(self, request, pk):
        graduate = self.get_object()
        if request.POST.get("confirm_name", "").strip().lower() != graduate.last_name.lower():
            messages.error(request, _("Для удаления введите фамилию выпускника точно так, как она записана."))
            return redirect("registry:delete", pk=pk)
        name = graduate.full_name
        services.delete_graduate(graduate, actor=request.user, request=request)
        messages.success(request, _("Запись «%(name)s» удалена из банка данных.") % {"name": name})
        return redirect(reverse("registry:list"))
