"""Set-based writes the ORM's bulk helpers make slow.

`QuerySet.bulk_update` builds a CASE WHEN expression per row and field; for tens of thousands of
rows that compiling dominates. `update_rows` sends one parameterised UPDATE through
`executemany` instead, with each value prepared by its field exactly as `save()` would.
"""

from collections.abc import Iterable, Sequence

from django.db import connection


def update_rows(model, objects: Iterable, fields: Sequence[str], chunk: int = 5000) -> int:
    """UPDATE `fields` of each object by primary key; returns the number of objects sent."""
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in columns)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"
    sent, batch = 0, []
    with connection.cursor() as cursor:
        for obj in objects:
            values = [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in columns]
            batch.append([*values, meta.pk.get_db_prep_save(obj.pk, connection)])
            if len(batch) >= chunk:
                cursor.executemany(sql, batch)
                sent, batch = sent + len(batch), []
        if batch:
            cursor.executemany(sql, batch)
            sent += len(batch)
    return sent
