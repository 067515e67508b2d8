"""The industry-chain map (supervision/chain_map.py): its figures against hand-counted data
(tests/supervision/chain_data.py), the public rule (no member named, no cell under 3), the
drill-down to the batches, isolation, and query counts that do not grow with the data."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from coop.tenancy import unscoped
from members import demo as member_demo
from members.models import ChainLink, Member
from testing_fund.models import Fund
from tests.factories import CooperativeFactory, MemberFactory
from tests.supervision.chain_data import (  # noqa: F401
    YEAR,
    add_finished,
    batch,
    chain_data,
    funds,
    link,
)


def rows_by_code(links):
    return {row["code"]: row for row in links}


def test_the_staff_map_agrees_with_the_hand_count(coop_a, chain, api):
    body = api(coop_a.admin).get(f"/api/v1/coops/coop-a/chain-map/?year={YEAR}").json()
    links = rows_by_code(body["links"])
    assert [row["code"] for row in body["links"]] == [
        "fibre-yarn",
        "fabric",
        "dyeing-finishing",
        "accessories",
        "finished-goods",
        "trade-ecommerce",
        "none",
    ]
    assert links["fabric"] == {
        "code": "fabric",
        "name": "面料",
        "industry": "textile",
        "members": 2,
        "above_size": 1,
        "batches": 2,
        "passed": 1,
        "rate": 50.0,
    }
    # Ten batches (the re-test left out), nine passed.
    assert (links["finished-goods"]["members"], links["finished-goods"]["above_size"]) == (5, 3)
    assert (links["finished-goods"]["batches"], links["finished-goods"]["passed"]) == (10, 9)
    assert links["finished-goods"]["rate"] == 90.0
    assert (links["none"]["members"], links["none"]["batches"]) == (1, 0)  # the fixture's own
    assert links["accessories"]["members"] == 0 and links["accessories"]["rate"] is None
    assert body["total"] == {
        "members": 8,
        "above_size": 4,
        "batches": 12,
        "passed": 10,
        "rate": 83.3,
    }
    towns = {row["town"]: row for row in body["towns"]}
    assert towns["常乐镇"]["members_by_link"]["fabric"] == 2
    assert towns["三厂街道"]["members_by_link"] == {
        "fibre-yarn": 0,
        "fabric": 0,
        "dyeing-finishing": 0,
        "accessories": 0,
        "finished-goods": 5,
        "trade-ecommerce": 0,
        "none": 1,
    }
    assert [row["members"] for row in body["districts"]] == [8]


def test_the_weak_links_agree_with_the_hand_count(coop_a, chain, api):
    body = api(coop_a.supervisor).get(f"/api/v1/coops/coop-a/chain-map/?year={YEAR}").json()
    weak = body["weak_links"]
    assert (weak["first"], weak["last"]) == (YEAR - 2, YEAR)
    cells = {
        (row["code"], cell["indicator"]): (cell["tested"], cell["failed"], cell["failure_rate"])
        for row in weak["links"]
        for cell in row["by_indicator"]
    }
    assert cells[("fabric", "formaldehyde")] == (2, 1, 50.0)
    assert cells[("fabric", "ph")] == (2, 0, 0.0)
    # This year's ten and last year's one; the batch of five years ago is outside.
    assert cells[("finished-goods", "formaldehyde")] == (11, 1, 9.1)
    # The re-test's result counts: 10 + 1 + last year's 1.
    assert cells[("finished-goods", "ph")] == (12, 1, 8.3)
    by_year = {
        row["code"]: [(y["year"], y["tested"], y["failed"]) for y in row["by_year"]]
        for row in weak["links"]
    }
    assert by_year["finished-goods"] == [(YEAR - 2, 0, 0), (YEAR - 1, 2, 1), (YEAR, 21, 1)]
    # Five years ago is in a six-year span.
    six = (
        api(coop_a.supervisor)
        .get(f"/api/v1/coops/coop-a/chain-map/?year={YEAR}&years=6")
        .json()["weak_links"]
    )
    cells = {
        (row["code"], cell["indicator"]): cell["tested"]
        for row in six["links"]
        for cell in row["by_indicator"]
    }
    assert cells[("finished-goods", "formaldehyde")] == 12


def test_the_region_map_spans_the_regions_cooperatives(coop_a, coop_b, chain, client):
    neighbour = CooperativeFactory(region=coop_a.cooperative.region, name_zh="邻社")
    member = MemberFactory(cooperative=neighbour, chain_link=link("fabric"))
    with unscoped():
        fund = Fund.objects.create(cooperative=neighbour, year=YEAR)
    batch(member, fund, coop_a.lab.institution, date(YEAR, 2, 1), False, {"formaldehyde": "fail"})
    client.force_login(coop_a.supervisor)
    page = client.get("/chain/", {"year": YEAR})
    assert page.status_code == 200
    fabric = next(
        row for row in page.context["map"]["links"] if row["link"] and row["link"].code == "fabric"
    )
    assert (fabric["figures"].members, fabric["figures"].batches) == (3, 3)
    weak = page.context["weak"]
    assert len(weak["cooperative_ids"]) == 2
    fabric_weak = next(row for row in weak["rows"] if row["key"] == str(link("fabric").pk))
    assert [cell["rate"] for cell in fabric_weak["cooperatives"]] == [25.0, 100.0]  # 1 of 4; 1 of 1
    assert "邻社" in page.content.decode()
    # Another region's supervisor sees none of it.
    client.force_login(coop_b.supervisor)
    other = client.get("/chain/", {"year": YEAR})
    assert other.context["map"]["total"].members == 2  # coop B's fixture member and its fabric
    assert "邻社" not in other.content.decode()
    assert coop_a.cooperative.name_zh not in other.content.decode()


def test_the_heat_tables_cells_lead_to_the_batches_behind_them(coop_a, chain, client):
    client.force_login(coop_a.admin)
    page = client.get("/c/coop-a/chain-map/", {"year": YEAR})
    html = page.content.decode()
    finished = link("finished-goods").pk
    drill = (
        f"/c/coop-a/chain-map/batches/?year={YEAR}&amp;years=3&amp;link={finished}"
        "&amp;indicator=ph&amp;failed=1"
    )
    assert drill in html
    found = client.get(drill.replace("&amp;", "&"))
    assert [row.pk for row in found.context["page"]] == [chain["failed_ph"].pk]
    # The failed batches of the fabric link this year: F2's.
    fabric = link("fabric").pk
    failed = client.get(
        "/c/coop-a/chain-map/batches/", {"year": YEAR, "link": fabric, "passed": "false"}
    )
    assert [row.member.name for row in failed.context["page"]] == ["织布乙"]
    # Not placed in the chain: the fixture's member has no batch.
    unplaced = client.get("/c/coop-a/chain-map/batches/", {"year": YEAR, "link": "none"})
    assert unplaced.context["page"].paginator.count == 0
    # Every batch of the finished link this year, the re-test left out, as the map counts.
    every = client.get("/c/coop-a/chain-map/batches/", {"year": YEAR, "link": finished})
    assert every.context["page"].paginator.count == 10
    # Last year's failure on formaldehyde, in the three years' cell.
    formaldehyde = client.get(
        "/c/coop-a/chain-map/batches/",
        {"year": YEAR, "years": 3, "link": finished, "indicator": "formaldehyde", "failed": "1"},
    )
    assert [row.pk for row in formaldehyde.context["page"]] == [chain["last_year"].pk]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"years": "0"}, "years"),
        ({"years": "x"}, "years"),
        ({"link": "a"}, "link"),
        ({"year": "1"}, "year"),
        ({"passed": "maybe"}, "passed"),
        ({"district": "x"}, "district"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(coop_a, chain, client, api, params, field):
    client.force_login(coop_a.admin)
    page = client.get("/c/coop-a/chain-map/batches/", params)
    assert page.status_code == 400
    if field in ("years", "year"):
        answer = api(coop_a.admin).get("/api/v1/coops/coop-a/chain-map/", params)
        assert answer.status_code == 400 and field in answer.json()


def public_cells(body):
    for table in ("links", "districts"):
        yield from body[table]


def test_the_public_map_names_no_member_and_shows_no_cell_under_three(coop_a, chain, api):
    names = [
        chain["f1"].name,
        chain["f2"].name,
        *(m.name for m in chain["goods"]),
        coop_a.member.name,
        chain["other"].name,
    ]
    answer = api().get(f"/api/v1/public/coops/coop-a/chain-map/?year={YEAR}")
    assert answer.status_code == 200
    body = answer.json()
    text = answer.content.decode()
    assert not any(name in text for name in names)
    for cell in public_cells(body):
        for key in ("members", "above_size", "batches"):
            assert cell[key] is None or cell[key] >= 3, (cell, key)
    links = rows_by_code(body["links"])
    # Fabric's 2 members hidden, and its pass rate; finished goods' 5 shown with theirs.
    assert links["fabric"] == {
        "code": "fabric",
        "name": "面料",
        "members": None,
        "above_size": None,
        "batches": None,
        "rate": None,
        "withheld": False,
    }
    # Two small cells (fabric, and the one unplaced member): neither shows by subtraction.
    # But the finished goods' pass rate would give fabric's away (the cooperative's page
    # gives the pass rate of all): withheld.
    assert links["finished-goods"] == {
        "code": "finished-goods",
        "name": "成品",
        "members": 5,
        "above_size": 3,
        "batches": None,
        "rate": None,
        "withheld": True,
    }
    assert links["none"]["members"] is None  # the fixture's one unplaced member
    assert "accessories" not in links  # a link without members is left out
    page = Client().get("/c/coop-a/chain/", {"year": YEAR})
    html = page.content.decode()
    assert page.status_code == 200
    assert not any(name in html for name in names)
    numbers = [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', html)]
    assert numbers and all(n >= 3 for n in numbers)
    # Hidden and withheld figures are marked alike: "<3" told a reader which were 1 or 2.
    assert "×" in html and "&lt;" not in html


def shown(cell):
    return (cell["members"], cell["batches"], cell["rate"], cell["withheld"])


def test_a_pass_rate_from_fewer_than_three_members_is_hidden(coop_a, chain, api):
    # Three more fabric members without batches, two more not placed: no small cell left.
    MemberFactory.create_batch(3, cooperative=coop_a.cooperative, chain_link=link("fabric"))
    MemberFactory.create_batch(2, cooperative=coop_a.cooperative)
    body = api().get(f"/api/v1/public/coops/coop-a/chain-map/?year={YEAR}").json()
    links = rows_by_code(body["links"])
    # Five fabric members now, but the batches come from two of them: no pass rate. The
    # cooperative's page gives its pass rate, so the finished goods' alone would give
    # fabric's away: withheld too.
    assert shown(links["fabric"]) == (5, None, None, False)
    assert shown(links["finished-goods"]) == (5, None, None, True)
    assert shown(links["none"]) == (3, None, None, False)


def test_a_single_small_cell_is_not_given_away_by_subtraction(coop_a, chain, api):
    # Two more not placed: three; fabric's two the one small cell left.
    MemberFactory.create_batch(2, cooperative=coop_a.cooperative)
    body = api().get(f"/api/v1/public/coops/coop-a/chain-map/?year={YEAR}").json()
    links = rows_by_code(body["links"])
    assert shown(links["fabric"]) == (None, None, None, False)
    # The smallest shown cell is withheld with it (the unplaced three, before the five).
    assert shown(links["none"]) == (None, None, None, True)
    assert shown(links["finished-goods"]) == (5, None, None, True)


def test_another_cooperatives_users_get_404_and_others_403(coop_a, coop_b, chain, client, api):
    for user in coop_b.users().values():
        client.force_login(user)
        for path in ("/c/coop-a/chain-map/", "/c/coop-a/chain-map/batches/", "/c/coop-a/trends/"):
            assert client.get(path).status_code == 404, (user, path)
        assert api(user).get("/api/v1/coops/coop-a/chain-map/").status_code == 404
    for role in ("lab", "enterprise"):
        client.force_login(getattr(coop_a, role))
        assert client.get("/c/coop-a/chain-map/").status_code == 403
        assert client.get("/chain/").status_code == 403
        assert api(getattr(coop_a, role)).get("/api/v1/coops/coop-a/chain-map/").status_code == 403
    assert api().get("/api/v1/coops/coop-a/chain-map/").status_code in (401, 403)
    # The region drill-down of coop B's staff shows none of coop A's batches.
    client.force_login(coop_b.admin)
    rows = client.get("/chain/batches/", {"year": YEAR}).context["page"]
    assert {row.cooperative_id for row in rows} == {coop_b.cooperative.pk}


def page_queries(client, path, params):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path, params).status_code == 200
    return len(captured)


def test_the_queries_do_not_grow_with_members_or_batches(
    coop_a, chain, client, api, django_assert_num_queries
):
    client.force_login(coop_a.admin)
    paths = [
        ("/c/coop-a/chain-map/", {"year": YEAR}),
        ("/chain/", {"year": YEAR}),
        ("/c/coop-a/chain-map/batches/", {"year": YEAR}),
        ("/c/coop-a/chain/", {"year": YEAR}),
    ]
    small = [page_queries(client, path, params) for path, params in paths]
    add_finished(coop_a, 6, batches_each=3, town="悦来镇")
    large = [page_queries(client, path, params) for path, params in paths]
    assert small == large
    # session, user, cooperative; members, batches, links; results, indicators
    with django_assert_num_queries(8):
        client.get("/c/coop-a/chain-map/", {"year": YEAR})
    # session, user, cooperative; the page's count and rows
    with django_assert_num_queries(5):
        client.get("/c/coop-a/chain-map/batches/", {"year": YEAR})
    # the cooperative; members, batches, links
    with django_assert_num_queries(4):
        api().get(f"/api/v1/public/coops/coop-a/chain-map/?year={YEAR}")


def test_staff_set_a_members_link_on_its_form(coop_a, client):
    from tests.factories import member_form

    client.force_login(coop_a.admin)
    fabric = link("fabric")
    answer = client.post(
        f"/c/coop-a/members/{coop_a.member.pk}/edit/",
        member_form(coop_a.member, chain_link=fabric.pk),
    )
    assert answer.status_code == 302
    with unscoped():
        assert Member.objects.get(pk=coop_a.member.pk).chain_link == fabric


def test_the_demo_places_members_in_the_chain_once(coop_a):
    roles = ["raw_material"] * 15 + ["auxiliary_material"] * 15 + ["finished_product"] * 70
    for role in roles:
        MemberFactory(cooperative=coop_a.cooperative, chain_role=role)
    quiet = lambda *args: None  # noqa: E731
    with unscoped():  # as the demo's seed runs it (supervision/demo.py)
        assert member_demo.seed_chain_links(coop_a.cooperative, log=quiet) == 101
        assert member_demo.seed_chain_links(coop_a.cooperative, log=quiet) == 0
    allowed = {
        ("raw_material", "fibre-yarn"),
        ("raw_material", "fabric"),
        ("auxiliary_material", "dyeing-finishing"),
        ("auxiliary_material", "accessories"),
        ("finished_product", "finished-goods"),
        ("finished_product", "trade-ecommerce"),
    }
    with unscoped():
        members = Member.objects.filter(cooperative=coop_a.cooperative)
        assert not members.filter(chain_link=None).exists()
        pairs = list(members.values_list("chain_role", "chain_link__code"))
    assert set(pairs) <= allowed
    # About six in seven of the 71 finished-product makers (the fixture's own is one).
    finished_goods = sum(1 for _role, code in pairs if code == "finished-goods")
    assert 45 <= finished_goods <= 70
    assert ChainLink.objects.filter(industry="textile").count() == 6


def test_pass_rates_from_three_members_or_more_are_shown(coop_a, chain, api):
    extra = MemberFactory.create_batch(3, cooperative=coop_a.cooperative, chain_link=link("fabric"))
    fund = funds(coop_a)[YEAR]
    for member in extra:
        batch(member, fund, coop_a.lab.institution, date(YEAR, 7, 1), True, {"ph": "pass"})
    MemberFactory.create_batch(2, cooperative=coop_a.cooperative)
    body = api().get(f"/api/v1/public/coops/coop-a/chain-map/?year={YEAR}").json()
    links = rows_by_code(body["links"])
    assert shown(links["fabric"]) == (5, 5, 80.0, False)  # four of five passed
    assert shown(links["finished-goods"]) == (5, 10, 90.0, False)
    assert shown(links["none"]) == (3, None, None, False)  # no batch
