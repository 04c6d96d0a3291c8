from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "opora.registry"
    label = "registry"
    verbose_name = "Банк данных выпускников"
