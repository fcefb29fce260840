"""The code's shape in figures, for issue notes: `python scripts/code_metrics.py [--json]`.

- modules over 400 lines and functions over 50 lines (`src/postloan`, migrations left out);
- the largest cyclomatic complexities (McCabe, counted on the AST as radon counts it: 1 + each
  if/elif, for, while, except, conditional expression, comprehension for/if, match case, and
  each extra operand of and/or; a nested function is counted on its own);
- imports inside functions (each `import` statement once);
- upward imports and package cycles, by the rules of tests/architecture/test_layers.py (the map
  is read from there, so the figures and the test cannot disagree).

Pure standard library plus grimp (pinned, the layers test's). Run with the tree's src first on
the path: `PYTHONPATH=src /work/main/.venv/bin/python scripts/code_metrics.py`.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "postloan"
MODULE_LINES = 400
FUNCTION_LINES = 50
TOP = 5

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
BRANCHES = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.IfExp, ast.ExceptHandler)


def modules() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if "migrations" not in p.parts)


def _own_nodes(fn: ast.AST):
    """The nodes of a function's body, not descending into nested functions or classes."""
    stack = list(ast.iter_child_nodes(fn))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, (*FUNCTIONS, ast.ClassDef, ast.Lambda)):
            stack.extend(ast.iter_child_nodes(node))


def complexity(fn: ast.AST) -> int:
    cc = 1
    for node in _own_nodes(fn):
        if isinstance(node, BRANCHES):
            cc += 1
        elif isinstance(node, ast.BoolOp):
            cc += len(node.values) - 1
        elif isinstance(node, ast.comprehension):
            cc += 1 + len(node.ifs)
        elif isinstance(node, ast.match_case):
            cc += 1
    return cc


def functions(tree: ast.AST, module: str):
    """(qualified name, lines, complexity, imports inside) of every function of a module."""

    def walk(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, FUNCTIONS):
                name = f"{prefix}{child.name}"
                lines = child.end_lineno - child.lineno + 1
                imports = sum(
                    isinstance(n, (ast.Import, ast.ImportFrom)) for n in _own_nodes(child)
                )
                yield name, lines, complexity(child), imports
                yield from walk(child, f"{name}.")
            elif isinstance(child, ast.ClassDef):
                yield from walk(child, f"{prefix}{child.name}.")
            else:
                yield from walk(child, prefix)

    yield from walk(tree, f"{module}:")


def layer_figures() -> dict:
    spec = importlib.util.spec_from_file_location(
        "test_layers", ROOT / "tests" / "architecture" / "test_layers.py"
    )
    layers = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(layers)
    import grimp

    sys.path.insert(0, str(ROOT / "src"))
    graph = grimp.build_graph("postloan", cache_dir=None)
    upward, edges = [], {}
    for module, target in layers.body_imports(graph):
        if layers.is_face(target):
            upward.append(f"{module} -> {target} (a face)")
        elif layers.room(module) != layers.room(target):
            edges.setdefault(layers.room(module), set()).add(layers.room(target))
            if layers.RANK[layers.room(module)] >= layers.RANK[layers.room(target)]:
                upward.append(f"{module} -> {target} (up the map)")
    cycles = sorted(
        f"{a} <-> {b}" for a in edges for b in edges[a] if a < b and a in edges.get(b, ())
    )
    return {"upward_imports": upward, "package_cycles": cycles}


def measure() -> dict:
    big_modules, big_functions, all_functions, inner_imports = [], [], [], 0
    for path in modules():
        text = path.read_text(encoding="utf-8")
        rel = str(path.relative_to(SRC.parent))
        lines = text.count("\n") + (not text.endswith("\n"))
        if lines > MODULE_LINES:
            big_modules.append((rel, lines))
        for name, n, cc, imports in functions(ast.parse(text), rel):
            all_functions.append((name, n, cc))
            inner_imports += imports
            if n > FUNCTION_LINES:
                big_functions.append((name, n))
    return {
        "modules": len(modules()),
        "functions": len(all_functions),
        "modules_over_400_lines": sorted(big_modules, key=lambda m: -m[1]),
        "functions_over_50_lines": sorted(big_functions, key=lambda f: -f[1]),
        "top_complexity": sorted(((n, cc) for n, _, cc in all_functions), key=lambda f: -f[1])[
            :TOP
        ],
        "function_level_imports": inner_imports,
        **layer_figures(),
    }


def main(argv: list[str]) -> int:
    figures = measure()
    if "--json" in argv:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
        return 0
    print(f"modules: {figures['modules']}, functions: {figures['functions']}")
    print(f"modules over {MODULE_LINES} lines: {len(figures['modules_over_400_lines'])}")
    for name, n in figures["modules_over_400_lines"][:10]:
        print(f"  {n:5d}  {name}")
    print(f"functions over {FUNCTION_LINES} lines: {len(figures['functions_over_50_lines'])}")
    for name, n in figures["functions_over_50_lines"][:10]:
        print(f"  {n:5d}  {name}")
    print(f"largest cyclomatic complexities (top {TOP}):")
    for name, cc in figures["top_complexity"]:
        print(f"  {cc:5d}  {name}")
    print(f"function-level imports: {figures['function_level_imports']}")
    print(f"upward imports: {len(figures['upward_imports'])}")
    for line in figures["upward_imports"]:
        print(f"  {line}")
    print(f"package cycles: {len(figures['package_cycles'])}")
    for line in figures["package_cycles"]:
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
