"""Signals other domains hook onto (risk screening runs after each successful import)."""

from django.dispatch import Signal

# Sent after a successful import's data transaction has committed: sender=ImportBatch, batch=...
import_completed = Signal()
