from coop.tenancy import scope, unscoped
from members.models import Member
from members.selectors import growth_totals
from tests.factories import MemberFactory, UserFactory

PAIRINGS = "/api/v1/coops/coop-a/pairings/"


def test_an_administrator_pairs_a_leader_with_a_small_member_and_logs_activities(coop_a, api):
    leader = MemberFactory(cooperative=coop_a.cooperative, scale="above_designated_size")
    body = {
        "leader": leader.pk,
        "partner": coop_a.member.pk,
        "starts_on": "2026-01-01",
        "goals": "建立质量管理制度",
    }
    pairing = api(coop_a.admin).post(PAIRINGS, body, format="json").json()
    visit = {
        "pairing": pairing["id"],
        "kind": "shadowing",
        "on": "2026-02-01",
        "description": "跟岗学习一周",
    }
    assert (
        api(coop_a.admin)
        .post("/api/v1/coops/coop-a/pairing-activities/", visit, format="json")
        .status_code
        == 201
    )
    mine = api(coop_a.enterprise).get("/api/v1/coops/coop-a/pairing-activities/").json()
    assert mine["results"][0]["description"] == "跟岗学习一周"
    outsider = UserFactory(role="enterprise", member=MemberFactory(cooperative=coop_a.cooperative))
    assert api(outsider).get(PAIRINGS).json()["count"] == 0
    assert api(coop_a.enterprise).get(PAIRINGS).json()["count"] == 1


def test_a_member_is_not_paired_with_itself_nor_with_another_cooperative(coop_a, coop_b, api):
    client = api(coop_a.admin)
    itself = client.post(
        PAIRINGS,
        {
            "leader": coop_a.member.pk,
            "partner": coop_a.member.pk,
            "starts_on": "2026-01-01",
            "goals": "x",
        },
        format="json",
    )
    assert itself.status_code == 400 and "不能与自己结对" in str(itself.json())
    foreign = client.post(
        PAIRINGS,
        {
            "leader": coop_b.member.pk,
            "partner": coop_a.member.pk,
            "starts_on": "2026-01-01",
            "goals": "x",
        },
        format="json",
    )
    assert foreign.status_code == 400 and "leader" in foreign.json()


def test_an_enterprise_cannot_create_pairings(coop_a, api):
    body = {
        "leader": coop_a.member.pk,
        "partner": coop_a.member.pk,
        "starts_on": "2026-01-01",
        "goals": "x",
    }
    assert api(coop_a.enterprise).post(PAIRINGS, body, format="json").status_code == 403


def test_growth_events_change_the_unit_and_are_counted(coop_a, api):
    household = MemberFactory(cooperative=coop_a.cooperative, kind="individual_household")
    client = api(coop_a.admin)
    converted = client.post(
        "/api/v1/coops/coop-a/growth-events/",
        {"member": household.pk, "kind": "household_to_company", "on": "2026-04-01"},
        format="json",
    )
    assert converted.status_code == 201
    grown = client.post(
        "/api/v1/coops/coop-a/growth-events/",
        {"member": coop_a.member.pk, "kind": "above_designated_size", "on": "2026-04-01"},
        format="json",
    )
    assert grown.status_code == 201
    with unscoped():
        assert Member.objects.get(pk=household.pk).kind == "enterprise"
        assert Member.objects.get(pk=coop_a.member.pk).scale == "above_designated_size"
    with scope({coop_a.cooperative.pk}):
        assert growth_totals(coop_a.cooperative.pk) == {
            "household_to_company": 1,
            "above_designated_size": 1,
        }
    again = client.post(
        "/api/v1/coops/coop-a/growth-events/",
        {"member": coop_a.member.pk, "kind": "above_designated_size", "on": "2026-05-01"},
        format="json",
    )
    assert again.status_code == 400 and "已是规上企业" in str(again.json())


def test_only_a_household_converts_to_a_company(coop_a, api):
    response = api(coop_a.admin).post(
        "/api/v1/coops/coop-a/growth-events/",
        {"member": coop_a.member.pk, "kind": "household_to_company", "on": "2026-04-01"},
        format="json",
    )
    assert response.status_code == 400 and "只有个体工商户" in str(response.json())


def test_certifications_expiring_within_90_days(coop_a, api):
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    client = api(coop_a.enterprise)
    for number, days in [("A", 30), ("B", 200), ("C", -5)]:
        created = client.post(
            "/api/v1/coops/coop-a/certifications/",
            {
                "member": coop_a.member.pk,
                "scheme": "iso9001",
                "number": number,
                "body": "CQC",
                "issued_on": str(today - timedelta(days=1000)),
                "expires_on": str(today + timedelta(days=days)),
            },
            format="json",
        )
        assert created.status_code == 201, created.json()
    expiring = client.get("/api/v1/coops/coop-a/certifications/?expiring=90").json()
    assert [row["number"] for row in expiring["results"]] == ["A"]
    backwards = client.post(
        "/api/v1/coops/coop-a/certifications/",
        {
            "member": coop_a.member.pk,
            "scheme": "iso9001",
            "number": "D",
            "body": "CQC",
            "issued_on": str(today),
            "expires_on": str(today - timedelta(days=1)),
        },
        format="json",
    )
    assert "expires_on" in backwards.json()


def test_honours_and_licences_are_granted_by_administrators(coop_a, api):
    honour = {
        "member": coop_a.member.pk,
        "title": "区长质量奖",
        "awarded_by": "海门区人民政府",
        "awarded_on": "2026-01-15",
    }
    assert (
        api(coop_a.enterprise)
        .post("/api/v1/coops/coop-a/honours/", honour, format="json")
        .status_code
        == 403
    )
    assert (
        api(coop_a.admin).post("/api/v1/coops/coop-a/honours/", honour, format="json").status_code
        == 201
    )
    assert api(coop_a.enterprise).get("/api/v1/coops/coop-a/honours/").json()["count"] == 1
