from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "opora.org"
    label = "org"
    verbose_name = "Организация"
