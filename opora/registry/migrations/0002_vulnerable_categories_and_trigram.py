"""The default vulnerable categories (000; 003 «Маме важно») and, on PostgreSQL, trigram search."""

from django.db import migrations

CATEGORIES = [
    ("released_from_prison", "Освободившиеся из мест лишения свободы"),
    ("employment_difficulties", "Испытывающие трудности с трудоустройством"),
    ("disability", "Лица с инвалидностью"),
    ("antisocial_behaviour", "Антисоциальное поведение, правонарушения"),
    ("housing_problems", "Жилищные проблемы (нет жилья или проживание с неблагополучными родственниками)"),
    ("young_parents", "Молодые родители"),
    ("pregnant", "Беременные выпускницы"),
]


def add_categories(apps, schema_editor):
    VulnerableCategory = apps.get_model("registry", "VulnerableCategory")
    for order, (code, name) in enumerate(CATEGORIES, start=1):
        VulnerableCategory.objects.update_or_create(code=code, defaults={"name": name, "order": order})


def trigram_on(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS graduate_search_name_trgm ON registry_graduate USING gin (search_name gin_trgm_ops)"
    )


def trigram_off(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS graduate_search_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [
        migrations.RunPython(add_categories, migrations.RunPython.noop),
        migrations.RunPython(trigram_on, trigram_off),
    ]
