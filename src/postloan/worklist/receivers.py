"""A signal confirmed at level red schedules an ad-hoc inspection (idempotent per signal).

The re-plan after each screening is a step of the business day (`postloan.day.pipeline`).
"""

from django.db.models.signals import post_save

from postloan.risk.models import Signal
from postloan.worklist.actions import schedule_adhoc_inspection


def on_signal_saved(sender, instance, **kwargs) -> None:
    level = instance.confirmed_level or instance.level
    if instance.status == "confirmed" and level == "red":
        schedule_adhoc_inspection(instance)


def connect() -> None:
    post_save.connect(on_signal_saved, sender=Signal, dispatch_uid="worklist_red_signal")
