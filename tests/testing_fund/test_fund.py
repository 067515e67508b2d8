import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from coop.errors import Refused
from coop.tenancy import scope, unscoped
from testing_fund.models import Batch, Fund, LabPrice, LedgerEntry
from testing_fund.services import batches
from testing_fund.services import fund as services
from tests.factories import MemberFactory
from tests.testing_fund.conftest import THREE, request


def test_a_request_is_priced_from_the_labs_price_list(coop_a, priced):
    batch = request(coop_a)
    with unscoped():
        prices = list(batch.results.values_list("indicator__code", "price"))
    assert batch.cost == Decimal("300.00")
    assert sorted(prices) == [(code, Decimal("100.00")) for code in sorted(THREE)]


def test_an_indicator_the_lab_does_not_price_is_named(coop_a, priced):
    LabPrice.objects.filter(indicator__code="ph").delete()
    with pytest.raises(ValidationError, match="pH"):
        request(coop_a)


def test_approval_reserves_the_cost_and_the_balance_is_the_ledgers_sum(coop_a, priced):
    batch = request(coop_a)
    with scope({coop_a.cooperative.pk}):
        batches.approve(batch=batch, actor=coop_a.admin)
        assert priced.balance() == Decimal("700.00")
        kinds = list(LedgerEntry.objects.filter(fund=priced).values_list("kind", "amount"))
    assert kinds == [("appropriation", Decimal("1000.00")), ("reservation", Decimal("-300.00"))]


def test_an_approval_over_the_balance_is_refused_saying_both_amounts(coop_a, priced):
    with scope({coop_a.cooperative.pk}):
        services.adjust(fund=priced, actor=coop_a.admin, amount=Decimal(-800), reason="退回财政")
    batch = request(coop_a)
    with scope({coop_a.cooperative.pk}), pytest.raises(Refused) as refused:
        batches.approve(batch=batch, actor=coop_a.admin)
    assert "¥200.00" in refused.value.message and "¥300.00" in refused.value.message


def test_a_member_over_its_free_quota_is_refused_saying_so(coop_a, priced):
    with scope({coop_a.cooperative.pk}):
        Fund.objects.filter(pk=priced.pk).update(free_quota=1)
    first, second = request(coop_a, codes=["ph"]), request(coop_a, codes=["ph"])
    with scope({coop_a.cooperative.pk}):
        batches.approve(batch=first, actor=coop_a.admin)
        with pytest.raises(Refused, match="1"):
            batches.approve(batch=second, actor=coop_a.admin)


def test_the_ledger_is_append_only(coop_a, priced):
    with scope({coop_a.cooperative.pk}):
        entry = LedgerEntry.objects.get(fund=priced)
        entry.amount = Decimal(5)
        with pytest.raises(ValidationError, match="append-only|只能追加"):
            entry.save()
        with pytest.raises(ValidationError):
            entry.delete()
        with pytest.raises(Refused):
            services.adjust(fund=priced, actor=coop_a.admin, amount=Decimal(-1001), reason="x")


def test_concurrent_approvals_never_overspend_and_the_ledger_reconciles(coop_a, priced):
    requested = [request(coop_a, MemberFactory(cooperative=coop_a.cooperative)) for _ in range(8)]
    start, outcomes = threading.Barrier(len(requested)), []

    def approve(batch):
        try:
            start.wait()
            with scope({coop_a.cooperative.pk}):
                batches.approve(batch=batch, actor=coop_a.admin)
            outcomes.append("approved")
        except Refused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(batch,)) for batch in requested]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["approved"] * 3 + ["refused"] * 5  # ¥1,000 buys three of ¥300
    with unscoped():
        approved = Batch.objects.filter(status="approved")
        reserved = LedgerEntry.objects.filter(kind="reservation")
        assert reserved.count() == approved.count() == 3
        assert sum(e.amount for e in reserved) == -sum(b.cost for b in approved)
        assert priced.balance() == Decimal("100.00")
