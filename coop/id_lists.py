"""A long list of ids as one SQL parameter, matched without a join.

``filter(member_id__in=ids)`` sends one parameter per id, and Django prepares each: for the
10,000 members of a sampling round that was some 0.2 s of Python before the query ran, for
50,000 about 1 s (bench/README.md). On PostgreSQL the ids go as one array, and each row is
matched by ``= ANY(array)``, which PostgreSQL hashes when the array is long: the cost grows
with the rows whatever the planner knows. The array unnested in an ``IN (SELECT unnest(…))``
was a join instead, which on tables not analysed since they grew (autovacuum off, or not yet
run) PostgreSQL planned as a nested loop: 4.8 s for the 10,000 members of a round, against
30 ms with statistics. SQLite, which has no arrays (the demo), gets ``__in`` with the list.
"""

from django.db import connection
from django.db.models import F, Lookup, Q


class AnyId(Lookup):
    """``field = ANY(ids::bigint[])``, the ids one array parameter."""

    lookup_name = "any_id"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::bigint[])", (*lhs_params, self.rhs)


def one_of(field, ids):
    """A filter for ``filter()`` or ``exclude()`` matching the rows whose ``field`` is one of
    ``ids`` (integers); none for an empty list."""
    ids = list(ids)
    if connection.vendor != "postgresql":
        return Q(**{f"{field}__in": ids})
    return AnyId(F(field), ids)
