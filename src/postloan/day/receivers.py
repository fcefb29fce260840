"""The one listener of the importer's `import_completed`: it hands the batch to the day.

The importer sits below every room that reacts to new data, so it announces the committed
batch instead of calling them; what follows is `postloan.day.pipeline`, nowhere else.
"""

from postloan.day.pipeline import after_import
from postloan.ingest.signals import import_completed


def on_import_completed(sender, batch=None, **kwargs) -> None:
    after_import(batch)


def connect() -> None:
    import_completed.connect(on_import_completed, dispatch_uid="day_after_import")
