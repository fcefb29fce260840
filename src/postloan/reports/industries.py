"""GB/T 4754-2017 国民经济行业分类: the 20 sections (门类), named by their letter.

The names come from the shared code table (postloan/core/data/gbt4754.csv, read through
postloan.core.codetables); this module keeps no list of its own."""

from postloan.core import codetables


def sections() -> dict[str, str]:
    """The sections of the table, A → 农、林、牧、渔业 … T → 国际组织."""
    return {code: name for code, name in codetables.industries().items() if code.isalpha()}


def section_label(letter: str) -> str:
    if not letter:
        return "未填行业（零售客户等）"
    letter = letter.upper()
    name = sections().get(letter)
    return f"{letter} {name}" if name else f"{letter}（未知门类）"
