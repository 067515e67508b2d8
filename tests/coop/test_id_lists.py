"""A long id list goes to PostgreSQL as one array parameter, matched by ``= ANY`` rather than
joined (coop/id_lists.py)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from coop.id_lists import one_of
from coop.tenancy import unscoped
from members.models import Member
from tests.factories import MemberFactory


def test_one_of_matches_the_ids_as_one_parameter_without_a_join(coop_a):
    others = [MemberFactory(cooperative=coop_a.cooperative) for _ in range(3)]
    wanted = [coop_a.member.pk, others[0].pk]
    with unscoped():
        with CaptureQueriesContext(connection) as queries:
            found = set(Member.objects.filter(one_of("pk", wanted)).values_list("pk", flat=True))
        assert found == set(wanted)
        sql = queries[0]["sql"]
        assert "= ANY(ARRAY[" in sql and sql.count("ARRAY[") == 1
        assert "unnest" not in sql and " IN (" not in sql
        assert not Member.objects.filter(one_of("pk", [])).exists()
        everyone = Member.objects.filter(cooperative=coop_a.cooperative)
        assert everyone.exclude(one_of("pk", [])).count() == 4
        assert everyone.exclude(one_of("pk", (pk for pk in wanted))).count() == 2
        # Across a relation, as the round's main products ask for the members' declarations.
        assert set(
            Member.objects.filter(one_of("cooperative_id", [coop_a.cooperative.pk])).values_list(
                "pk", flat=True
            )
        ) == {coop_a.member.pk, *(m.pk for m in others)}


def test_a_long_list_is_matched_in_a_plan_without_a_nested_loop_join(coop_a):
    """The plan PostgreSQL makes for a table it has no statistics of (the case that took
    4.8 s): a filter on the rows, whatever it estimates."""
    ids = list(range(1, 10_001))
    with unscoped():
        query = Member.objects.filter(one_of("pk", ids)).values_list("pk", "main_products")
        plan = query.explain()
    assert "Nested Loop" not in plan and "HashAggregate" not in plan
