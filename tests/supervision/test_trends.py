"""The trend of key indicators (supervision/trends.py): failure rates and counts tested by year
against the hand-counted data of tests/supervision/chain_data.py, per cooperative and region,
on its pages, the dashboard and the annual report; isolation; query counts."""

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from coop.tenancy import scope, unscoped
from supervision import reports, trends
from tests.supervision.chain_data import YEAR, add_finished, chain_data  # noqa: F401


def series(body, code):
    indicator = next(row for row in body["indicators"] if row["code"] == code)
    return [(y["year"], y["tested"], y["failed"], y["failure_rate"]) for y in indicator["years"]]


def test_the_key_indicators_agree_with_the_hand_count(coop_a, chain, api):
    answer = api(coop_a.admin).get(f"/api/v1/statistics/indicator-trends/?year={YEAR}")
    assert answer.status_code == 200
    body = answer.json()
    assert [row["code"] for row in body["indicators"]] == ["formaldehyde", "azo-amines", "ph"]
    assert (body["first"], body["last"]) == (YEAR - 2, YEAR)
    # F1, F2 and the ten finished-goods batches this year (F2 failed); G2's last year.
    assert series(body, "formaldehyde") == [
        (YEAR - 2, 0, 0, None),
        (YEAR - 1, 1, 1, 100.0),
        (YEAR, 12, 1, 8.3),
    ]
    # The re-test's pH result counts as a result judged.
    assert series(body, "ph") == [(YEAR - 2, 0, 0, None), (YEAR - 1, 1, 0, 0.0), (YEAR, 13, 1, 7.7)]
    assert all(tested == 0 for _y, tested, _f, _r in series(body, "azo-amines"))
    cooperatives = body["indicators"][0]["cooperatives"]
    assert [row["cooperative"] for row in cooperatives] == ["coop-a"]


def test_any_indicator_and_years_by_choice(coop_a, chain, api):
    body = (
        api(coop_a.admin)
        .get(f"/api/v1/statistics/indicator-trends/?indicator=formaldehyde&year={YEAR}&years=6")
        .json()
    )
    assert [row["code"] for row in body["indicators"]] == ["formaldehyde"]
    assert series(body, "formaldehyde")[0] == (YEAR - 5, 1, 1, 100.0)
    assert len(series(body, "formaldehyde")) == 6
    both = (
        api(coop_a.admin)
        .get("/api/v1/statistics/indicator-trends/?indicator=ph,formaldehyde")
        .json()
    )
    assert [row["code"] for row in both["indicators"]] == ["ph", "formaldehyde"]


@pytest.mark.parametrize(
    "query, field",
    [
        ("indicator=nothing", "indicator"),
        ("years=11", "years"),
        ("years=-1", "years"),
        ("year=20x6", "year"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(coop_a, api, query, field):
    answer = api(coop_a.admin).get(f"/api/v1/statistics/indicator-trends/?{query}")
    assert answer.status_code == 400
    assert field in answer.json()


def test_a_supervisor_sees_only_its_regions_cooperatives(coop_a, coop_b, chain, api, client):
    mine = api(coop_b.supervisor).get(f"/api/v1/statistics/indicator-trends/?year={YEAR}").json()
    assert series(mine, "formaldehyde")[-1] == (YEAR, 1, 1, 100.0)  # coop B's one batch
    assert {row["cooperative"] for row in mine["indicators"][0]["cooperatives"]} == {"coop-b"}
    assert (
        api(coop_b.supervisor)
        .get("/api/v1/statistics/indicator-trends/?cooperative=coop-a")
        .status_code
        == 404
    )
    assert (
        api(coop_a.supervisor)
        .get("/api/v1/statistics/indicator-trends/?cooperative=coop-a")
        .status_code
        == 200
    )
    for role in ("lab", "enterprise"):
        user = getattr(coop_a, role)
        assert api(user).get("/api/v1/statistics/indicator-trends/").status_code == 403
        client.force_login(user)
        assert client.get("/trends/").status_code == 403
    client.force_login(coop_b.supervisor)
    page = client.get("/trends/", {"year": YEAR})
    assert coop_a.cooperative.name_zh not in page.content.decode()
    assert client.get("/c/coop-a/trends/").status_code == 404


def test_the_pages_draw_a_chart_with_its_table(coop_a, chain, client):
    client.force_login(coop_a.admin)
    page = client.get("/c/coop-a/trends/", {"year": YEAR, "indicator": "formaldehyde"})
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 1
    assert '<td class="num">12</td><td class="num">1</td><td class="num">8.3</td>' in html
    client.force_login(coop_a.supervisor)
    region = client.get("/trends/", {"year": YEAR}).content.decode()
    assert region.count('<svg xmlns="http://www.w3.org/2000/svg"') == 3
    assert coop_a.cooperative.name_zh in region  # by cooperative


def test_the_dashboard_shows_the_trend_of_key_indicators(coop_a, chain, client):
    client.force_login(coop_a.supervisor)
    page = client.get("/dashboard/", {"year": YEAR})
    trends = page.context["trends"]
    assert [row["code"] for row in trends["indicators"]] == ["formaldehyde", "azo-amines", "ph"]
    assert trends["indicators"][0]["years"][-1]["rate"] == 8.3
    html = page.content.decode()
    assert '<td class="num">12</td><td class="num">1</td><td class="num">8.3</td>' in html
    # The count of results tested, not the test report's dates (检测日期) of the same msgid.
    assert '<th scope="col" class="num">检测数</th>' in html and "检测日期" not in html
    # The portal's first year: the span begins there, not before.
    first = client.get("/dashboard/", {"year": 2000})
    assert first.status_code == 200
    assert [row["year"] for row in first.context["trends"]["indicators"][0]["years"]] == [2000]
    assert client.get("/c/coop-a/chain-map/", {"year": 2001}).status_code == 200


def test_the_dashboard_sums_the_kept_trend_as_the_trends_page_counts_it(coop_a, chain, client):
    """The dashboard's trend comes from the kept figures (one row a cooperative and year,
    supervision/kept_figures.py), not from the results on each request: the same figures as
    ``indicator_trends`` counts from the results, and once the rows are kept no query reads
    a result."""
    from coop.models import Cooperative
    from supervision.chain_map import last_years

    add_finished(coop_a, 3, batches_each=2)
    client.force_login(coop_a.supervisor)
    shown = client.get("/dashboard/", {"year": YEAR}).context["trends"]
    with unscoped():
        visible = list(
            Cooperative.objects.filter(region=coop_a.cooperative.region).values_list(
                "pk", flat=True
            )
        )
        counted = trends.indicator_trends(
            visible, trends.KEY_INDICATORS, *last_years(YEAR), strict=False
        )
    for indicator in shown["indicators"]:
        indicator.pop("chart")
    assert shown == counted
    assert shown["indicators"][0]["years"][-1]["tested"] == 12 + 3 * 2
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/dashboard/", {"year": YEAR}).status_code == 200
    assert not [q for q in captured.captured_queries if "testing_fund_result" in q["sql"]]


def test_the_annual_report_carries_the_trend_table(coop_a, chain):
    with scope({coop_a.cooperative.pk}):
        data = reports.gather(coop_a.cooperative, YEAR)
        data.update(reports.draw(data), generated=None)
        html = render_to_string("coop/annual_report.html", data)
    formaldehyde = data["indicator_trends"]["indicators"][0]
    assert [row["rate"] for row in formaldehyde["years"]] == [None, 100.0, 8.3]
    assert "8.3% (1/12)" in html and "100.0% (1/1)" in html


def queries(client, path, params):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path, params).status_code == 200
    return len(captured)


def test_the_queries_do_not_grow_with_results(
    coop_a, chain, client, api, django_assert_num_queries
):
    client.force_login(coop_a.supervisor)
    pages = [("/trends/", {"year": YEAR}), ("/c/coop-a/trends/", {"year": YEAR})]
    small = [queries(client, path, params) for path, params in pages]
    add_finished(coop_a, 5, batches_each=3)
    assert small == [queries(client, path, params) for path, params in pages]
    # session, user, the cooperatives in reach; indicators named, results grouped, the
    # cooperatives' names, the indicators to choose from
    with django_assert_num_queries(7):
        client.get("/trends/", {"year": YEAR})
    token_client = api(coop_a.supervisor)
    # token (and its user), the cooperatives in reach; slugs, indicators, results
    with django_assert_num_queries(5):
        token_client.get("/api/v1/statistics/indicator-trends/")
