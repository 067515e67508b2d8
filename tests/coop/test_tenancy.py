import pytest
from django.apps import apps
from django.db import models

from coop.models import Cooperative, TenantModel
from coop.tenancy import ScopedManager, ScopeError, scope, unscoped
from members.models import Member
from tests.factories import MemberFactory

# Models that are not tenant-owned although they point at tenant data, with the reason.
SHARED_MODELS = {
    # An account spans cooperatives (a region supervisor) or belongs to a lab that serves several.
    "coop.User": "accounts",
    # Labs are reference data that serve several cooperatives.
    "testing_fund.TestingInstitution": "reference data",
}


def points_at_tenant_data(model):
    return any(
        field.is_relation
        and field.many_to_one
        and field.related_model is not None
        and (field.related_model is Cooperative or issubclass(field.related_model, TenantModel))
        for field in model._meta.get_fields()
    )


# Models holding shared rows beside cooperatives' own (cooperative empty when shared), whose
# default manager fails closed like the scoped one: tested by behaviour below.
MIXED_MODELS = {"standards.Standard": "national standards and cooperatives' own standards"}


def leads_an_index(model):
    """Whether an index or full unique constraint of the model starts with the cooperative."""
    meta = model._meta
    composite = [index.fields for index in meta.indexes] + [
        constraint.fields
        for constraint in meta.constraints
        if isinstance(constraint, models.UniqueConstraint) and constraint.condition is None
    ]
    return any(fields and fields[0] == "cooperative" for fields in composite)


def test_every_model_that_holds_tenant_data_is_scoped():
    unscoped_models = []
    for model in apps.get_models():
        if model._meta.label in SHARED_MODELS or model._meta.label in MIXED_MODELS:
            continue
        if issubclass(model, TenantModel) or points_at_tenant_data(model):
            field = model._meta.get_field("cooperative") if hasattr(model, "cooperative") else None
            problems = []
            if not isinstance(field, models.ForeignKey) or field.related_model is not Cooperative:
                problems.append("no cooperative foreign key")
            elif field.null or not (field.db_index or leads_an_index(model)):
                problems.append("cooperative must be non-null and indexed")
            if not isinstance(model._default_manager, ScopedManager):
                problems.append("default manager is not scoped")
            if problems:
                unscoped_models.append(f"{model._meta.label}: {', '.join(problems)}")
    assert unscoped_models == []


def test_the_model_walk_sees_the_tenant_owned_models():
    tenant_owned = {m._meta.label for m in apps.get_models() if issubclass(m, TenantModel)}
    assert {"members.Member", "coop.AuditRecord"} <= tenant_owned


def test_unique_constraints_of_tenant_models_start_with_the_cooperative():
    for model in apps.get_models():
        if issubclass(model, TenantModel):
            for constraint in model._meta.constraints:
                if isinstance(constraint, models.UniqueConstraint):
                    assert constraint.fields[0] == "cooperative", constraint.name


@pytest.mark.django_db
def test_a_query_outside_any_scope_raises():
    with pytest.raises(ScopeError, match="Member is tenant-owned"):
        list(Member.objects.all())


@pytest.mark.django_db
def test_a_scope_sees_only_its_cooperatives():
    mine, theirs = MemberFactory(), MemberFactory()
    with scope({mine.cooperative_id}):
        assert list(Member.objects.all()) == [mine]
        assert not Member.objects.filter(pk=theirs.pk).exists()
    with scope({mine.cooperative_id, theirs.cooperative_id}):
        assert Member.objects.count() == 2


@pytest.mark.django_db
def test_an_empty_scope_sees_nothing_and_unscoped_sees_all():
    MemberFactory.create_batch(2)
    with scope(set()):
        assert Member.objects.count() == 0
    with unscoped():
        assert Member.objects.count() == 2


@pytest.mark.django_db
def test_a_scope_ends_with_its_block_even_after_an_error():
    member = MemberFactory()
    with pytest.raises(ZeroDivisionError):
        with scope({member.cooperative_id}):
            raise ZeroDivisionError
    with pytest.raises(ScopeError):
        Member.objects.count()


@pytest.mark.django_db
def test_a_mixed_model_raises_outside_a_scope_and_keeps_others_rows_out():
    from datetime import date

    from standards.models import Standard
    from tests.factories import CooperativeFactory

    mine, theirs = CooperativeFactory(), CooperativeFactory()
    with unscoped():
        shared = Standard.objects.create(
            code="GB 1-2020",
            level="mandatory_national",
            title_zh="共享",
            implemented_on=date(2020, 1, 1),
        )
        own = Standard.objects.create(
            code="T/AB 1-2020",
            level="group",
            cooperative=mine,
            title_zh="本社",
            implemented_on=date(2020, 1, 1),
        )
        Standard.objects.create(
            code="T/AB 2-2020",
            level="group",
            cooperative=theirs,
            title_zh="他社",
            implemented_on=date(2020, 1, 1),
        )
    with pytest.raises(ScopeError):
        Standard.objects.count()
    with scope({mine.pk}):
        assert set(Standard.objects.all()) == {shared, own}
    with scope(set()):
        assert list(Standard.objects.all()) == [shared]
