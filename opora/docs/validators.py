"""Checks on an uploaded document template: a real .docx whose template tags parse."""

from __future__ import annotations

import io
import zipfile

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# A template is a few dozen kilobytes; a larger upload is a mistake (a scan, a whole archive).
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024


def validate_docx(file) -> None:
    """The file is a Word document (.docx, a ZIP with word/document.xml) whose Jinja tags parse."""
    from docx import Document
    from docxtpl import DocxTemplate
    from jinja2 import TemplateSyntaxError

    from opora.docs.services import jinja_env

    if file.size is not None and file.size > MAX_TEMPLATE_BYTES:
        raise ValidationError(_("Файл шаблона больше 5 МБ: загрузите документ Word (.docx)."), code="too_big")
    file.seek(0)
    data = file.read()
    file.seek(0)
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ValidationError(_("Это не документ Word (.docx): загрузите файл, сохранённый в формате .docx."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise ValidationError(_("В архиве нет документа Word: загрузите файл .docx."))
        Document(io.BytesIO(data))
    except ValidationError:
        raise
    except Exception as exc:  # python-docx raises many kinds of errors on a broken file
        raise ValidationError(_("Документ Word не открывается: %(error)s") % {"error": exc}) from None
    try:
        DocxTemplate(io.BytesIO(data)).get_undeclared_template_variables(jinja_env())
    except TemplateSyntaxError as exc:
        raise ValidationError(
            _("Ошибка в полях шаблона (строка %(line)s): %(error)s") % {"line": exc.lineno, "error": exc.message}
        ) from None
