"""The programmes on a member's record (members/programmes.py): each programme above members
counts the member's rows (export products, trade-measure alerts, same-line declarations,
trademark licences, design reviews, infringement reports, questions) in one query, and links to
its list narrowed to the member; the other cooperative's staff see none of it."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.chains.conftest import SIGNED, make_agreement
from tests.consultation.helpers import ask
from tests.exports.conftest import exports, member_with_account

RECORD_QUERIES = 16
LISTS = {
    "export-products": "export_products",
    "trade-measures": "trade_alerts",
    "same-line": "same_line",
    "brands/licences": "trademark_licences",
    "brands/design-reviews": "design_reviews",
    "brands/infringements": "infringement_reports",
    "questions": "questions",
    "chain-agreements": "chain_supplier",
    "benchmarking/declarations": "benchmark_declarations",
}


def record(client, tenant, member):
    return client.get(f"/c/{tenant.slug}/members/{member.pk}/")


def counts(page):
    return {row["key"]: row["count"] for row in page.context["programmes"]}


def test_the_record_counts_and_links_each_programme(coop_a, client, api):
    exports(coop_a, coop_a.member, "630231", ["US"])
    exports(coop_a, coop_a.member, "940440", ["US"], name="被芯")
    ask(coop_a)
    other, _user = member_with_account(coop_a, "另一家纺")
    ask(coop_a, other)
    client.force_login(coop_a.admin)
    page = record(client, coop_a, coop_a.member)
    found = counts(page)
    assert found == {
        "export_products": 2,
        "trade_alerts": 0,
        "same_line": 0,
        "trademark_licences": 0,
        "design_reviews": 0,
        "infringement_reports": 0,
        "questions": 1,
        "chain_supplier": 0,
        "chain_owner": 0,
        "benchmark_declarations": 0,
    }
    html = page.content.decode()
    for path in LISTS:
        assert f'href="/c/coop-a/{path}/?member={coop_a.member.pk}"' in html, path
    # Each list, followed from the record, shows the member's rows only.
    listed = client.get(f"/c/coop-a/questions/?member={other.pk}")
    assert [row.member_id for row in listed.context["page"]] == [other.pk]
    products = client.get(f"/c/coop-a/export-products/?member={other.pk}")
    assert list(products.context["page"]) == []
    for path in LISTS:
        assert client.get(f"/c/coop-a/{path}/?member={coop_a.member.pk}").status_code == 200


def test_the_programmes_cost_one_query_whatever_they_hold(
    coop_a, client, django_assert_num_queries
):
    client.force_login(coop_a.admin)
    with CaptureQueriesContext(connection) as empty:
        record(client, coop_a, coop_a.member)
    for n in range(3):
        exports(coop_a, coop_a.member, "630231", ["US", "DE"], name=f"床单{n}")
        ask(coop_a)
    # session, user, cooperative; the member; its timeline (events, signatures, documents,
    # growth, certifications, pairings); the programmes (one); district, accounts, people,
    # certifications, signatures.
    assert len(empty) == RECORD_QUERIES
    with django_assert_num_queries(RECORD_QUERIES):
        page = record(client, coop_a, coop_a.member)
    assert counts(page)["export_products"] == 3 and counts(page)["questions"] == 3
    programme_queries = [
        q["sql"] for q in empty.captured_queries if re.search(r"COUNT\(\*\)", q["sql"])
    ]
    assert len([sql for sql in programme_queries if "exports_exportproduct" in sql]) == 1


def test_the_agreements_narrowed_to_a_member_are_those_it_owns_or_supplies_under(coop_a, client):
    owner, _user = member_with_account(coop_a, "链主家纺")
    supplier, _user = member_with_account(coop_a, "供应商织造")
    owned = make_agreement(coop_a, owner=owner, suppliers=[(supplier, SIGNED)], title="链主的协议")
    supplied = make_agreement(
        coop_a, owner=coop_a.member, suppliers=[(supplier, SIGNED)], title="另一份"
    )
    make_agreement(coop_a, owner=coop_a.member, title="无关的协议")
    client.force_login(coop_a.admin)
    assert counts(record(client, coop_a, supplier))["chain_supplier"] == 2
    assert counts(record(client, coop_a, owner))["chain_owner"] == 1
    listed = client.get(f"/c/coop-a/chain-agreements/?member={supplier.pk}").context["page"]
    assert {row.pk for row in listed} == {owned.pk, supplied.pk}
    listed = client.get(f"/c/coop-a/chain-agreements/?member={owner.pk}").context["page"]
    assert [row.pk for row in listed] == [owned.pk]


def test_another_cooperatives_staff_see_neither_the_record_nor_the_member_in_lists(
    coop_a, coop_b, client
):
    exports(coop_a, coop_a.member, "630231", ["US"])
    client.force_login(coop_b.admin)
    assert record(client, coop_b, coop_a.member).status_code == 404
    assert record(client, coop_a, coop_a.member).status_code == 404
    products = client.get(f"/c/coop-b/export-products/?member={coop_a.member.pk}")
    assert list(products.context["page"]) == []
    # Every list the record links to, asked by the other cooperative's staff for A's member,
    # shows nothing of it; and A's own lists answer A's page only.
    for path in LISTS:
        listed = client.get(f"/c/coop-b/{path}/?member={coop_a.member.pk}")
        assert listed.status_code == 200 and list(listed.context["page"]) == [], path
        assert client.get(f"/c/coop-a/{path}/?member={coop_a.member.pk}").status_code == 404


def test_a_member_asked_for_by_what_is_no_id_leaves_the_list_whole(coop_a, client):
    """ "²" is a digit to Python and int() refused it with a 500; an id too long for the
    column, or a negative one, is no member either: the list is shown unnarrowed."""
    exports(coop_a, coop_a.member, "630231", ["US"])
    client.force_login(coop_a.admin)
    for asked in ("²", "9" * 30, "-1", "1e3"):
        for path in LISTS:
            listed = client.get(f"/c/coop-a/{path}/", {"member": asked})
            assert listed.status_code == 200, (path, asked)
    assert len(client.get("/c/coop-a/export-products/", {"member": "²"}).context["page"]) == 1
