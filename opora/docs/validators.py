"""Checks on an uploaded document template: a real .docx whose template tags parse.

A .docx is a ZIP archive, and python-docx unpacks it whole: before it does, the archive's
own directory is read to see how much it would unpack to (a 348 KB zip bomb unpacks to
gigabytes). Python's zipfile never inflates a member past the size its directory declares,
so the declared sizes checked here bound what parsing the file may take.
"""

from __future__ import annotations

import io
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from opora.core.files import is_stored
from opora.docs.rendering import jinja_env

MB = 1024 * 1024
# A Word document has a few dozen parts (a hundred or so with pictures).
MAX_MEMBERS = 1000
# Word's XML packs 5–50 times; a part of more than a megabyte that packs over 100 times is
# not a document's text but filler (a zip bomb's zeros).
MAX_RATIO = 100
RATIO_FROM_BYTES = 1 * MB


def check_zip_bounds(data: bytes) -> None:
    """Refuse an archive that is broken, has too many parts or unpacks to too much, before anything unpacks it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise ValidationError(
            _("Это не документ Word (.docx): загрузите файл, сохранённый в формате .docx."), code="not_docx"
        ) from None
    if len(members) > MAX_MEMBERS:
        raise ValidationError(
            _("В файле слишком много частей (%(count)s): это не документ Word.") % {"count": len(members)},
            code="too_many_members",
        )
    limit_mb = settings.OPORA_MAX_TEMPLATE_UNPACKED_MB
    unpacked = sum(member.file_size for member in members)
    if unpacked > limit_mb * MB:
        raise ValidationError(
            _("Документ в распакованном виде больше %(mb)s МБ: это не шаблон документа, файл не принят.")
            % {"mb": limit_mb},
            code="unpacks_too_big",
        )
    for member in members:
        if member.file_size > RATIO_FROM_BYTES and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise ValidationError(
                _(
                    "Часть документа «%(name)s» сжата в %(ratio)s раз: так сжимается не текст, а заполнитель. "
                    "Файл не принят."
                )
                % {"name": member.filename, "ratio": member.file_size // max(member.compress_size, 1)},
                code="suspicious_ratio",
            )


def validate_docx(file) -> None:
    """The file is a Word document (.docx, a ZIP with word/document.xml) whose Jinja tags parse."""
    from docx import Document
    from docxtpl import DocxTemplate
    from jinja2 import TemplateSyntaxError

    if not file or is_stored(file):
        return  # checked when it was uploaded
    limit_mb = settings.OPORA_MAX_TEMPLATE_MB
    if file.size is not None and file.size > limit_mb * MB:
        raise ValidationError(
            _("Файл шаблона больше %(mb)s МБ: загрузите документ Word (.docx).") % {"mb": limit_mb}, code="too_big"
        )
    file.seek(0)
    data = file.read()
    file.seek(0)
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ValidationError(_("Это не документ Word (.docx): загрузите файл, сохранённый в формате .docx."))
    check_zip_bounds(data)
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
