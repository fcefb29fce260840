"""A loan's current class (当前分类) is read through `risk/current.py` only.

`Loan.classification` is the class on the extract / of the latest binding decision, not yet
floored by the screening of the date; every module outside the risk room that means "the loan's
class now" (the customer list's worst class, the batch deliberation's class before, the 13-item
report, the resolution check, the inspection frequency, the guarantor's classes) goes through
`risk.current.loans_with_current_class` / `current_class`. This test fails on a new direct read;
the few reads left are listed with why."""

import re
from pathlib import Path

import postloan

SRC = Path(postloan.__file__).parent
# The rooms that own the field: the contract, the importer and the demo write it; risk floors it.
OWNERS = ("risk/", "portfolio/", "ingest/", "demo/", "contract.py")
READS = re.compile(
    r"loans?__classification\b"
    r"|(?<!portfolio\.)\bloan(?:_obj)?\.classification\b"
    r"|\.loans\.[^\n]*[\"']classification[\"']"
    r"|F\([\"']classification[\"']\)"
    r"|values(?:_list)?\((?:[^()]|\n)*?[\"']classification[\"']"
)
# file → why its direct read is not "the class now"
LEFT = {
    "meetings/deliberation.py": "the fallback of a loan never screened, as risk.current's own",
    "web/queries/dashboard.py": "before any business date there is no screening to floor by",
}


def _reads():
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if rel.startswith(OWNERS) or "/migrations/" in rel:
            continue
        for match in READS.finditer(path.read_text(encoding="utf-8")):
            yield rel, match.group(0)


def test_no_module_outside_risk_reads_the_loan_s_class_directly():
    found = sorted({rel for rel, _ in _reads()})
    assert [rel for rel in found if rel not in LEFT] == []


def test_the_reads_left_are_still_there():
    # an entry of LEFT that no longer reads the field is to be removed from it
    assert sorted({rel for rel, _ in _reads()}) == sorted(LEFT)
