"""The export pages, walked by the roles that use them, in Chinese."""

from coop.tenancy import unscoped
from exports.models import ExportProduct, MeasureAlert, TradeMeasure
from tests.exports.conftest import exports


def test_an_enterprise_enters_its_export_products_on_its_page(coop_a, client, bedding):
    client.force_login(coop_a.enterprise)
    form = client.get("/c/coop-a/export-products/new/")
    assert form.status_code == 200 and "美国" in form.content.decode()
    bad = client.post(
        "/c/coop-a/export-products/new/", {"name": "床单", "hs_code": "6302", "markets": ["US"]}
    )
    assert bad.status_code == 200 and "HS 编码为 6 至 10 位数字" in bad.content.decode()
    made = client.post(
        "/c/coop-a/export-products/new/",
        {"name": "床单", "hs_code": "630231", "markets": ["US", "JP"], "category": bedding.pk},
    )
    assert made.status_code == 302
    listed = client.get("/c/coop-a/export-products/").content.decode()
    assert "床单" in listed and "美国、日本" not in listed and "日本、美国" in listed
    with unscoped():
        product = ExportProduct.objects.get()
    assert product.member == coop_a.member
    edited = client.post(
        f"/c/coop-a/export-products/{product.pk}/edit/",
        {"name": "色织床单", "hs_code": "630231", "markets": ["DE"]},
    )
    assert edited.status_code == 302
    assert "德国" in client.get("/c/coop-a/export-products/").content.decode()
    client.post(f"/c/coop-a/export-products/{product.pk}/delete/")
    with unscoped():
        assert not ExportProduct.objects.exists()


def test_the_administrator_enters_a_measure_on_the_page_and_the_member_is_alerted(
    coop_a, client, bedding
):
    exports(coop_a, coop_a.member, "940440", ["JP"], category=bedding)
    client.force_login(coop_a.admin)
    assert "出口质量" in client.get("/c/coop-a/trade-measures/").content.decode()  # the menu
    refused = client.post(
        "/c/coop-a/trade-measures/new/",
        {"country": "JP", "title": "甲醛", "text": "限量", "effective_on": "2026-04-01"},
    )
    assert refused.status_code == 200 and "请填写涉及的产品" in refused.content.decode()
    saved = client.post(
        "/c/coop-a/trade-measures/new/",
        {
            "country": "JP",
            "title": "日本家用品法甲醛限量",
            "text": "婴幼儿纺织品甲醛不得检出",
            "categories": [bedding.pk],
            "effective_on": "2026-04-01",
            "reference": "昭和48年法律第112号",
        },
    )
    assert saved.status_code == 302
    with unscoped():
        measure = TradeMeasure.objects.get()
        assert MeasureAlert.objects.get().member == coop_a.member
    detail = client.get(f"/c/coop-a/trade-measures/{measure.pk}/").content.decode()
    assert "日本" in detail and "待确认" in detail and coop_a.member.name in detail
    listed = client.get("/c/coop-a/trade-measures/").content.decode()
    assert "0 / 1" in listed

    client.force_login(coop_a.enterprise)
    mine = client.get("/c/coop-a/trade-measures/").content.decode()
    assert "日本家用品法甲醛限量" in mine
    assert client.get("/c/coop-a/trade-measures/new/").status_code == 403
