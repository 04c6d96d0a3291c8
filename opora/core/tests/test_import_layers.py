"""The apps import one way: no cycle between them, core builds on none of them, the registry knows
nothing of support (nor of assessment and documents, which build on it), and no product app
imports the development-only demo app.

Every ``import`` and ``from … import`` of the apps' code is read (those inside functions too,
relative ones resolved), outside tests and migrations; the project's own modules beside the apps
(settings, urls, the API router) assemble them all and are not an app. A model named by a string
(``"org.Service"``) is no import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import opora

ROOT = Path(opora.__file__).resolve().parent
SKIPPED_DIRS = {"tests", "migrations", "__pycache__"}
DEMO = "demo"  # development-only (opora/demo): the product apps never import it


def apps() -> set[str]:
    return {p.name for p in ROOT.iterdir() if (p / "__init__.py").is_file() and p.name not in SKIPPED_DIRS}


def app_sources(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        if not SKIPPED_DIRS.intersection(path.relative_to(ROOT).parts):
            yield path


def imported_modules(path: Path):
    """(line, dotted name) of every module the file imports, relative imports resolved."""
    # The package the file is in (for an __init__.py: the package it is).
    package = list(path.relative_to(ROOT.parent).parts[:-1])
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, node.module] if node.module else base)
            yield node.lineno, module
            for alias in node.names:  # «from opora import demo» names a package, not a function
                yield node.lineno, f"{module}.{alias.name}"


def import_graph() -> dict[str, dict[str, str]]:
    """app -> {app it imports: where (the first such import, «path:line»)}."""
    known = apps()
    graph: dict[str, dict[str, str]] = {app: {} for app in sorted(known)}
    for app in sorted(known):
        for path in app_sources(app):
            for line, module in imported_modules(path):
                names = module.split(".")
                if len(names) >= 2 and names[0] == "opora" and names[1] in known and names[1] != app:
                    graph[app].setdefault(names[1], f"{path.relative_to(ROOT.parent)}:{line}")
    return graph


def cycles(graph: dict[str, dict[str, str]]) -> list[list[str]]:
    """Every cycle found by a depth-first walk, each as the apps along it (the first one repeated)."""
    found, state = [], {}
    path: list[str] = []

    def visit(app: str) -> None:
        state[app] = "open"
        path.append(app)
        for target in sorted(graph.get(app, {})):
            if state.get(target) == "open":
                found.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target)
        path.pop()
        state[app] = "done"

    for app in sorted(graph):
        if app not in state:
            visit(app)
    return found


def describe(graph, edges) -> str:
    return "; ".join(f"{a} → {b} ({graph[a][b]})" for a, b in edges)


def test_the_walk_reads_the_imports_of_every_app():
    graph = import_graph()

    assert {"core", "org", "registry", "support", "docs", DEMO} <= set(graph)
    assert {"core", "org", "registry"} <= set(graph["support"]), "the walk must see what support builds on"


def test_no_two_apps_import_each_other_even_through_others():
    graph = import_graph()

    loops = cycles(graph)

    assert not loops, "\n".join(describe(graph, zip(loop, loop[1:], strict=False)) for loop in loops)


def test_core_imports_no_other_app():
    graph = import_graph()

    assert not graph["core"], describe(graph, (("core", target) for target in sorted(graph["core"])))


def test_the_registry_knows_nothing_of_support_or_what_builds_on_it():
    graph = import_graph()

    wrong = sorted({"support", "assessment", "docs"} & set(graph["registry"]))

    assert not wrong, describe(graph, (("registry", target) for target in wrong))


def test_no_product_app_imports_the_demo_app():
    graph = import_graph()

    wrong = [(app, DEMO) for app in sorted(graph) if app != DEMO and DEMO in graph[app]]

    assert not wrong, describe(graph, wrong)
