"""Management commands of the registry: load_demo."""
