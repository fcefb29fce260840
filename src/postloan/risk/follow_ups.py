"""What the rooms above risk do when a risk action has decided something — called by the action
itself, inside its transaction, never by a signal receiver.

Risk sits below the worklist and may not import it, so the worklist hands its follow-up to risk
when the app is ready (`worklist/apps.py`): a signal confirmed at level red gets its ad-hoc
inspection. The list is explicit and ordered; a follow-up that fails rolls the action back with
it (a receiver's failure was only logged), and it runs only when the action says so, not on every
save of a row.
"""

from collections.abc import Callable

# (signal, acting_user) → None; idempotent per signal (the worklist's is, by a unique constraint).
_RED_CONFIRMED: list[Callable] = []


def on_red_confirmed(follow_up: Callable) -> None:
    """Register a follow-up of a signal confirmed at level red (once, however often called)."""
    if follow_up not in _RED_CONFIRMED:
        _RED_CONFIRMED.append(follow_up)


def red_confirmed(signal, acting_user) -> None:
    """Run the follow-ups of a signal just confirmed at level red, in their order."""
    for follow_up in _RED_CONFIRMED:
        follow_up(signal, acting_user=acting_user)


def registered() -> tuple[Callable, ...]:
    return tuple(_RED_CONFIRMED)
