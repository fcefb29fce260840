"""The shipped GB/T 4754-2017 table is the whole classification, its hierarchy closes, and every
industry code the demo bank gives its customers is a class of it."""

import csv
from collections import Counter

from postloan.core import codetables
from postloan.demo.names import INDUSTRIES

# the standard's 门类 and the 大类 each holds (GB/T 4754-2017, 5 国民经济行业分类和代码表)
SECTION_DIVISIONS = {
    "A": (1, 5),
    "B": (6, 12),
    "C": (13, 43),
    "D": (44, 46),
    "E": (47, 50),
    "F": (51, 52),
    "G": (53, 60),
    "H": (61, 62),
    "I": (63, 65),
    "J": (66, 69),
    "K": (70, 70),
    "L": (71, 72),
    "M": (73, 75),
    "N": (76, 79),
    "O": (80, 82),
    "P": (83, 83),
    "Q": (84, 85),
    "R": (86, 90),
    "S": (91, 96),
    "T": (97, 97),
}


def _rows():
    with (codetables.DATA_DIR / "gbt4754.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_whole_classification_is_shipped():
    rows = _rows()
    counts = Counter(r["level"] for r in rows)
    assert counts == {"section": 20, "division": 97, "group": 473, "class": 1381}
    assert len({r["code"] for r in rows}) == len(rows)
    assert all(r["name"] and r["name"] == r["name"].strip() for r in rows)


def test_every_code_sits_under_its_parent():
    rows = {r["code"]: r for r in _rows()}
    width = {"section": 1, "division": 2, "group": 3, "class": 4}
    above = {"division": "section", "group": "division", "class": "group"}
    for code, row in rows.items():
        assert len(code) == width[row["level"]], code
        if row["level"] == "section":
            assert row["parent"] == "" and code.isalpha()
            continue
        parent = rows[row["parent"]]  # exists
        assert parent["level"] == above[row["level"]], code
        if row["level"] != "division":
            assert code.startswith(row["parent"]), code
    # each class reaches a section through its group and division
    for row in rows.values():
        if row["level"] == "class":
            division = rows[rows[row["parent"]]["parent"]]
            assert rows[division["parent"]]["level"] == "section"


def test_divisions_lie_in_their_sections_range_of_the_standard():
    rows = _rows()
    divisions = {r["code"]: r["parent"] for r in rows if r["level"] == "division"}
    for code, section in divisions.items():
        low, high = SECTION_DIVISIONS[section]
        assert low <= int(code) <= high, (code, section)
    per_section = Counter(divisions.values())
    assert per_section == {s: hi - lo + 1 for s, (lo, hi) in SECTION_DIVISIONS.items()}
    # every group of every division: no division is left without its groups
    groups = Counter(r["parent"] for r in rows if r["level"] == "group")
    assert set(groups) == set(divisions)


def test_an_undivided_group_has_its_single_class_numbered_0():
    rows = {r["code"]: r for r in _rows()}
    children = Counter(r["parent"] for r in rows.values() if r["level"] == "class")
    for code, row in rows.items():
        if row["level"] == "group":
            assert children[code] >= 1, code
            if code + "0" in rows:
                assert children[code] == 1 and rows[code + "0"]["name"] == row["name"], code


def test_names_read_as_the_standard_prints_them():
    name = codetables.industry_name
    assert name("C3484") == "机械零部件加工"
    assert name("C3741") == "飞机制造"  # mis-levelled in the source, put right
    assert name("C374") == "航空、航天器及设备制造"
    assert name("I6432") == "互联网生活服务平台"
    assert name("J6637") == "网络借贷服务"
    assert name("A0190") == "其他农业"
    assert name("M7517") == "三维（3D）打印技术推广服务"
    assert name("T9700") == "国际组织"
    assert codetables.industry_label("C9999") == "C9999（未知代码）"
    assert codetables.industry_label("Z1234") == "Z1234（未知代码）"


def test_every_demo_industry_is_a_class_with_the_name_the_generator_gives_it():
    rows = {r["code"]: r for r in _rows()}
    for code, _word, label in INDUSTRIES:
        digits = code[1:]
        assert rows[digits]["level"] == "class", code
        division = rows[rows[digits]["parent"]]["parent"]
        assert rows[division]["parent"] == code[0], code  # the letter is the class's section
        assert rows[digits]["name"] == label, code
