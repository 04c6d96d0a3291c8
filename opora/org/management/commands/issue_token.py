"""Issue (or re-issue) an API token for a user: `manage.py issue_token specialist1`."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from rest_framework.authtoken.models import Token

from opora.org.models import User


class Command(BaseCommand):
    help = "Выдать API-токен пользователю (заголовок Authorization: Token <ключ>)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--rotate", action="store_true", help="Отозвать прежний токен и выдать новый.")

    @transaction.atomic
    def handle(self, username, rotate=False, **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"Пользователь «{username}» не найден.") from None
        if not user.is_active:
            raise CommandError(f"Пользователь «{username}» заблокирован.")
        if rotate:
            Token.objects.filter(user=user).delete()
        token, _created = Token.objects.get_or_create(user=user)
        self.stdout.write(token.key)
