from django.contrib import messages
from django.shortcuts import redirect

from postloan.meetings.errors import MeetingError


def attempt(request, fn, *, ok: str, back):
    """Run an action for a POST; show its Chinese refusal, or `ok`, and go back."""
    try:
        fn()
    except MeetingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, ok)
    return redirect(back)
