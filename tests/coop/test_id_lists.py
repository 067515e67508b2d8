"""A long id list goes to PostgreSQL as one array parameter (coop/id_lists.py)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from coop.id_lists import any_of
from coop.tenancy import unscoped
from members.models import Member
from tests.factories import MemberFactory


def test_any_of_matches_the_ids_as_one_parameter(coop_a):
    others = [MemberFactory(cooperative=coop_a.cooperative) for _ in range(3)]
    wanted = [coop_a.member.pk, others[0].pk]
    with unscoped():
        with CaptureQueriesContext(connection) as queries:
            found = set(Member.objects.filter(pk__in=any_of(wanted)).values_list("pk", flat=True))
        assert found == set(wanted)
        assert "unnest" in queries[0]["sql"] and queries[0]["sql"].count("ARRAY[") == 1
        assert not Member.objects.filter(pk__in=any_of([])).exists()
        everyone = Member.objects.filter(cooperative=coop_a.cooperative)
        assert everyone.exclude(pk__in=any_of([])).count() == 4
        assert everyone.exclude(pk__in=any_of(pk for pk in wanted)).count() == 2
