"""The benchmarking pages: staff draft a scheme with its indicators and publish it; an
enterprise declares against it; staff review and certify; the public list and its search;
and every list reads a fixed number of queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarking.models import BenchmarkDeclaration, BenchmarkScheme, SchemeIndicator
from coop.tenancy import unscoped
from tests.benchmarking.conftest import (
    DECLARATIONS,
    PUBLIC,
    SCHEMES,
    certify,
    declare,
    member_with_account,
    published_scheme,
)


def test_staff_draft_and_publish_a_scheme_on_the_pages(coop_a, client, bedding):
    client.force_login(coop_a.admin)
    made = client.post(
        "/c/coop-a/benchmarking/schemes/new/",
        {"category": bedding.pk, "product": "毛巾", "title": "", "summary": ""},
    )
    assert made.status_code == 302
    with unscoped():
        scheme = BenchmarkScheme.objects.get()
    assert scheme.title == "毛巾对标方案"
    base = f"/c/coop-a/benchmarking/schemes/{scheme.pk}/"
    indicator = {
        "name": "吸水性",
        "unit": "s",
        "direction": "max",
        "advanced_value": "5",
        "domestic_value": "10",
        "domestic_standard": "GB/T 22864-2009",
        "kind": "foreign",
        "code": "JIS L 1907:2010",
        "standard_title": "沉降法",
        "value": "5",
    }
    assert client.post(base + "indicators/", indicator).status_code == 302
    laxer = client.post(base + "indicators/", {**indicator, "name": "x", "advanced_value": "12"})
    assert laxer.status_code == 400 and "至少同样严格" in laxer.content.decode()
    with unscoped():
        added = SchemeIndicator.objects.get()
    more = {"indicator": added.pk, "kind": "international", "code": "ISO 18696", "value": "5"}
    assert client.post(base + "compared/", more).status_code == 302
    page = client.get(base).content.decode()
    assert "JIS L 1907:2010" in page and "ISO 18696" in page and "国外先进标准" in page
    client.post(base + "step/publish/")
    with unscoped():
        assert BenchmarkScheme.objects.get().status == "published"
    # A published scheme takes no more indicators.
    late = client.post(base + "indicators/", {**indicator, "name": "掉毛率"})
    assert late.status_code == 400 and "草稿" in late.content.decode()


def test_an_enterprise_declares_and_staff_review_and_certify_on_the_pages(
    coop_a, api, client, bedding
):
    scheme = published_scheme(api, coop_a)
    first, second = scheme["indicators"]
    client.force_login(coop_a.enterprise)
    form = f"/c/coop-a/benchmarking/schemes/{scheme['id']}/declare/"
    page = client.get(form).content.decode()
    assert "甲醛含量" in page and "≤ 20 mg/kg" in page
    short = client.post(
        form,
        {"product_name": "四件套", f"value_{first['id']}": "25", f"value_{second['id']}": "4"},
    )
    assert short.status_code == 400 and "甲醛含量" in short.content.decode()
    made = client.post(
        form,
        {"product_name": "四件套", f"value_{first['id']}": "15", f"value_{second['id']}": "4.5"},
    )
    assert made.status_code == 302
    with unscoped():
        row = BenchmarkDeclaration.objects.get()
    client.force_login(coop_a.admin)
    review = client.get("/c/coop-a/benchmarking/review/").content.decode()
    assert "四件套" in review and "待审核" in review
    detail = f"/c/coop-a/benchmarking/declarations/{row.pk}/"
    client.post(detail + "step/certify/", {"evaluation_body": "x", "certificate_number": "1"})
    with unscoped():
        assert BenchmarkDeclaration.objects.get().status == "submitted"
    client.post(detail + "step/accept/", {"reason": ""})
    client.post(
        detail + "step/certify/",
        {
            "evaluation_body": "浙江省标准化研究院",
            "certificate_number": "DB-1",
            "certified_on": "2026-02-01",
            "valid_until": "2029-01-31",
        },
    )
    with unscoped():
        assert BenchmarkDeclaration.objects.get().status == "certified"
    shown = client.get(detail).content.decode()
    assert "已达标" in shown and "DB-1" in shown
    client.force_login(coop_a.enterprise)
    assert "已达标" in client.get("/c/coop-a/benchmarking/declarations/").content.decode()


def test_the_public_list_shows_only_certified_valid_products_of_active_members(
    coop_a, coop_b, api, client, bedding
):
    with unscoped():
        coop_a.member.contact_phone = "13900001234"
        coop_a.member.save()
    scheme = published_scheme(api, coop_a)
    shown = declare(api, coop_a.enterprise, scheme, product_name="达标四件套").json()
    declare(api, coop_a.enterprise, scheme, product_name="待审被芯")
    accepted = declare(api, coop_a.enterprise, scheme, product_name="待评价枕芯").json()
    expired = declare(api, coop_a.enterprise, scheme, product_name="过期毛巾").json()
    gone_member, gone_user = member_with_account(coop_a, "已退出家纺")
    gone = declare(api, gone_user, scheme, product_name="退社企业床单").json()
    for row in (shown, accepted, expired, gone):
        api(coop_a.admin).post(f"{DECLARATIONS}{row['id']}/accept/")
    certify(api, coop_a, shown["id"], number="A-1")
    certify(
        api,
        coop_a,
        expired["id"],
        number="A-2",
        certified_on="2022-01-01",
        valid_until="2025-01-01",
    )
    certify(api, coop_a, gone["id"], number="A-3")
    with unscoped():
        gone_member.status = "exited"
        gone_member.save()
    theirs = published_scheme(api, coop_b)
    other = declare(api, coop_b.enterprise, theirs, product_name="乙社四件套").json()
    api(coop_b.admin).post(f"{DECLARATIONS}{other['id']}/accept/")
    certify(api, coop_b, other["id"], number="B-1")

    listed = api().get(PUBLIC).json()
    assert sorted(r["product_name"] for r in listed["results"]) == ["乙社四件套", "达标四件套"]
    mine = next(r for r in listed["results"] if r["product_name"] == "达标四件套")
    assert (mine["member_name"], mine["cooperative"], mine["certificate_number"]) == (
        coop_a.member.name,
        "coop-a",
        "A-1",
    )
    assert mine["scheme"]["indicators"][0]["compared"][0]["code"] == "OEKO-TEX Standard 100"
    page = client.get("/benchmarked-products/")
    text = page.content.decode()
    assert page.status_code == 200 and "达标四件套" in text and "OEKO-TEX Standard 100" in text
    for hidden in ("待审被芯", "待评价枕芯", "过期毛巾", "退社企业床单"):
        assert hidden not in text and hidden not in str(listed)
    for body in (text, str(listed)):
        assert "13900001234" not in body
    searched = client.get("/benchmarked-products/?q=乙社").content.decode()
    assert "乙社四件套" in searched and "达标四件套" not in searched
    assert api().get(PUBLIC, {"q": "达标"}).json()["count"] == 1
    # A withdrawn scheme's products leave the list.
    api(coop_b.admin).post(f"{SCHEMES}{theirs['id']}/withdraw/", {"reason": "标准更新"})
    assert [r["product_name"] for r in api().get(PUBLIC).json()["results"]] == ["达标四件套"]


def test_the_lists_read_a_fixed_number_of_queries(coop_a, api, client, bedding):
    scheme = published_scheme(api, coop_a)

    def grow(count):
        for index in range(count):
            _, user = member_with_account(coop_a, f"对标企业{index}{count}")
            row = declare(api, user, scheme, product_name=f"产品{index}{count}").json()
            api(coop_a.admin).post(f"{DECLARATIONS}{row['id']}/accept/")
            certify(api, coop_a, row["id"], number=f"N-{index}-{count}")
            declare(api, user, scheme, product_name=f"待审{index}{count}")
        published_scheme(api, coop_a, product=f"方案{count}")

    def counts():
        found = {}
        for label, call in [
            ("schemes api", lambda: api(coop_a.admin).get(SCHEMES)),
            ("declarations api", lambda: api(coop_a.admin).get(DECLARATIONS)),
            ("public api", lambda: api().get(PUBLIC)),
            ("public page", lambda: client.get("/benchmarked-products/")),
        ]:
            with CaptureQueriesContext(connection) as captured:
                assert call().status_code == 200
            found[label] = len(captured.captured_queries)
        client.force_login(coop_a.admin)
        for label, path in [
            ("schemes page", "/c/coop-a/benchmarking/schemes/"),
            ("declarations page", "/c/coop-a/benchmarking/declarations/"),
            ("review page", "/c/coop-a/benchmarking/review/"),
        ]:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(path).status_code == 200
            found[label] = len(captured.captured_queries)
        client.logout()
        return found

    grow(2)
    few = counts()
    grow(3)
    more = counts()
    assert more == few, (few, more)
    # The token (or session and user), the count, the rows, and a query a prefetched level
    # (indicators, their compared standards; a declaration's claims): nothing per row.
    assert few == {
        "schemes api": 6,
        "declarations api": 5,
        "public api": 4,
        "public page": 4,
        "schemes page": 5,
        "declarations page": 5,
        "review page": 5,
    }


def test_the_dashboard_shows_the_regions_benchmarking_figures(coop_a, coop_b, api, client, bedding):
    scheme = published_scheme(api, coop_a)
    published_scheme(api, coop_a, product="毛巾")
    rows = [
        declare(api, coop_a.enterprise, scheme, product_name=f"产品{i}").json() for i in range(3)
    ]
    for row in rows:
        api(coop_a.admin).post(f"{DECLARATIONS}{row['id']}/accept/")
    certify(api, coop_a, rows[0]["id"], number="C-1")
    certify(
        api,
        coop_a,
        rows[1]["id"],
        number="C-2",
        certified_on="2022-01-01",
        valid_until="2025-01-01",
    )
    theirs = published_scheme(api, coop_b)
    other = declare(api, coop_b.enterprise, theirs).json()
    api(coop_b.admin).post(f"{DECLARATIONS}{other['id']}/accept/")
    certify(api, coop_b, other["id"], number="C-3")
    expected = {"schemes": 2, "enterprises": 1, "products": 2, "certificates": 1}
    for user in (coop_a.supervisor, coop_a.admin):
        client.force_login(user)
        page = client.get("/dashboard/")
        assert page.context["benchmarking"] == expected
        text = page.content.decode().replace("\n", "").replace(" ", "")
        assert "已发布对标方案</dt><dd>2</dd>" in text and "有效证书</dt><dd>1</dd>" in text
    client.force_login(coop_b.admin)
    assert client.get("/dashboard/").context["benchmarking"] == {
        "schemes": 1,
        "enterprises": 1,
        "products": 1,
        "certificates": 1,
    }


def test_an_enterprise_corrects_a_returned_declaration_on_its_page(coop_a, api, client, bedding):
    scheme = published_scheme(api, coop_a)
    row = declare(api, coop_a.enterprise, scheme).json()
    api(coop_a.admin).post(f"{DECLARATIONS}{row['id']}/return/", {"reason": "报告过期"})
    first = scheme["indicators"][0]["id"]
    client.force_login(coop_a.enterprise)
    detail = f"/c/coop-a/benchmarking/declarations/{row['id']}/"
    page = client.get(detail).content.decode()
    assert "报告过期" in page and f'name="values.{first}"' in page and "重新提交" in page
    client.post(detail + "step/resubmit/", {f"values.{first}": "40"}, follow=True)
    with unscoped():
        assert BenchmarkDeclaration.objects.get().status == "returned"
    client.post(detail + "step/resubmit/", {f"values.{first}": "11"})
    with unscoped():
        found = BenchmarkDeclaration.objects.get()
        assert found.status == "submitted"
        assert str(found.claims.get(indicator_id=first).value) == "11.000"


def test_a_declaration_under_a_withdrawn_scheme_says_so_beside_the_scheme_and_on_accepting(
    coop_a, api, client, bedding
):
    scheme = published_scheme(api, coop_a)
    row = declare(api, coop_a.enterprise, scheme).json()
    detail = f"/c/coop-a/benchmarking/declarations/{row['id']}/"
    client.force_login(coop_a.admin)
    assert "status-withdrawn" not in client.get(detail).content.decode()
    api(coop_a.admin).post(f"{SCHEMES}{scheme['id']}/withdraw/", {"reason": "标准更新"})
    page = client.get(detail).content.decode()
    assert '<span class="status status-withdrawn">已撤回</span>' in page
    refused = client.post(f"{detail}step/accept/", {"reason": ""}, follow=True)
    html = refused.content.decode()
    assert "只有已发布方案下的申报才能受理" in html
    with unscoped():
        assert BenchmarkDeclaration.objects.get(pk=row["id"]).status == "submitted"


def test_the_public_list_comes_from_the_cache_until_a_product_is_certified(
    coop_a, api, bedding, settings, django_capture_on_commit_callbacks, django_assert_num_queries
):
    from django.test import Client

    from coop import public_cache

    settings.PUBLIC_CACHE_SECONDS = 600
    public_cache.bump()
    scheme = published_scheme(api, coop_a)
    row = declare(api, coop_a.enterprise, scheme, product_name="缓存四件套").json()
    api(coop_a.admin).post(f"{DECLARATIONS}{row['id']}/accept/")
    visitor = Client()
    for url in ("/benchmarked-products/", PUBLIC):
        assert visitor.get(url)["X-Public-Cache"] == "miss"
        with django_assert_num_queries(0):
            again = visitor.get(url)
        assert again["X-Public-Cache"] == "hit" and "缓存四件套" not in again.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert certify(api, coop_a, row["id"], number="C-1").status_code == 200
    for url in ("/benchmarked-products/", PUBLIC):
        shown = visitor.get(url)
        assert shown["X-Public-Cache"] == "miss" and "缓存四件套" in shown.content.decode()
