"""Screening runs after every successful import, unless the setting turns it off."""

from types import SimpleNamespace

from postloan.ingest.signals import import_completed
from postloan.risk.models import LoanAssessment, ScreeningRun
from tests.risk.results import AS_OF


def test_it_screens_after_an_import(bank, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        import_completed.send(sender=object, batch=SimpleNamespace(as_of=AS_OF))

    run = ScreeningRun.objects.get()
    assert (run.source, run.status, run.as_of) == ("import", "succeeded", AS_OF)
    assert LoanAssessment.objects.filter(as_of=AS_OF, loan_id="L003").exists()


def test_it_does_not_screen_when_turned_off(bank, settings, django_capture_on_commit_callbacks):
    settings.POSTLOAN_SCREEN_AFTER_IMPORT = False
    with django_capture_on_commit_callbacks(execute=True):
        import_completed.send(sender=object, batch=SimpleNamespace(as_of=AS_OF))
    assert not ScreeningRun.objects.exists()
