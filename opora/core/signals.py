"""Logins, logouts, failed logins and lock-outs go to the audit log."""

from axes.signals import user_locked_out
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


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    record(AuditEvent.Action.LOGIN_FAILED, request=request, username=str(credentials.get("username", "")))


@receiver(user_locked_out)
def _locked_out(sender, request, username=None, ip_address=None, **kwargs):
    record(
        AuditEvent.Action.ACCESS_DENIED,
        request=request,
        username=str(username or ""),
        changes={"reason": "login_locked_out"},
    )
