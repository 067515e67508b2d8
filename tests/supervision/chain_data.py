"""Hand-counted data for the chain map and the indicator trends (supervision/chain_map.py,
supervision/trends.py).

Coop A, this year (Y): a fabric link of 2 members (F1 above designated size, F2), a finished
goods link of 5 (G1–G3 above size), and the fixtures' own member, not placed in the chain.
- F1: one batch, passed (formaldehyde pass, pH pass);
- F2: one batch, failed (formaldehyde fail, pH pass);
- G1–G5: two batches each, all passed but G1's first (pH fail); each with formaldehyde and pH;
- G1: a re-test of the backup sample (pH pass): left out of the map's batches, its result in;
- G2, last year: one batch failed (formaldehyde fail, pH pass);
- G3, five years ago: one batch failed (formaldehyde fail): outside every span asked for.
Coop B (another region): one fabric member, one failed batch this year (formaldehyde fail).
"""

from datetime import date
from decimal import Decimal

import pytest

from coop.tenancy import unscoped
from members.models import ChainLink, Member
from standards import catalogue
from standards.models import Indicator, Standard
from testing_fund.models import Batch, Fund, Result
from tests.factories import MemberFactory

YEAR = date.today().year


def link(code):
    return ChainLink.objects.get(industry="textile", code=code)


def batch(member, fund, lab, on, passed, verdicts, kind=Batch.Kind.REQUEST):
    """A reported batch of ``member`` with a result per ``{indicator code: verdict}``."""
    with unscoped():
        made = Batch.objects.create(
            cooperative_id=member.cooperative_id,
            member=member,
            fund=fund,
            kind=kind,
            product="四件套",
            safety_category="B",
            standard=Standard.objects.get(code="GB 18401-2010"),
            lab=lab,
            status="reported",
            passed=passed,
            cost=Decimal(200),
            reported_on=on,
        )
        indicators = dict(Indicator.objects.filter(code__in=verdicts).values_list("code", "pk"))
        Result.objects.bulk_create(
            Result(
                cooperative_id=member.cooperative_id,
                batch=made,
                indicator_id=indicators[code],
                price=100,
                verdict=verdict,
                reported_on=on,
            )
            for code, verdict in verdicts.items()
        )
    return made


def funds(tenant):
    with unscoped():
        return {
            year: Fund.objects.get_or_create(cooperative=tenant.cooperative, year=year)[0]
            for year in (YEAR, YEAR - 1, YEAR - 5)
        }


def add_finished(tenant, count, batches_each=2, town="三厂街道"):
    """``count`` more members in finished goods, each with passing batches this year."""
    fund = funds(tenant)[YEAR]
    members = MemberFactory.create_batch(
        count, cooperative=tenant.cooperative, chain_link=link("finished-goods"), town=town
    )
    for member in members:
        for _n in range(batches_each):
            batch(
                member,
                fund,
                tenant.lab.institution,
                date(YEAR, 4, 1),
                True,
                {"formaldehyde": "pass", "ph": "pass"},
            )
    return members


@pytest.fixture(name="chain")
def chain_data(coop_a, coop_b):
    """The data above; returns the members by name."""
    catalogue.load()
    lab = coop_a.lab.institution
    fund = funds(coop_a)
    fabric, finished = link("fabric"), link("finished-goods")
    make = MemberFactory
    f1 = make(
        cooperative=coop_a.cooperative,
        name="织布甲",
        chain_link=fabric,
        town="常乐镇",
        scale=Member.Scale.ABOVE_DESIGNATED_SIZE,
    )
    f2 = make(cooperative=coop_a.cooperative, name="织布乙", chain_link=fabric, town="常乐镇")
    goods = [
        make(
            cooperative=coop_a.cooperative,
            name=f"成品{n}",
            chain_link=finished,
            town="三厂街道",
            scale=Member.Scale.ABOVE_DESIGNATED_SIZE if n <= 3 else Member.Scale.SMALL,
        )
        for n in range(1, 6)
    ]
    both_pass = {"formaldehyde": "pass", "ph": "pass"}
    batch(f1, fund[YEAR], lab, date(YEAR, 3, 1), True, both_pass)
    batch(f2, fund[YEAR], lab, date(YEAR, 3, 2), False, {"formaldehyde": "fail", "ph": "pass"})
    failed_ph = None
    for index, member in enumerate(goods):
        for n in range(2):
            fails = index == 0 and n == 0
            made = batch(
                member,
                fund[YEAR],
                lab,
                date(YEAR, 5, 1 + n),
                not fails,
                {"formaldehyde": "pass", "ph": "fail" if fails else "pass"},
            )
            failed_ph = made if fails else failed_ph
    batch(goods[0], fund[YEAR], lab, date(YEAR, 6, 1), True, {"ph": "pass"}, kind=Batch.Kind.RETEST)
    last_year = batch(
        goods[1],
        fund[YEAR - 1],
        lab,
        date(YEAR - 1, 6, 1),
        False,
        {"formaldehyde": "fail", "ph": "pass"},
    )
    batch(goods[2], fund[YEAR - 5], lab, date(YEAR - 5, 6, 1), False, {"formaldehyde": "fail"})
    other = MemberFactory(cooperative=coop_b.cooperative, name="别社织布", chain_link=fabric)
    batch(
        other,
        funds(coop_b)[YEAR],
        coop_b.lab.institution,
        date(YEAR, 3, 1),
        False,
        {"formaldehyde": "fail"},
    )
    return {
        "f1": f1,
        "f2": f2,
        "goods": goods,
        "failed_ph": failed_ph,
        "last_year": last_year,
        "other": other,
    }
