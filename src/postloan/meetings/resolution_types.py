"""The typed resolutions: which elements each needs, and how it reads in the minutes.

Each type is one module of `postloan.meetings.resolution_kinds`; these are its two faces the
actions and the model call."""

from postloan.meetings.resolution_kinds.registry import clean_params, describe

__all__ = ["clean_params", "describe"]
