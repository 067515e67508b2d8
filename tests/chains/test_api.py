"""The API: list, detail, create and update by the cooperative's staff, an enterprise's own
agreements only, another cooperative's users get nothing; pinned query counts."""

from chains.models import AgreementIndicator, ChainAgreement, ResearchProject
from coop.tenancy import unscoped
from tests.chains.conftest import SIGNED, api_url, make_agreement, make_project


def payload(**overrides):
    return {
        "title": "品牌代工质量一致性协议",
        "owner_name": "宁波甬悦家居用品有限公司",
        "owner_uscc": "91330200MA2AB3CD4G",
        "products": "品牌床品套件",
        "categories": ["bedding"],
        "signed_on": "2025-03-01",
        "valid_until": "2028-02-28",
        "indicators": [
            {
                "name": "甲醛含量",
                "unit": "mg/kg",
                "direction": "max",
                "national_value": "75",
                "agreed_value": "20",
                "standard_code": "GB 18401-2010 B类",
            },
            {
                "name": "耐摩擦色牢度",
                "unit": "级",
                "direction": "min",
                "national_value": "3",
                "agreed_value": "4",
            },
        ],
        **overrides,
    }


def test_an_administrator_creates_lists_reads_and_updates_an_agreement(api, coop_a, bedding):
    client = api(coop_a.admin)
    made = client.post(api_url(coop_a), payload(), format="json")
    assert made.status_code == 201, made.json()
    body = made.json()
    assert body["status"] == "draft" and body["owner"] == "宁波甬悦家居用品有限公司"
    assert [i["direction"] for i in body["indicators"]] == ["max", "min"]
    listed = client.get(api_url(coop_a)).json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == body["id"]
    shown = client.get(api_url(coop_a, body["id"]))
    assert shown.status_code == 200 and shown.json()["categories"] == ["bedding"]
    changed = client.patch(api_url(coop_a, body["id"]), {"title": "新标题"}, format="json")
    assert changed.status_code == 200, changed.json()
    assert changed.json()["title"] == "新标题"
    assert len(changed.json()["indicators"]) == 2  # left as they were


def test_a_value_not_stricter_is_a_400_naming_the_field_and_writes_nothing(api, coop_a, bedding):
    bad = payload()
    bad["indicators"][1]["agreed_value"] = "2"  # a minimum lowered
    answer = api(coop_a.admin).post(api_url(coop_a), bad, format="json")
    assert answer.status_code == 400
    assert "indicators" in str(answer.json())
    with unscoped():
        assert not ChainAgreement.objects.exists()
        assert not AgreementIndicator.objects.exists()


def test_both_owners_is_a_400(api, coop_a, bedding):
    answer = api(coop_a.admin).post(
        api_url(coop_a), payload(owner_member=coop_a.member.pk), format="json"
    )
    assert answer.status_code == 400
    assert "owner_member" in answer.json() or "owner_member" in str(answer.json())


def test_the_steps_and_ending_twice_over_the_api(api, coop_a, chain):
    client = api(coop_a.admin)
    url = api_url(coop_a, chain["agreement"].pk)
    assert client.post(url + "bring_into_force/").status_code == 200
    assert client.post(url + "end/", {"ended_on": "2026-06-30"}).json()["status"] == "ended"
    again = client.post(url + "end/")
    assert again.status_code == 409
    assert again.json()["detail"]


def test_an_enterprise_reads_only_its_own_and_writes_nothing(api, coop_a, chain):
    other = make_agreement(coop_a, title="别人的协议")
    for user in (coop_a.enterprise, chain["owner_user"]):
        client = api(user)
        listed = client.get(api_url(coop_a)).json()
        assert [row["id"] for row in listed["results"]] == [chain["agreement"].pk]
        assert client.get(api_url(coop_a, other.pk)).status_code == 404
        assert client.post(api_url(coop_a), payload(), format="json").status_code == 403
        assert (
            client.patch(
                api_url(coop_a, chain["agreement"].pk), {"title": "改"}, format="json"
            ).status_code
            == 403
        )
        assert (
            client.post(api_url(coop_a, chain["agreement"].pk) + "bring_into_force/").status_code
            == 403
        )
    bystander = api(chain["bystander_user"])
    assert bystander.get(api_url(coop_a)).json()["count"] == 0
    assert bystander.get(api_url(coop_a, chain["agreement"].pk)).status_code == 404


def test_another_cooperatives_users_get_nothing(api, coop_a, coop_b, chain):
    project = make_project(coop_a, participants=[coop_a.member])
    agreement = chain["agreement"]
    for user in (coop_b.admin, coop_b.enterprise, coop_b.supervisor):
        client = api(user)
        assert client.get(api_url(coop_a)).status_code == 404
        assert client.get(api_url(coop_a, agreement.pk)).status_code == 404
        assert client.post(api_url(coop_a), payload(), format="json").status_code == 404
        assert (
            client.patch(api_url(coop_a, agreement.pk), {"title": "改"}, format="json").status_code
            == 404
        )
        assert client.get(api_url(coop_a, kind="research-projects")).status_code == 404
        # Through their own cooperative's address, coop A's rows are not there.
        assert client.get(api_url(coop_b, agreement.pk)).status_code in (403, 404)
        assert client.get(api_url(coop_b, project.pk, kind="research-projects")).status_code in (
            403,
            404,
        )
    with unscoped():
        assert ChainAgreement.objects.get().title == agreement.title


def test_the_api_lists_have_pinned_query_counts(
    api, coop_a, chain, bedding, django_assert_num_queries
):
    for n in range(3):
        make_agreement(
            coop_a, title=f"协议{n}", categories=[bedding], suppliers=[(coop_a.member, SIGNED)]
        )
        make_project(coop_a, participants=[coop_a.member], title=f"攻关{n}")
    client = api(coop_a.admin)
    client.get(api_url(coop_a))
    with django_assert_num_queries(API_LIST_QUERIES):
        assert client.get(api_url(coop_a)).json()["count"] == 4
    with django_assert_num_queries(API_PROJECT_LIST_QUERIES):
        assert client.get(api_url(coop_a, kind="research-projects")).json()["count"] == 3
    with django_assert_num_queries(API_DETAIL_QUERIES):
        assert client.get(api_url(coop_a, chain["agreement"].pk)).status_code == 200


API_LIST_QUERIES = 7
API_PROJECT_LIST_QUERIES = 6
API_DETAIL_QUERIES = 6


def test_research_projects_over_the_api(api, coop_a, chain):
    client = api(coop_a.admin)
    made = client.post(
        api_url(coop_a, kind="research-projects"),
        {
            "title": "深色面料耐摩擦色牢度攻关",
            "problem": "湿摩色牢度偏低",
            "indicators": ["耐摩擦色牢度"],
            "partners": ["南通大学纺织服装学院"],
            "participants": [coop_a.member.pk],
            "milestones": [{"title": "现状调研", "due_on": "2026-06-30"}],
        },
        format="json",
    )
    assert made.status_code == 201, made.json()
    pk = made.json()["id"]
    assert made.json()["milestones"][0]["title"] == "现状调研"
    url = api_url(coop_a, pk, kind="research-projects")
    # Milestones come with the project: on an update they are refused, naming the field,
    # and nothing of the update is written (they were once dropped without a word).
    late = client.patch(
        url,
        {"title": "改名", "milestones": [{"title": "中试", "due_on": "2026-09-30"}]},
        format="json",
    )
    assert late.status_code == 400 and "milestones" in late.json(), late.json()
    assert client.get(url).json()["title"] == "深色面料耐摩擦色牢度攻关"
    assert [m["title"] for m in client.get(url).json()["milestones"]] == ["现状调研"]
    assert client.post(url + "start/").json()["status"] == "under_way"
    refused = client.post(url + "conclude/", {"outcome": ""})
    assert refused.status_code == 400 and "outcome" in refused.json()
    assert (
        client.post(url + "conclude/", {"outcome": "提升到3.5级"}).json()["status"] == "concluded"
    )
    participant = api(coop_a.enterprise)
    assert participant.get(url).status_code == 200
    assert (
        participant.post(api_url(coop_a, kind="research-projects"), {}, format="json").status_code
        == 403
    )
    assert api(chain["bystander_user"]).get(url).status_code == 404
    with unscoped():
        assert ResearchProject.objects.get().outcome == "提升到3.5级"
