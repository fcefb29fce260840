"""Every state change of the meeting app: atomic, with the acting user and an audit row."""

from postloan.meetings.actions.committee import (  # noqa: F401
    add_member,
    certify_member,
    remove_member,
    save_settings,
    set_up_committee,
)
from postloan.meetings.actions.exits import cancel_exit, put_on_exit_list  # noqa: F401
from postloan.meetings.actions.follow_up import claim_execution, run_verification  # noqa: F401
from postloan.meetings.actions.record import (  # noqa: F401
    adopt_resolution,
    close_meeting,
    decide_batch,
    decide_item,
    defer_item,
    excuse_missing_report,
    recuse,
    save_sections,
    start_meeting,
)
from postloan.meetings.actions.reports import comment_report, save_report  # noqa: F401
from postloan.meetings.actions.scheduling import (  # noqa: F401
    add_agenda_item,
    decide_leave,
    drop_agenda_item,
    mark_read,
    request_leave,
    schedule_meeting,
    send_notice,
)
from postloan.meetings.actions.signing import propose_amendment, sign  # noqa: F401
