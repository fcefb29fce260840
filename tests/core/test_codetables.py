"""The shipped GB/T 2260 table covers the whole country, down to every county-level division,
and the industry sections are read from the shared GB/T 4754 table."""

import csv

from postloan.core import codetables
from postloan.reports import industries


def _levels():
    with (codetables.DATA_DIR / "gbt2260.csv").open(encoding="utf-8", newline="") as fh:
        return {row["code"]: row["level"] for row in csv.DictReader(fh)}


def test_every_province_prefecture_and_county_is_shipped():
    levels = _levels()
    counts = {lv: sum(1 for v in levels.values() if v == lv) for lv in set(levels.values())}
    assert counts["province"] == 34
    assert counts["prefecture"] == 333
    assert counts["county"] > 2800
    # counties far from the demo bank's provinces are there too
    assert codetables.region_name("650102") == "新疆维吾尔自治区乌鲁木齐市天山区"
    assert codetables.region_name("540102") == "西藏自治区拉萨市城关区"
    assert codetables.region_name("500101") == "重庆市万州区"
    # a county-level city directly under its province has no prefecture in its name
    assert codetables.region_name("429004") == "湖北省仙桃市"
    assert codetables.region_name("710000") == "台湾省"


def test_every_county_belongs_to_a_known_province():
    levels = _levels()
    orphans = [c for c, lv in levels.items() if lv != "province" and c[:2] + "0000" not in levels]
    assert orphans == []
    assert all(len(c) == 6 and c.isdigit() for c in levels)


def test_an_unknown_region_code_reads_as_the_code_marked_unknown():
    assert codetables.region_name("659999") == "659999（未知代码）"
    assert codetables.region_name("990000") == "990000（未知代码）"


def test_industry_sections_come_from_the_shared_table():
    sections = industries.sections()
    assert len(sections) == 20
    assert sections == {c: n for c, n in codetables.industries().items() if c.isalpha()}
    assert industries.section_label("c") == "C 制造业"
    assert industries.section_label("Z") == "Z（未知门类）"
    assert industries.section_label("") == "未填行业（零售客户等）"
