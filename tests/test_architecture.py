"""The package's layout, as ARCHITECTURE.md describes it: imports flow one way, never in a cycle.

Read from the source with ``ast`` (nothing is imported), counting imports inside functions too:
a lazy import is still a dependency, and the cycle issue #11 found ran through one. Imports under
``if TYPE_CHECKING:`` are left out: they are for the type checker and never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "cli" / "cyberflag"

LAYERS = {
    "cyberflag": 0, "cyberflag.errors": 0, "cyberflag.atomic": 0, "cyberflag.memory": 0,
    "cyberflag.__main__": 9,
    "rdf": 1, "index": 2, "sparql": 3, "queries": 4, "checks": 5, "text": 6, "server": 6,
    "curation": 6, "site": 7, "cli": 8,
}
"""Each room's rank: a module imports only from rooms of a lower rank, or from its own room."""

MAX_LINES = 420
"""About 400 lines: small enough to read in one sitting."""


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports(path: Path) -> list[tuple[str, list[str], int]]:
    """``(module, names, line)`` for every ``cyberflag`` import that runs."""
    found: list[tuple[str, list[str], int]] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] == "cyberflag":
                found.append((node.module, [a.name for a in node.names], node.lineno))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "cyberflag":
                    found.append((alias.name, [], node.lineno))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


def edges(name: str) -> set[str]:
    """The project modules ``name`` imports (``from pkg import module`` names the module)."""
    out = set()
    for module, names, _ in imports(MODULES[name]):
        targets = [f"{module}.{n}" for n in names if f"{module}.{n}" in MODULES]
        out.update(targets or [module])
    out.discard(name)
    return out


GRAPH = {name: edges(name) for name in MODULES}


def room(name: str) -> str:
    parts = name.split(".")
    if len(parts) == 1 or name in LAYERS:
        return name if name in LAYERS else "cyberflag"
    return parts[1]


def test_the_graph_is_read() -> None:
    """Guard against a test that passes because it saw nothing."""
    assert len(MODULES) > 40
    assert "cyberflag.sparql.engines" in GRAPH["cyberflag.cli.query"] or any(
        "cyberflag.sparql" in e for e in GRAPH["cyberflag.cli.query"]
    )
    assert "cyberflag.index.builds" in GRAPH["cyberflag.sparql.engines"]


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as a path that ends where it starts, or ``None``."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (cycle := visit(nxt)) is not None:
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)) is not None:
            return cycle
    return None


def test_no_import_cycle() -> None:
    cycle = find_cycle(GRAPH)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_find_cycle_finds_one() -> None:
    """The cycle finder itself, on a graph with a cycle through a lazy import's edge."""
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_flow_down(name: str) -> None:
    """cli → site → views (text, server) → checks → queries → sparql → index → rdf → errors."""
    here = room(name)
    wrong = [
        target for target in sorted(GRAPH[name])
        if room(target) != here and LAYERS[room(target)] >= LAYERS[here]
    ]
    assert not wrong, f"{name} ({here}) imports upwards or sideways: {wrong}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_private_name_crosses_modules(name: str) -> None:
    private = [
        f"{module}.{n} (line {line})"
        for module, names, line in imports(MODULES[name])
        for n in names
        if n.startswith("_") and not n.endswith("__") and module != name
    ]
    assert not private, f"{name} imports private names: {private}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_stay_small(name: str) -> None:
    lines = len(MODULES[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{name} has {lines} lines (at most {MAX_LINES})"


def test_every_subpackage_is_shipped() -> None:
    """A subpackage missing from pyproject's package list works in a checkout and is absent
    from the wheel: the README's `pip install .` would fail."""
    pyproject = (PACKAGE.parent.parent / "pyproject.toml").read_text(encoding="utf-8")
    for init in sorted(PACKAGE.rglob("__init__.py")):
        name = module_name(init)
        assert f'"{name}"' in pyproject, f"{name} is not in pyproject's packages"


def test_architecture_md_names_every_room_and_module() -> None:
    """ARCHITECTURE.md's map must stay true: every room in its table, every module in its row."""
    text = (PACKAGE.parent.parent / "ARCHITECTURE.md").read_text(encoding="utf-8")
    rows = {
        line.split("|")[1].strip().strip("`"): line
        for line in text.splitlines()
        if line.startswith("| `")
    }
    for init in sorted(PACKAGE.rglob("__init__.py")):
        name = module_name(init)
        if name == "cyberflag":
            continue
        room_name = name.removeprefix("cyberflag.").replace(".", "/") + "/"
        assert room_name in rows, f"ARCHITECTURE.md has no row for {room_name}"
        for module in sorted(init.parent.glob("*.py")):
            if module.stem != "__init__" or room_name == "cli/":
                assert f"`{module.stem}`" in rows[room_name], (
                    f"ARCHITECTURE.md's {room_name} row does not name `{module.stem}`"
                )
