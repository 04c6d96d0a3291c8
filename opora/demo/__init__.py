"""Development-only code of «Опора»: the demo region and the benchmark (Zulip keeps its generator in ``zilencer``).

``manage.py load_demo`` builds the demo region (opora.demo.region) and its support cycle
(opora.demo.support); ``manage.py bench`` times the pages on the current database. The app is
installed by default, because ``make run`` loads the demo; ``OPORA_DEMO_APP=0`` leaves it out.
The product apps (core, org, registry, support, docs) import nothing from it
(opora/core/tests/test_import_layers.py).
"""
