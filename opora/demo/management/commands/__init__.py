"""Management commands of the demo app: load_demo (the demo region) and bench (timing the pages)."""
