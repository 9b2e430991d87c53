"""No import circle among ganlib's modules, counting the imports inside functions too.

A circle through a deferred import works until someone moves that import to the top of its
module; then Python fails with "partially initialized module". The graph is read from the source
(AST), so it also sees imports that a test run never executes.
"""
import ast
from pathlib import Path

import ganlib

PACKAGE = Path(ganlib.__file__).parent


def module_names(root: Path, package: str) -> dict[str, Path]:
    """{dotted module name: file} for every .py file under `root` (packages by their __init__)."""
    names = {}
    for path in sorted(root.rglob("*.py")):
        parts = [package, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def imported_modules(path: Path, module: str, known: dict[str, Path]) -> set[str]:
    """The modules in `known` that `module` (the file at `path`) imports anywhere in its code."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from . import x, from .x import y
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            for alias in node.names:
                # `from a import b` imports the module a.b when there is one, else a name from a.
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    return {name for name in found if name in known and name != module}


def import_graph(root: Path, package: str) -> dict[str, set[str]]:
    known = module_names(root, package)
    return {name: imported_modules(path, name, known) for name, path in known.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle as [a, b, ..., a], or None."""
    done, path = set(), []

    def visit(node):
        if node in path:
            return path[path.index(node):] + [node]
        if node in done:
            return None
        path.append(node)
        for target in sorted(graph[node]):
            cycle = visit(target)
            if cycle:
                return cycle
        path.pop()
        done.add(node)
        return None

    for start in sorted(graph):
        cycle = visit(start)
        if cycle:
            return cycle
    return None


def test_ganlib_has_no_import_circle():
    graph = import_graph(PACKAGE, "ganlib")
    # The walk sees imports inside functions (bench_train is imported only when `bench train` is registered).
    assert "ganlib.bench_train" in graph["ganlib.train_cli"]
    assert "ganlib.step" in graph["ganlib.train"] and "ganlib.cliargs" in graph["ganlib.cli"]
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph))


def test_cliargs_imports_nothing_from_ganlib():
    assert import_graph(PACKAGE, "ganlib")["ganlib.cliargs"] == set()


def test_a_circle_through_an_import_inside_a_function_is_found(tmp_path):
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from pkg.sub import b\n")
    (pkg / "sub" / "b.py").write_text("def later():\n    from .. import c\n")
    (pkg / "c.py").write_text("import os\nfrom pkg.a import something\n")
    graph = import_graph(pkg, "pkg")
    assert find_cycle(graph) == ["pkg.a", "pkg.sub.b", "pkg.c", "pkg.a"]
    (pkg / "c.py").write_text("import os\n")
    assert find_cycle(import_graph(pkg, "pkg")) is None
