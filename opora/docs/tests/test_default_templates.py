"""The default templates: committed, in step with their build script, and using only known fields."""

from __future__ import annotations

import pytest
from docxtpl import DocxTemplate

from opora.docs import rendering, services
from opora.docs.default_templates.build import BUILDERS, build
from opora.docs.tests.conftest import docx_text


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_the_committed_template_is_what_the_build_script_makes(tmp_path, kind):
    build(tmp_path)

    committed = services.default_template_path(kind).read_bytes()
    fresh = (tmp_path / f"{kind}.docx").read_bytes()

    assert docx_text(committed) == docx_text(fresh), "run: python -m opora.docs.default_templates.build"


@pytest.fixture
def contexts(contract, plan, journal, transfer):
    graduate = services.social_card_queryset().get(pk=contract.case.graduate_id)
    return {
        "contract": services.contract_context(services.contract_queryset().get(pk=contract.pk)),
        "plan": services.plan_context(services.plan_queryset().get(pk=plan.pk)),
        "social_card": services.social_card_context(graduate),
        "transfer_notice": services.transfer_context(services.transfer_queryset().get(pk=transfer.pk)),
    }


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_every_field_of_a_default_template_is_given_by_its_context(contexts, kind):
    if kind not in contexts:
        pytest.skip(
            "the consilium protocol's context is the assessment app's: opora/assessment/tests/test_consilium_protocol.py"
        )
    template = DocxTemplate(services.default_template_path(kind))

    unknown = template.get_undeclared_template_variables(rendering.jinja_env(), contexts[kind])

    assert not unknown, f"fields of the {kind} template that no context gives: {sorted(unknown)}"
