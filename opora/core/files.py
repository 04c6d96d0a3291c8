"""Uploaded files: one validator per kind of file, and no file left in storage without its record.

Every channel that writes a file — a page's form, the API, the admin — ends at the model
field, so the check lives there (``validators=[validate_scan]``): a ModelForm and the
services' ``full_clean()`` run it, and forms or serializers that are not bound to the
model put the same validator on their own field. A validator checks, in this order:

* the size, against the limit of its kind read from the settings at call time
  (``OPORA_MAX_PHOTO_MB``, ``OPORA_MAX_SCAN_MB``);
* the extension, against the kinds' list;
* the content: the first bytes say what the file really is (a PNG or an HTML page named
  ``.pdf`` is refused), and it must be what the extension says.

A file already in storage (a record saved again without a new upload) is not checked
again: it was checked when it came in, and re-reading it on every save would only cost.

Storage follows the records (:func:`track_files`): the file a record no longer names — the
record was deleted, or the file replaced or cleared — is removed from storage once the
transaction commits, never when it rolls back (then the record still names it).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models, transaction
from django.db.models.signals import post_delete, post_init, post_save, pre_save
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# What a file really is, from its first bytes (the extension and the declared type prove nothing).
SIGNATURES: list[tuple[str, bytes, int]] = [  # (type, bytes, offset)
    ("pdf", b"%PDF-", 0),
    ("jpeg", b"\xff\xd8\xff", 0),
    ("png", b"\x89PNG\r\n\x1a\n", 0),
    ("webp", b"WEBP", 8),  # RIFF....WEBP
    ("gif", b"GIF8", 0),
    ("zip", b"PK\x03\x04", 0),
]
# The extensions each real type may carry.
EXTENSION_TYPES = {"pdf": "pdf", "jpg": "jpeg", "jpeg": "jpeg", "png": "png", "webp": "webp", "docx": "zip"}
SNIFF_BYTES = 16


def sniff(head: bytes) -> str | None:
    """The real type of a file from its first bytes, or None when it is none of the known ones."""
    for kind, signature, offset in SIGNATURES:
        if head[offset : offset + len(signature)] == signature:
            if kind == "webp" and not head.startswith(b"RIFF"):
                continue
            return kind
    return None


@dataclass(frozen=True)
class FileKind:
    """A kind of uploaded file: which extensions it may have, and the setting that holds its size limit."""

    code: str
    extensions: tuple[str, ...]
    limit_setting: str
    wrong_content: str

    @property
    def limit_mb(self) -> int:
        return getattr(settings, self.limit_setting)


KINDS = {
    "photo": FileKind(
        "photo",
        ("jpg", "jpeg", "png", "webp"),
        "OPORA_MAX_PHOTO_MB",
        _("Содержимое файла не соответствует его расширению: загрузите фото в формате JPG, PNG или WEBP."),
    ),
    "scan": FileKind(
        "scan",
        ("pdf", "jpg", "jpeg", "png"),
        "OPORA_MAX_SCAN_MB",
        _("Содержимое файла не соответствует его расширению: загрузите скан в формате PDF, JPG или PNG."),
    ),
}


def is_stored(value) -> bool:
    """The value is a file already in storage (a FieldFile of a saved record), not a new upload."""
    return getattr(value, "_committed", False) is True


def check_size(value, limit_mb: int) -> None:
    size = getattr(value, "size", None)
    if size is not None and size > limit_mb * 1024 * 1024:
        raise ValidationError(_("Файл слишком большой: не более %(mb)s МБ.") % {"mb": limit_mb}, code="too_large")


def read_head(value, count: int = SNIFF_BYTES) -> bytes:
    value.seek(0)
    head = value.read(count)
    value.seek(0)
    return head or b""


@deconstructible(path="opora.core.files.UploadValidator")
class UploadValidator:
    """Size, extension and real content of an uploaded file of one kind (``photo``, ``scan``)."""

    def __init__(self, kind: str):
        if kind not in KINDS:
            raise ValueError(f"unknown kind of file {kind!r}")
        self.kind = kind

    def __eq__(self, other) -> bool:
        return isinstance(other, UploadValidator) and other.kind == self.kind

    def __hash__(self) -> int:
        return hash(self.kind)

    def __call__(self, value) -> None:
        if not value or is_stored(value):
            return
        kind = KINDS[self.kind]
        check_size(value, kind.limit_mb)
        FileExtensionValidator(list(kind.extensions))(value)
        extension = value.name.rsplit(".", 1)[-1].lower()
        if sniff(read_head(value)) != EXTENSION_TYPES[extension]:
            raise ValidationError(kind.wrong_content, code="invalid_content")


validate_photo = UploadValidator("photo")
validate_scan = UploadValidator("scan")


# --- Storage follows the records -------------------------------------------------------------------


def file_fields(model) -> list[models.FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def _name(raw) -> str:
    if raw is None:
        return ""
    if isinstance(raw, str):
        return raw
    return getattr(raw, "name", "") or ""


def _remove_later(storage, names) -> None:
    """Remove ``names`` from ``storage`` once the current transaction commits (at once outside one)."""
    names = [n for n in names if n]
    if not names:
        return

    def remove() -> None:
        for name in names:
            try:
                storage.delete(name)
            except OSError:  # a file already gone is what we wanted; anything else is logged
                logger.warning("could not remove %s from storage", name, exc_info=True)

    transaction.on_commit(remove)


def _remember(sender, instance, **kwargs) -> None:
    # The names the record holds as it was loaded (or constructed); deferred fields are left out,
    # so that reading them does not cost a query.
    instance._opora_files = {
        f.attname: _name(instance.__dict__[f.attname]) for f in file_fields(sender) if f.attname in instance.__dict__
    }


def _pending_in(sender, instance, **kwargs) -> None:
    # A file kept from a failed form (opora.core.uploads.PendingUpload) is copied into place by
    # this save: its temporary copy goes once the save commits.
    from opora.core.uploads import PendingUpload

    for f in file_fields(sender):
        raw = instance.__dict__.get(f.attname)
        upload = getattr(raw, "_file", None) if isinstance(raw, models.fields.files.FieldFile) else raw
        if isinstance(upload, PendingUpload):
            upload.discard_on_commit()


def _saved(sender, instance, created, raw=False, update_fields=None, **kwargs) -> None:
    before = getattr(instance, "_opora_files", {})
    written = {
        f.attname: _name(instance.__dict__[f.attname])
        for f in file_fields(sender)
        if f.attname in instance.__dict__ and (update_fields is None or f.name in update_fields)
    }
    if not created and not raw:
        for field in file_fields(sender):
            old = before.get(field.attname)
            if old and field.attname in written and old != written[field.attname]:
                _remove_later(field.storage, [old])
    instance._opora_files = {**before, **written}


def _deleted(sender, instance, **kwargs) -> None:
    for field in file_fields(sender):
        _remove_later(field.storage, [_name(instance.__dict__.get(field.attname))])


def track_files(model) -> None:
    """Keep storage in step with ``model``'s file fields (connected for every model that has one)."""
    uid = f"opora-files-{model._meta.label_lower}"
    post_init.connect(_remember, sender=model, dispatch_uid=f"{uid}-init")
    pre_save.connect(_pending_in, sender=model, dispatch_uid=f"{uid}-pre")
    post_save.connect(_saved, sender=model, dispatch_uid=f"{uid}-save")
    post_delete.connect(_deleted, sender=model, dispatch_uid=f"{uid}-delete")


def track_all_files() -> None:
    from django.apps import apps

    for model in apps.get_models():
        if file_fields(model):
            track_files(model)


def referenced_names() -> set[str]:
    """Every file name some record's file field holds (what ``cleanup_media`` must keep)."""
    from django.apps import apps

    names: set[str] = set()
    for model in apps.get_models():
        for field in file_fields(model):
            rows = model._base_manager.exclude(**{field.attname: ""}).exclude(**{f"{field.attname}__isnull": True})
            names.update(rows.values_list(field.attname, flat=True).iterator())
    return names
