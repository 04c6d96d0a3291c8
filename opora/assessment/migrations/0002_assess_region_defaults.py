"""The default catalogue of typical difficulties and level rule for the regions that exist already
(a region set up later gets them from opora.support.signals.region_set_up)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from opora.assessment.defaults import DEFAULT_DIFFICULTIES, DEFAULT_LEVEL_RULES

    Region = apps.get_model("org", "Region")
    Domain = apps.get_model("support", "Domain")
    SupportLevel = apps.get_model("support", "SupportLevel")
    DifficultyType = apps.get_model("assessment", "DifficultyType")
    LevelRule = apps.get_model("assessment", "LevelRule")
    for region in Region.objects.all():
        if not DifficultyType.objects.filter(region=region).exists():
            domains = {d.name: d for d in Domain.objects.filter(region=region)}
            DifficultyType.objects.bulk_create(
                DifficultyType(region=region, domain=domains[domain_name], name=name, order=order)
                for domain_name, names in DEFAULT_DIFFICULTIES.items()
                if domain_name in domains
                for order, name in enumerate(names, 1)
            )
        if not LevelRule.objects.filter(region=region).exists():
            levels = list(SupportLevel.objects.filter(region=region, is_active=True).order_by("order", "id"))
            LevelRule.objects.bulk_create(
                LevelRule(region=region, order=order, min_severity=severity, min_domains=count, level=levels[n - 1])
                for order, severity, count, n in DEFAULT_LEVEL_RULES
                if 0 < n <= len(levels)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0001_initial"),
        ("support", "0002_region_defaults"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
