#!/usr/bin/env python3
"""Wrap the literal user-visible text of Django templates in translation tags (dev tool).

    python scripts/i18n_wrap.py                 # rewrite every template under src/postloan
    python scripts/i18n_wrap.py --check         # list text still outside translation tags, exit 1
    python scripts/i18n_wrap.py FILE_OR_DIR ... # only these

What it does, per template (*.html under a templates/ folder):
- text between tags that holds Chinese becomes ``{% translate "…" %}``; text with ``{{ vars }}``
  becomes ``{% blocktranslate with name=expr %}…{{ name }}…{% endblocktranslate %}`` (named
  variables, filters kept in the ``with`` clause). Surrounding whitespace and HTML entities
  (``&nbsp;``) stay outside the tag, so the rendered page is unchanged;
- Chinese in ``title``, ``placeholder``, ``aria-label``, ``alt`` and the other attributes a person
  reads (ATTRIBUTES) is wrapped inside the attribute value;
- Chinese string literals in ``{{ … }}`` and ``{% … %}`` (``default:"无"``, ``with label="机构"``)
  become ``_("…")``, except in tags that compare or name things (``if``, ``url`` …);
- ``{% load i18n %}`` is added where a changed template lacks it.
Never touched: ``<script>``, ``<style>``, HTML comments, ``{# #}``, ``{% comment %}``,
``{% verbatim %}`` and text already inside ``{% translate %}``/``{% blocktranslate %}``.
Running it twice changes nothing (the second run finds nothing to wrap). It rewrites files in
place: run it on a clean work tree and review ``git diff``.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "src" / "postloan"
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff60]")
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
TOKEN = re.compile(r"(\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\})")  # as Django's lexer (no newlines)
ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#[xX][0-9A-Fa-f]+);")
LITERAL = re.compile(
    r"""(?<!_\()(?P<q>["'])(?P<s>(?:(?!(?P=q)).)*?[\u3400-\u9fff](?:(?!(?P=q)).)*?)(?P=q)"""
)
ATTRIBUTES = {
    "title",
    "placeholder",
    "aria-label",
    "aria-description",
    "alt",
    "label",
    "hx-confirm",
    "data-confirm",
    "data-title",
}
RAW_ELEMENTS = {"script", "style"}
SKIP_BLOCKS = {
    "blocktranslate": "endblocktranslate",
    "blocktrans": "endblocktrans",
    "comment": "endcomment",
    "verbatim": "endverbatim",
}
# tags whose string arguments are compared or name things, not shown: left alone
NO_LITERAL_TAGS = {
    "if",
    "elif",
    "url",
    "load",
    "extends",
    "include",
    "static",
    "cycle",
    "ifchanged",
    "translate",
    "trans",
    "now",
    "regroup",
    "csrf_token",
}


def tag_name(token: str) -> str:
    inner = token[2:-2].strip()
    return inner.split(None, 1)[0] if inner else ""


@dataclass
class Finding:
    path: Path
    line: int
    text: str


@dataclass
class Rewriter:
    """One template: rewrites (or, with check=True, only reports) text outside translate tags."""

    source: str
    path: Path = Path("<template>")
    check: bool = False
    out: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    changed: bool = False

    # -- helpers -------------------------------------------------------------------------
    def line_of(self, pos: int) -> int:
        return self.source.count("\n", 0, pos) + 1

    def report(self, pos: int, text: str) -> None:
        self.findings.append(Finding(self.path, self.line_of(pos), text.strip()[:80]))

    def wrap_literals(self, token: str, pos: int) -> str:
        """_("…") around the Chinese string literals of a {{ }} or {% %} token."""
        if token.startswith("{#"):
            return token
        if token.startswith("{%") and tag_name(token) in NO_LITERAL_TAGS:
            return token
        if not LITERAL.search(token):
            return token
        if self.check:
            self.report(pos, token)
            return token
        self.changed = True
        return LITERAL.sub(lambda m: f"_({m.group('q')}{m.group('s')}{m.group('q')})", token)

    # -- text ------------------------------------------------------------------------------
    def translate_tag(self, pieces: list[tuple[str, str]], quote_avoid: str = "") -> str:
        """The translation tag for a run of text and {{ var }} pieces (no edge whitespace)."""
        if all(kind == "text" for kind, _ in pieces):
            text = "".join(value for _, value in pieces)
            for q in ('"', "'"):
                # a tag cannot span lines (Django's lexer): multi-line text goes in a block
                if q != quote_avoid and q not in text and "\\" not in text and "\n" not in text:
                    return f"{{% translate {q}{text}{q} %}}"
            return f"{{% blocktranslate %}}{text}{{% endblocktranslate %}}"
        names: dict[str, str] = {}
        body, withs = [], []
        for kind, value in pieces:
            if kind == "text":
                body.append(value)
                continue
            expr = value[2:-2].strip()
            if expr not in names:
                if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", expr):
                    name = expr
                else:
                    base = expr.split("|", 1)[0].split(".")[-1]
                    base = re.sub(r"\W", "_", base).strip("_") or "value"
                    if base[0].isdigit():
                        base = "v" + base
                    name, n = base, 1
                    while name in names.values():
                        n += 1
                        name = f"{base}_{n}"
                    withs.append(f"{name}={expr}")
                names[expr] = name
            body.append(f"{{{{ {names[expr]} }}}}")
        head = "blocktranslate" + (" with " + " ".join(withs) if withs else "")
        return f"{{% {head} %}}{''.join(body)}{{% endblocktranslate %}}"

    def flush_text(self, pieces: list[tuple[str, str, int]], quote_avoid: str = "") -> None:
        """Emit a run of text and {{ var }} pieces, wrapping the parts that hold Chinese."""
        if not any(kind == "text" and HAN.search(value) for kind, value, _ in pieces):
            self.out.extend(value for _, value, _ in pieces)
            return
        # split at HTML entities: they stay outside (translate would escape their '&')
        runs: list[list[tuple[str, str, int]]] = [[]]
        for kind, value, pos in pieces:
            if kind != "text":
                runs[-1].append((kind, value, pos))
                continue
            last = 0
            for m in ENTITY.finditer(value):
                if m.start() > last:
                    runs[-1].append(("text", value[last : m.start()], pos + last))
                runs.append([("entity", m.group(0), pos + m.start())])
                runs.append([])
                last = m.end()
            if last < len(value):
                runs[-1].append(("text", value[last:], pos + last))
        for run in runs:
            self.emit_run(run, quote_avoid)

    def emit_run(self, run: list[tuple[str, str, int]], quote_avoid: str) -> None:
        if not any(kind == "text" and HAN.search(value) for kind, value, _ in run):
            self.out.extend(value for _, value, _ in run)
            return
        items = [(kind, value) for kind, value, _ in run]
        lead = trail = ""
        if items[0][0] == "text":
            stripped = items[0][1].lstrip()
            lead = items[0][1][: len(items[0][1]) - len(stripped)]
            items[0] = ("text", stripped)
        if items[-1][0] == "text":
            stripped = items[-1][1].rstrip()
            trail = items[-1][1][len(stripped) :]
            items[-1] = ("text", stripped)
        items = [(k, v) for k, v in items if v]
        if self.check:
            self.report(run[0][2], "".join(v for _, v in items))
            self.out.extend(value for _, value, _ in run)
            return
        self.changed = True
        self.out.append(lead + self.translate_tag(items, quote_avoid) + trail)

    # -- attributes --------------------------------------------------------------------------
    def flush_attribute(self, name: str, quote: str, pieces: list[tuple[str, str, int]]) -> None:
        has_han = any(kind == "text" and HAN.search(value) for kind, value, _ in pieces)
        if not has_han:
            self.out.extend(value for _, value, _ in pieces)
            return
        if name.lower() not in ATTRIBUTES and not name.lower().startswith("aria-"):
            if name.lower() != "value":
                self.report(pieces[0][2], f'{name}="…{pieces[0][1]}"')
            self.out.extend(value for _, value, _ in pieces)
            return
        if any(kind == "block" for kind, _, _ in pieces):
            self.report(pieces[0][2], f'{name}="… (template tags in the value)"')
            self.out.extend(value for _, value, _ in pieces)
            return
        self.flush_text(pieces, quote_avoid=quote)

    # -- the scan ------------------------------------------------------------------------------
    def run(self) -> str:
        parts = TOKEN.split(self.source)
        pos = 0
        tokens: list[tuple[str, str, int]] = []
        for i, part in enumerate(parts):
            if part:
                if i % 2:
                    kind = (
                        "var"
                        if part.startswith("{{")
                        else "comment"
                        if part.startswith("{#")
                        else "block"
                    )
                else:
                    kind = "text"
                tokens.append((kind, part, pos))
            pos += len(part)

        state = "data"  # data | tag | attr | raw | comment
        raw_end = ""
        pending: list[tuple[str, str, int]] = []  # text run in data, or attribute value
        attr_name, attr_quote, tag_buf = "", "", ""
        skip_until = ""

        def flush_data():
            if pending:
                self.flush_text(pending)
                pending.clear()

        for kind, value, start in tokens:
            if skip_until:
                self.out.append(value)
                if kind == "block" and tag_name(value) == skip_until:
                    skip_until = ""
                continue
            if kind != "text":
                if kind == "block" and tag_name(value) in SKIP_BLOCKS and state != "raw":
                    # its contents pass through untouched; an attribute holding one is left as is
                    if state == "data":
                        flush_data()
                    elif state == "attr":
                        self.out.extend(v for _, v, _ in pending)
                        pending.clear()
                        state = "attr_passthrough"
                    self.out.append(value)
                    skip_until = SKIP_BLOCKS[tag_name(value)]
                    continue
                if state in ("raw", "comment"):
                    self.out.append(value)
                    continue
                token = self.wrap_literals(value, start) if kind != "comment" else value
                if state == "data":
                    if kind == "var":
                        pending.append(("var", token, start))
                    else:
                        flush_data()
                        self.out.append(token)
                elif state == "attr":
                    pending.append(("var" if kind == "var" else "block", token, start))
                elif state == "attr_passthrough":
                    self.out.append(token)
                else:
                    self.out.append(token)
                continue
            # plain text: walk it character by character through the HTML states
            i, n = 0, len(value)
            while i < n:
                ch = value[i]
                if state == "raw":
                    j = value.lower().find(raw_end, i)
                    if j < 0:
                        self.out.append(value[i:])
                        i = n
                    else:
                        self.out.append(value[i:j])
                        i = j
                        state = "data"
                        # the closing tag is read in data state below
                    continue
                if state == "comment":
                    j = value.find("-->", i)
                    if j < 0:
                        self.out.append(value[i:])
                        i = n
                    else:
                        self.out.append(value[i : j + 3])
                        i = j + 3
                        state = "data"
                    continue
                if state == "data":
                    j = value.find("<", i)
                    if j < 0:
                        pending.append(("text", value[i:], start + i))
                        i = n
                        continue
                    if j > i:
                        pending.append(("text", value[i:j], start + i))
                    nxt = value[j + 1 : j + 2]
                    if value.startswith("<!--", j):
                        flush_data()
                        state = "comment"
                        i = j
                        continue
                    if nxt.isalpha() or nxt in ("/", "!"):
                        flush_data()
                        m = re.match(r"</?([A-Za-z][A-Za-z0-9-]*)", value[j:])
                        tag_buf = m.group(0) if m else ""
                        self.out.append(value[j : j + max(len(tag_buf), 1)])
                        i = j + max(len(tag_buf), 1)
                        state = "tag"
                        continue
                    pending.append(("text", "<", start + j))
                    i = j + 1
                    continue
                if state == "tag":
                    if ch == ">":
                        self.out.append(ch)
                        i += 1
                        name = tag_buf.lstrip("</").lower()
                        if not tag_buf.startswith("</") and name in RAW_ELEMENTS:
                            state, raw_end = "raw", f"</{name}"
                        else:
                            state = "data"
                        continue
                    m = re.match(r"([^\s=>/\"']+)\s*=\s*([\"'])", value[i:])
                    if m:
                        attr_name, attr_quote = m.group(1), m.group(2)
                        self.out.append(m.group(0))
                        i += m.end()
                        state = "attr"
                        pending.clear()
                        continue
                    self.out.append(ch)
                    i += 1
                    continue
                if state in ("attr", "attr_passthrough"):
                    j = value.find(attr_quote, i)
                    end = n if j < 0 else j
                    if state == "attr":
                        if end > i:
                            pending.append(("text", value[i:end], start + i))
                    else:
                        self.out.append(value[i:end])
                    if j < 0:
                        i = n
                        continue
                    if state == "attr":
                        self.flush_attribute(attr_name, attr_quote, pending)
                        pending.clear()
                    self.out.append(attr_quote)
                    i = j + 1
                    state = "tag"
                    continue
        if state == "data":
            flush_data()
        elif pending:
            self.out.extend(v for _, v, _ in pending)
        result = "".join(self.out)
        if self.changed and not re.search(r"\{%\s*load\s[^%]*\bi18n\b", result):
            result = add_load(result)
        return result


def add_load(text: str) -> str:
    """Load i18n before the first translation tag, without adding output (no newline)."""
    first_use = min(
        (m.start() for m in re.finditer(r"\{%\s*(translate|blocktranslate)\b|_\(", text)),
        default=0,
    )
    load = re.search(r"\{%\s*load\s+(?![^%]*\bfrom\b)([^%]*?)\s*%\}", text)
    if load and load.start() < first_use:
        return text[: load.start(1)] + "i18n " + text[load.start(1) :]
    extends = re.match(r"\s*\{%\s*extends\s[^%]*%\}", text)
    if extends:
        return text[: extends.end()] + "{% load i18n %}" + text[extends.end() :]
    return "{% load i18n %}" + text


def templates(paths: list[str]) -> list[Path]:
    roots = [Path(p) for p in paths] or [ROOT]
    found: list[Path] = []
    for root in roots:
        if root.is_file():
            found.append(root)
        else:
            found.extend(p for p in sorted(root.rglob("*.html")) if "templates" in p.parts)
    return found


def check(paths: list[Path]) -> list[Finding]:
    findings: list[Finding] = []
    for path in paths:
        rw = Rewriter(path.read_text(encoding="utf-8"), path, check=True)
        rw.run()
        findings.extend(rw.findings)
    return findings


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    paths = templates(args)
    if "--check" in argv:
        findings = check(paths)
        for f in findings:
            print(f"{f.path}:{f.line}: {f.text}")
        print(f"{len(findings)} text(s) outside translation tags in {len(paths)} templates")
        return 1 if findings else 0
    changed = 0
    for path in paths:
        source = path.read_text(encoding="utf-8")
        result = Rewriter(source, path).run()
        if result != source:
            path.write_text(result, encoding="utf-8")
            changed += 1
    left = check(paths)
    for f in left:
        print(f"left for a person: {f.path}:{f.line}: {f.text}")
    print(f"{changed} of {len(paths)} templates rewritten; {len(left)} text(s) left for a person")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
