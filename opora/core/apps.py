from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "opora.core"
    label = "core"
    verbose_name = "Общее"

    def ready(self) -> None:
        from opora.core import signals  # noqa: F401  (connects the login signals to the audit log)
        from opora.core.files import track_all_files
        from opora.core.uploads import ensure_temp_dir

        track_all_files()  # a file no record names any more leaves storage (opora.core.files)
        ensure_temp_dir()
