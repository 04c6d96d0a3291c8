"""Uploads on the wire and in forms: the size cap while a request streams in, no temporary copies
left behind, and a file chosen in a form kept when another field has an error.

* :class:`UploadLimitHandler` (first in ``FILE_UPLOAD_HANDLERS``) counts each file's bytes as
  they arrive; past the largest limit of any kind of file it stops passing them on, so a
  20 MB upload is never written out in full. The file then reaches the form, serializer or
  admin as an :class:`OversizedUpload` of its real size and no content, and the validator
  of its kind refuses it with the usual «Файл слишком большой» message.
* :class:`UploadCleanupMiddleware` closes (and so deletes) the temporary file of an upload
  that never completed — the client went away, the body was cut short, the parser failed —
  as soon as the request ends, whatever became of the response.
* :class:`KeepFileInput` and :class:`KeepUploadsMixin`: browsers cannot fill a file input
  again, so when a form comes back with an error, each file that passed its own checks is
  put aside under ``MEDIA_ROOT/pending/`` and the form carries a signed token for it
  («Фото выбрано: имя.jpg (будет сохранено)»); the next submit uses it unless the user
  chose another file or removed it. A kept file expires after ``PENDING_MAX_AGE`` and
  ``cleanup_media`` removes it; a used one is removed once its record is saved.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import re
import secrets

from django import forms
from django.conf import settings
from django.core import signing
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import TemporaryUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.db import transaction
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

MB = 1024 * 1024
PENDING_DIR = "pending"
PENDING_MAX_AGE = dt.timedelta(hours=24)
PENDING_SALT = "opora.core.uploads.pending"


def upload_ceiling() -> int:
    """The largest file any channel accepts, in bytes: past it nothing more is written anywhere."""
    return max(settings.OPORA_MAX_PHOTO_MB, settings.OPORA_MAX_SCAN_MB, settings.OPORA_MAX_TEMPLATE_MB) * MB


# --- On the wire -----------------------------------------------------------------------------------


class OversizedUpload(UploadedFile):
    """A file that came in larger than any limit: its name and real size, without its content."""

    def __init__(self, name, content_type, size, charset=None, content_type_extra=None):
        super().__init__(io.BytesIO(), name, content_type, size, charset, content_type_extra)


class UploadLimitHandler(FileUploadHandler):
    """Stops storing a file once it passes :func:`upload_ceiling` (the rest of it is only counted),
    refuses a body that ended before its Content-Length, and remembers every temporary file the
    handlers after it made, for :class:`UploadCleanupMiddleware`.
    """

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.stream = getattr(input_data, "_stream", None)
        self.temp_files: list[TemporaryUploadedFile] = []

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        self.oversized = False

    def _note_temp_files(self) -> None:
        for handler in self.request.upload_handlers:
            upload = getattr(handler, "file", None)
            if isinstance(upload, TemporaryUploadedFile) and upload not in self.temp_files:
                self.temp_files.append(upload)

    def receive_data_chunk(self, raw_data, start):
        if start == 0:
            self._note_temp_files()
        self.received += len(raw_data)
        if self.oversized:
            return None
        if self.received > upload_ceiling():
            self.oversized = True
            # What the handlers after this one have written of the file so far goes now
            # (a temporary file is deleted when it is closed).
            for handler in self.request.upload_handlers:
                if handler is not self and hasattr(handler, "file"):
                    handler.file.close()
            return None
        return raw_data

    def file_complete(self, file_size):
        self._note_temp_files()
        if self.oversized:
            return OversizedUpload(self.file_name, self.content_type, self.received, self.charset)
        return None

    def upload_complete(self):
        # Django's own LimitedStream counts what was read; a body shorter than it announced is a
        # cut-off upload (the client went away): nothing of it is taken, not even the fields before.
        position, limit = getattr(self.stream, "_pos", None), getattr(self.stream, "limit", None)
        if isinstance(position, int) and isinstance(limit, int) and position < limit:
            self.close_temp_files()
            raise MultiPartParserError("The request body ended before its Content-Length: the upload was cut short.")

    def close_temp_files(self) -> None:
        self._note_temp_files()
        for upload in self.temp_files:
            upload.close()


class UploadCleanupMiddleware:
    """Deletes the temporary copies of a request's uploads when the request ends, however it ended.

    A completed upload is closed by Django with the request; one cut short (the client went
    away mid-file, a body shorter than it said) stays with the upload handlers, which a
    traceback could keep alive: they are closed here, so no copy stays in FILE_UPLOAD_TEMP_DIR.
    The view has finished with its uploads by then: they have been saved to storage or refused.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        finally:
            for handler in getattr(request, "_upload_handlers", None) or ():
                if isinstance(handler, UploadLimitHandler) and hasattr(handler, "temp_files"):
                    handler.close_temp_files()
                upload = getattr(handler, "file", None)
                if isinstance(upload, TemporaryUploadedFile):
                    upload.close()


def ensure_temp_dir() -> None:
    """Create FILE_UPLOAD_TEMP_DIR (under var/) on start, so uploads never fall back to /tmp."""
    if settings.FILE_UPLOAD_TEMP_DIR:
        os.makedirs(settings.FILE_UPLOAD_TEMP_DIR, exist_ok=True)


# --- A chosen file kept through a form's error ---------------------------------------------------


class PendingUpload(File):
    """A file put aside from a form that had errors, found again by its signed token."""

    def __init__(self, path: str, name: str, token: str):
        super().__init__(default_storage.open(path, "rb"), name=name)
        self.path, self.token = path, token
        self.size = default_storage.size(path)
        self.content_type = None

    @classmethod
    def stash(cls, upload, *, owner) -> PendingUpload:
        name = os.path.basename(upload.name)
        extension = re.sub(r"[^.a-z0-9]", "", os.path.splitext(name)[1].lower())[:10]
        upload.seek(0)
        path = default_storage.save(f"{PENDING_DIR}/{secrets.token_hex(16)}{extension}", upload)
        upload.seek(0)
        token = signing.dumps({"path": path, "name": name, "owner": owner}, salt=PENDING_SALT)
        return cls(path, name, token)

    @staticmethod
    def read_token(token: str, *, owner) -> dict | None:
        """What a token stands for, if the server signed it for this owner and it has not expired."""
        try:
            data = signing.loads(token, salt=PENDING_SALT, max_age=PENDING_MAX_AGE)
        except (signing.BadSignature, TypeError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("owner") != owner:
            return None
        path = data.get("path")
        if not isinstance(path, str) or not path.startswith(f"{PENDING_DIR}/") or ".." in path:
            return None
        return data

    @classmethod
    def load(cls, token: str, *, owner) -> PendingUpload | None:
        data = cls.read_token(token, owner=owner)
        if data is None or not default_storage.exists(data["path"]):
            return None
        return cls(data["path"], str(data.get("name") or os.path.basename(data["path"])), token)

    def discard_on_commit(self) -> None:
        """Remove the kept copy once the record that took the file is committed."""
        path = self.path

        def discard() -> None:
            self.close()
            default_storage.delete(path)

        transaction.on_commit(discard)


class KeepFileInput(forms.ClearableFileInput):
    """A file input that shows, and sends again, a file kept from the previous submit."""

    template_name = "core/widgets/keep_file_input.html"
    keeper = None  # the form (KeepUploadsMixin), set per form instance
    pending = None  # the file kept from the previous submit, set by the form when it has errors
    pending_label = _("Файл выбран")

    def __init__(self, attrs=None, *, pending_label=None):
        super().__init__(attrs)
        if pending_label is not None:
            self.pending_label = pending_label

    @staticmethod
    def pending_name(name: str) -> str:
        return f"{name}-pending"

    @staticmethod
    def discard_name(name: str) -> str:
        return f"{name}-pending-discard"

    def owner(self):
        return self.keeper.upload_owner if self.keeper is not None else None

    def value_from_datadict(self, data, files, name):
        upload = super().value_from_datadict(data, files, name)
        if upload is not None:
            return upload
        token = data.get(self.pending_name(name))
        if not token or data.get(self.discard_name(name)):
            return None
        cache = self.__dict__.setdefault("_loaded", {})
        if token not in cache:
            cache[token] = PendingUpload.load(token, owner=self.owner())
        return cache[token]

    def value_omitted_from_data(self, data, files, name):
        return super().value_omitted_from_data(data, files, name) and self.pending_name(name) not in data

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"].update(
            {
                "pending": self.pending,
                "pending_label": self.pending_label,
                "pending_input": self.pending_name(name),
                "discard_input": self.discard_name(name),
                "discard_id": f"{attrs.get('id', name) if attrs else name}_discard",
            }
        )
        return context


class ImageUploadField(forms.ImageField):
    """An image field that leaves a file over the size cap to the size check of its kind.

    Pillow would only say «не изображение» of a file the upload handler did not keep.
    """

    def to_python(self, data):
        if isinstance(data, OversizedUpload):
            return data
        return super().to_python(data)


class KeepUploadsMixin:
    """A form whose :class:`KeepFileInput` files survive an error of any field (or of the service)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._keeping = False
        for field in self.fields.values():
            if isinstance(field.widget, KeepFileInput):
                field.widget.keeper = self

    @property
    def upload_owner(self):
        return getattr(getattr(self, "user", None), "pk", None)

    def _keep_fields(self):
        return [(name, f) for name, f in self.fields.items() if isinstance(f.widget, KeepFileInput)]

    def full_clean(self):
        self._keeping = False
        super().full_clean()
        if not self.is_bound:
            return
        self._drop_replaced()
        self._keeping = True
        if self._errors:
            self.keep_uploads()

    def add_error(self, field, error):
        super().add_error(field, error)
        if self._keeping:
            self.keep_uploads()

    def _drop_replaced(self) -> None:
        # A kept file the user replaced with another one, or removed, is not needed any more.
        for name, field in self._keep_fields():
            key = self.add_prefix(name)
            token = self.data.get(field.widget.pending_name(key))
            if not token:
                continue
            widget = field.widget
            replaced = (
                self.files.get(key)
                or self.data.get(widget.discard_name(key))
                or self.data.get(widget.clear_checkbox_name(key))
            )
            kept = PendingUpload.read_token(token, owner=self.upload_owner) if replaced else None
            if kept:
                default_storage.delete(kept["path"])

    def keep_uploads(self) -> None:
        """Put aside every new file that passed its own checks, and show it as chosen."""
        cleaned = getattr(self, "cleaned_data", {})
        for name, field in self._keep_fields():
            value = cleaned.get(name)
            if isinstance(value, UploadedFile) and not isinstance(value, OversizedUpload):
                try:
                    value = cleaned[name] = PendingUpload.stash(value, owner=self.upload_owner)
                except OSError:
                    logger.warning("could not keep the upload %s", value.name, exc_info=True)
                    continue
            # A file input is never filled again (FileField.bound_data gives the initial value):
            # the widget shows the kept file itself.
            field.widget.pending = value if isinstance(value, PendingUpload) else None
