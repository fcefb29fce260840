"""Failpoints: named places where the reliability tests make a process wait, to kill it there.

`pause("screening.persisted")` does nothing unless the environment variable
`POSTLOAN_FAILPOINT` names that point as `name:seconds` (e.g. `screening.persisted:30`); then it
sleeps that long. The tests use it to SIGKILL a screening between writing its results and
committing them, however fast the write has become. Never set in production.
"""

from __future__ import annotations

import os
import time

ENV = "POSTLOAN_FAILPOINT"


def pause(name: str) -> None:
    spec = os.environ.get(ENV, "")
    point, _, seconds = spec.partition(":")
    if point == name:
        time.sleep(float(seconds or 30))
