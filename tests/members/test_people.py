import pytest

from coop.tenancy import scope, unscoped
from members.models import Member, QualityPerson
from members.models.people import mask_phone
from members.selectors import people_totals
from tests.factories import MemberFactory

PEOPLE = "/api/v1/coops/coop-a/quality-people/"


def person(member, role="specialist", **fields):
    data = {
        "member": member.pk,
        "role": role,
        "name": "周静",
        "position": "质量部经理",
        "phone": "13912345678",
        "appointed_on": "2025-01-02",
    }
    return {**data, **fields}


def test_an_enterprise_names_its_quality_people(coop_a, api):
    client = api(coop_a.enterprise)
    assert client.post(PEOPLE, person(coop_a.member, "cqo"), format="json").status_code == 201
    assert client.post(PEOPLE, person(coop_a.member), format="json").status_code == 201
    assert client.get(PEOPLE).json()["count"] == 2


def test_one_chief_quality_officer_at_a_time(coop_a, api):
    client = api(coop_a.admin)
    first = client.post(PEOPLE, person(coop_a.member, "cqo"), format="json").json()
    second = client.post(PEOPLE, person(coop_a.member, "cqo", name="王强"), format="json")
    assert second.status_code == 400
    assert "已有首席质量官" in str(second.json())
    client.patch(f"{PEOPLE}{first['id']}/", {"ended_on": "2026-01-01"}, format="json")
    assert (
        client.post(PEOPLE, person(coop_a.member, "cqo", name="王强"), format="json").status_code
        == 201
    )


def test_an_enterprise_cannot_name_people_of_another_member(coop_a, api):
    neighbour = MemberFactory(cooperative=coop_a.cooperative)
    response = api(coop_a.enterprise).post(PEOPLE, person(neighbour), format="json")
    assert response.status_code == 403
    with unscoped():
        assert not QualityPerson.objects.exists()


def test_a_member_of_another_cooperative_is_unknown(coop_a, coop_b, api):
    response = api(coop_a.admin).post(PEOPLE, person(coop_b.member), format="json")
    assert response.status_code == 400 and "member" in response.json()


def test_phones_are_masked_for_anyone_but_the_member_and_staff(coop_a, api):
    api(coop_a.enterprise).post(PEOPLE, person(coop_a.member), format="json")
    assert api(coop_a.enterprise).get(PEOPLE).json()["results"][0]["phone"] == "13912345678"
    assert api(coop_a.supervisor).get(PEOPLE).json()["results"][0]["phone"] == "13912345678"
    assert api(coop_a.lab).get(PEOPLE).json()["results"][0]["phone"] == "139****5678"


def test_mask_phone_keeps_only_enough_to_recognise():
    assert mask_phone("13912345678") == "139****5678"
    assert mask_phone("0513-8765432") == "********5432"
    assert mask_phone("123") == "***"


def test_training_records_belong_to_the_persons_member(coop_a, api):
    created = api(coop_a.enterprise).post(PEOPLE, person(coop_a.member), format="json").json()
    training = {
        "person": created["id"],
        "course": "GB 18401 宣贯",
        "on": "2026-03-01",
        "hours": "3.0",
    }
    client = api(coop_a.enterprise)
    assert (
        client.post("/api/v1/coops/coop-a/trainings/", training, format="json").status_code == 201
    )
    bad = client.post("/api/v1/coops/coop-a/trainings/", {**training, "hours": "0"}, format="json")
    assert bad.status_code == 400 and "hours" in bad.json()


def test_staff_see_the_totals_of_officers_and_specialists(coop_a, client):
    other = MemberFactory(cooperative=coop_a.cooperative)
    gone = MemberFactory(cooperative=coop_a.cooperative, status="exited")
    with unscoped():
        for member, role in [
            (coop_a.member, "cqo"),
            (other, "cqo"),
            (other, "specialist"),
            (gone, "cqo"),
        ]:
            QualityPerson.objects.create(
                cooperative=coop_a.cooperative,
                member=member,
                role=role,
                name="x",
                appointed_on="2025-01-01",
            )
    with scope({coop_a.cooperative.pk}):
        assert people_totals(coop_a.cooperative.pk) == {
            "officers": 2,
            "specialists": 1,
            "standards_officers": 0,
        }
    client.force_login(coop_a.admin)
    page = client.get("/c/coop-a/people/").content.decode()
    assert "首席质量官</dt><dd>2</dd>" in page.replace("\n", "").replace("  ", "")


def test_workstation_sessions_and_attendance(coop_a, coop_b, api):
    session = (
        api(coop_a.admin)
        .post(
            "/api/v1/coops/coop-a/workstation-sessions/",
            {
                "kind": "training",
                "title": "标准宣贯",
                "on": "2026-05-01",
                "place": "工作站",
                "hours": "3",
            },
            format="json",
        )
        .json()
    )
    officer = api(coop_a.admin).post(PEOPLE, person(coop_a.member, "cqo"), format="json").json()
    attendance = {"session": session["id"], "person": officer["id"]}
    assert (
        api(coop_a.admin)
        .post("/api/v1/coops/coop-a/attendance/", attendance, format="json")
        .status_code
        == 201
    )
    listed = api(coop_a.enterprise).get("/api/v1/coops/coop-a/workstation-sessions/").json()
    assert listed["results"][0]["attendance"] == 1
    assert (
        api(coop_a.enterprise)
        .post(
            "/api/v1/coops/coop-a/workstation-sessions/",
            {"kind": "exchange", "title": "x", "on": "2026-05-01"},
            format="json",
        )
        .status_code
        == 403
    )
    assert api(coop_b.admin).get("/api/v1/coops/coop-a/workstation-sessions/").status_code == 404


def test_the_profile_page_adds_a_person_and_lists_it(coop_a, client):
    client.force_login(coop_a.enterprise)
    form = {
        "person": "1",
        "role": "cqo",
        "name": "周静",
        "position": "经理",
        "phone": "139",
        "appointed_on": "2025-01-02",
        "qualification_certificate": "",
    }
    page = client.post("/c/coop-a/profile/", form, follow=True).content.decode()
    assert "已添加质量人员" in page and "周静" in page


@pytest.mark.parametrize("role", ["lab", "enterprise"])
def test_the_people_page_is_for_staff(coop_a, client, role):
    client.force_login(coop_a.users()[role])
    assert client.get("/c/coop-a/people/").status_code == 403


def test_an_enterprise_updates_its_contact_details_on_its_profile(coop_a, client):
    client.force_login(coop_a.enterprise)
    form = {
        "contact": "1",
        "legal_representative": "陈建华",
        "contact_person": "周静",
        "contact_phone": "13900000000",
        "address": "工业园 8 号",
        "main_products": "被芯",
        "shop_links": "https://shop.example.com/a\nhttps://shop.example.com/b",
    }
    assert "联系信息已保存" in client.post("/c/coop-a/profile/", form, follow=True).content.decode()
    with unscoped():
        member = Member.objects.get(pk=coop_a.member.pk)
    assert member.shop_links == ["https://shop.example.com/a", "https://shop.example.com/b"]
    bad = client.post("/c/coop-a/profile/", {**form, "shop_links": "not a link"}).content.decode()
    assert "不是有效网址" in bad


def test_the_overview_shows_growth_by_month_people_and_expiring_certificates(
    coop_a, client, django_assert_num_queries
):
    from datetime import timedelta

    from django.utils import timezone

    from members.models import Certification

    today = timezone.localdate()
    with unscoped():
        for number, days in [("SOON", 20), ("LATER", 300)]:
            Certification.objects.create(
                cooperative=coop_a.cooperative,
                member=coop_a.member,
                scheme="iso9001",
                number=number,
                body="CQC",
                issued_on=today - timedelta(days=900),
                expires_on=today + timedelta(days=days),
            )
    client.force_login(coop_a.supervisor)
    # session, user, visible cooperatives, the URL's cooperative, month ends, people, growth,
    # count and page of the expiring certificates
    with django_assert_num_queries(9):
        page = client.get("/c/coop-a/overview/").content.decode()
    assert "SOON" in page and "LATER" not in page
    assert f'<td>{today:%Y-%m-%d}</td><td class="num">1</td>' in page


@pytest.mark.parametrize("role", ["lab", "enterprise"])
def test_the_overview_is_for_staff(coop_a, coop_b, client, role):
    client.force_login(coop_a.users()[role])
    assert client.get("/c/coop-a/overview/").status_code == 403
    client.force_login(coop_b.admin)
    assert client.get("/c/coop-a/overview/").status_code == 404


def test_one_chief_standards_officer_at_a_time_beside_the_chief_quality_officer(coop_a, api):
    client = api(coop_a.enterprise)
    assert client.post(PEOPLE, person(coop_a.member, "cqo"), format="json").status_code == 201
    first = client.post(PEOPLE, person(coop_a.member, "cso", name="林标"), format="json")
    assert first.status_code == 201 and first.json()["role"] == "cso"
    second = client.post(PEOPLE, person(coop_a.member, "cso", name="王强"), format="json")
    assert second.status_code == 400
    assert "已有首席标准官" in str(second.json())
    api(coop_a.admin).patch(
        f"{PEOPLE}{first.json()['id']}/", {"ended_on": "2026-01-01"}, format="json"
    )
    again = client.post(PEOPLE, person(coop_a.member, "cso", name="王强"), format="json")
    assert again.status_code == 201
    assert api(coop_a.admin).get(PEOPLE, {"role": "cso"}).json()["count"] == 2
    # Another cooperative's staff do not see them.
    assert api().get(PEOPLE).status_code in (401, 403)


def test_the_people_page_and_profile_take_a_chief_standards_officer(coop_a, client):
    client.force_login(coop_a.enterprise)
    form = {
        "person": "1",
        "role": "cso",
        "name": "林标",
        "position": "标准化办公室主任",
        "phone": "139",
        "appointed_on": "2025-01-02",
        "qualification_certificate": "",
    }
    page = client.post("/c/coop-a/profile/", form, follow=True).content.decode()
    assert "已添加质量人员" in page and "林标" in page and "首席标准官" in page
    client.force_login(coop_a.admin)
    listed = client.get("/c/coop-a/people/", {"role": "cso"}).content.decode()
    assert "林标" in listed
    assert "首席标准官</dt><dd>1</dd>" in listed.replace("\n", "").replace("  ", "")
    with scope({coop_a.cooperative.pk}):
        assert people_totals(coop_a.cooperative.pk)["standards_officers"] == 1
