"""API tokens: issued once, stored hashed, expiring, revocable; and the DRF authentication.

The key is 32 random bytes (43 URL-safe characters) shown to the person who issues it and
never again: the database keeps its SHA-256 digest and its first 8 characters. A key of that
strength needs no salt and no slow hash (nobody can guess 256 bits), which is what lets a
request be authenticated with one indexed lookup. Clients send ``Authorization: Token <key>``,
as with DRF's own tokens before.

django-rest-knox does the hashing too, but not the rest of what «Опора» needs from a token:
it has no revocation that keeps the row (it deletes, so the audit log would point at
nothing), no last use, no name, and it scans all of a user's tokens on each request; its
model and its authentication would both have to be replaced, so it would carry no weight.

Every issue and every revocation writes an audit event (never the key itself). Changing a
user's password and blocking a user revoke all their tokens (opora.org.signals).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import NamedTuple

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from opora.core import audit
from opora.core.errors import DomainError
from opora.core.models import AuditEvent
from opora.org.models import ApiToken, User

KEYWORD = "Token"
PREFIX_LENGTH = 8
# A token's last use is written at most this often, so that a busy client does not write a row per request.
LAST_USED_PRECISION = dt.timedelta(minutes=1)
# Who issued or revoked a token from the command line (manage.py), in the audit log.
COMMAND_LINE = "manage.py"

RevokeReason = ApiToken.RevokeReason


class IssuedToken(NamedTuple):
    token: ApiToken
    key: str  # shown once, to the one who issued it; not stored anywhere


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _describe(token: ApiToken) -> str:
    user = token.user
    who = f"{user.get_username()} ({user.short_name})" if user.short_name else user.get_username()
    return f"{who}, {_('ключ')} {token.prefix}…"


def issue_token(
    user: User,
    *,
    actor: User | None = None,
    name: str = "",
    days: int | None = None,
    request=None,
) -> IssuedToken:
    """Issue a new token for ``user``, valid ``days`` (``OPORA_TOKEN_DAYS`` by default).

    Returns the token and its key; the key is not kept, show it to the person now.
    """
    if not user.is_active:
        raise DomainError(_("Учётная запись «%(user)s» заблокирована: токен не выдаётся.") % {"user": user})
    days = settings.OPORA_TOKEN_DAYS if days is None else days
    if days < 1:
        raise DomainError(_("Срок действия токена — не меньше одного дня."), field="days")
    key = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name.strip(),
            prefix=key[:PREFIX_LENGTH],
            digest=digest(key),
            created=now,
            expires=now + dt.timedelta(days=days),
            issued_by=actor,
        )
        audit.record(
            AuditEvent.Action.TOKEN_ISSUED,
            request=request,
            actor=actor,
            username=COMMAND_LINE if actor is None and request is None else "",
            obj=token,
            service_id=user.service_id,
            object_repr=_describe(token),
            changes={
                "prefix": [None, token.prefix],
                **({"name": [None, token.name]} if token.name else {}),
                "expires": [None, token.expires.isoformat()],
            },
        )
    return IssuedToken(token, key)


def issue(user: User, **kwargs) -> str:
    """Issue a token for ``user`` and return only its key (for scripts and tests)."""
    return issue_token(user, **kwargs).key


def revoke(token: ApiToken, *, reason: str, actor: User | None = None, request=None) -> bool:
    """Revoke ``token`` (False when it was revoked already). Locks the row, audits the revocation."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update(of=("self",)).select_related("user").get(pk=token.pk)
        if token.revoked_at is not None:
            return False
        token.revoked_at = timezone.now()
        token.revoke_reason = reason
        token.revoked_by = actor
        token.save(update_fields=["revoked_at", "revoke_reason", "revoked_by"])
        audit.record(
            AuditEvent.Action.TOKEN_REVOKED,
            request=request,
            actor=actor,
            username=COMMAND_LINE if actor is None and request is None else "",
            obj=token,
            service_id=token.user.service_id,
            object_repr=_describe(token),
            changes={"revoke_reason": [None, reason]},
        )
    return True


def revoke_all(user: User, *, reason: str, actor: User | None = None, request=None) -> int:
    """Revoke every token of ``user`` still in force (expired ones too: they name the same user). Returns how many."""
    count = 0
    for token in ApiToken.objects.filter(user=user, revoked_at__isnull=True).order_by("pk"):
        count += revoke(token, reason=reason, actor=actor, request=request)
    return count


class TokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Token <key>``: a key in force of an active user, else 401 with the reason in Russian."""

    def authenticate(self, request):
        # The header as the server got it (a str); DRF's helper would fail on characters outside latin-1.
        parts = request.META.get("HTTP_AUTHORIZATION", "").split()
        if not parts or parts[0].lower() != KEYWORD.lower():
            return None  # another scheme, or a session
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Неверный заголовок Authorization: ожидается «Token <ключ>» без пробелов в ключе.")
            )
        if not parts[1].isascii():
            raise exceptions.AuthenticationFailed(_("Неверный токен."))
        return self.authenticate_key(parts[1])

    def authenticate_key(self, key: str):
        wanted = digest(key)
        candidates = ApiToken.objects.filter(prefix=key[:PREFIX_LENGTH]).select_related("user", "user__service")
        token = next((t for t in candidates if hmac.compare_digest(t.digest, wanted)), None)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Неверный токен."))
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(
                _("Токен отозван: %(reason)s. Получите новый токен у администратора.")
                % {"reason": token.get_revoke_reason_display() or _("решение администратора")}
            )
        now = timezone.now()
        if token.is_expired(now):
            raise exceptions.AuthenticationFailed(
                _("Срок действия токена истёк %(date)s. Получите новый токен у администратора.")
                % {"date": timezone.localtime(token.expires).strftime("%d.%m.%Y %H:%M")}
            )
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Учётная запись заблокирована."))
        if token.last_used is None or now - token.last_used >= LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used=now)
            token.last_used = now
        return token.user, token

    def authenticate_header(self, request) -> str:
        return KEYWORD


class TokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes the token header."""

    target_class = "opora.org.tokens.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": _("«Token <ключ>»; ключ выдаёт администратор, он показывается один раз."),
        }
