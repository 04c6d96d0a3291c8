"""Remove files in storage that no record names: orphans of the past, kept uploads that expired,
temporary copies a killed worker left.

    manage.py cleanup_media --dry-run     # only list them
    manage.py cleanup_media               # remove them

Since files follow their records (opora.core.files), new orphans come only from a save that
rolled back after its file was written, or from a worker killed mid-upload; this command is
what a nightly job runs for them. A file younger than ``--grace-minutes`` is left alone: it
may belong to a save whose transaction has not committed yet.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from opora.core.files import referenced_names
from opora.core.uploads import PENDING_DIR, PENDING_MAX_AGE


def _files(root: Path):
    for folder, _dirs, names in os.walk(root):
        for name in names:
            yield Path(folder) / name


def _remove_empty_dirs(root: Path) -> None:
    for folder, _dirs, _names in os.walk(root, topdown=False):
        path = Path(folder)
        if path != root and not any(path.iterdir()):
            path.rmdir()


class Command(BaseCommand):
    help = "Удаляет из хранилища файлы, на которые не ссылается ни одна запись (--dry-run — только показать)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="только показать, ничего не удалять")
        parser.add_argument(
            "--grace-minutes",
            type=int,
            default=60,
            help="не трогать файлы моложе стольких минут (их запись ещё может сохраняться); по умолчанию 60",
        )

    def handle(self, *args, dry_run: bool, grace_minutes: int, **options):
        if grace_minutes < 0:
            raise CommandError("--grace-minutes не может быть отрицательным")
        now = timezone.now().timestamp()
        grace = dt.timedelta(minutes=grace_minutes).total_seconds()
        media = Path(settings.MEDIA_ROOT)
        keep = referenced_names()
        found: list[tuple[Path, str]] = []  # (path, why)
        if media.is_dir():
            for path in _files(media):
                name = path.relative_to(media).as_posix()
                age = now - path.stat().st_mtime
                if name.startswith(f"{PENDING_DIR}/"):
                    if age > PENDING_MAX_AGE.total_seconds():
                        found.append((path, "выбран в форме и не сохранён"))
                elif name not in keep and age > grace:
                    found.append((path, "не связан ни с одной записью"))
        temp = Path(settings.FILE_UPLOAD_TEMP_DIR) if settings.FILE_UPLOAD_TEMP_DIR else None
        if temp is not None and temp.is_dir():
            for path in _files(temp):
                if now - path.stat().st_mtime > grace:
                    found.append((path, "временная копия прерванной загрузки"))

        total = 0
        for path, why in found:
            size = path.stat().st_size
            total += size
            self.stdout.write(f"{path}  ({size} байт; {why})")
            if not dry_run:
                path.unlink(missing_ok=True)
        if not dry_run and media.is_dir():
            _remove_empty_dirs(media)
        verb = "Найдено" if dry_run else "Удалено"
        self.stdout.write(
            self.style.SUCCESS(f"{verb} файлов: {len(found)}, {total / 1024 / 1024:.1f} МБ.")
            + (" Ничего не удалено (--dry-run)." if dry_run else "")
        )
