"""The shape of the code, checked: no module over ~550 lines, no import cycle (imports inside
functions and under TYPE_CHECKING count too), and each stage importing nothing above it
(input → layout → rules → output → cli; the data modules import no stage at all)."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "kcclean"
LONGEST = 560

# What each part of the package may import of kcclean (the prefixes of module names).
ALLOWED = {
    "kcclean.provenance": (),
    "kcclean.model": ("kcclean.provenance",),
    "kcclean.errors": (),
    "kcclean.about": (),
    "kcclean.words": (),
    "kcclean.datafile": (),
    "kcclean.input": ("kcclean.errors", "kcclean.provenance", "kcclean.input"),
    "kcclean.rules": (
        "kcclean.datafile", "kcclean.errors", "kcclean.provenance", "kcclean.model", "kcclean.words", "kcclean.rules",
    ),
    "kcclean.layout": (
        "kcclean.datafile", "kcclean.errors", "kcclean.provenance", "kcclean.model", "kcclean.words", "kcclean.rules",
        "kcclean.layout",
    ),
    "kcclean.output": (
        "kcclean.about", "kcclean.errors", "kcclean.model", "kcclean.provenance", "kcclean.rules", "kcclean.words",
        "kcclean.layout.issues", "kcclean.output",
    ),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Every kcclean module this one imports, wherever the import statement stands."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("kcclean")}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            if not base.startswith("kcclean"):
                continue
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in known}
    return {module for module in found if module in known and module != name}


def graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: imports(name, path, known) for name, path in found.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(edges[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_module_is_longer_than_a_reader_can_hold() -> None:
    long = {name: n for name, path in modules().items() if (n := len(path.read_text(encoding="utf-8").splitlines())) > LONGEST}
    assert long == {}


def test_no_import_cycle() -> None:
    assert cycles(graph()) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_each_stage_imports_nothing_above_it() -> None:
    wrong = []
    for name, targets in graph().items():
        rule = next((prefix for prefix in sorted(ALLOWED, key=len, reverse=True) if name == prefix or name.startswith(prefix + ".")), None)
        if rule is None:
            continue
        allowed = ALLOWED[rule]
        for target in targets:
            if target != "kcclean" and not any(target == a or target.startswith(a + ".") for a in allowed):
                wrong.append(f"{name} imports {target}")
    assert wrong == []
