"""其他: a resolution in words only; it needs its text, and the person's report of execution."""

from django.utils.translation import gettext_noop

from postloan.meetings.errors import MeetingError
from postloan.meetings.resolution_kinds.registry import ResolutionKind


class Other(ResolutionKind):
    code = "other"
    label = gettext_noop("其他")
    order = 90

    def clean(self, p, text, deadline):
        if not text.strip():
            raise MeetingError("“其他”类决议须写明决议内容")
        return {}
