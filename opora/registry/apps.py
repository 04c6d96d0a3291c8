from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "opora.registry"
    label = "registry"
    verbose_name = "Банк данных выпускников"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.utils.translation import gettext_lazy as _

        from opora.core.audit import register_labels, register_persons
        from opora.registry.models import Graduate

        def names(user, ids):
            visible = Graduate.objects.restrict(user, "view").filter(pk__in=ids)
            return {
                pk: " ".join(p for p in parts if p)
                for pk, *parts in visible.values_list("pk", "last_name", "first_name", "patronymic")
            }

        def search(user, text):
            return Graduate.objects.restrict(user, "view").search(text).values("pk")

        # The audit log names a person it files events under, when the viewer may see them.
        register_persons(names=names, search=search, model=Graduate)

        # Keys of the registry's change log that are not fields of the graduate.
        register_labels(
            {
                "consent": (_("согласие"), None),
                "consent_scope": (_("объём согласия"), None),
                "consent_withdrawn": (_("согласие отозвано"), None),
                "duplicate_confirmed": (_("сохранено, несмотря на предупреждение о возможном дубле"), None),
            }
        )

        connection_created.connect(add_sqlite_functions, dispatch_uid="opora.registry.sqlite_functions")


def add_sqlite_functions(sender, connection, **kwargs) -> None:
    """SQLite has no pg_trgm: the typo-tolerant search calls the same measure written in Python."""
    if connection.vendor != "sqlite":
        return
    from opora.registry.similarity import word_similarity

    connection.connection.create_function("opora_word_similarity", 3, _null_safe(word_similarity), deterministic=True)


def _null_safe(function):
    def call(query, text, floor):
        if query is None or text is None:
            return None
        return function(query, text, floor or 0.0)

    return call
