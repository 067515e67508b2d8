from datetime import date

from coop.models import StepEvent, User
from coop.tenancy import unscoped
from exports import demo
from exports.models import ExportProduct, MeasureAlert, SameLineProduct, TradeMeasure
from standards.models import ProductCategory, Standard
from tests.factories import MemberFactory


def test_the_demo_seed_is_idempotent(coop_a):
    ProductCategory.objects.get_or_create(code="bedding", defaults={"name_zh": "床上用品"})
    with unscoped():
        Standard.objects.create(
            code="GB/T 22796-2021", title_zh="床上用品", implemented_on=date(2022, 5, 1)
        )
    for index in range(5):
        MemberFactory(cooperative=coop_a.cooperative, name=f"出口示范企业{index}")
    User.objects.filter(pk=coop_a.admin.pk).update(username="haimen-admin")

    def count():
        with unscoped():
            return [
                model.objects.filter(cooperative=coop_a.cooperative).count()
                for model in (ExportProduct, TradeMeasure, MeasureAlert, SameLineProduct, StepEvent)
            ]

    said = []
    demo.seed(coop_a.cooperative, coop_a.member, log=said.append)
    first = count()
    demo.seed(coop_a.cooperative, coop_a.member, log=said.append)
    assert count() == first
    products, measures, alerts, declarations, _ = first
    assert (products, measures, declarations) == (12, 4, 5)
    assert alerts >= 10
    with unscoped():
        assert MeasureAlert.objects.filter(status="acknowledged").count() >= 3
        assert SameLineProduct.objects.filter(status="approved").count() == 3
        # The demo enterprise acknowledged its first alert with its own account.
        assert MeasureAlert.objects.filter(
            member=coop_a.member, acknowledged_by=coop_a.enterprise
        ).exists()
    assert "already there" in said[-1]
