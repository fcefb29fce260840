from django.contrib import messages
from django.shortcuts import redirect

from postloan.core.errors import DomainError, flash


def attempt(request, fn, *, ok: str, back):
    """Run an action for a POST; show its Chinese refusal, or `ok`, and go back."""
    try:
        fn()
    except DomainError as exc:
        flash(request, exc)
    else:
        messages.success(request, ok)
    return redirect(back)
