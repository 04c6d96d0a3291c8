"""Logins, logouts, failed logins and lock-outs go to the audit log, filed under the account's service."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from opora.core.audit import record
from opora.core.models import AuditEvent


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record(AuditEvent.Action.LOGIN, request=request, actor=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(AuditEvent.Action.LOGOUT, request=request, actor=user)


def _service_of_username(username: str) -> int | None:
    """The service of the account a login named: its coordinator and the regional centre see the attempt.

    A username nobody has (or an account without a service, such as the administrator's)
    gives None: such attempts are the regional centre's to watch (AuditEvent's scope).
    """
    if not username:
        return None
    return get_user_model().objects.filter(username=username).values_list("service_id", flat=True).first()


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))
    record(
        AuditEvent.Action.LOGIN_FAILED,
        request=request,
        username=username,
        service_id=_service_of_username(username),
    )


@receiver(user_locked_out)
def _locked_out(sender, request, username=None, ip_address=None, **kwargs):
    username = str(username or "")
    record(
        AuditEvent.Action.LOGIN_LOCKED, request=request, username=username, service_id=_service_of_username(username)
    )
