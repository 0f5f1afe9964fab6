#!/usr/bin/env python3
"""The engine's limits (docs/architecture.md): no module in billy_connector/sync/ over 400
lines and no class there over 300, no import cycle between sync/ modules, and no `odoo`
import in the pure modules (their tests in tests/addon run without Odoo). The glue module
billy_connector_queue keeps to the same module and class sizes."""

import ast
import sys
from pathlib import Path

ADDON = Path(__file__).resolve().parents[1] / "billy_connector"
SYNC = ADDON / "sync"
GLUE = ADDON.parent / "billy_connector_queue"
MAX_MODULE_LINES, MAX_CLASS_LINES = 400, 300
PURE = {
    "__init__",
    "custom_mapping",
    "decide",
    "errors",
    "fingerprint",
    "invoice_amounts",
    "invoice_money",
    "kinds",
    "mapping",
    "matching",
    "messages",
    "sanitize",
    "vocabulary",
}


def local_imports(tree):
    """The sync/ modules a module imports (`from .x import` and `from . import x`)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                names.add(node.module.split(".")[0])
            else:
                names.update(alias.name for alias in node.names)
    return names


def imports_odoo(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "odoo" for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "odoo":
            return True
    return False


def cycle(graph):
    state = {}

    def visit(name, path):
        state[name] = "open"
        for other in sorted(graph.get(name, ())):
            if state.get(other) == "open":
                return [*path, name, other]
            if other not in state:
                found = visit(other, [*path, name])
                if found:
                    return found
        state[name] = "done"
        return None

    for name in sorted(graph):
        if name not in state:
            found = visit(name, [])
            if found:
                return found
    return None


def sizes(path, text, tree):
    """The module's and its classes' sizes over the limits."""
    rel = path.relative_to(ADDON.parent)
    problems = []
    lines = len(text.splitlines())
    if lines > MAX_MODULE_LINES:
        problems.append(f"{rel}: {lines} lines (at most {MAX_MODULE_LINES})")
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            size = node.end_lineno - node.lineno + 1
            if size > MAX_CLASS_LINES:
                problems.append(f"{rel}:{node.lineno} class {node.name}: {size} lines")
    return problems


def main():
    problems, graph = [], {}
    for path in sorted(SYNC.glob("*.py")):
        text = path.read_text()
        tree = ast.parse(text)
        problems += sizes(path, text, tree)
        graph[path.stem] = local_imports(tree)
        if path.stem in PURE and imports_odoo(tree):
            problems.append(f"{path.relative_to(ADDON.parent)}: a pure module imports odoo")
    glue = sorted(GLUE.rglob("*.py"))
    for path in glue:
        text = path.read_text()
        problems += sizes(path, text, ast.parse(text))
    found = cycle(graph)
    if found:
        problems.append("import cycle in sync/: " + " → ".join(found))
    impure = [name for name in PURE if name in graph and graph[name] - PURE]
    problems += [f"sync/{name}.py: a pure module imports {graph[name] - PURE}" for name in impure]
    if problems:
        sys.exit("\n".join(problems))
    print(f"sync/: {len(graph)} modules within {MAX_MODULE_LINES} lines, classes within ", end="")
    print(f"{MAX_CLASS_LINES}, no import cycle, {len(PURE & set(graph))} pure modules; ", end="")
    print(f"{GLUE.name}: {len(glue)} modules within the same limits")


if __name__ == "__main__":
    main()
