#!/usr/bin/env python3
"""Mark the Chinese labels of enumerations for translation (dev tool, a companion of
scripts/i18n_wrap_py.py, which leaves these positions alone).

    python scripts/i18n_wrap_choices.py src/postloan            # wrap
    python scripts/i18n_wrap_choices.py --check src/postloan    # list what it would wrap, exit 1

What it wraps in ``gettext_lazy("…")`` (string literals holding Chinese, nothing else):
- the label of a member of a ``TextChoices``/``IntegerChoices``/``Choices`` class
  (``CLI = "cli", "命令行"``);
- the values of a module-level dict whose values are all string literals, two or more of them
  Chinese (``LEVEL_LABELS = {"yellow": "黄色", …}``): the code → label tables of the pages.
Left alone: ``postloan/contract.py`` (pure Python, no Django; its labels are put in the
catalogue by scripts/contract_messages.py and wrapped where Django reads them), the rule
engine (``risk/engine``, whose words are part of its contract) and the demo generator (its data,
not UI). Running it twice changes nothing. Run ``ruff check --fix --select I`` and
``ruff format`` on the files it changed.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
SKIP = ("contract.py", "/risk/engine/", "/demo/", "/migrations/", "/management/")
CHOICES_BASES = {"TextChoices", "IntegerChoices", "Choices"}
IMPORT = "from django.utils.translation import gettext_lazy\n"


def _han(node) -> bool:
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and bool(HAN.search(node.value))
    )


def targets(tree: ast.Module) -> list[ast.Constant]:
    found: list[ast.Constant] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and any(
            getattr(b, "attr", getattr(b, "id", "")) in CHOICES_BASES for b in node.bases
        ):
            for stmt in node.body:
                if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Tuple):
                    last = stmt.value.elts[-1]
                    if len(stmt.value.elts) >= 2 and _han(last):
                        found.append(last)
    for stmt in tree.body:
        value = stmt.value if isinstance(stmt, ast.Assign | ast.AnnAssign) else None
        if (
            isinstance(value, ast.Dict)
            and value.values
            and all(isinstance(v, ast.Constant) and isinstance(v.value, str) for v in value.values)
            and sum(_han(v) for v in value.values) >= 2
        ):
            found.extend(v for v in value.values if _han(v))
    return found


def wrap(path: Path, check: bool) -> int:
    source = path.read_text(encoding="utf-8")
    nodes = targets(ast.parse(source))
    if not nodes or check:
        for n in nodes:
            print(f"{path}:{n.lineno}: {n.value}")
        return len(nodes)
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line.encode("utf-8")))
    data = source.encode("utf-8")
    for n in sorted(nodes, key=lambda n: (n.lineno, n.col_offset), reverse=True):
        start = offsets[n.lineno - 1] + n.col_offset
        end = offsets[n.end_lineno - 1] + n.end_col_offset
        data = data[:start] + b"gettext_lazy(" + data[start:end] + b")" + data[end:]
    text = data.decode("utf-8")
    if not re.search(r"^from django\.utils\.translation import .*\bgettext_lazy\b", text, re.M):
        tree = ast.parse(text)
        body = tree.body
        first = 0
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            first = 1  # after the docstring
        while (
            first < len(body)
            and isinstance(body[first], ast.ImportFrom)
            and body[first].module == "__future__"
        ):
            first += 1
        at = body[first].lineno - 1 if first < len(body) else len(text.splitlines())
        out = text.splitlines(keepends=True)
        out.insert(at, IMPORT)
        text = "".join(out)
    path.write_text(text, encoding="utf-8")
    print(f"{path}: {len(nodes)} labels")
    return len(nodes)


def main(argv: list[str]) -> int:
    check = "--check" in argv
    roots = [Path(a) for a in argv[1:] if a != "--check"]
    total = 0
    for root in roots:
        for path in sorted(root.rglob("*.py") if root.is_dir() else [root]):
            if any(s in f"/{path.as_posix()}" for s in SKIP):
                continue
            total += wrap(path, check)
    return 1 if check and total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
