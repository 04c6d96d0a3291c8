"""File the audit events written before AuditSubject existed under the graduate they concern.

Lives in support (not core) because it needs the paths of the registry's and the support's
models, and core knows neither. Events of other models (logins, the audit log) concern no one.
"""

from django.db import migrations

# app_label.model -> the path to the graduate (models' ``person_path`` at the time of writing).
PATHS = {
    "registry.graduate": "",
    "registry.consent": "graduate",
    "support.supportcase": "graduate",
    "support.journalentry": "graduate",
    "support.transfer": "graduate",
    "support.contract": "case__graduate",
    "support.levelchange": "case__graduate",
    "support.supportplan": "case__graduate",
    "support.reassignment": "case__graduate",
    "support.planmeasure": "plan__case__graduate",
}
BATCH = 2000


def backfill(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    AuditSubject = apps.get_model("core", "AuditSubject")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for key, path in PATHS.items():
        app_label, model_name = key.split(".")
        ct = ContentType.objects.filter(app_label=app_label, model=model_name).first()
        if ct is None:
            continue
        model = apps.get_model(app_label, model_name)
        rows = []
        events = AuditEvent.objects.filter(content_type=ct, subjects__isnull=True).only("id", "at", "object_id", "record_ids")
        for event in events.iterator(chunk_size=BATCH):
            ids = [int(event.object_id)] if event.object_id.isdigit() else []
            ids += [int(i) for i in event.record_ids or [] if str(i).isdigit()]
            if not ids:
                continue
            persons = set(ids) if path == "" else set(
                model.objects.filter(pk__in=ids).values_list(path, flat=True)
            )
            rows += [AuditSubject(event_id=event.id, person_id=p, at=event.at) for p in persons if p is not None]
            if len(rows) >= BATCH:
                AuditSubject.objects.bulk_create(rows)
                rows = []
        AuditSubject.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_audit_subject"),
        ("registry", "0004_graduate_consent_revision"),
        ("support", "0004_transfer_decline"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
