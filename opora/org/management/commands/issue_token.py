"""Issue an API token for a user: `manage.py issue_token specialist1` prints the key, once.

The key is not stored (only its digest), so it cannot be shown again: a lost key is replaced
by a new one (``--rotate`` revokes the user's other tokens at the same time).
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from opora.core.errors import DomainError
from opora.org import tokens
from opora.org.models import User


class Command(BaseCommand):
    help = "Выдать API-токен пользователю (заголовок Authorization: Token <ключ>). Ключ печатается один раз."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--rotate", action="store_true", help="Отозвать прежние токены и выдать новый.")
        parser.add_argument("--name", default="", help="Назначение токена, например «выгрузка в ИС региона».")
        parser.add_argument(
            "--days", type=int, default=None, help="Срок действия в днях (по умолчанию OPORA_TOKEN_DAYS)."
        )

    @transaction.atomic
    def handle(self, username, rotate=False, name="", days=None, **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"Пользователь «{username}» не найден.") from None
        if rotate:
            tokens.revoke_all(user, reason=tokens.RevokeReason.ROTATED)
        try:
            issued = tokens.issue_token(user, name=name, days=days)
        except DomainError as err:
            raise CommandError(err.message) from None
        self.stdout.write(issued.key)
        expires = timezone.localtime(issued.token.expires).strftime("%d.%m.%Y")
        self.stderr.write(f"Токен {issued.token.prefix}… действует до {expires}. Ключ больше не будет показан.")
