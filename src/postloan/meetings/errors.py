"""Errors the meeting actions raise: the project's one domain error (`postloan.core.errors`)."""

from postloan.core.errors import DomainError


class MeetingError(DomainError):
    """A rule of the meeting was broken; the message is Chinese and user-facing."""


class RecordLocked(MeetingError):
    def __init__(self, message: str = "会议记录已签署锁定，不能修改；更正请提交补充更正并重新签署"):
        super().__init__(message)


class SignRefused(MeetingError):
    """A signature refused field by field (签署意见, 确认, 密码); `errors` maps field → message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("；".join(errors.values()), errors=errors)
