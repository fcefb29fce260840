"""What the project reads of an HTTP request outside the views (the audit of logins, signing)."""

from django.conf import settings


def client_ip(request) -> str:
    """The peer address; behind a proxy, the first X-Forwarded-For hop if the proxy is trusted."""
    if request is None:
        return ""
    if getattr(settings, "POSTLOAN_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()[:64]
    return (request.META.get("REMOTE_ADDR") or "")[:64]
