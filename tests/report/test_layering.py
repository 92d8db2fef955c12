"""The domain core's imports: no cycle among its modules (issue 13: `Report.check` ↔ `checks` was one,
hidden by an import inside the method), and nothing from the readers, writers or Django.

Imports are read from the source with `ast`, function-level ones included (that is where a cycle
hides); only those under `if TYPE_CHECKING:` are left out, as they never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "src" / "xxgk" / "report"


def _runtime_imports(path: Path) -> set[str]:
    """Absolute module names imported by `path` (a module of xxgk.report) when it runs."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    package = ["xxgk", "report"]
    out: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
                if node.module is None:  # `from . import keys`
                    out.update(f"{mod}.{a.name}" for a in node.names)
                    continue
            else:
                mod = node.module or ""
            out.add(mod)
    return out


def _graph() -> dict[str, set[str]]:
    modules = {f"xxgk.report.{p.stem}": p for p in CORE.glob("*.py") if p.stem != "__init__"}
    return {name: {m for m in _runtime_imports(p) if m in modules} for name, p in modules.items()}


def test_the_import_reader_sees_the_known_edges() -> None:
    graph = _graph()
    assert "xxgk.report.keys" in graph["xxgk.report.checks"]
    assert "xxgk.report.checks" in graph["xxgk.report.model"]


def test_no_import_cycle_in_the_core() -> None:
    graph = _graph()
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> None:
        if node in path:
            raise AssertionError("import cycle: " + " → ".join(path[path.index(node) :] + [node]))
        if node in done:
            return
        for nxt in sorted(graph[node]):
            visit(nxt, path + [node])
        done.add(node)

    for node in sorted(graph):
        visit(node, [])


def test_the_core_imports_no_reader_writer_or_django() -> None:
    for path in CORE.glob("*.py"):
        bad = {m for m in _runtime_imports(path) if m.startswith(("xxgk.read", "xxgk.write", "xxgk.cli", "django"))}
        assert not bad, (path.name, bad)
