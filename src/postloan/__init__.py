"""贷后通 PostLoan."""

__version__ = "0.1.0"
