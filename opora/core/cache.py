"""The file cache that holds the sessions (var/sessions), shared by every server process.

Django's file cache, when it holds MAX_ENTRIES files, deletes a random third of them — live
sessions included, which would log colleagues out at random. A session that expired is never
read again (its cookie is gone), so its file would stay until such a cull. This cache first
removes the files that have expired and culls at random only if the live ones alone still
exceed the limit.
"""

from __future__ import annotations

from django.core.cache.backends.filebased import FileBasedCache


class SessionFileCache(FileBasedCache):
    def _cull(self):
        if len(self._list_cache_files()) < self._max_entries:
            return
        self.delete_expired()
        super()._cull()

    def delete_expired(self) -> int:
        """Delete the files whose time is up; the number deleted."""
        deleted = 0
        for name in self._list_cache_files():
            try:
                with open(name, "rb") as handle:
                    deleted += self._is_expired(handle)
            except FileNotFoundError:
                continue  # another process removed it meanwhile
        return deleted
