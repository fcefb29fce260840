"""After each successful screening, compare the minutes with the new data (问责 findings).

The comparison only stores findings the data supports; the risk department confirms or
dismisses them. A failure here never undoes the screening.
"""

import logging

from django.db import transaction

log = logging.getLogger(__name__)


def on_screening_saved(sender, instance, **kwargs) -> None:
    if getattr(instance, "status", None) != "succeeded":
        return
    as_of, user = instance.as_of, getattr(instance, "triggered_by", None)

    def detect() -> None:
        from postloan.reports.actions import detect_findings

        try:
            detect_findings(as_of, acting_user=user)
        except Exception:  # noqa: BLE001 - the screening stands even if the comparison fails
            log.exception("问责比对失败（业务日期 %s）", as_of)

    transaction.on_commit(detect)
