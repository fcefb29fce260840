"""Reactions to the risk app's changes, so the worklist follows each screening without the
risk app having to know it:

- a signal confirmed at level red schedules an ad-hoc inspection (idempotent per signal);
- a screening run that succeeded re-plans the worklist as of its date (after commit), which
  opens collection cases from the DPD it just persisted.
"""

import logging

from django.db import transaction
from django.db.models.signals import post_save

log = logging.getLogger(__name__)


def on_signal_saved(sender, instance, **kwargs) -> None:
    level = getattr(instance, "confirmed_level", "") or getattr(instance, "level", None)
    if getattr(instance, "status", None) == "confirmed" and level == "red":
        from postloan.worklist.actions import schedule_adhoc_inspection

        schedule_adhoc_inspection(instance)


def on_screening_saved(sender, instance, **kwargs) -> None:
    if getattr(instance, "status", None) != "succeeded":
        return
    as_of, user = instance.as_of, getattr(instance, "triggered_by", None)

    def plan() -> None:
        from postloan.worklist.planning import plan_worklist

        try:
            plan_worklist(as_of, acting_user=user)
        except Exception:  # noqa: BLE001 - the screening stands even if planning fails
            log.exception("贷后工作计划生成失败（业务日期 %s）", as_of)

    transaction.on_commit(plan)


def connect() -> None:
    from django.apps import apps

    for name, receiver, uid in (
        ("Signal", on_signal_saved, "worklist_red_signal"),
        ("ScreeningRun", on_screening_saved, "worklist_after_screening"),
    ):
        try:
            model = apps.get_model("risk", name)
        except LookupError:
            continue
        post_save.connect(receiver, sender=model, dispatch_uid=uid)
