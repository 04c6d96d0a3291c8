"""Signals of the support cycle that other apps listen to without support importing them.

* :data:`region_set_up` — sent at the end of :func:`opora.support.services.setup_region` with
  ``region``: the support directories (levels, domains) exist, so an app that builds on them
  (the assessment's catalogue of difficulties and level rule) sets up its own defaults.
"""

from django.dispatch import Signal

region_set_up = Signal()
