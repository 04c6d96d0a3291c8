from django.apps import AppConfig


class DocsConfig(AppConfig):
    name = "opora.docs"
    label = "docs"
    verbose_name = "Документы"
