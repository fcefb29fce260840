from tests.meetings.conftest import committee_bank, run  # noqa: F401 - shared fixtures
from tests.risk.conftest import loss, short_overdue  # noqa: F401 - shared fixtures
