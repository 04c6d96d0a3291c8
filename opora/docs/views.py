"""Downloading documents of a graduate as editable .docx files (open in Word to edit and print).

Each view fetches the graduate through the access scope, then the document's record through
its own scope and only among that graduate's records (another graduate's contract is a 404
here, like a record that does not exist), audits the export and returns the file.
"""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from opora.core.models import AuditEvent
from opora.core.views import ScopedView
from opora.docs import services
from opora.docs.models import DocumentTemplate
from opora.registry.models import Graduate

Kind = DocumentTemplate.Kind


def docx_response(content: bytes, name: str, ascii_name: str) -> HttpResponse:
    """The file as an attachment with its Russian name (RFC 6266 / RFC 5987) and a plain fallback."""
    response = HttpResponse(content, content_type=services.DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    response["Content-Length"] = str(len(content))
    # Personal data: never kept by a browser's or a proxy's cache.
    response["Cache-Control"] = "private, no-store"
    return response


class DocumentView(ScopedView):
    """The base of the document downloads: scope, file; the base audits the export of the graduate."""

    model = Graduate
    kind: str
    read_action = AuditEvent.Action.EXPORT

    def graduate_queryset(self):
        return Graduate.objects.select_related("service__region", "territory")

    def get_graduate(self, pk) -> Graduate:
        return self.get_in_scope(self.graduate_queryset(), pk=pk)

    def respond(self, graduate: Graduate, obj, context: dict, region) -> HttpResponse:
        content = services.render(self.kind, context, region=region)
        self.audit_changes = {"document": self.kind}
        if obj is not None and obj is not graduate:
            self.audit_changes["record"] = str(obj)
        name, ascii_name = services.file_name(self.kind, obj, graduate)
        return docx_response(content, name, ascii_name)


class ContractDocumentView(DocumentView):
    kind = Kind.CONTRACT

    def get(self, request, pk, contract_pk):
        graduate = self.get_graduate(pk)
        contract = self.get_in_scope(services.contract_queryset(), pk=contract_pk, case__graduate_id=graduate.pk)
        return self.respond(graduate, contract, services.contract_context(contract), contract.service.region_id)


class ContractDraftDocumentView(DocumentView):
    """«Распечатать проект договора»: the contract with what is known before signing (an audited read)."""

    kind = Kind.CONTRACT

    def get(self, request, pk, case_pk):
        graduate = self.get_graduate(pk)
        case = self.get_in_scope(services.draft_case_queryset(), pk=case_pk, graduate_id=graduate.pk)
        if not case.is_open:
            messages.error(request, _("Сопровождение завершено: проект договора не составляется."))
            return redirect("support:case_detail", pk=graduate.pk, case_pk=case.pk)
        case.graduate = graduate
        response = self.respond(graduate, case, services.draft_contract_context(case), graduate.service.region_id)
        self.audit_changes["record"] = _("Проект договора")
        return response


class PlanDocumentView(DocumentView):
    kind = Kind.PLAN

    def get(self, request, pk, plan_pk):
        graduate = self.get_graduate(pk)
        plan = self.get_in_scope(services.plan_queryset(), pk=plan_pk, case__graduate_id=graduate.pk)
        return self.respond(graduate, plan, services.plan_context(plan), graduate.service.region_id)


class SocialCardDocumentView(DocumentView):
    kind = Kind.SOCIAL_CARD

    def graduate_queryset(self):
        return services.social_card_queryset()

    def get(self, request, pk):
        graduate = self.get_graduate(pk)
        return self.respond(graduate, graduate, services.social_card_context(graduate), graduate.service.region_id)


class TransferNoticeDocumentView(DocumentView):
    kind = Kind.TRANSFER_NOTICE

    def get(self, request, pk, transfer_pk):
        graduate = self.get_graduate(pk)
        transfer = self.get_in_scope(services.transfer_queryset(), pk=transfer_pk, graduate_id=graduate.pk)
        return self.respond(graduate, transfer, services.transfer_context(transfer), transfer.from_service.region_id)
