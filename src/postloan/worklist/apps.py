from django.apps import AppConfig


class WorklistConfig(AppConfig):
    name = "postloan.worklist"
    label = "worklist"
    verbose_name = "贷后工作"

    def ready(self) -> None:
        # Imports in ready(): the app registry must be ready before models are imported.
        from postloan.risk import follow_ups
        from postloan.worklist.actions import schedule_adhoc_inspection

        # A signal confirmed at level red: its ad-hoc inspection, called by risk's confirm_signal
        # in its transaction (risk may not import the worklist; no post_save receiver).
        follow_ups.on_red_confirmed(schedule_adhoc_inspection)
