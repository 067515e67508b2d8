"""A long list of ids as one SQL parameter.

``filter(member_id__in=ids)`` sends one parameter per id, and Django prepares each: for the
10,000 members of a sampling round that was some 0.2 s of Python before the query ran, for
50,000 about 1 s (bench/README.md). On PostgreSQL the ids go as one array instead, unnested by
the database; SQLite, which has no arrays (the demo), gets the list as before.
"""

from django.db import connection
from django.db.models.expressions import RawSQL


def any_of(ids):
    """A value for an ``__in`` lookup matching any of ``ids`` (integers)."""
    ids = list(ids)
    if connection.vendor != "postgresql":
        return ids
    return RawSQL("SELECT unnest(%s::bigint[])", (ids,))
