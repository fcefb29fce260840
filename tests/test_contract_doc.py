"""The project's copy of the data contract names every table and column the code knows."""

from pathlib import Path

from postloan import contract

DOC = (Path(__file__).resolve().parents[1] / "docs" / "data-contract.md").read_text(
    encoding="utf-8"
)


def test_it_documents_every_table_and_column():
    missing = [
        f"{t.name}.{c.code}"
        for t in contract.TABLES
        for c in t.columns
        if f"`{c.code}" not in DOC and f" {c.code} " not in DOC
    ]
    assert [t.name for t in contract.TABLES if f"### {t.name}" not in DOC] == []
    assert missing == []


def test_it_gives_every_enum_code_a_chinese_label():
    for t in contract.TABLES:
        for c in t.columns:
            if c.type == "enum":
                assert c.choices, c.code
                assert all(label for _, label in c.choices)
            assert c.label, f"{t.name}.{c.code} has no Chinese label"


def test_it_lists_tables_after_the_tables_they_reference():
    seen: set[str] = set()
    for name in contract.LOAD_ORDER:
        for col in contract.table(name).columns:
            if col.references:
                ref_table = col.references.split(".")[0]
                assert ref_table in seen or ref_table == name, f"{name}.{col.code}"
        seen.add(name)
