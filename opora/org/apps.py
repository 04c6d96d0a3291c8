from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "opora.org"
    label = "org"
    verbose_name = "Организация"

    def ready(self) -> None:
        from opora.org import signals  # noqa: F401  (account changes: audit, revoking tokens)
