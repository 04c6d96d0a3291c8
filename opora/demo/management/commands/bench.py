"""Time the registry's pages and API on the current database: `manage.py bench --user region`.

Each page is requested through Django's test client (the whole stack: middleware,
scope, queries, templates) ``--runs`` times; the command prints the median and the 95th
percentile in milliseconds and the number of SQL queries. Everything it writes (the
audit events of these reads) is rolled back.
"""

from __future__ import annotations

import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from opora.org.models import User
from opora.registry.models import Graduate


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Замер скорости страниц банка данных и API на текущей базе."

    def add_arguments(self, parser):
        parser.add_argument("--user", default="region")
        parser.add_argument("--runs", type=int, default=20)

    def handle(self, user: str, runs: int, **options):
        try:
            who = User.objects.get(username=user)
        except User.DoesNotExist:
            raise CommandError(
                f"Пользователь «{user}» не найден (загрузите демо-регион: manage.py load_demo)."
            ) from None
        visible = Graduate.objects.restrict(who)
        # A graduate on support, if there is one: the support tabs then show real data.
        sample = visible.filter(support_cases__status="active").order_by("id").first() or visible.order_by("id").first()
        if sample is None:
            raise CommandError("У пользователя нет доступных выпускников.")
        total = Graduate.objects.count()
        self.stdout.write(
            f"База: {connection.vendor}; выпускников всего: {total}; видно пользователю {user}: {visible.count()}"
        )
        pages = [
            ("Список, стр. 1", "/graduates/"),
            ("Список, стр. 20", "/graduates/?page=20"),
            ("Поиск по фамилии", f"/graduates/?q={sample.last_name[:5].lower()}"),
            # A letter dropped: nothing matches exactly, the typo-tolerant search answers.
            ("Поиск с опечаткой", f"/graduates/?q={(sample.last_name[:2] + sample.last_name[3:]).lower()}"),
            ("Фильтр: возраст 18–20, статус", "/graduates/?age_from=18&age_to=20&status_category=from_orphans"),
            ("Личное дело", f"/graduates/{sample.pk}/"),
            ("Личное дело: сопровождение", f"/graduates/{sample.pk}/support/"),
            ("Личное дело: план", f"/graduates/{sample.pk}/plan/"),
            ("Личное дело: журнал", f"/graduates/{sample.pk}/journal/"),
            ("Мои выпускники", "/caseload/"),
            ("API: список", "/api/v1/graduates/"),
            ("API: поиск", f"/api/v1/graduates/?q={sample.last_name[:5].lower()}"),
        ]
        rows = []
        with override_settings(ALLOWED_HOSTS=["testserver"], DEBUG=False):
            try:
                with transaction.atomic():
                    client = Client()
                    client.force_login(who)
                    for title, url in pages:
                        client.get(url)  # warm-up
                        times = []
                        with CaptureQueriesContext(connection) as queries:
                            for _ in range(runs):
                                start = time.perf_counter()
                                response = client.get(url)
                                times.append((time.perf_counter() - start) * 1000)
                                if response.status_code != 200:
                                    raise CommandError(f"{url}: {response.status_code}")
                        times.sort()
                        p95 = times[max(0, round(0.95 * len(times)) - 1)]
                        rows.append((title, statistics.median(times), p95, len(queries) // runs))
                    raise Rollback
            except Rollback:
                pass
        self.stdout.write(f"{'страница':32} {'медиана, мс':>12} {'p95, мс':>9} {'запросов':>9}")
        for title, median, p95, queries in rows:
            self.stdout.write(f"{title:32} {median:12.1f} {p95:9.1f} {queries:9d}")
