"""Default support directories (levels, domains, service kinds) for the regions that exist already."""

from django.db import migrations


def defaults(apps, schema_editor):
    from opora.support.defaults import DEFAULT_DOMAINS, DEFAULT_LEVELS, DEFAULT_SERVICE_KINDS

    Region = apps.get_model("org", "Region")
    SupportLevel = apps.get_model("support", "SupportLevel")
    Domain = apps.get_model("support", "Domain")
    ServiceKind = apps.get_model("support", "ServiceKind")
    for region in Region.objects.all():
        if not SupportLevel.objects.filter(region=region).exists():
            for name, order, period, contacts, description in DEFAULT_LEVELS:
                SupportLevel.objects.create(
                    region=region, name=name, order=order, plan_period_months=period,
                    contacts_per_month=contacts, description=description,
                )
        if not Domain.objects.filter(region=region).exists():
            for order, name in enumerate(DEFAULT_DOMAINS, 1):
                Domain.objects.create(region=region, name=name, order=order)
        if not ServiceKind.objects.filter(region=region).exists():
            domains = {d.name: d for d in Domain.objects.filter(region=region)}
            for order, (name, domain, frequency) in enumerate(DEFAULT_SERVICE_KINDS, 1):
                ServiceKind.objects.create(
                    region=region, name=name, domain=domains.get(domain), frequency=frequency, order=order
                )


class Migration(migrations.Migration):
    dependencies = [("support", "0001_initial"), ("org", "0001_initial")]

    operations = [migrations.RunPython(defaults, migrations.RunPython.noop)]
