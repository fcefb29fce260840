"""Every UI string goes through Django's gettext with a complete, compiled zh_Hans catalogue.

- no template shows Chinese text outside {% translate %}/{% blocktranslate %}/_() (the check of
  scripts/i18n_wrap.py);
- the committed catalogue (locale/zh_Hans/LC_MESSAGES/django.po) holds every string that
  makemessages extracts from the tree today, each translated and none fuzzy;
- the compiled django.mo is the .po compiled (not stale);
- a browser asking for English still gets a fully Chinese page.
"""

from __future__ import annotations

import ast
import gettext
import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.utils.functional import Promise

import postloan
from postloan import contract
from tests.web.crawl import parse, text_leaks

PACKAGE = Path(postloan.__file__).resolve().parent
CHECKOUT = PACKAGE.parent.parent
PO = PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def _wrap_tool():
    spec = importlib.util.spec_from_file_location(
        "i18n_wrap", CHECKOUT / "scripts" / "i18n_wrap.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("i18n_wrap", module)
    spec.loader.exec_module(module)
    return module


# --- a small .po reader (msgctxt, msgid, msgid_plural, msgstr[n], flags) ----------------------


def _unquote(line: str) -> str:
    body = line[line.index('"') + 1 : line.rindex('"')]
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), body)


def read_po(path: Path) -> list[dict]:
    entries, entry, key = [], None, None

    def close():
        if entry and ("msgid" in entry):
            entries.append(entry)

    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            close()
            entry, key = None, None
            continue
        if entry is None:
            entry = {"flags": set(), "msgstr": {}}
        if line.startswith("#,"):
            entry["flags"].update(f.strip() for f in line[2:].split(","))
        elif line.startswith("#~"):
            entry["obsolete"] = True
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            if key[0] == "msgstr":
                entry["msgstr"][key[1]] += _unquote(line)
            else:
                entry[key[0]] += _unquote(line)
        else:
            word = line.split(None, 1)[0]
            if word.startswith("msgstr"):
                n = int(word[7:-1]) if "[" in word else 0
                key = ("msgstr", n)
                entry["msgstr"][n] = _unquote(line)
            else:
                key = (word, None)
                entry[word] = _unquote(line)
    return [e for e in entries if e["msgid"] and not e.get("obsolete")]


def _key(entry: dict) -> tuple[str, str]:
    return entry.get("msgctxt", ""), entry["msgid"]


# --- templates ---------------------------------------------------------------------------------


def test_no_template_shows_chinese_outside_translation_tags():
    tool = _wrap_tool()
    templates = tool.templates([str(PACKAGE)])
    assert len(templates) > 50
    findings = tool.check(templates)
    assert [f"{f.path.relative_to(PACKAGE)}:{f.line}: {f.text}" for f in findings] == []


def test_the_check_catches_literal_text_attributes_and_filter_literals(tmp_path):
    tool = _wrap_tool()
    source = (
        '{% load i18n %}<p title="提示">正文 {{ n }} 条</p>{{ x|default:"无" }}'
        "<script>var s = '脚本';</script><style>/* 样式 */</style><!-- 注释 -->"
        '{% translate "已译" %}{# 备注 #}'
    )
    path = tmp_path / "templates" / "t.html"
    path.parent.mkdir()
    path.write_text(source, encoding="utf-8")
    found = {f.text for f in tool.check([path])}
    assert found == {"提示", '{{ x|default:"无" }}', "正文 {{ n }} 条"}


def test_the_codemod_wraps_safely_and_twice_changes_nothing():
    tool = _wrap_tool()
    source = (
        '{% extends "base.html" %}{% block content %}'
        '<input placeholder="姓名或登录名" value="已处置">'
        "<p>&nbsp;逾期 {{ loan.dpd }} 天 · {{ loan.balance|yuan }} 元</p>"
        '<span title="登录名 {{ u.username }}">{{ u.name|default:"未填" }}</span>'
        "<script>alert('不动');</script>{% blocktranslate %}已在标签内{% endblocktranslate %}"
        '{% if role == "风险经理" %}<b>风险</b>{% endif %}{% endblock %}'
    )
    once = tool.Rewriter(source).run()
    assert once.startswith('{% extends "base.html" %}{% load i18n %}')
    assert "placeholder=\"{% translate '姓名或登录名' %}\"" in once
    assert 'value="已处置"' in once  # a submitted value, not a label
    assert (
        "&nbsp;{% blocktranslate with dpd=loan.dpd balance=loan.balance|yuan %}"
        "逾期 {{ dpd }} 天 · {{ balance }} 元{% endblocktranslate %}"
    ) in once
    assert (
        'title="{% blocktranslate with username=u.username %}登录名 {{ username }}'
        '{% endblocktranslate %}"'
    ) in once
    assert '{{ u.name|default:_("未填") }}' in once
    assert "<script>alert('不动');</script>" in once
    assert '{% if role == "风险经理" %}<b>{% translate "风险" %}</b>' in once
    assert tool.Rewriter(once).run() == once
    two_lines = tool.Rewriter("<p>第一行\n  第二行</p>").run()
    assert (
        two_lines
        == "{% load i18n %}<p>{% blocktranslate %}第一行\n  第二行{% endblocktranslate %}</p>"
    )


@pytest.mark.django_db
def test_the_codemod_leaves_the_rendered_text_as_it_was():
    from django.template import Context, Engine

    tool = _wrap_tool()
    source = (
        '<p>&nbsp;逾期 {{ dpd }} 天 · {{ amount|default:"无" }} 元</p>'
        '<a title="登录名 {{ who }}">他说"好" &amp; 走</a><i>{{ html|safe }}的</i>'
    )
    engine = Engine(libraries={"i18n": "django.templatetags.i18n"}, builtins=[])
    context = {"dpd": 400, "amount": None, "who": "<b>", "html": "<br>"}
    before = Engine().from_string(source).render(Context(context))
    wrapped = tool.Rewriter(source).run()
    after = engine.from_string(wrapped).render(Context(context))
    assert parse(after).texts == parse(before).texts
    assert 'title="登录名 &lt;b&gt;"' in after


# --- the catalogue -------------------------------------------------------------------------------


def test_every_catalogue_entry_is_translated_and_none_is_fuzzy():
    entries = read_po(PO)
    assert len(entries) > 500
    assert [e["msgid"] for e in entries if "fuzzy" in e["flags"]] == []
    assert [e["msgid"] for e in entries if not all(e["msgstr"].values())] == []


def test_the_compiled_catalogue_is_the_po_compiled():
    with MO.open("rb") as fh:
        catalog = gettext.GNUTranslations(fh)._catalog
    compiled = {k: v for k, v in catalog.items() if k != ""}
    expected = {}
    for e in read_po(PO):
        msgid = (e["msgctxt"] + "\x04" if "msgctxt" in e else "") + e["msgid"]
        if "msgid_plural" in e:
            for n, text in e["msgstr"].items():
                expected[(msgid, n)] = text
        else:
            expected[msgid] = e["msgstr"][0]
    assert compiled == expected, "django.mo is stale: run scripts/messages.sh --compile-only"


def test_the_catalogue_holds_every_string_the_tree_marks(tmp_path):
    assert shutil.which("xgettext"), "GNU gettext is needed (scripts/setup.sh installs it)"
    tree = tmp_path / "postloan"
    shutil.copytree(PACKAGE, tree, ignore=shutil.ignore_patterns("static", "__pycache__", "*.mo"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-obsolete",
            "--ignore",
            "static/*",
        ],
        cwd=tree,
        check=True,
        capture_output=True,
        env={
            "DJANGO_SETTINGS_MODULE": "postloan.settings",
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(PACKAGE.parent),
            "POSTLOAN_VAR_DIR": str(tmp_path / "var"),
        },
    )
    extracted = {
        _key(e) for e in read_po(tree / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    }
    committed = {_key(e) for e in read_po(PO)}
    missing = sorted(m for _, m in extracted - committed)
    assert missing == [], "not in the catalogue: run scripts/messages.sh"
    assert len(extracted) > 500


# --- the browser's language ------------------------------------------------------------------


def _english(html: str) -> list[str]:
    return [leak for text, classes in parse(html).texts for leak in text_leaks(text, classes)]


@pytest.mark.django_db
def test_a_browser_asking_for_english_gets_a_fully_chinese_page(bank, client, login):
    anonymous = client.post("/login/", {"username": "", "password": ""}, HTTP_ACCEPT_LANGUAGE="en")
    html = anonymous.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "This field is required" not in html and _english(html) == []
    assert anonymous.get("Content-Language", "zh-hans") == "zh-hans"
    wrong = client.post(
        "/login/", {"username": "nobody", "password": "x"}, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"
    )
    assert "Please enter a correct" not in wrong.content.decode()
    assert _english(wrong.content.decode()) == []
    user = login(bank.users["am_zhang"])
    for url in ("/", "/customers/", "/no-such-page/"):
        page = user.get(url, HTTP_ACCEPT_LANGUAGE="en")
        html = page.content.decode()
        assert '<html lang="zh-hans">' in html, url
        assert _english(html) == [], url


# --- enumeration labels ---------------------------------------------------------------------


def _compiled_catalogue() -> dict[str, str]:
    with MO.open("rb") as fh:
        return dict(gettext.GNUTranslations(fh)._catalog)


def _model_choices():
    for model in apps.get_models():
        if not model.__module__.startswith("postloan."):
            continue
        for field in model._meta.get_fields():
            for value, label in getattr(field, "flatchoices", None) or ():
                yield f"{model._meta.label}.{field.name}={value}", label


def test_every_choice_label_a_model_declares_is_lazy_and_in_the_compiled_catalogue():
    catalogue = _compiled_catalogue()
    choices = list(_model_choices())
    assert len(choices) > 150  # the enumerations of every app, the contract's included
    not_lazy = [where for where, label in choices if not isinstance(label, Promise)]
    assert not_lazy == []
    missing = sorted({str(label) for _, label in choices} - set(catalogue))
    assert missing == [], "not in the compiled catalogue: run scripts/messages.sh"


def test_the_data_contracts_words_are_in_the_compiled_catalogue():
    catalogue = _compiled_catalogue()
    words = {t.label for t in contract.TABLES}
    words |= {c.label for t in contract.TABLES for c in t.columns}
    words |= {label for t in contract.TABLES for c in t.columns for _, label in c.choices}
    assert sorted(w for w in words if w not in catalogue) == []


def test_no_module_keeps_a_table_of_chinese_labels_outside_gettext():
    """Module-level code → 标签 dicts and the labels of TextChoices go through gettext_lazy
    (scripts/i18n_wrap_choices.py --check finds none left)."""
    spec = importlib.util.spec_from_file_location(
        "i18n_wrap_choices", CHECKOUT / "scripts" / "i18n_wrap_choices.py"
    )
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    left = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if any(s in f"/{path.as_posix()}" for s in tool.SKIP):
            continue
        left += [f"{path.name}:{n.lineno}" for n in tool.targets(ast.parse(path.read_text()))]
    assert left == []
    # and the check finds one where there is one
    sample = 'class K(models.TextChoices):\n    A = "a", "甲"\nX = {"a": "甲", "b": "乙"}\n'
    assert len(tool.targets(ast.parse(sample))) == 3
