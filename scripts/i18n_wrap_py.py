#!/usr/bin/env python3
"""Mark the Chinese UI strings of Python code for translation (dev tool, the companion of
scripts/i18n_wrap.py for templates).

    python scripts/i18n_wrap_py.py src/postloan/risk          # one app at a time
    python scripts/i18n_wrap_py.py --check src/postloan/risk  # list what it would wrap, exit 1

What counts as UI text (string literals holding Chinese, nothing else):
- ``verbose_name``, ``verbose_name_plural``, ``help_text``, ``label``, ``empty_label`` keyword
  arguments, a model field's verbose_name given first (``models.CharField("姓名", …)``), and ``verbose_name``/``verbose_name_plural`` of a model's ``class Meta``;
- the message of ``messages.success/info/warning/error(...)``, ``ValidationError(...)``,
  ``PermissionDenied(...)``, ``Http404(...)`` and of ``form.add_error(field, ...)``.
Inside a function the string becomes ``gettext("…")`` (a plain str at run time, safe in JSON,
Excel and SQL); at module or class level ``gettext_lazy("…")``, and there only as an argument of
a Django model or form field (``…Field``, ``ForeignKey`` …) or in ``class Meta`` — a lazy string
elsewhere could reach code that wants a str. The functions are imported by their own names (no
``_`` alias: ``for code, _ in …`` is common here and would shadow it).
Left alone: f-strings (reported), the rule engine's citations, data and CSV contract names (not in
these positions), management commands (``CommandError`` is for the operator's console).
Running it twice changes nothing. Run ``ruff check --fix --select I`` and ``ruff format`` on the
files it changed.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
KEYWORDS = {"verbose_name", "verbose_name_plural", "help_text", "label", "empty_label"}
MESSAGE_FUNCS = {"success", "info", "warning", "error", "debug"}
EXCEPTIONS = {"ValidationError", "PermissionDenied", "Http404"}
FIELD_CALL = re.compile(r"(Field|ForeignKey|OneToOneField|ManyToManyField)$")
RELATION_CALL = re.compile(r"(ForeignKey|OneToOneField|ManyToManyField)$")
MARKERS = {"gettext", "gettext_lazy", "_", "pgettext", "ngettext", "gettext_noop"}


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return getattr(func, "id", "")


def _is_ui_str(node: ast.expr | None) -> bool:
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and bool(HAN.search(node.value))
    )


class Finder(ast.NodeVisitor):
    def __init__(self):
        self.targets: list[tuple[ast.Constant, str]] = []  # (node, "gettext" | "gettext_lazy")
        self.fstrings: list[int] = []
        self.functions = 0
        self.classes: list[str] = []

    def visit_FunctionDef(self, node):
        self.functions += 1
        self.generic_visit(node)
        self.functions -= 1

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node):
        self.classes.append(node.name)
        if node.name == "Meta" and not self.functions:
            for stmt in node.body:
                if (
                    isinstance(stmt, ast.Assign)
                    and len(stmt.targets) == 1
                    and getattr(stmt.targets[0], "id", "")
                    in ("verbose_name", "verbose_name_plural")
                    and _is_ui_str(stmt.value)
                ):
                    self.targets.append((stmt.value, "gettext_lazy"))
        self.generic_visit(node)
        self.classes.pop()

    def _take(self, node: ast.expr | None, call_name: str) -> None:
        if isinstance(node, ast.JoinedStr) and any(
            _is_ui_str(v) for v in node.values if isinstance(v, ast.Constant)
        ):
            self.fstrings.append(node.lineno)
            return
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            node = node.left  # "…%s…" % value: the format string
        if not _is_ui_str(node):
            return
        if self.functions:
            self.targets.append((node, "gettext"))
        elif FIELD_CALL.search(call_name):
            self.targets.append((node, "gettext_lazy"))

    def visit_Call(self, node):
        name = _name(node.func)
        if name in MARKERS:
            return  # already marked: do not descend into it
        for kw in node.keywords:
            if kw.arg in KEYWORDS:
                self._take(kw.value, name)
        if FIELD_CALL.search(name) and not RELATION_CALL.search(name) and node.args:
            self._take(node.args[0], name)  # a model field's verbose_name, given first
        if name in MESSAGE_FUNCS and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            if getattr(owner, "id", "") == "messages" and len(node.args) >= 2:
                self._take(node.args[1], name)
        elif name in EXCEPTIONS and node.args:
            self._take(node.args[0], name)
        elif name == "add_error" and len(node.args) >= 2:
            self._take(node.args[1], name)
        self.generic_visit(node)


def _offsets(source: str) -> list[int]:
    starts, pos = [], 0
    for line in source.splitlines(keepends=True):
        starts.append(pos)
        pos += len(line)
    return starts


def _char_col(line: str, byte_col: int) -> int:
    return len(line.encode("utf-8")[:byte_col].decode("utf-8"))


def rewrite(source: str) -> tuple[str, list[tuple[int, str]], list[int]]:
    """The rewritten source, what was wrapped (line, text) and the f-strings left (lines)."""
    tree = ast.parse(source)
    finder = Finder()
    finder.visit(tree)
    if not finder.targets:
        return source, [], finder.fstrings
    defined = {
        t.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Assign | ast.AnnAssign | ast.For)
        for t in ast.walk(n.target if not isinstance(n, ast.Assign) else n.targets[0])
        if isinstance(t, ast.Name)
    } | {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef)}
    if defined & {"gettext", "gettext_lazy"}:
        raise SystemExit("the module defines gettext/gettext_lazy itself: wrap it by hand")
    lines = source.splitlines(keepends=True)
    starts = _offsets(source)
    spans = []
    for node, func in finder.targets:
        a = starts[node.lineno - 1] + _char_col(lines[node.lineno - 1], node.col_offset)
        b = starts[node.end_lineno - 1] + _char_col(lines[node.end_lineno - 1], node.end_col_offset)
        spans.append((a, b, func, node.lineno, node.value))
    out = source
    for a, b, func, _, _ in sorted(spans, reverse=True):
        out = out[:a] + f"{func}(" + out[a:b] + ")" + out[b:]
    needed = sorted({span[2] for span in spans})
    out = _add_import(out, tree, needed)
    return out, [(line, text) for *_, line, text in spans], finder.fstrings


def _add_import(source: str, tree: ast.Module, names: list[str]) -> str:
    have = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
            have |= {a.asname or a.name for a in node.names}
    missing = [n for n in names if n not in have]
    if not missing:
        return source
    line = f"from django.utils.translation import {', '.join(missing)}\n"
    imports = [
        n
        for n in tree.body
        if isinstance(n, ast.Import | ast.ImportFrom) and getattr(n, "module", "") != "__future__"
    ]
    lines = source.splitlines(keepends=True)
    if imports:
        at = imports[0].lineno - 1
    else:
        body = tree.body
        first = body[0]
        doc = isinstance(first, ast.Expr) and isinstance(
            getattr(first, "value", None), ast.Constant
        )
        after = [n for n in body if isinstance(n, ast.ImportFrom) and n.module == "__future__"]
        at = after[-1].end_lineno if after else (first.end_lineno if doc else 0)
        line = ("\n" if at else "") + line
    return "".join(lines[:at]) + line + "".join(lines[at:])


def files(paths: list[str]) -> list[Path]:
    found: list[Path] = []
    for p in map(Path, paths):
        found.extend([p] if p.is_file() else sorted(p.rglob("*.py")))
    return [
        f
        for f in found
        if "migrations" not in f.parts and "management" not in f.parts and "tests" not in f.parts
    ]


def main(argv: list[str]) -> int:
    check = "--check" in argv
    paths = files([a for a in argv if not a.startswith("--")])
    total, changed = 0, []
    for path in paths:
        source = path.read_text(encoding="utf-8")
        result, wrapped, fstrings = rewrite(source)
        for line in fstrings:
            print(f"f-string left for a person: {path}:{line}")
        if not wrapped:
            continue
        total += len(wrapped)
        changed.append(path)
        if check:
            for line, text in wrapped:
                print(f"{path}:{line}: {text[:60]}")
        else:
            path.write_text(result, encoding="utf-8")
    verb = "to wrap" if check else "wrapped"
    print(f"{total} string(s) {verb} in {len(changed)} file(s)")
    if changed and not check:
        print("next: ruff check --fix --select I " + " ".join(map(str, changed)))
    return 1 if (check and total) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
