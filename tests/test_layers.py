"""The engine's layers import one way (ingest <- store <- answer <- shells), with no cycles.

Read from the source with ``ast``, so that an import inside a function counts as
much as one at the top: a lazy import that closes a cycle is still a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# What each stage may import from the engine, besides itself. The shared values
# (``index.types``, ``index.errors``) import nothing of the engine; the shells
# (``index.cli``, ``index.settings``, ``index.evaluate``, ``index/__init__``) may
# import any stage.
SHARED = ("index.types", "index.errors")
ALLOWED: dict[str, tuple[str, ...]] = {
    "index.types": (),
    "index.errors": (),
    "index.ingest": (*SHARED, "index.ingest"),
    "index.store": (*SHARED, "index.ingest", "index.store"),
    "index.answer": (*SHARED, "index.ingest", "index.store", "index.answer"),
}
# Largest module, in lines: a module should fit on a few screens.
MAX_LINES = 500


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules(package: str) -> dict[str, Path]:
    return {_module_name(p): p for p in sorted((ROOT / package).rglob("*.py"))}


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, at any depth of its code."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # ``from index.store import files`` imports a module, not a name.
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _engine_imports(path: Path, modules: dict[str, Path]) -> set[str]:
    return {name for name in _imports(path) if name in modules and name != "index"}


def _stage(module: str) -> str | None:
    for stage in sorted(ALLOWED, key=len, reverse=True):
        if module == stage or module.startswith(stage + "."):
            return stage
    return None


INDEX = _modules("index")


@pytest.mark.parametrize("module", sorted(m for m in INDEX if _stage(m)))
def test_a_stage_imports_only_the_stages_below_it(module: str) -> None:
    allowed = ALLOWED[_stage(module) or ""]
    wrong = sorted(
        name
        for name in _engine_imports(INDEX[module], INDEX)
        if not any(name == a or name.startswith(a + ".") for a in allowed)
    )
    assert not wrong, f"{module} imports {wrong}: a stage may import only {allowed}"


def test_every_engine_module_has_a_stage_or_is_a_shell() -> None:
    shells = {"index", "index.__main__", "index.cli", "index.settings", "index.evaluate"}
    assert sorted(m for m in INDEX if _stage(m) is None and m not in shells) == []


def test_the_engine_knows_nothing_of_telegram() -> None:
    offenders = {
        module: sorted(n for n in _imports(path) if n.split(".")[0] in {"telegram", "bot"})
        for module, path in INDEX.items()
    }
    assert {m: names for m, names in offenders.items() if names} == {}


def test_no_import_cycles() -> None:
    modules = INDEX | _modules("bot")
    graph = {m: _engine_imports(p, modules) for m, p in modules.items()}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}

    def visit(module: str, trail: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                cycles.append([*trail[trail.index(target) :], target])
            elif target not in state:
                visit(target, [*trail, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


@pytest.mark.parametrize(
    "path", sorted([*INDEX.values(), *_modules("bot").values()]), ids=lambda p: str(p.relative_to(ROOT))
)
def test_modules_fit_on_a_few_screens(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines"
