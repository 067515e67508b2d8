"""The agreements' and projects' rules and steps, through the services."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from chains.models import (
    AgreementIndicator,
    ChainAgreement,
    ChainSupplier,
    ResearchProject,
    SupplierAudit,
)
from chains.services import agreements, research
from coop.errors import Refused
from coop.models import StepEvent
from coop.tenancy import scope
from tests.chains.conftest import FORMALDEHYDE, RUBBING, SIGNED, make_agreement, make_project
from tests.factories import MemberFactory


def in_a(coop_a):
    return scope({coop_a.cooperative.pk})


@pytest.mark.parametrize(
    "given",
    [
        {**FORMALDEHYDE, "agreed_value": Decimal("75")},  # equal is not stricter
        {**FORMALDEHYDE, "agreed_value": Decimal("80")},  # a maximum raised
        {**RUBBING, "agreed_value": Decimal("3")},
        {**RUBBING, "agreed_value": Decimal("2")},  # a minimum lowered
    ],
)
def test_it_refuses_an_agreed_value_not_stricter_and_writes_nothing(coop_a, given):
    agreement = make_agreement(coop_a, indicators=[])
    with in_a(coop_a):
        with pytest.raises(ValidationError) as refused:
            agreements.add_indicator(agreement=agreement, actor=coop_a.admin, **given)
        assert "agreed_value" in refused.value.message_dict
        assert "严于国家标准限值" in refused.value.message_dict["agreed_value"][0]
        assert not AgreementIndicator.objects.exists()


def test_stricter_means_lower_for_a_maximum_and_higher_for_a_minimum(coop_a):
    agreement = make_agreement(coop_a, indicators=[])
    with in_a(coop_a):
        low = agreements.add_indicator(agreement=agreement, actor=coop_a.admin, **FORMALDEHYDE)
        high = agreements.add_indicator(agreement=agreement, actor=coop_a.admin, **RUBBING)
        assert (low.direction, low.sign, low.agreed_shown) == ("max", "≤", "20")
        assert (high.direction, high.sign, high.agreed_shown) == ("min", "≥", "4")


def test_an_agreement_with_a_value_not_stricter_is_not_made_at_all(coop_a):
    with pytest.raises(ValidationError) as refused:
        make_agreement(coop_a, indicators=[{**FORMALDEHYDE, "agreed_value": Decimal("90")}])
    assert "indicators" in refused.value.message_dict
    with in_a(coop_a):
        assert not ChainAgreement.objects.exists()
        assert not StepEvent.objects.filter(workflow="chain_agreement").exists()


def test_it_refuses_an_owner_both_member_and_outside_firm(coop_a):
    with pytest.raises(ValidationError) as refused:
        make_agreement(coop_a, owner=coop_a.member, owner_name="宁波甬悦家居用品有限公司")
    assert "owner_member" in refused.value.message_dict
    with in_a(coop_a):
        assert not ChainAgreement.objects.exists()


def test_it_refuses_an_agreement_without_an_owner(coop_a):
    with pytest.raises(ValidationError) as refused:
        make_agreement(coop_a, owner=None, owner_name="")
    assert "owner_member" in refused.value.message_dict
    with in_a(coop_a):
        assert not ChainAgreement.objects.exists()


def test_it_checks_the_outside_firms_credit_code(coop_a):
    with in_a(coop_a), pytest.raises(ValidationError) as refused:
        agreements.save_agreement(
            cooperative=coop_a.cooperative,
            actor=coop_a.admin,
            title="协议",
            products="床品",
            signed_on=SIGNED,
            valid_until=date(2026, 12, 31),
            owner_name="外部品牌",
            owner_uscc="91330200MA2AB3CD4X",
        )
    assert "owner_uscc" in refused.value.message_dict


def test_the_steps_move_the_status_and_record_typed_events(coop_a):
    agreement = make_agreement(coop_a, suppliers=[(coop_a.member, SIGNED)])
    with in_a(coop_a):
        agreements.bring_into_force(agreement=agreement, actor=coop_a.admin)
        agreements.end(agreement=agreement, actor=coop_a.admin, ended_on=date(2026, 6, 30))
        agreement.refresh_from_db()
        assert agreement.status == ChainAgreement.Status.ENDED
        assert agreement.ended_on == date(2026, 6, 30)
        steps = list(
            StepEvent.objects.filter(workflow="chain_agreement", object_id=agreement.pk)
            .order_by("at", "pk")
            .values_list("step", "from_status", "to_status", "actor")
        )
        assert steps == [
            ("draft", "", "draft", coop_a.admin.pk),
            ("bring_into_force", "draft", "in_force", coop_a.admin.pk),
            ("end", "in_force", "ended", coop_a.admin.pk),
        ]
        # Its suppliers left with it.
        assert ChainSupplier.objects.get().left_on == date(2026, 6, 30)


def test_ending_twice_is_refused_with_a_message(coop_a):
    agreement = make_agreement(coop_a, suppliers=[(coop_a.member, SIGNED)])
    with in_a(coop_a):
        agreements.bring_into_force(agreement=agreement, actor=coop_a.admin)
        agreements.end(agreement=agreement, actor=coop_a.admin)
        with pytest.raises(Refused) as refused:
            agreements.end(agreement=agreement, actor=coop_a.admin)
        assert "已终止" in refused.value.message and "生效中" in refused.value.message
        assert StepEvent.objects.filter(workflow="chain_agreement", step="end").count() == 1


def test_it_comes_into_force_only_with_a_supplier_and_an_indicator(coop_a):
    agreement = make_agreement(coop_a, indicators=[])
    with in_a(coop_a):
        with pytest.raises(ValidationError) as refused:
            agreements.bring_into_force(agreement=agreement, actor=coop_a.admin)
        assert "suppliers" in refused.value.message_dict
        agreement.refresh_from_db()
        assert agreement.status == ChainAgreement.Status.DRAFT


def test_an_enterprise_cannot_take_the_staffs_steps(coop_a):
    agreement = make_agreement(coop_a, owner=coop_a.member)
    with in_a(coop_a), pytest.raises(Refused):
        agreements.bring_into_force(agreement=agreement, actor=coop_a.enterprise)


def test_the_owner_is_not_its_own_supplier_nor_is_a_supplier_added_twice(coop_a):
    other = MemberFactory(cooperative=coop_a.cooperative)
    agreement = make_agreement(coop_a, owner=coop_a.member, suppliers=[(other, SIGNED)])
    with in_a(coop_a):
        for member in (coop_a.member, other):
            with pytest.raises(ValidationError) as refused:
                agreements.add_supplier(agreement=agreement, actor=coop_a.admin, member=member)
            assert "member" in refused.value.message_dict
        assert ChainSupplier.objects.count() == 1


def test_a_supplier_of_another_cooperative_is_refused(coop_a, coop_b):
    agreement = make_agreement(coop_a)
    with scope({coop_a.cooperative.pk, coop_b.cooperative.pk}):
        with pytest.raises(ValidationError):
            agreements.add_supplier(agreement=agreement, actor=coop_a.admin, member=coop_b.member)
        assert not ChainSupplier.objects.exists()


def test_audits_need_an_agreement_in_force_a_supplier_and_a_due_date_for_corrections(coop_a):
    agreement = make_agreement(coop_a, suppliers=[(coop_a.member, SIGNED)])
    audit = {
        "audited_on": date(2025, 5, 1),
        "auditor": "链主质量部",
        "findings": "记录不全",
        "result": "corrections",
    }
    with in_a(coop_a):
        with pytest.raises(Refused):
            agreements.record_audit(
                agreement=agreement, actor=coop_a.admin, supplier=coop_a.member, **audit
            )
        agreements.bring_into_force(agreement=agreement, actor=coop_a.admin)
        with pytest.raises(ValidationError) as refused:
            agreements.record_audit(
                agreement=agreement, actor=coop_a.admin, supplier=coop_a.member, **audit
            )
        assert "correction_due_on" in refused.value.message_dict
        stranger = MemberFactory(cooperative=coop_a.cooperative)
        with pytest.raises(ValidationError) as refused:
            agreements.record_audit(
                agreement=agreement,
                actor=coop_a.admin,
                supplier=stranger,
                correction_due_on=date(2025, 6, 1),
                **audit,
            )
        assert "supplier" in refused.value.message_dict
        assert not SupplierAudit.objects.exists()
        agreements.record_audit(
            agreement=agreement,
            actor=coop_a.admin,
            supplier=coop_a.member,
            correction_due_on=date(2025, 6, 1),
            **audit,
        )
        assert SupplierAudit.objects.get().result == "corrections"


def test_an_ended_agreement_no_longer_changes(coop_a):
    agreement = make_agreement(coop_a, suppliers=[(coop_a.member, SIGNED)])
    with in_a(coop_a):
        agreements.bring_into_force(agreement=agreement, actor=coop_a.admin)
        agreements.end(agreement=agreement, actor=coop_a.admin)
        with pytest.raises(Refused):
            agreements.add_indicator(agreement=agreement, actor=coop_a.admin, **RUBBING)


def test_a_project_concludes_only_with_its_outcome(coop_a):
    project = make_project(coop_a, participants=[coop_a.member])
    with in_a(coop_a):
        with pytest.raises(Refused):  # not under way yet
            research.conclude(project=project, actor=coop_a.admin, outcome="完成")
        research.start(project=project, actor=coop_a.admin)
        with pytest.raises(ValidationError) as refused:
            research.conclude(project=project, actor=coop_a.admin, outcome="  ")
        assert "outcome" in refused.value.message_dict
        project.refresh_from_db()
        assert project.status == ResearchProject.Status.UNDER_WAY
        research.conclude(project=project, actor=coop_a.admin, outcome="湿摩色牢度提升到3.5级")
        with pytest.raises(Refused):
            research.conclude(project=project, actor=coop_a.admin, outcome="再次")
        project.refresh_from_db()
        assert project.status == ResearchProject.Status.CONCLUDED
        assert project.outcome == "湿摩色牢度提升到3.5级"
        assert list(
            StepEvent.objects.filter(workflow="research_project")
            .order_by("at", "pk")
            .values_list("step", flat=True)
        ) == ["propose", "start", "conclude"]


def test_an_agreement_ends_neither_before_a_supplier_joined_nor_on_a_day_to_come(coop_a):
    """Its open suppliers leave on the day it ends: a day before one joined would give that
    supplier a left date before its joined date."""
    late = MemberFactory(cooperative=coop_a.cooperative)
    agreement = make_agreement(
        coop_a, suppliers=[(coop_a.member, SIGNED), (late, date(2026, 5, 1))]
    )
    with in_a(coop_a):
        agreements.bring_into_force(agreement=agreement, actor=coop_a.admin)
        for day in (date(2026, 4, 30), date.today().replace(year=date.today().year + 1)):
            with pytest.raises(ValidationError) as refused:
                agreements.end(agreement=agreement, actor=coop_a.admin, ended_on=day)
            assert "ended_on" in refused.value.message_dict
            agreement.refresh_from_db()
            assert agreement.status == ChainAgreement.Status.IN_FORCE
            assert not ChainSupplier.objects.filter(left_on__isnull=False).exists()
        agreements.end(agreement=agreement, actor=coop_a.admin, ended_on=date(2026, 5, 1))
        assert set(ChainSupplier.objects.values_list("left_on", flat=True)) == {date(2026, 5, 1)}
