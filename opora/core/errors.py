"""Errors: the domain's refusals, and the error pages a user meets when a request goes wrong.

A workflow refuses with :class:`DomainError` and a Russian message that a view shows as is.

The error views (``handler400/403/404/500`` in ``opora/urls.py``, ``CSRF_FAILURE_VIEW``, and the
empty answers :class:`opora.core.http.HttpPolicyMiddleware` fills in) answer in Russian, briefly,
saying what to do next and the request id to quote: a page for a browser, ``{"detail": "…"}``
for the API and for clients that ask for JSON. They render without the database and without
the request's context processors, so an error page shows even when the database is down —
which is itself answered 503, not 500.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from opora.core.http import request_id_for, wants_json

logger = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule of the domain refused the action. ``field`` names the form field at fault, if any."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


@dataclass(frozen=True)
class ErrorText:
    title: str
    detail: str  # the page's lead; the JSON answer's «detail» is «title. detail»
    todo: tuple[str, ...] = ()  # what the user can do, shown on the page


def _megabytes(size: int | None) -> int:
    return max(1, (size or 0) // (1024 * 1024))


def error_text(request, status: int) -> ErrorText:
    """The Russian text of an error answer with ``status``."""
    call_coordinator = _("Если доступ нужен вам для работы, обратитесь к координатору службы.")
    if status == 400:
        return ErrorText(
            _("Неверный запрос"),
            _("Сервер не смог разобрать запрос."),
            (_("Вернитесь на предыдущую страницу, обновите её и повторите действие."),),
        )
    if status == 403:
        audited = _user_is_authenticated(request)
        return ErrorText(
            _("Доступ запрещён"),
            _("Ваша роль не даёт доступа к этой странице.")
            + (" " + _("Обращение записано в журнал аудита.") if audited else ""),
            (call_coordinator,),
        )
    if status == 404:
        return ErrorText(
            _("Страница или запись не найдена"),
            _("Возможно, запись удалена, адрес набран с ошибкой или запись находится вне вашей области доступа."),
            (_("Проверьте адрес или откройте запись из списка."), call_coordinator),
        )
    if status == 405:
        return ErrorText(
            _("Действие недоступно"),
            _("Этот адрес не принимает такой запрос (метод %(method)s).") % {"method": request.method},
            (_("Вернитесь на предыдущую страницу и воспользуйтесь кнопками на ней."),),
        )
    if status == 413:
        return ErrorText(
            _("Слишком большой объём данных"),
            _("Отправленные данные больше допустимого (%(mb)s МБ), поэтому ничего не сохранено.")
            % {"mb": _megabytes(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)},
            (_("Уменьшите файл или сократите текст и отправьте форму снова."),),
        )
    if status == 429:
        return ErrorText(
            _("Слишком много запросов"),
            _("Запросов с вашего адреса слишком много, сервер временно их не принимает."),
            (_("Подождите несколько минут и повторите действие."),),
        )
    if status == 503:
        return ErrorText(
            _("Система временно недоступна"),
            _("База данных не отвечает, поэтому действие не выполнено и ничего не сохранено."),
            (
                _("Повторите попытку через несколько минут."),
                _("Если система недоступна дольше получаса, сообщите администратору системы номер запроса."),
            ),
        )
    if status >= 500:
        reported = bool(settings.ADMINS)
        return ErrorText(
            _("Внутренняя ошибка сервера"),
            _("Действие не выполнено: на сервере произошла ошибка, введённые данные не сохранены."),
            (
                _("Вернитесь назад и повторите действие через несколько минут."),
                _("Сообщение об ошибке отправлено администратору системы.")
                if reported
                else _("Если ошибка повторится, сообщите администратору системы номер запроса и время."),
            ),
        )
    return ErrorText(
        _("Запрос не выполнен"),
        _("Сервер не смог выполнить запрос (код %(status)s).") % {"status": status},
        (_("Вернитесь на предыдущую страницу и повторите действие."),),
    )


def _user_is_authenticated(request) -> bool:
    user = getattr(request, "user", None)
    try:
        return bool(user is not None and user.is_authenticated)
    except (OperationalError, InterfaceError):
        return False


def _back_url(request) -> str:
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}):
        return referer
    return ""


def error_response(request, status: int, text: ErrorText | None = None) -> HttpResponse:
    """The answer to a request that failed with ``status``: JSON for the API, a short page otherwise.

    Rendered with no request context (no context processor, no session, no query), so that it
    works when the database does not.
    """
    text = text or error_text(request, status)
    request_id = request_id_for(request)
    if wants_json(request):
        detail = f"{text.title}. {text.detail}"
        response = JsonResponse({"detail": detail}, status=status, json_dumps_params={"ensure_ascii": False})
    else:
        context = {
            "status": status,
            "title": text.title,
            "detail": text.detail,
            "todo": text.todo,
            "request_id": request_id,
            "moment": date_format(timezone.localtime(), "DATETIME_FORMAT"),
            "back_url": _back_url(request),
            "retry_url": request.get_full_path() if request.method == "GET" and status >= 500 else "",
        }
        try:
            html = render_to_string("error.html", context)
        except Exception:  # an error page must never fail in its turn
            logger.exception("the error page did not render")
            html = f"<!doctype html><title>{text.title}</title><h1>{text.title}</h1><p>{text.detail}</p>"
        response = HttpResponse(html, status=status)
    response["X-Request-ID"] = request_id
    return response


# --- The views Django calls (opora/urls.py, settings.CSRF_FAILURE_VIEW) ---------------------------------


def bad_request(request, exception=None):
    if isinstance(exception, RequestDataTooBig):
        return error_response(request, 413)
    return error_response(request, 400)


def permission_denied(request, exception=None):
    return error_response(request, 403)


def page_not_found(request, exception=None):
    return error_response(request, 404)


def server_error(request):
    """A 500, or a 503 when the database is unreachable (it is called inside the ``except``)."""
    exc = sys.exc_info()[1]
    if isinstance(exc, OperationalError | InterfaceError):
        response = error_response(request, 503)
        response["Retry-After"] = "60"
        return response
    return error_response(request, 500)


def csrf_failure(request, reason: str = ""):
    """A form sent with a missing or stale CSRF token: usually a page left open too long."""
    return error_response(
        request,
        403,
        ErrorText(
            _("Форма устарела"),
            _(
                "Форму не удалось отправить: страница была открыта слишком долго, или вы вышли из системы "
                "в другой вкладке. Ничего не сохранено."
            ),
            (
                _("Если вы вводили длинный текст, вернитесь назад и скопируйте его."),
                _("Обновите страницу, при необходимости войдите снова, и отправьте форму ещё раз."),
                _("Если ошибка повторяется, проверьте, что браузер принимает файлы cookie для этого сайта."),
            ),
        ),
    )


def login_locked_out(request, original_response=None, credentials=None):
    """``AXES_LOCKOUT_CALLABLE``: 429 with the lock-out page, or ``{"detail": …}`` for a JSON client."""
    from axes.helpers import get_cool_off
    from django.shortcuts import render

    from opora.core.templatetags.opora import minutes

    cool_off = get_cool_off(request)
    if wants_json(request):
        text = ErrorText(
            _("Слишком много неудачных попыток входа"),
            _("Вход с этим именем пользователя с вашего адреса временно заблокирован на %(minutes)s мин.")
            % {"minutes": minutes(cool_off)},
        )
        response = error_response(request, 429, text)
    else:
        response = render(request, settings.AXES_LOCKOUT_TEMPLATE, {"cooloff_timedelta": cool_off}, status=429)
    response["Retry-After"] = str(int(cool_off.total_seconds())) if cool_off else "60"
    return response
