"""Foreign technical trade measures: matched to exactly the members exporting a touched product
to the notifying country, alerted by inbox and mail, acknowledged once; staff see who has not;
nothing of one cooperative reaches another's users."""

import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from coop.models import StepEvent
from coop.tenancy import unscoped
from exports.models import ExportProduct, MeasureAlert, TradeMeasure
from tests.exports.conftest import (
    ALERTS,
    MEASURES,
    PRODUCTS,
    exports,
    measure_payload,
    member_with_account,
)


def post_measure(api, tenant, **overrides):
    return api(tenant.admin).post(MEASURES, measure_payload(tenant, **overrides), format="json")


def alerted_members(measure_id):
    with unscoped():
        return set(
            MeasureAlert.objects.filter(measure_id=measure_id).values_list("member", flat=True)
        )


def test_a_measure_on_an_hs_code_alerts_exactly_the_members_exporting_it_to_that_country(
    coop_a, coop_b, api
):
    exports(coop_a, coop_a.member, "630231", ["DE", "US"])
    elsewhere, elsewhere_user = member_with_account(coop_a, "只出口日本的家纺")
    exports(coop_a, elsewhere, "630231", ["JP"])  # the same code to another country
    other_code, other_code_user = member_with_account(coop_a, "出口美国被芯的家纺")
    exports(coop_a, other_code, "940440", ["US"])  # another code to the same country
    exports(coop_b, coop_b.member, "630231", ["US"])  # the same code there, another cooperative

    created = post_measure(api, coop_a)
    assert created.status_code == 201, created.json()
    measure = created.json()
    assert (measure["alerted"], measure["acknowledged"]) == (1, 0)
    assert alerted_members(measure["id"]) == {coop_a.member.pk}
    with unscoped():
        assert not MeasureAlert.objects.filter(cooperative=coop_b.cooperative).exists()

    # coop_b's measure on the same code alerts coop_b's exporter, never coop_a's.
    theirs = post_measure(api, coop_b).json()
    assert alerted_members(theirs["id"]) == {coop_b.member.pk}

    # The alerted member reads the measure with its alert; the others read nothing of it.
    mine = api(coop_a.enterprise).get(MEASURES).json()["results"]
    assert [m["id"] for m in mine] == [measure["id"]]
    assert mine[0]["my_alert"]["status"] == "pending"
    alert_id = mine[0]["my_alert"]["id"]
    for user in (elsewhere_user, other_code_user, coop_b.enterprise, coop_b.admin):
        assert measure["id"] not in [m["id"] for m in api(user).get(MEASURES).json()["results"]]
        assert api(user).get(f"{MEASURES}{measure['id']}/").status_code == 404
        assert api(user).get(f"{ALERTS}{alert_id}/").status_code == 404
        assert api(user).post(f"{ALERTS}{alert_id}/acknowledge/").status_code == 404
    assert api(coop_b.enterprise).get(ALERTS).json()["results"][0]["measure"] == theirs["id"]
    assert api(coop_b.enterprise).get(ALERTS).json()["count"] == 1


def test_a_measure_notified_by_the_eu_reaches_exports_to_its_member_states(coop_a, api):
    exports(coop_a, coop_a.member, "940440", ["FR"])
    measure = post_measure(api, coop_a, country="EU", hs_prefixes=["9404"]).json()
    assert alerted_members(measure["id"]) == {coop_a.member.pk}


def test_a_measure_by_category_alerts_the_category_s_exporters(coop_a, api, bedding):
    exports(coop_a, coop_a.member, "940490", ["KR"], category=bedding)
    measure = post_measure(api, coop_a, country="KR", hs_prefixes=[], categories=["bedding"]).json()
    assert alerted_members(measure["id"]) == {coop_a.member.pk}


def test_the_member_acknowledges_once_and_a_second_is_refused_writing_nothing(coop_a, api):
    exports(coop_a, coop_a.member, "630231", ["US"])
    post_measure(api, coop_a)
    alert_id = api(coop_a.enterprise).get(ALERTS).json()["results"][0]["id"]
    assert api(coop_a.admin).post(f"{ALERTS}{alert_id}/acknowledge/").status_code == 403
    done = api(coop_a.enterprise).post(f"{ALERTS}{alert_id}/acknowledge/", {"note": "已通知供应商"})
    assert done.status_code == 200, done.json()
    assert (done.json()["status"], done.json()["note"]) == ("acknowledged", "已通知供应商")
    with unscoped():
        before = (StepEvent.objects.count(), MeasureAlert.objects.get().acknowledged_at)
    again = api(coop_a.enterprise).post(f"{ALERTS}{alert_id}/acknowledge/", {"note": "再次"})
    assert again.status_code == 409
    assert "已确认" in again.json()["detail"]
    with unscoped():
        alert = MeasureAlert.objects.get()
        assert (StepEvent.objects.count(), alert.acknowledged_at) == before
        assert alert.note == "已通知供应商"
        assert list(
            StepEvent.objects.filter(workflow="trade_measure_alert").values_list("step", flat=True)
        ) == ["alert", "acknowledge"]


def test_the_alert_is_mailed_to_the_alerted_members_accounts_with_an_address(
    coop_a, api, mailoutbox, django_capture_on_commit_callbacks
):
    coop_a.enterprise.email = "export@a.example"
    coop_a.enterprise.save()
    second, _ = member_with_account(coop_a, "二号出口企业", email="second@a.example")
    exports(coop_a, second, "63023100", ["US"])
    _, bystander = member_with_account(coop_a, "不出口企业", email="nobody@a.example")
    exports(coop_a, coop_a.member, "630231", ["US"])
    with django_capture_on_commit_callbacks(execute=True):
        post_measure(api, coop_a)
    assert sorted(tuple(m.to) for m in mailoutbox) == [
        ("export@a.example",),
        ("second@a.example",),
    ]
    message = mailoutbox[0]
    assert "美国" in message.subject and "CPSIA" in message.subject
    assert "/c/coop-a/trade-measures/" in message.body


def test_staff_see_who_has_and_has_not_acknowledged(coop_a, api, client):
    exports(coop_a, coop_a.member, "630231", ["US"])
    late, _ = member_with_account(coop_a, "迟迟未确认的家纺")
    exports(coop_a, late, "630231", ["US"])
    measure = post_measure(api, coop_a).json()
    mine = api(coop_a.enterprise).get(ALERTS).json()["results"][0]["id"]
    api(coop_a.enterprise).post(f"{ALERTS}{mine}/acknowledge/")

    detail = api(coop_a.supervisor).get(f"{MEASURES}{measure['id']}/").json()
    assert (detail["alerted"], detail["acknowledged"]) == (2, 1)
    assert {(a["member_name"], a["status"]) for a in detail["alerts"]} == {
        (coop_a.member.name, "acknowledged"),
        ("迟迟未确认的家纺", "pending"),
    }
    pending = api(coop_a.admin).get(ALERTS, {"measure": measure["id"], "status": "pending"}).json()
    assert [a["member_name"] for a in pending["results"]] == ["迟迟未确认的家纺"]

    client.force_login(coop_a.admin)
    page = client.get(f"/c/coop-a/trade-measures/{measure['id']}/?status=pending")
    assert page.status_code == 200
    text = page.content.decode()
    assert "迟迟未确认的家纺" in text and coop_a.member.name not in text
    assert "待确认" in text


def test_the_enterprise_acknowledges_on_its_page_and_its_inbox_empties(coop_a, api, client):
    exports(coop_a, coop_a.member, "630231", ["US"])
    measure = post_measure(api, coop_a).json()
    inbox = api(coop_a.enterprise).get("/api/v1/me/inbox/").json()
    group = next(g for g in inbox["groups"] if g["key"] == "trade_measures")
    assert group["count"] == 1
    client.force_login(coop_a.enterprise)
    page = client.get(f"/c/coop-a/trade-measures/{measure['id']}/")
    assert page.status_code == 200 and "确认" in page.content.decode()
    with unscoped():
        alert = MeasureAlert.objects.get()
    client.post(f"/c/coop-a/trade-measures/alerts/{alert.pk}/step/acknowledge/", {"note": "已知悉"})
    with unscoped():
        assert MeasureAlert.objects.get().status == "acknowledged"
    inbox = api(coop_a.enterprise).get("/api/v1/me/inbox/").json()
    assert next(g for g in inbox["groups"] if g["key"] == "trade_measures")["count"] == 0


def test_a_new_export_product_a_measure_touches_alerts_its_member(coop_a, api):
    measure = post_measure(api, coop_a).json()
    assert alerted_members(measure["id"]) == set()
    added = api(coop_a.enterprise).post(
        PRODUCTS,
        {"name": "色织床单", "hs_code": "63023100", "markets": ["US", "CA"]},
        format="json",
    )
    assert added.status_code == 201, added.json()
    assert added.json()["market_names"] == ["加拿大", "美国"]  # by code
    assert alerted_members(measure["id"]) == {coop_a.member.pk}


def test_saving_a_product_matches_every_measure_in_queries_that_do_not_grow_with_them(
    coop_a, api, bedding
):
    """``match_product`` reads the measures once and tries each in Python: it alerts exactly
    whom ``touched_products`` (the SQL that matches a measure to all products) would, and
    saving a product that no measure touches asks as many queries with six measures as with
    two."""
    from exports.services.measures import touched_products

    kinds = [
        {"hs_prefixes": ["6302"]},  # by code, to the US
        {"hs_prefixes": ["9404"], "country": "DE"},  # another code
        {"hs_prefixes": [], "categories": ["bedding"], "country": "KR"},  # by category
        {"hs_prefixes": ["63"], "country": "EU"},  # the EU reaches France
        {"hs_prefixes": ["6302"], "country": "JP"},  # a market the product lacks
        {"hs_prefixes": ["630231"], "country": "CA"},
    ]
    for n, kind in enumerate(kinds):
        assert post_measure(api, coop_a, title=f"措施{n}", **kind).status_code == 201

    def saved_queries(member, **product):
        with CaptureQueriesContext(connection) as captured:
            exports(coop_a, member, **product)
        return len(captured.captured_queries)

    untouched = {"hs_code": "420212", "markets": ["BR"]}
    member, _user = member_with_account(coop_a, "箱包企业")
    with_six = saved_queries(member, **untouched)
    with unscoped():
        TradeMeasure.objects.filter(title__in=["措施2", "措施3", "措施4", "措施5"]).delete()
    other, _user = member_with_account(coop_a, "另一家箱包企业")
    assert saved_queries(other, **untouched) == with_six
    with unscoped():
        TradeMeasure.objects.all().delete()
    for n, kind in enumerate(kinds):
        post_measure(api, coop_a, title=f"措施{n}", **kind)
    bedding_maker, _user = member_with_account(coop_a, "床品企业")
    exports(coop_a, bedding_maker, "63023100", ["US", "FR", "KR"], category=bedding)
    with unscoped():
        for measure in TradeMeasure.objects.all():
            by_sql = {product.member_id for product in touched_products(measure)}
            assert alerted_members(measure.pk) == by_sql, measure.title
        touched = set(
            MeasureAlert.objects.filter(member=bedding_maker).values_list(
                "measure__title", flat=True
            )
        )
    assert touched == {"措施0", "措施2", "措施3"}


def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(coop_a, coop_b, api):
    cases = [
        (
            PRODUCTS,
            coop_a.enterprise,
            {"name": "床单", "hs_code": "63A2", "markets": ["US"]},
            "hs_code",
        ),
        (
            PRODUCTS,
            coop_a.enterprise,
            {"name": "床单", "hs_code": "63023", "markets": ["US"]},
            "hs_code",
        ),
        (
            PRODUCTS,
            coop_a.enterprise,
            {"name": "床单", "hs_code": "630231", "markets": ["XX"]},
            "markets",
        ),
        (
            PRODUCTS,
            coop_a.enterprise,
            {"name": "床单", "hs_code": "630231", "markets": []},
            "markets",
        ),
        (
            PRODUCTS,
            coop_a.admin,
            {"name": "床单", "hs_code": "630231", "markets": ["US"]},
            "member",
        ),
        (
            PRODUCTS,
            coop_b.admin,
            {"member": coop_a.member.pk, "name": "床单", "hs_code": "630231", "markets": ["US"]},
            "member",
        ),
        (MEASURES, coop_a.admin, measure_payload(coop_a, country="XX"), "country"),
        (MEASURES, coop_a.admin, measure_payload(coop_a, hs_prefixes=["63x"]), "hs_prefixes"),
        (MEASURES, coop_a.admin, measure_payload(coop_a, hs_prefixes=[]), "hs_prefixes"),
        (MEASURES, coop_a.admin, measure_payload(coop_a, categories=["nothing"]), "categories"),
        (MEASURES, coop_a.admin, measure_payload(coop_a, cooperative="coop-b"), "cooperative"),
        (
            MEASURES,
            coop_a.admin,
            measure_payload(coop_a, effective_on="2026-13-01"),
            "effective_on",
        ),
    ]
    for url, user, data, field in cases:
        response = api(user).post(url, data, format="json")
        assert response.status_code == 400, (data, response.content)
        assert field in response.json(), (field, response.json())
    assert (
        api(coop_a.supervisor).post(MEASURES, measure_payload(coop_a), format="json").status_code
        == 403
    )
    assert (
        api(coop_a.enterprise).post(MEASURES, measure_payload(coop_a), format="json").status_code
        == 403
    )
    with unscoped():
        assert not ExportProduct.objects.exists() and not TradeMeasure.objects.exists()


def test_another_cooperative_cannot_see_or_change_export_products_or_measures(
    coop_a, coop_b, api, client
):
    product = exports(coop_a, coop_a.member, "630231", ["US"])
    measure = post_measure(api, coop_a).json()
    for user in coop_b.users().values():
        assert api(user).get(PRODUCTS).json()["count"] == 0
        assert api(user).get(f"{PRODUCTS}{product.pk}/").status_code == 404
        patched = api(user).patch(f"{PRODUCTS}{product.pk}/", {"name": "改"}, format="json")
        assert patched.status_code == 404
        assert api(user).delete(f"{PRODUCTS}{product.pk}/").status_code == 404
        assert api(user).get(f"{MEASURES}{measure['id']}/").status_code == 404
        client.force_login(user)
        for path in [
            "/c/coop-a/export-products/",
            "/c/coop-a/export-products/new/",
            f"/c/coop-a/export-products/{product.pk}/edit/",
            "/c/coop-a/trade-measures/",
            f"/c/coop-a/trade-measures/{measure['id']}/",
            "/c/coop-a/trade-measures/new/",
            "/c/coop-a/trade-measures/import/",
        ]:
            assert client.get(path).status_code == 404, (user, path)
        assert client.post(f"/c/coop-a/export-products/{product.pk}/delete/").status_code == 404
    # Within the cooperative: another member's enterprise neither sees nor changes it.
    _, neighbour = member_with_account(coop_a, "邻居家纺")
    assert api(neighbour).get(f"{PRODUCTS}{product.pk}/").status_code == 404
    assert api(neighbour).get(f"{MEASURES}{measure['id']}/").status_code == 404
    client.force_login(neighbour)
    assert client.get(f"/c/coop-a/trade-measures/{measure['id']}/").status_code == 404
    with unscoped():
        assert ExportProduct.objects.get().name == "床单"


def sheet(rows):
    book = Workbook()
    book.active.append(
        ["通报国家", "标题", "措施内容", "HS编码前缀", "产品类别", "生效日期", "通报编号"]
    )
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "measures.xlsx"
    return buffer


def test_measures_are_imported_from_a_sheet_all_or_none(coop_a, client):
    exports(coop_a, coop_a.member, "940440", ["JP"])
    client.force_login(coop_a.admin)
    bad = client.post(
        "/c/coop-a/trade-measures/import/",
        {
            "file": sheet(
                [
                    [
                        "日本",
                        "甲醛限量",
                        "婴幼儿纺织品甲醛不得检出",
                        "6302, 9404",
                        "",
                        "2026-04-01",
                        "法律第112号",
                    ],
                    ["火星", "无", "无", "6302", "", "2026-04-01", ""],
                    ["US", "CPSIA", "铅", "63x", "", "2026-04-01", ""],
                ]
            )
        },
    )
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "3" in text and "country" in text and "hs_prefixes" in text
    with unscoped():
        assert not TradeMeasure.objects.exists()
    good = client.post(
        "/c/coop-a/trade-measures/import/",
        {
            "file": sheet(
                [
                    [
                        "日本",
                        "甲醛限量",
                        "婴幼儿纺织品甲醛不得检出",
                        "6302、9404",
                        "",
                        "2026-04-01",
                        "法律第112号",
                    ],
                    ["US", "CPSIA", "铅", "9404", "", "2026-04-01", ""],
                ]
            )
        },
    )
    assert good.status_code == 302
    with unscoped():
        assert sorted(TradeMeasure.objects.values_list("country", flat=True)) == ["JP", "US"]
        assert MeasureAlert.objects.get().measure.country == "JP"
    template = client.get("/c/coop-a/trade-measures/import/template.xlsx")
    assert template.status_code == 200


def test_the_lists_read_a_fixed_number_of_queries(coop_a, api, client, bedding):
    def grow(count):
        for index in range(count):
            member, _ = member_with_account(coop_a, f"出口企业{index}{count}")
            exports(coop_a, member, "630231", ["US", "DE"], category=bedding)
            post_measure(api, coop_a, title=f"措施{index}{count}")

    def counts():
        found = {}
        for name, user, url in [
            ("measures", coop_a.admin, MEASURES),
            ("enterprise measures", coop_a.enterprise, MEASURES),
            ("alerts", coop_a.admin, ALERTS),
            ("products", coop_a.admin, PRODUCTS),
        ]:
            client_for = api(user)
            with CaptureQueriesContext(connection) as captured:
                assert client_for.get(url).status_code == 200
            found[name] = len(captured.captured_queries)
        client.force_login(coop_a.admin)
        for path in ["/c/coop-a/trade-measures/", "/c/coop-a/export-products/"]:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(path).status_code == 200
            found[path] = len(captured.captured_queries)
        measure = api(coop_a.admin).get(MEASURES).json()["results"][0]["id"]
        for label, path in [
            ("detail page", f"/c/coop-a/trade-measures/{measure}/"),
            ("detail api", f"{MEASURES}{measure}/"),
        ]:
            with CaptureQueriesContext(connection) as captured:
                if path.startswith("/api/"):
                    assert api(coop_a.admin).get(path).status_code == 200
                else:
                    assert client.get(path).status_code == 200
            found[label] = len(captured.captured_queries)
        return found

    exports(coop_a, coop_a.member, "630231", ["US"])
    grow(2)
    few = counts()
    grow(4)
    more = counts()
    assert more == few, (few, more)
    assert few == PINNED


# Queries of each list, whatever its length: the token (or session and user), the count, the
# page's rows and each prefetch (a measure's categories; an enterprise's own alerts; a
# product's markets); pages add the session, the user and the cooperative of the URL.
PINNED = {
    "measures": 4,
    "enterprise measures": 6,
    "alerts": 3,
    "products": 4,
    "/c/coop-a/trade-measures/": 6,
    "/c/coop-a/export-products/": 6,
    "detail page": 7,
    "detail api": 5,
}
