"""The package's shape: imports flow one way through the layers, and modules stay small."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "alliance_kg"

#: The layers from the bottom up; a module may import its own layer and those below it only.
LAYERS = ["errors", "ontology", "loaders", "graph", "queries", "evaluate", "api", "cli"]


def layer(module: str) -> int:
    """The layer of a module of the package by its dotted name (``alliance_kg.graph.store``)."""
    parts = module.split(".")
    if parts[0] != "alliance_kg":
        raise ValueError(module)
    if len(parts) == 1:  # the package itself re-exports the public API
        return LAYERS.index("api")
    top = parts[1].removesuffix("_links")  # evaluate_links sits with evaluate
    return LAYERS.index(top)


def modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out.append((name, path))
    return out


def imported(path: Path) -> list[tuple[int, str]]:
    """Every module of the package that ``path`` imports, anywhere in it (inside functions and
    ``TYPE_CHECKING`` blocks too), with the line."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found += [(node.lineno, n) for n in names if n.split(".")[0] == "alliance_kg"]
    return found


def test_every_module_has_a_layer() -> None:
    for name, _ in modules():
        assert 0 <= layer(name) < len(LAYERS)


def test_no_module_imports_a_higher_layer() -> None:
    upward = [
        f"{path.relative_to(PACKAGE.parent)}:{line} imports {target} "
        f"({LAYERS[layer(target)]} is above {LAYERS[layer(name)]})"
        for name, path in modules()
        for line, target in imported(path)
        if layer(target) > layer(name)
    ]
    assert upward == []


def test_the_checker_sees_an_upward_import(tmp_path: Path) -> None:
    # The test above must be able to fail: a function-local import of queries from graph.
    source = tmp_path / "m.py"
    source.write_text("def f():\n    from alliance_kg.queries import run_query\n")
    assert imported(source) == [(2, "alliance_kg.queries")]
    assert layer("alliance_kg.queries") > layer("alliance_kg.graph.render")


@pytest.mark.parametrize(("name", "path"), modules(), ids=[name for name, _ in modules()])
def test_modules_are_at_most_400_lines(name: str, path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= 400, f"{name} has {lines} lines"
