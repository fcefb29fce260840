"""One way to refuse an action: a `DomainError` with a Chinese message and the field it concerns.

Every action (risk, meetings, worklist, reports) raises it when a rule of the bank's work says
no; every page shows it through `add_to_form` / `flash` below, and the API answers it with one
handler (a 4xx JSON body with the message and the field). A person reads the message as is.
"""

from django.contrib import messages
from django.shortcuts import redirect


class DomainError(Exception):
    """An action refused.

    `message` is Chinese and user-facing; `field` names the form field the refusal belongs next
    to (None: the form as a whole); `errors` carries several refusals at once, field → message
    or list of messages (a decision table of loans, a signature's three fields, an inspection).
    """

    status = 409

    def __init__(self, message: str, field: str | None = None, errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.errors = dict(errors or {})
        if field and field not in self.errors:
            self.errors[field] = message

    def as_json(self) -> dict:
        """The API's body: the message (as `detail`, like every other API error) and its field."""
        body = {"detail": self.message, "field": self.field}
        if len(self.errors) > 1:
            body["errors"] = self.errors
        return body


def refused(errors: dict) -> DomainError:
    """One refusal of several fields at once (field → message or list of messages)."""
    messages_ = [m for v in errors.values() for m in ([v] if isinstance(v, str) else v)]
    return DomainError("；".join(dict.fromkeys(messages_)), errors=errors)


def add_to_form(form, exc: DomainError) -> None:
    """Put an action's refusals next to their fields (the rest above the form)."""
    errors = exc.errors or {None: exc.message}
    for name, message in errors.items():
        form.add_error(name if name in form.fields else None, message)


def flash(request, exc: DomainError) -> None:
    """A refusal of an action without a form (a button): the page's error message."""
    messages.error(request, exc.message)


def attempt(form, call):
    """Run an action for a bound form: its result (True for an action that returns nothing), or
    None when it refused — the refusal then stands next to its field."""
    try:
        result = call()
    except DomainError as exc:
        add_to_form(form, exc)
        return None
    return True if result is None else result


def button(request, call, *, ok: str, back):
    """Run the action of a button (a POST without a form): its refusal, or `ok`, as the page's
    message; then go `back` (a URL or a view name)."""
    try:
        call()
    except DomainError as exc:
        flash(request, exc)
    else:
        messages.success(request, ok)
    return redirect(back)
