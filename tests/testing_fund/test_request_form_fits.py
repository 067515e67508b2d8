"""The request fits the person: the safety categories said in words, a lone lab chosen, and
the free tests left shown to staff and the API too, a fund-paid request refused at request
time once none is left (naming ``paid_by_member``), while a member-paid one goes through."""

import pytest
from django.core.exceptions import ValidationError

from coop.tenancy import scope, unscoped
from standards.models import Indicator, Standard
from testing_fund.forms import BatchRequestForm, RoundForm
from testing_fund.models import Batch, Fund
from testing_fund.models import TestingInstitution as Lab
from testing_fund.services import batches
from tests.testing_fund.conftest import THREE, request

REQUEST = "/c/coop-a/tests/request/"
BATCHES = "/api/v1/coops/coop-a/batches/"


def standard():
    with unscoped():
        return Standard.objects.get(code="GB 18401-2010")


def batch_count():
    with unscoped():
        return Batch.objects.count()


def use_up_the_quota(tenant, fund):
    with scope({tenant.cooperative.pk}):
        Fund.objects.filter(pk=fund.pk).update(free_quota=1)
    spent = request(tenant)
    with scope({tenant.cooperative.pk}):
        batches.approve(batch=spent, actor=tenant.admin)


def form_data(tenant, **extra):
    with unscoped():
        picked = list(Indicator.objects.filter(code__in=THREE).values_list("pk", flat=True))
    return {
        "product": "四件套",
        "safety_category": "B",
        "lab": tenant.lab.institution_id,
        "delivery": "delivery",
        "indicators": picked,
        **extra,
    }


def test_the_categories_are_explained_beside_the_choice(coop_a, priced, client):
    client.force_login(coop_a.enterprise)
    html = client.get(REQUEST, {"standard": standard().pk}).content.decode()
    assert "A – 36 个月以内婴幼儿用品" in html
    assert "B – 直接接触皮肤的产品（内衣、床单、枕套）" in html
    assert "C – 非直接接触皮肤的产品（外衣、窗帘、床罩）" in html
    assert "GB 18401：A 类为婴幼儿用品" in html  # the help text too


def test_a_lone_lab_is_preselected_and_two_are_not(coop_a, priced):
    cooperative = coop_a.cooperative
    with scope({cooperative.pk}):
        form = BatchRequestForm(
            cooperative=cooperative, standard=standard(), for_staff=True, members_left=({}, 2)
        )
        assert form["lab"].value() == coop_a.lab.institution_id
        assert "" not in [value for value, _label in form.fields["lab"].widget.choices]
        assert RoundForm(cooperative=cooperative)["lab"].value() == coop_a.lab.institution_id
        with unscoped():
            other = Lab.objects.create(name_zh="第二检测所", name_en="Second lab")
            other.cooperatives.add(cooperative)
        two = BatchRequestForm(cooperative=cooperative, standard=standard(), for_staff=False)
        assert two["lab"].value() is None
        assert "" in [value for value, _label in two.fields["lab"].widget.choices]


def test_staff_see_the_members_free_tests_left_and_can_mark_it_member_paid(coop_a, priced, client):
    use_up_the_quota(coop_a, priced)
    client.force_login(coop_a.admin)
    page = client.get(REQUEST, {"standard": standard().pk})
    assert f"{coop_a.member.name}（剩余免费检测：0 批）" in page.content.decode()
    assert "paid_by_member" in page.context["form"].fields
    url = f"{REQUEST}?standard={standard().pk}"
    before = batch_count()

    refused = client.post(url, form_data(coop_a, member=coop_a.member.pk))
    assert refused.status_code == 200
    assert "paid_by_member" in refused.context["form"].errors["paid_by_member"][0]
    assert batch_count() == before  # a refusal writes nothing

    sent = client.post(url, form_data(coop_a, member=coop_a.member.pk, paid_by_member="on"))
    assert sent.status_code == 302
    with unscoped():
        assert Batch.objects.latest("pk").paid_by_member


def test_the_service_refuses_a_fund_paid_request_at_request_time(coop_a, priced):
    use_up_the_quota(coop_a, priced)
    before = batch_count()
    with pytest.raises(ValidationError) as refused:
        request(coop_a)
    assert "paid_by_member" in refused.value.message_dict
    assert batch_count() == before
    # Re-inspections and supervisory samples are not the member's quota: not refused here.
    with scope({coop_a.cooperative.pk}):
        assert batches.free_batches(coop_a.member, priced.year) == (0, 1)


def test_the_api_takes_paid_by_member_on_create(coop_a, priced, api):
    use_up_the_quota(coop_a, priced)
    client = api(coop_a.enterprise)
    body = {
        "member": coop_a.member.pk,
        "product": "四件套",
        "safety_category": "B",
        "standard": standard().pk,
        "lab": coop_a.lab.institution_id,
        "indicators": THREE,
    }
    before = batch_count()
    refused = client.post(BATCHES, body, format="json")
    assert refused.status_code == 400
    assert "paid_by_member" in refused.json()["paid_by_member"][0]
    assert batch_count() == before

    made = client.post(BATCHES, {**body, "paid_by_member": True}, format="json")
    assert made.status_code == 201, made.json()
    assert made.json()["paid_by_member"] is True


def test_another_cooperatives_user_cannot_request_member_paid_for_this_one(
    coop_a, coop_b, priced, api
):
    use_up_the_quota(coop_a, priced)
    before = batch_count()
    body = {
        "member": coop_a.member.pk,
        "product": "四件套",
        "safety_category": "B",
        "standard": standard().pk,
        "lab": coop_a.lab.institution_id,
        "paid_by_member": True,
    }
    for user in (coop_b.enterprise, coop_b.admin):
        response = api(user).post(BATCHES, body, format="json")
        assert response.status_code in (403, 404)
    assert batch_count() == before
