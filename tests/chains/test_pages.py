"""The pages: staff read and write, an enterprise reads the agreements it is in and the
projects it takes part in, another cooperative's users see nothing; pinned query counts."""

from datetime import date

import pytest
from django.test import Client

from chains.models import AgreementIndicator, ChainAgreement, ChainSupplier, ResearchProject
from coop.tenancy import scope, unscoped
from tests.chains.conftest import SIGNED, make_agreement, make_project, page_url, reported


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_staff_read_the_list_and_the_detail_in_chinese(coop_a, chain):
    agreement = chain["agreement"]
    for user in (coop_a.admin, coop_a.supervisor):
        client = client_for(user)
        listed = client.get(page_url(coop_a, "chain-agreements/"))
        assert listed.status_code == 200
        assert "床品四件套质量一致性协议" in listed.content.decode()
        shown = client.get(page_url(coop_a, f"chain-agreements/{agreement.pk}/"))
        text = shown.content.decode()
        assert shown.status_code == 200
        assert "链主家纺集团" in text and "供应商印染厂" in text
        assert "≤ 20 mg/kg" in text
        assert "in_force" not in text and ">max<" not in text


def test_the_staff_menu_and_the_chain_map_link_to_the_lists(coop_a):
    client = client_for(coop_a.admin)
    home = client.get(page_url(coop_a, "chain-agreements/")).content.decode()
    assert page_url(coop_a, "research-project-list") not in home  # (a name, not a path)
    assert f'href="/c/{coop_a.slug}/research-projects/"' in home
    chain_map = client.get(page_url(coop_a, "chain-map/")).content.decode()
    assert f'href="/c/{coop_a.slug}/chain-agreements/"' in chain_map


def test_an_administrator_records_an_agreement_and_its_indicators_by_the_forms(coop_a, bedding):
    client = client_for(coop_a.admin)
    made = client.post(
        page_url(coop_a, "chain-agreements/new/"),
        {
            "title": "毛巾质量一致性协议",
            "owner_name": "宁波甬悦家居用品有限公司",
            "owner_uscc": "91330200MA2AB3CD4G",
            "products": "纯棉毛巾",
            "categories": [bedding.pk],
            "signed_on": "2025-03-01",
            "valid_until": "2028-02-28",
        },
    )
    assert made.status_code == 302
    with unscoped():
        agreement = ChainAgreement.objects.get(title="毛巾质量一致性协议")
    added = client.post(
        page_url(coop_a, f"chain-agreements/{agreement.pk}/indicators/"),
        {
            "name": "甲醛含量",
            "unit": "mg/kg",
            "direction": "max",
            "national_value": "75",
            "agreed_value": "20",
        },
    )
    assert added.status_code == 302
    refused = client.post(
        page_url(coop_a, f"chain-agreements/{agreement.pk}/indicators/"),
        {"name": "pH值", "direction": "min", "national_value": "4", "agreed_value": "4"},
    )
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "协议值须严于国家标准限值" in html
    # The refusal is shown where it was asked, open, and the browser is taken there.
    assert '<details id="add-indicator" open>' in html
    assert f'action="/c/coop-a/chain-agreements/{agreement.pk}/indicators/#add-indicator"' in html
    supplied = client.post(
        page_url(coop_a, f"chain-agreements/{agreement.pk}/suppliers/"),
        {"member": coop_a.member.pk, "joined_on": "2025-03-01"},
    )
    assert supplied.status_code == 302
    with unscoped():
        assert list(AgreementIndicator.objects.values_list("name", flat=True)) == ["甲醛含量"]
        assert ChainSupplier.objects.filter(agreement=agreement).count() == 1


def test_the_form_refuses_both_owners(coop_a):
    answer = client_for(coop_a.admin).post(
        page_url(coop_a, "chain-agreements/new/"),
        {
            "title": "协议",
            "owner_member": coop_a.member.pk,
            "owner_name": "外部品牌",
            "products": "床品",
            "signed_on": "2025-03-01",
            "valid_until": "2028-02-28",
        },
    )
    assert answer.status_code == 400
    with unscoped():
        assert not ChainAgreement.objects.exists()


def test_ending_twice_from_the_page_says_why(coop_a, chain):
    agreement = chain["agreement"]
    client = client_for(coop_a.admin)
    step = page_url(coop_a, f"chain-agreements/{agreement.pk}/step/")
    client.post(step + "bring_into_force/")
    client.post(step + "end/", {"confirm": "on"})
    again = client.post(step + "end/", {"confirm": "on"}, follow=True)
    with unscoped():
        agreement.refresh_from_db()
    assert agreement.status == "ended"
    text = again.content.decode()
    assert "不能终止" in text


@pytest.mark.parametrize("who", ["enterprise", "owner_user", "supplier_user"])
def test_a_party_reads_its_agreement_and_cannot_change_it(coop_a, chain, who):
    user = coop_a.enterprise if who == "enterprise" else chain[who]
    client = client_for(user)
    agreement = chain["agreement"]
    listed = client.get(page_url(coop_a, "chain-agreements/"))
    assert listed.status_code == 200 and agreement.title in listed.content.decode()
    shown = client.get(page_url(coop_a, f"chain-agreements/{agreement.pk}/"))
    assert shown.status_code == 200
    assert "添加供应商" not in shown.content.decode()
    assert client.get(page_url(coop_a, "chain-agreements/new/")).status_code == 403
    assert (
        client.post(
            page_url(coop_a, f"chain-agreements/{agreement.pk}/suppliers/"),
            {"member": chain["bystander"].pk},
        ).status_code
        == 403
    )


def test_a_supplier_sees_only_its_own_batches_and_audits(coop_a, chain, bedding, standard):
    own = reported(coop_a, coop_a.member, date(2025, 3, 1), True, bedding, standard, "甲样品")
    other = reported(
        coop_a, chain["supplier"], date(2025, 3, 2), False, bedding, standard, "乙样品"
    )
    url = page_url(coop_a, f"chain-agreements/{chain['agreement'].pk}/")
    supplier_page = client_for(coop_a.enterprise).get(url).content.decode()
    assert f"/tests/{own.pk}/" not in supplier_page  # a member reads no staff batch page
    assert "甲样品" in supplier_page and "乙样品" not in supplier_page
    owner_page = client_for(chain["owner_user"]).get(url).content.decode()
    assert "甲样品" in owner_page and "乙样品" in owner_page
    staff_page = client_for(coop_a.admin).get(url).content.decode()
    assert f"/tests/{other.pk}/" in staff_page


def test_an_enterprise_not_in_the_agreement_cannot_see_it(coop_a, chain):
    client = client_for(chain["bystander_user"])
    listed = client.get(page_url(coop_a, "chain-agreements/"))
    assert chain["agreement"].title not in listed.content.decode()
    assert (
        client.get(page_url(coop_a, f"chain-agreements/{chain['agreement'].pk}/")).status_code
        == 404
    )


def test_another_cooperatives_users_can_neither_see_nor_change(coop_a, coop_b, chain):
    agreement = chain["agreement"]
    project = make_project(coop_a, participants=[coop_a.member])
    for user in (coop_b.admin, coop_b.enterprise, coop_b.supervisor):
        client = client_for(user)
        for path in (
            "chain-agreements/",
            f"chain-agreements/{agreement.pk}/",
            "research-projects/",
            f"research-projects/{project.pk}/",
        ):
            assert client.get(page_url(coop_a, path)).status_code == 404
        assert (
            client.post(
                page_url(coop_a, f"chain-agreements/{agreement.pk}/step/bring_into_force/")
            ).status_code
            == 404
        )
    # Through their own cooperative's address, coop A's rows are not found either.
    client = client_for(coop_b.admin)
    assert client.get(page_url(coop_b, f"chain-agreements/{agreement.pk}/")).status_code == 404
    assert (
        client.post(
            page_url(coop_b, f"chain-agreements/{agreement.pk}/suppliers/"),
            {"member": coop_b.member.pk},
        ).status_code
        == 404
    )
    with unscoped():
        assert ChainAgreement.objects.get().status == "draft"
        assert ChainSupplier.objects.filter(member=coop_b.member).count() == 0


def test_the_lists_and_the_detail_have_pinned_query_counts(
    coop_a, chain, bedding, standard, django_assert_num_queries
):
    for n in range(3):
        make_agreement(
            coop_a, title=f"协议{n}", categories=[bedding], suppliers=[(coop_a.member, SIGNED)]
        )
        make_project(coop_a, participants=[coop_a.member], title=f"攻关{n}")
    for n in range(3):
        reported(coop_a, coop_a.member, date(2025, 3, n + 1), n != 1, bedding, standard)
    client = client_for(coop_a.admin)
    agreement = chain["agreement"]
    with scope({coop_a.cooperative.pk}):
        from chains.services import agreements

        agreements.bring_into_force(agreement=agreement, actor=coop_a.admin)
    client.get(page_url(coop_a, "chain-agreements/"))  # sessions and caches warmed
    with django_assert_num_queries(LIST_QUERIES):
        assert client.get(page_url(coop_a, "chain-agreements/")).status_code == 200
    with django_assert_num_queries(DETAIL_QUERIES):
        assert client.get(page_url(coop_a, f"chain-agreements/{agreement.pk}/")).status_code == 200
    with django_assert_num_queries(PROJECT_LIST_QUERIES):
        assert client.get(page_url(coop_a, "research-projects/")).status_code == 200
    with unscoped():
        project = ResearchProject.objects.order_by("pk").first()
    with django_assert_num_queries(PROJECT_DETAIL_QUERIES):
        assert client.get(page_url(coop_a, f"research-projects/{project.pk}/")).status_code == 200


LIST_QUERIES = 6
DETAIL_QUERIES = 15
PROJECT_LIST_QUERIES = 5
PROJECT_DETAIL_QUERIES = 8


def test_projects_for_staff_and_participants_only(coop_a, chain):
    project = make_project(coop_a, participants=[coop_a.member])
    url = page_url(coop_a, f"research-projects/{project.pk}/")
    staff = client_for(coop_a.admin)
    assert staff.get(page_url(coop_a, "research-projects/")).status_code == 200
    assert "南通大学纺织服装学院" in staff.get(url).content.decode()
    participant = client_for(coop_a.enterprise)
    assert participant.get(url).status_code == 200
    assert participant.get(page_url(coop_a, "research-projects/new/")).status_code == 403
    assert (
        participant.post(
            page_url(coop_a, f"research-projects/{project.pk}/step/start/")
        ).status_code
        == 302
    )
    with unscoped():
        assert ResearchProject.objects.get().status == "proposed"
    assert client_for(chain["bystander_user"]).get(url).status_code == 404


def test_an_administrator_runs_a_project_from_its_page(coop_a):
    client = client_for(coop_a.admin)
    made = client.post(
        page_url(coop_a, "research-projects/new/"),
        {
            "title": "后整理甲醛控制攻关",
            "problem": "整理剂含醛",
            "indicators": "甲醛含量、pH值",
            "partners": "江苏省纺织产品质量监督检验研究院\n南通大学",
            "participants": [coop_a.member.pk],
        },
    )
    assert made.status_code == 302
    with unscoped():
        project = ResearchProject.objects.get()
    assert project.indicators == ["甲醛含量", "pH值"]
    assert project.partners == ["江苏省纺织产品质量监督检验研究院", "南通大学"]
    step = page_url(coop_a, f"research-projects/{project.pk}/step/")
    client.post(
        page_url(coop_a, f"research-projects/{project.pk}/milestones/"),
        {"title": "整理剂筛选", "due_on": "2026-06-30"},
    )
    client.post(step + "start/")
    client.post(step + "conclude/", {"outcome": ""})
    with unscoped():
        project.refresh_from_db()
        assert project.status == "under_way"
    client.post(step + "conclude/", {"outcome": "筛选出两种无醛整理剂"})
    with unscoped():
        project.refresh_from_db()
        assert project.status == "concluded"
        assert project.milestones.count() == 1
