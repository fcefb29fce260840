from tests.meetings.conftest import committee_bank, run  # noqa: F401 - shared fixtures
