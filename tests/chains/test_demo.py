from chains import demo
from chains.models import (
    AgreementIndicator,
    ChainAgreement,
    ChainSupplier,
    Milestone,
    ResearchProject,
    SupplierAudit,
)
from coop.models import StepEvent, User
from coop.tenancy import unscoped
from standards.models import ProductCategory
from tests.factories import MemberFactory


def test_the_demo_seed_is_idempotent(coop_a):
    ProductCategory.objects.get_or_create(code="bedding", defaults={"name_zh": "床上用品"})
    for index in range(16):
        MemberFactory(cooperative=coop_a.cooperative, name=f"链上示范企业{index}")
    User.objects.filter(pk=coop_a.admin.pk).update(username="haimen-admin")
    models = (
        ChainAgreement,
        ChainSupplier,
        AgreementIndicator,
        SupplierAudit,
        ResearchProject,
        Milestone,
        StepEvent,
    )

    def count():
        with unscoped():
            return [m.objects.filter(cooperative=coop_a.cooperative).count() for m in models]

    said = []
    demo.seed(coop_a.cooperative, coop_a.member, log=said.append)
    first = count()
    demo.seed(coop_a.cooperative, coop_a.member, log=said.append)
    assert count() == first
    agreements, suppliers, indicators, audits, projects, milestones, _events = first
    assert (agreements, projects) == (3, 2)
    assert 12 <= suppliers <= 24 and 6 <= indicators <= 12 and audits >= 3 and milestones == 5
    with unscoped():
        # Two owners are members, one an outside firm; the demo enterprise supplies under one.
        assert ChainAgreement.objects.filter(owner_member__isnull=False).count() == 2
        assert ChainSupplier.objects.filter(member=coop_a.member).count() == 1
        for agreement in ChainAgreement.objects.all():
            assert 4 <= ChainSupplier.objects.filter(agreement=agreement).count() <= 8
            assert all(i.is_stricter() for i in agreement.indicators.all())
    assert "already there" in said[-1]
