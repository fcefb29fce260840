"""Which meeting settings apply to a unit: its own row, else the nearest upper unit's, else global."""

from postloan.meetings.models import MeetingSettings
from postloan.org.models import Branch


def settings_for(branch) -> MeetingSettings:
    codes = [c for c in (branch.path or "").strip("/").split("/") if c] if branch else []
    rows = {
        row.branch_id: row for row in MeetingSettings.objects.filter(branch_id__in=codes or [None])
    }
    for code in reversed(codes):
        if code in rows:
            return rows[code]
    row = MeetingSettings.objects.filter(branch__isnull=True).first()
    return row or MeetingSettings()


def reviewing_units() -> dict[str, str]:
    """booking unit code → the lowest unit at or above it that holds meetings (one query)."""
    rows = {
        b.branch_code: b for b in Branch.objects.only("branch_code", "parent_id", "holds_meetings")
    }
    result: dict[str, str] = {}
    for code in rows:
        node = rows[code]
        while node is not None and not node.holds_meetings:
            node = rows.get(node.parent_id) if node.parent_id else None
        if node is not None:
            result[code] = node.branch_code
    return result


def units_reviewed_by(branch_code: str) -> list[str]:
    return [code for code, reviewer in reviewing_units().items() if reviewer == branch_code]
