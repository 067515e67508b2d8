from benchmarking import demo
from benchmarking.models import BenchmarkDeclaration, BenchmarkScheme, ClaimedValue
from coop.models import StepEvent, User
from coop.tenancy import unscoped
from members.models import QualityPerson
from standards.models import ProductCategory
from tests.factories import MemberFactory


def test_the_demo_seed_is_idempotent(coop_a):
    for code, name in [("bedding", "床上用品"), ("towels", "毛巾")]:
        ProductCategory.objects.get_or_create(code=code, defaults={"name_zh": name})
    for index in range(11):
        MemberFactory(cooperative=coop_a.cooperative, name=f"对标示范企业{index}")
    User.objects.filter(pk=coop_a.admin.pk).update(username="haimen-admin")

    def count():
        with unscoped():
            return [
                model.objects.filter(cooperative=coop_a.cooperative).count()
                for model in (
                    BenchmarkScheme,
                    BenchmarkDeclaration,
                    ClaimedValue,
                    QualityPerson,
                    StepEvent,
                )
            ]

    said = []
    demo.seed(coop_a.cooperative, coop_a.member, log=said.append)
    first = count()
    demo.seed(coop_a.cooperative, coop_a.member, log=said.append)
    assert count() == first
    schemes, declarations, *_ = first
    assert (schemes, declarations) == (6, 20)
    with unscoped():
        rows = BenchmarkDeclaration.objects.filter(cooperative=coop_a.cooperative)
        assert rows.filter(status="certified").count() == 9
        assert rows.filter(status="returned").count() == 2
        assert rows.filter(status="submitted").count() == 6
        assert {r.status for r in rows.filter(member=coop_a.member)} == {"certified", "submitted"}
        assert sum(r.in_force for r in rows) == 8
        assert QualityPerson.objects.filter(role="cso").count() == 5
        # The demo enterprise declared its own with its own account.
        assert rows.filter(member=coop_a.member, declared_by=coop_a.enterprise).count() == 2
    assert "already there" in said[-1]
