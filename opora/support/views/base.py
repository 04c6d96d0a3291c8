"""What the support pages share: the card frame, the scope, and turning a service's refusal into a form error.

Every object is fetched with :func:`get_in_scope_or_404` (a record outside the scope is a
404, exactly like one that does not exist), every POST goes through a form and then a
service of :mod:`opora.support.services`, and a :class:`DomainError` becomes an error of
that form, shown with status 400.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from opora.core.errors import DomainError
from opora.core.versioning import StaleEdit
from opora.registry.models import Graduate
from opora.registry.views import CardView
from opora.support.models import SupportCase


def call_service(form: forms.Form, service, *args, **kwargs):
    """Call ``service``; on a refusal put its message on ``form`` and return None.

    The message goes to the field the service names when the form has it, else above the form.
    A refused stale edit keeps the form bound with what the user typed (see RevisionFormMixin).
    """
    try:
        return service(*args, **kwargs)
    except StaleEdit as err:
        if hasattr(form, "show_stale"):
            form.show_stale(err)
        else:
            form.add_error(None, err.message)
    except DomainError as err:
        form.add_error(err.field if err.field in form.fields else None, err.message)
    except ValidationError as err:
        # A model's own validation inside a service (a belt to the form's braces).
        for message in err.messages:
            form.add_error(None, message)
    return None


class SupportCardView(CardView):
    """A page of the graduate card about support. GET needs «view», POST needs «change» (ScopedView)."""

    tab = "support"

    def get_case(self, graduate: Graduate) -> SupportCase:
        return self.get_in_scope(
            SupportCase.objects.select_related("graduate", "specialist"),
            pk=self.kwargs["case_pk"],
            graduate_id=graduate.pk,
        )


def case_for_action(graduate: Graduate) -> SupportCase | None:
    """The case a new entry or plan belongs to: the open one, else the latest (whose service refuses)."""
    cases = SupportCase.objects.filter(graduate=graduate).order_by("-identified_at", "-id")
    return cases.open().first() or cases.first()


class CaseFormView(SupportCardView):
    """A form page of the card (sign a contract, change the level, close…): GET shows it, POST calls a service."""

    template_name = "support/card_form.html"
    # The form of an action is part of the action: who may not do it does not get the form either.
    scope_actions = {"get": "change", "post": "change"}
    form_class: type[forms.Form]
    title = ""
    submit_label = ""
    submit_style = "primary"
    confirm = ""  # a question asked before the form is sent (closing, refusing)
    intro = ""

    def get_target(self, graduate: Graduate):
        return self.get_case(graduate)

    def form_kwargs(self, graduate: Graduate, target) -> dict:
        return {}

    def run(self, form, graduate: Graduate, target):
        raise NotImplementedError

    def success_message(self, result) -> str:
        raise NotImplementedError

    def success_url(self, graduate: Graduate, target, result) -> str:
        return reverse("support:case", kwargs={"pk": graduate.pk})

    def cancel_url(self, graduate: Graduate, target) -> str:
        return reverse("support:case", kwargs={"pk": graduate.pk})

    def extra_context(self, graduate: Graduate, target) -> dict:
        return {}

    def page(self, graduate, target, form, status=200):
        context = {
            "form": form,
            "target": target,
            "page_title": self.title,
            "intro": self.intro,
            "submit_label": self.submit_label,
            "submit_style": self.submit_style,
            "confirm": self.confirm,
            "cancel_url": self.cancel_url(graduate, target),
            **self.extra_context(graduate, target),
        }
        return render(self.request, self.template_name, self.card_context(graduate, **context), status=status)

    def get(self, request, pk, **kwargs):
        graduate = self.get_object()
        target = self.get_target(graduate)
        return self.page(graduate, target, self.form_class(**self.form_kwargs(graduate, target)))

    def post(self, request, pk, **kwargs):
        graduate = self.get_object()
        target = self.get_target(graduate)
        form = self.form_class(request.POST, request.FILES, **self.form_kwargs(graduate, target))
        if form.is_valid():
            result = self.run(form, graduate, target)
            if result is not None:
                messages.success(request, self.success_message(result))
                return redirect(self.success_url(graduate, target, result))
        return self.page(graduate, target, form, status=409 if getattr(form, "stale", None) else 400)
