from postloan.core import failpoints


def test_a_failpoint_waits_only_when_named(monkeypatch):
    slept = []
    monkeypatch.setattr(failpoints.time, "sleep", slept.append)
    monkeypatch.delenv(failpoints.ENV, raising=False)
    failpoints.pause("screening.persisted")
    monkeypatch.setenv(failpoints.ENV, "import.loaded:5")
    failpoints.pause("screening.persisted")
    assert slept == []
    monkeypatch.setenv(failpoints.ENV, "screening.persisted:2.5")
    failpoints.pause("screening.persisted")
    assert slept == [2.5]
