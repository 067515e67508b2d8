"""A member's new commitment starts from its last one; never from another member's."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from coop.models import Role
from tests.credit.test_commitments import body
from tests.factories import MemberFactory, UserFactory

NEW = "/c/coop-a/commitments/new/"
NOTE = "已按上一份承诺预填，请核对"


def test_a_new_commitment_is_prefilled_from_the_members_last_one(
    coop_a, api, client, django_assert_num_queries
):
    listed = "/api/v1/coops/coop-a/commitments/"
    api(coop_a.enterprise).post(listed, body(coop_a, products="旧的产品"), format="json")
    made = api(coop_a.enterprise).post(
        listed, body(coop_a, products="床品四件套", standards="GB 18401-2010"), format="json"
    )
    assert made.status_code == 201
    client.force_login(coop_a.enterprise)
    blank = queries_of_empty_form(coop_a, client)
    client.force_login(coop_a.enterprise)
    client.get(NEW)  # warm the session and the cooperative's lookups
    with django_assert_num_queries(blank):
        page = client.get(NEW).content.decode()
    assert NOTE in page
    assert 'value="床品四件套"' in page and "旧的产品" not in page
    assert 'value="GB 18401-2010"' in page
    assert "七天无理由退货；质量问题包换；终身售后。" in page


def queries_of_empty_form(tenant, client):
    """The queries of the form page of a member with no commitment yet (a fresh member)."""
    member = MemberFactory(cooperative=tenant.cooperative, name="空白 家纺有限公司")
    user = UserFactory(username="blank-enterprise", role=Role.ENTERPRISE, member=member)
    client.force_login(user)
    client.get(NEW)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(NEW).content.decode()
    assert NOTE not in page and 'name="products" value=' not in page
    # The one query of the pre-fill, made whether or not there is a commitment to start from
    # (beside it, one for the member's commitments in force, that the new one may replace).
    read = [q["sql"] for q in queries.captured_queries if 'FROM "credit_commitment"' in q["sql"]]
    assert len(read) == 2, read
    assert len([sql for sql in read if "'published'" in sql]) == 1, read
    return len(queries)


def test_another_members_commitment_never_prefills(coop_a, coop_b, api, client):
    other = MemberFactory(cooperative=coop_a.cooperative, name="别家 家纺有限公司")
    other_user = UserFactory(username="other-enterprise", role=Role.ENTERPRISE, member=other)
    listed = "/api/v1/coops/coop-a/commitments/"
    made = api(other_user).post(
        listed, {**body(coop_a), "member": other.pk, "products": "别家的产品"}, format="json"
    )
    assert made.status_code == 201, made.json()
    elsewhere = api(coop_b.enterprise).post(
        "/api/v1/coops/coop-b/commitments/",
        body(coop_b, products="另一合作社的产品"),
        format="json",
    )
    assert elsewhere.status_code == 201, elsewhere.json()
    client.force_login(coop_a.enterprise)
    page = client.get(NEW).content.decode()
    assert NOTE not in page and 'name="products" value=' not in page
    assert "别家的产品" not in page and "另一合作社的产品" not in page
    # Staff pick the member on the form: nothing is filled in for them.
    client.force_login(coop_a.admin)
    staff_page = client.get(NEW).content.decode()
    assert NOTE not in staff_page and "别家的产品" not in staff_page
