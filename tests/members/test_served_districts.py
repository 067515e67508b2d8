"""A member lies in a district its cooperative serves (issue 13): the seat's or another of the
region's that the cluster spans. The services refuse any other, naming the served districts;
the forms, the filter and the import offer only the served ones; a member already in a
district no longer served keeps it through an edit."""

import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from coop.tenancy import scope, unscoped
from members.filters import MemberFilter
from members.forms import ApplicationForm, MemberForm
from members.models import Member
from members.services import members as member_services
from tests.factories import DistrictFactory, MemberFactory, member_form, member_payload

HEADINGS = "名称,类型,统一社会信用代码,登记注册号,区县,镇（街道）,规模,产业链环节"


@pytest.fixture
def districts(coop_a):
    """Region A's districts besides the seat: one the cooperative serves, one it does not."""
    region = coop_a.cooperative.region
    served = DistrictFactory(region=region, name_zh="启东市")
    unserved = DistrictFactory(region=region, name_zh="如皋市")
    coop_a.cooperative.serve([served])
    return served, unserved


def members_of(tenant):
    with unscoped():
        return Member.objects.filter(cooperative=tenant.cooperative).count()


def test_a_member_may_lie_in_any_served_district(coop_a, districts):
    served, _unserved = districts
    with scope({coop_a.cooperative.pk}):
        member = member_services.member_create(
            cooperative=coop_a.cooperative,
            actor=coop_a.admin,
            name="启东新华家纺有限公司",
            kind="enterprise",
            uscc="91350100M000100Y43",
            district=served,
        )
    assert member.district == served


def test_a_member_in_an_unserved_district_of_the_region_is_refused_naming_the_served(
    coop_a, districts
):
    _served, unserved = districts
    before = members_of(coop_a)
    with scope({coop_a.cooperative.pk}), pytest.raises(ValidationError) as refused:
        member_services.member_create(
            cooperative=coop_a.cooperative,
            actor=coop_a.admin,
            name="如皋新华家纺有限公司",
            kind="enterprise",
            uscc="91350100M000100Y43",
            district=unserved,
        )
    message = refused.value.message_dict["district"][0]
    assert coop_a.cooperative.district.name in message and "启东市" in message
    assert "如皋市" not in message
    assert members_of(coop_a) == before


def test_a_member_cannot_move_to_an_unserved_district_but_keeps_one_no_longer_served(
    coop_a, districts
):
    served, unserved = districts
    member = coop_a.member
    with scope({coop_a.cooperative.pk}):
        with pytest.raises(ValidationError) as refused:
            member_services.member_update(member=member, actor=coop_a.admin, district=unserved)
        assert "district" in refused.value.message_dict
        # A member that lies in a district the cooperative has stopped serving (or that was
        # entered before the rule) can still have its other details corrected.
        Member.objects.filter(pk=member.pk).update(district=unserved)
        member = Member.objects.get(pk=member.pk)
        updated = member_services.member_update(
            member=member, actor=coop_a.admin, contact_phone="13912345678"
        )
        assert updated.district == unserved
        assert (
            member_services.member_update(
                member=updated, actor=coop_a.admin, district=served
            ).district
            == served
        )


def test_the_forms_and_the_filter_offer_only_served_districts(rf, coop_a, coop_b, districts):
    served, unserved = districts
    seat = coop_a.cooperative.district
    with scope({coop_a.cooperative.pk}):
        new = MemberForm(cooperative=coop_a.cooperative)
        assert set(new.fields["district"].queryset) == {seat, served}
        applying = ApplicationForm(cooperative=coop_a.cooperative)
        assert set(applying.fields["district"].queryset) == {seat, served}
        request = rf.get("/")
        request.cooperative = coop_a.cooperative
        listed = MemberFilter({}, queryset=Member.objects.all(), request=request)
        assert set(listed.filters["district"].queryset) == {seat, served}
        # A member already in an unserved district keeps it among its edit form's choices.
        kept = MemberFactory(cooperative=coop_a.cooperative, district=unserved)
        editing = MemberForm(instance=kept, cooperative=coop_a.cooperative)
        assert set(editing.fields["district"].queryset) == {seat, served, unserved}
    assert coop_b.cooperative.district not in set(new.fields["district"].queryset)


def test_the_page_refuses_an_unserved_district(client, coop_a, districts):
    _served, unserved = districts
    client.force_login(coop_a.admin)
    before = members_of(coop_a)
    form = member_form(cooperative=coop_a.cooperative, district=unserved.pk)
    response = client.post(f"/c/{coop_a.slug}/members/new/", form)
    assert response.status_code == 200
    assert "district" in response.context["form"].errors
    assert members_of(coop_a) == before


def test_the_api_refuses_an_unserved_district_naming_the_served(api, coop_a, districts):
    served, unserved = districts
    url = f"/api/v1/coops/{coop_a.slug}/members/"
    before = members_of(coop_a)
    body = member_payload(coop_a.cooperative, district=unserved.division_code)
    response = api(coop_a.admin).post(url, body, format="json")
    assert response.status_code == 400, response.json()
    assert "启东市" in response.json()["district"][0]
    assert members_of(coop_a) == before
    body = member_payload(coop_a.cooperative, district=served.division_code)
    assert api(coop_a.admin).post(url, body, format="json").status_code == 201


def test_the_import_takes_served_districts_and_names_them_for_others(api, coop_a, districts):
    served, unserved = districts
    rows = [
        f"南通甲家纺有限公司,企业,91350100M000100Y43,,{served.name_zh},汇龙镇,小型,成品",
        f"南通乙家纺有限公司,企业,91320684MA1DEM01X0,,{unserved.name_zh},如城街道,小型,成品",
    ]
    content = io.BytesIO("\n".join([HEADINGS, *rows]).encode("utf-8"))
    content.name = "members.csv"
    report = (
        api(coop_a.admin)
        .post(f"/api/v1/coops/{coop_a.slug}/member-imports/", {"file": content}, "multipart")
        .json()
    )
    errors = report["errors"]
    assert errors[0] == []
    assert "“如皋市”不是合作社服务的区县" in errors[1][0]
    assert "启东市" in errors[1][0] and coop_a.cooperative.district.name_zh in errors[1][0]


def test_the_import_template_explains_the_served_districts(api, coop_a, districts):
    response = api(coop_a.admin).get(f"/api/v1/coops/{coop_a.slug}/member-imports/template/")
    book = load_workbook(io.BytesIO(response.content))
    columns = {row[0]: row for row in book.worksheets[1].iter_rows(values_only=True)}
    allowed = columns["区县"][3]
    assert "合作社服务的区县" in allowed
    assert "启东市" in allowed and coop_a.cooperative.district.name_zh in allowed
    assert "如皋市" not in allowed
    assert columns["区县"][4] == coop_a.cooperative.district.name_zh
