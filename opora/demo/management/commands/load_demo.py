"""``manage.py load_demo``: the demo region with its graduates and users, then its support cycle.

Builds the region, its services, graduates and users (opora.demo.region), then the support
cycle's data on those graduates (opora.demo.support): cases, contracts, levels, plans, journal,
transfers; then their assessments, monitorings, life events and consilia (opora.demo.assessment).
The demo app knows the product apps; none of them knows the demo.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.demo import assessment as demo_assessment
from opora.demo import region as demo_region
from opora.demo import support as demo_support
from opora.demo.region import DEFAULT_GRADUATES, parse_as_of
from opora.registry.models import Graduate


class Command(BaseCommand):
    """Load the demo region «Белгородская область» with its services, graduates and users.

    The services are created in the order of ``PLACES``: «service 1» is the service of
    г. Белгород (user ``coordinator1`` and ``specialist1``), «service 2» the service of the
    Старооскольский городской округ (``specialist2``). ``region`` works in the regional
    resource centre; ``admin`` belongs to no service. The users' password is
    ``settings.OPORA_DEMO_PASSWORD`` (environment variable OPORA_DEMO_PASSWORD).

    Running it again creates nothing twice: if the region already has graduates, only the
    missing users are added. ``--if-empty`` does nothing at all when any graduate exists.
    """

    help = "Загрузить демонстрационные данные: Белгородская область, 22 службы, выпускники и пользователи."

    def add_arguments(self, parser):
        parser.add_argument(
            "--graduates",
            type=int,
            default=DEFAULT_GRADUATES,
            help=f"Сколько выпускников создать (по умолчанию {DEFAULT_GRADUATES}).",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Ничего не делать, если в базе уже есть хотя бы один выпускник.",
        )
        parser.add_argument(
            "--as-of",
            type=parse_as_of,
            default=None,
            metavar="ГГГГ-ММ-ДД",
            help="День, на который строятся данные: все даты отсчитываются от него (по умолчанию сегодня).",
        )

    def handle(self, *args, graduates: int, if_empty: bool, as_of: dt.date | None = None, **options):
        as_of = as_of or timezone.localdate()
        if graduates < 0:
            raise CommandError(_("Число выпускников не может быть отрицательным."))
        if if_empty and Graduate.objects.exists():
            self.stdout.write(_("В базе уже есть выпускники: демонстрационные данные не загружаются."))
            return
        with transaction.atomic():
            region, territories, services, centre = demo_region.directories()
            if Graduate.objects.filter(service__region=region).exists():
                self.stdout.write(_("Демонстрационные данные уже загружены: выпускники не добавляются."))
            else:
                created, consents = demo_region.graduates(graduates, services, as_of)
                self.stdout.write(
                    self.style.SUCCESS(
                        _(
                            "Загружено: регион «%(region)s», территорий: %(territories)d, служб: %(services)d, "
                            "выпускников: %(graduates)d, согласий: %(consents)d."
                        )
                        % {
                            "region": region.name,
                            "territories": len(territories),
                            "services": len(services) + 1,
                            "graduates": created,
                            "consents": consents,
                        }
                    )
                )
            users = demo_region.users(services, centre)
        password = settings.OPORA_DEMO_PASSWORD
        self.stdout.write(_("Пользователи (пароль новых пользователей: %(password)s):") % {"password": password})
        for user, is_new in users:
            line = f"  {user.username:<13} {user.get_role_display()}; "
            line += f"{user.service.display_name if user.service else _('без службы')}; {user.short_name}"
            if not is_new:
                line += " — " + _("уже существует, пароль не изменён")
            self.stdout.write(line)
        demo_support.load(region, as_of, self.stdout, self.style)
        demo_assessment.load(region, as_of, self.stdout, self.style)
        # Fresh statistics for the query planner after a bulk load: without them SQLite walks the
        # caseload's «overdue measures» through the region-wide (status, deadline) index, and
        # «Мои выпускники» and the start page take a second instead of ~80 ms on the demo region.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
