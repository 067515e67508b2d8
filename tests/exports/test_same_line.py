"""Same line, same standard, same quality (同线同标同质): a member declares, staff approve or
reject (with the reason), the public list shows approved ones only, without contact data."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from coop.models import StepEvent
from coop.tenancy import unscoped
from exports.models import SameLineProduct
from tests.exports.conftest import PUBLIC_SAME_LINE, SAME_LINE, member_with_account


def declare(api, user, chosen, **overrides):
    data = {
        "product": "纯棉印花四件套",
        "standard": chosen.pk,
        "markets": ["DE", "FR"],
        "line": "一号车间印染后整理线",
        **overrides,
    }
    return api(user).post(SAME_LINE, data, format="json")


def test_a_declaration_is_reviewed_by_its_declared_steps(coop_a, api, standard):
    made = declare(api, coop_a.enterprise, standard)
    assert made.status_code == 201, made.json()
    row = made.json()
    assert (row["status"], row["member"], row["market_names"]) == (
        "submitted",
        coop_a.member.pk,
        ["德国", "法国"],
    )
    assert api(coop_a.enterprise).post(f"{SAME_LINE}{row['id']}/approve/").status_code == 403
    assert api(coop_a.supervisor).post(f"{SAME_LINE}{row['id']}/approve/").status_code == 403
    no_reason = api(coop_a.admin).post(f"{SAME_LINE}{row['id']}/reject/", {"reason": ""})
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    approved = api(coop_a.admin).post(f"{SAME_LINE}{row['id']}/approve/", {"reason": "现场核查"})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    with unscoped():
        events = StepEvent.objects.count()
    again = api(coop_a.admin).post(f"{SAME_LINE}{row['id']}/reject/", {"reason": "改判"})
    assert again.status_code == 409 and "已批准" in again.json()["detail"]
    with unscoped():
        assert StepEvent.objects.count() == events
        assert SameLineProduct.objects.get().status == "approved"

    other = declare(api, coop_a.admin, standard, member=coop_a.member.pk, product="被芯").json()
    rejected = api(coop_a.admin).post(f"{SAME_LINE}{other['id']}/reject/", {"reason": "标准不一致"})
    assert (rejected.json()["status"], rejected.json()["review_reason"]) == (
        "rejected",
        "标准不一致",
    )


def test_the_public_list_shows_approved_ones_only_without_contact_data(
    coop_a, coop_b, api, client, standard
):
    with unscoped():
        coop_a.member.contact_phone = "13900001234"
        coop_a.member.save()
    shown = declare(api, coop_a.enterprise, standard, product="获批四件套").json()
    declare(api, coop_a.enterprise, standard, product="待审被芯")
    refused = declare(api, coop_b.enterprise, standard, product="被驳回枕芯").json()
    api(coop_a.admin).post(f"{SAME_LINE}{shown['id']}/approve/")
    api(coop_b.admin).post(f"{SAME_LINE}{refused['id']}/reject/", {"reason": "资料不全"})

    listed = api().get(PUBLIC_SAME_LINE).json()
    assert listed["count"] == 1
    assert [(r["product"], r["member_name"], r["cooperative"]) for r in listed["results"]] == [
        ("获批四件套", coop_a.member.name, "coop-a")
    ]
    assert listed["results"][0]["market_names"] == ["德国", "法国"]
    page = client.get("/same-line-products/")
    text = page.content.decode()
    assert page.status_code == 200 and "获批四件套" in text
    assert "待审被芯" not in text and "被驳回枕芯" not in text
    for body in (text, str(listed)):
        assert "13900001234" not in body and "一号车间" not in body
    assert "获批四件套" in client.get("/same-line-products/?q=四件套").content.decode()


def test_another_cooperative_cannot_see_or_review_a_declaration(
    coop_a, coop_b, api, client, standard
):
    row = declare(api, coop_a.enterprise, standard).json()
    for user in coop_b.users().values():
        assert api(user).get(SAME_LINE).json()["count"] == 0
        assert api(user).get(f"{SAME_LINE}{row['id']}/").status_code == 404
        assert api(user).post(f"{SAME_LINE}{row['id']}/approve/").status_code == 404
        client.force_login(user)
        for path in [
            "/c/coop-a/same-line/",
            "/c/coop-a/same-line/new/",
            f"/c/coop-a/same-line/{row['id']}/",
        ]:
            assert client.get(path).status_code == 404, (user, path)
        assert client.post(f"/c/coop-a/same-line/{row['id']}/step/approve/").status_code == 404
    # Another cooperative's member cannot be named, nor its user declare for coop_a's member.
    named = declare(api, coop_b.admin, standard, member=coop_a.member.pk)
    assert named.status_code == 400 and "member" in named.json()
    foreign = declare(api, coop_b.enterprise, standard, member=coop_a.member.pk)
    assert foreign.status_code == 400 and "member" in foreign.json()
    # Within the cooperative, another member's enterprise sees nothing of it.
    _, neighbour = member_with_account(coop_a, "邻居家纺")
    assert api(neighbour).get(f"{SAME_LINE}{row['id']}/").status_code == 404
    with unscoped():
        assert SameLineProduct.objects.get().status == "submitted"
        assert SameLineProduct.objects.count() == 1


def test_bad_markets_or_standard_are_a_400_naming_the_field(coop_a, api, standard):
    assert "markets" in declare(api, coop_a.enterprise, standard, markets=["ZZ"]).json()
    assert "markets" in declare(api, coop_a.enterprise, standard, markets=[]).json()
    assert "standard" in declare(api, coop_a.enterprise, standard, standard=999999).json()
    assert "line" in declare(api, coop_a.enterprise, standard, line="").json()
    with unscoped():
        assert not SameLineProduct.objects.exists()


def test_staff_review_on_the_page(coop_a, api, client, standard):
    row = declare(api, coop_a.enterprise, standard).json()
    client.force_login(coop_a.admin)
    page = client.get(f"/c/coop-a/same-line/{row['id']}/")
    assert page.status_code == 200 and "待审核" in page.content.decode()
    client.post(f"/c/coop-a/same-line/{row['id']}/step/reject/", {"reason": ""})
    with unscoped():
        assert SameLineProduct.objects.get().status == "submitted"
    client.post(f"/c/coop-a/same-line/{row['id']}/step/approve/", {"reason": "核查通过"})
    with unscoped():
        assert SameLineProduct.objects.get().status == "approved"
    client.force_login(coop_a.enterprise)
    made = client.post(
        "/c/coop-a/same-line/new/",
        {"product": "荞麦枕", "standard": standard.pk, "markets": ["JP", "KR"], "line": "二号线"},
    )
    assert made.status_code == 302
    with unscoped():
        assert SameLineProduct.objects.filter(product="荞麦枕", member=coop_a.member).exists()


def test_the_lists_read_a_fixed_number_of_queries(coop_a, api, client, standard):
    def grow(count):
        for index in range(count):
            member, user = member_with_account(coop_a, f"同线企业{index}{count}")
            row = declare(api, user, standard, product=f"产品{index}{count}").json()
            api(coop_a.admin).post(f"{SAME_LINE}{row['id']}/approve/")

    def counts():
        found = {}
        for label, call in [
            ("api", lambda: api(coop_a.admin).get(SAME_LINE)),
            ("public api", lambda: api().get(PUBLIC_SAME_LINE)),
            ("public page", lambda: client.get("/same-line-products/")),
        ]:
            with CaptureQueriesContext(connection) as captured:
                assert call().status_code == 200
            found[label] = len(captured.captured_queries)
        client.force_login(coop_a.admin)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/c/coop-a/same-line/").status_code == 200
        found["page"] = len(captured.captured_queries)
        client.logout()
        return found

    grow(2)
    few = counts()
    grow(3)
    more = counts()
    assert more == few, (few, more)
    # The token (or session and user), the count, the page's rows: nothing per row.
    assert few == {"api": 4, "public api": 2, "public page": 2, "page": 5}
