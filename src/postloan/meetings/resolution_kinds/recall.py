"""提前收回: verified when the balance is nil (the facility may stay); failed past the deadline."""

from django.utils.translation import gettext_noop

from postloan.meetings.resolution_kinds.exit import Exit


class Recall(Exit):
    code = "recall"
    label = gettext_noop("提前收回")
    order = 70
    params = ()  # the exit list's target date and amount are 退出's own
    facts = ("balance",)
    keeps_facility = True
