"""The suppliers' batches under an agreement and their pass rate against the other members',
on a hand-counted set of batches."""

from datetime import date

from chains import selectors
from coop.tenancy import scope, unscoped
from testing_fund.models import Batch
from tests.chains.conftest import make_agreement, reported
from tests.factories import MemberFactory


def test_the_pass_rates_are_counted_right(
    coop_a, coop_b, bedding, towels, standard, django_assert_num_queries
):
    make = MemberFactory
    owner, s1, s2 = (make(cooperative=coop_a.cooperative) for _ in range(3))
    m3, m4 = make(cooperative=coop_a.cooperative), make(cooperative=coop_a.cooperative)
    agreement = make_agreement(
        coop_a,
        owner=owner,
        suppliers=[(s1, date(2025, 1, 1)), (s2, date(2025, 6, 1))],
        categories=[bedding],
        signed_on=date(2025, 1, 1),
        valid_until=date(2027, 12, 31),
    )
    with scope({coop_a.cooperative.pk}):
        from chains.services import agreements

        supply = agreement.suppliers.get(member=s2)
        agreements.remove_supplier(supplier=supply, actor=coop_a.admin, left_on=date(2025, 9, 30))

    def batch(member, on, passed, category=bedding, tenant=coop_a):
        return reported(tenant, member, on, passed, category, standard)

    counted = [
        batch(s1, date(2025, 3, 1), True),
        batch(s1, date(2025, 4, 1), False),
        batch(s1, date(2025, 5, 1), True),
        batch(s2, date(2025, 7, 1), True),  # while s2 supplied
    ]
    batch(s2, date(2025, 3, 1), True)  # before s2 joined: neither supplier's nor others'
    batch(s2, date(2025, 10, 15), False)  # after s2 left: neither
    batch(s1, date(2024, 12, 1), False)  # before the agreement was signed
    batch(s1, date(2025, 3, 1), False, category=towels)  # outside the scope's categories
    batch(owner, date(2025, 3, 1), False)  # the owner is not among the others
    batch(m3, date(2025, 3, 1), True)
    batch(m3, date(2025, 4, 1), False)
    batch(m4, date(2025, 5, 1), False)
    batch(m4, date(2025, 5, 2), None)  # not judged yet
    batch(m4, date(2028, 1, 2), True)  # after the agreement's term
    batch(coop_b.member, date(2025, 3, 1), True, tenant=coop_b)  # another cooperative
    # A re-test of s1's failed backup sample, and of m3's: the originals carry the verdicts.
    for member, on in ((s1, date(2025, 4, 20)), (m3, date(2025, 4, 20))):
        retest = batch(member, on, True)
        with unscoped():
            Batch.objects.filter(pk=retest.pk).update(kind=Batch.Kind.RETEST)

    with scope({coop_a.cooperative.pk}):
        with django_assert_num_queries(1):
            rates = selectors.pass_rates(agreement)
        assert rates["supplier_total"] == 4
        assert rates["supplier_passed"] == 3
        assert rates["other_total"] == 3
        assert rates["other_passed"] == 1
        # testing_fund.statistics.rate: the one formula of every pass rate shown.
        assert (rates["supplier_rate"], rates["other_rate"]) == (75.0, 33.3)
        assert rates["difference"] == 41.7
        under = list(selectors.batches_under(agreement))
        assert sorted(b.pk for b in under) == sorted(b.pk for b in counted)
        assert [b.pk for b in selectors.batches_under(agreement, s2.pk)] == [counted[3].pk]


def test_an_agreement_without_batches_has_no_rates(coop_a, bedding):
    agreement = make_agreement(coop_a, categories=[bedding])
    with scope({coop_a.cooperative.pk}):
        rates = selectors.pass_rates(agreement)
    assert rates["supplier_rate"] is None and rates["difference"] is None
