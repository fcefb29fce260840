from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "postloan.meetings"
    label = "meetings"
    verbose_name = "贷后管理例会"

    def ready(self):
        from django.db.models.signals import post_migrate, pre_migrate

        from postloan.meetings import record_lock

        pre_migrate.connect(record_lock.before_migrate, sender=self)
        post_migrate.connect(record_lock.after_migrate, sender=self)
