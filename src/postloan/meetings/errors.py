"""Errors the meeting actions raise; their text is shown to the user as is."""


class MeetingError(Exception):
    """A rule of the meeting was broken; the message is Chinese and user-facing.

    `field` names the form field the refusal belongs next to (None: the form as a whole);
    `errors` carries several refusals at once, field → message (a decision table of loans).
    """

    def __init__(self, message: str, field: str | None = None, errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.errors = dict(errors or {})
        if field and field not in self.errors:
            self.errors[field] = message


class RecordLocked(MeetingError):
    def __init__(self, message: str = "会议记录已签署锁定，不能修改；更正请提交补充更正并重新签署"):
        super().__init__(message)


class SignRefused(MeetingError):
    """A signature refused field by field (签署意见, 确认, 密码); `errors` maps field → message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("；".join(errors.values()))
        self.errors = errors
