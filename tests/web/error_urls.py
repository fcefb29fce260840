"""The product's URLs plus one view that fails (tests/web/test_error_pages.py)."""

from django.urls import path

from postloan.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def boom(request):
    raise RuntimeError("a bug")


def suspicious(request):
    from django.core.exceptions import SuspiciousOperation

    raise SuspiciousOperation("a forged field")


urlpatterns = [path("boom/", boom), path("suspicious/", suspicious), *urlpatterns]
