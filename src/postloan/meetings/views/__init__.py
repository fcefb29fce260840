from postloan.meetings.views.exits import exit_add, exit_list  # noqa: F401
from postloan.meetings.views.exports import (  # noqa: F401, E402
    meetings_export,
    oversight_export,
    tasks_export,
)
from postloan.meetings.views.follow import (  # noqa: F401
    my_notices,
    my_tasks,
    notice_read,
    oversight_page,
    resolution_evidence,
    resolution_page,
)
from postloan.meetings.views.meeting import (  # noqa: F401
    agenda_add,
    agenda_drop,
    amend,
    batch,
    close,
    leave_decide,
    leave_request,
    meeting_detail,
    notice,
    sections,
    start,
)
from postloan.meetings.views.planning import (  # noqa: F401
    committee_add,
    committee_certify,
    committee_page,
    committee_remove,
    home,
    member_certificate,
    plan_page,
    settings_page,
)
from postloan.meetings.views.records import (  # noqa: F401
    item_page,
    minutes,
    report_page,
    review_form,
)
from postloan.meetings.views.signing import sign_page  # noqa: F401
