from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "opora.registry"
    label = "registry"
    verbose_name = "Банк данных выпускников"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from opora.core.audit import register_labels

        # Keys of the registry's change log that are not fields of the graduate.
        register_labels(
            {
                "consent": (_("согласие"), None),
                "consent_scope": (_("объём согласия"), None),
                "consent_withdrawn": (_("согласие отозвано"), None),
            }
        )
