from datetime import date, timedelta

import pytest

from coop.tenancy import unscoped
from standards.models import Standard
from testing_fund.models import Batch, LabPrice
from tests.factories import InstitutionFactory, MemberFactory, UserFactory
from tests.testing_fund.conftest import THREE

BATCHES = "/api/v1/coops/coop-a/batches/"


@pytest.fixture
def second_technician(coop_a):
    return UserFactory(role="lab_technician", institution=coop_a.lab.institution)


def gb18401():
    with unscoped():
        return Standard.objects.get(code="GB 18401-2010")


def request_body(tenant, **overrides):
    body = {
        "member": tenant.member.pk,
        "product": "四件套",
        "safety_category": "B",
        "standard": gb18401().pk,
        "lab": tenant.lab.institution_id,
        "indicators": THREE,
    }
    return {**body, **overrides}


def step(api, user, batch_id, verb, lab=False, **body):
    path = f"/api/v1/labs/batches/{batch_id}/{verb}/" if lab else f"{BATCHES}{batch_id}/{verb}/"
    return api(user).post(path, body, format="json")


def test_the_whole_workflow_through_the_api(coop_a, priced, second_technician, api):
    created = api(coop_a.enterprise).post(BATCHES, request_body(coop_a), format="json")
    assert created.status_code == 201, created.json()
    batch = created.json()["id"]
    assert created.json()["cost"] == "300.00" and len(created.json()["results"]) == 3
    assert step(api, coop_a.admin, batch, "approve").json()["status"] == "approved"
    sampled = step(
        api,
        coop_a.admin,
        batch,
        "sample",
        seal_number="FY-1",
        samplers="王建华、李明",
        sampling_place="仓库",
        backup_kept=True,
    )
    assert sampled.json()["status"] == "sampled"
    worklist = api(coop_a.lab).get("/api/v1/labs/batches/").json()
    assert [row["id"] for row in worklist["results"]] == [batch]
    assert step(api, coop_a.lab, batch, "receive", lab=True).json()["status"] == "received"
    bad = step(api, coop_a.lab, batch, "enter", lab=True, values={"formaldehyde": "约80"})
    assert bad.status_code == 400 and set(bad.json()) == {"formaldehyde", "ph", "odour"}
    entered = step(
        api,
        coop_a.lab,
        batch,
        "enter",
        lab=True,
        values={"formaldehyde": "82", "ph": "6.5", "odour": "无"},
    )
    assert entered.json()["status"] == "entered"
    same = step(api, coop_a.lab, batch, "verify", lab=True)
    assert same.status_code == 409 and "第二人复核" in same.json()["detail"]
    verified = step(api, second_technician, batch, "verify", lab=True).json()
    assert (verified["status"], verified["passed"]) == ("verified", False)
    assert step(api, coop_a.admin, batch, "report").json()["status"] == "reported"
    notice = step(
        api,
        coop_a.admin,
        batch,
        "rectification",
        notice="甲醛超标，限期整改",
        due_on=str(date.today() + timedelta(days=30)),
    )
    assert notice.status_code == 200
    assert step(api, coop_a.enterprise, batch, "answer", answer="已更换助剂").status_code == 200
    again = step(api, coop_a.admin, batch, "reinspect").json()
    assert (again["kind"], again["free_reinspection"], again["reinspection_of"]) == (
        "reinspection",
        True,
        batch,
    )
    assert step(api, coop_a.enterprise, batch, "object", reason="备样合格").status_code == 200
    assert step(api, coop_a.admin, batch, "close").status_code == 409
    assert (
        step(api, coop_a.admin, batch, "decide", upheld=False, reason="仍超标").status_code == 200
    )
    assert step(api, coop_a.admin, batch, "close").json()["status"] == "closed"
    funds = api(coop_a.supervisor).get("/api/v1/coops/coop-a/funds/").json()["results"]
    assert (
        funds[0]["balance"] == "700.00"
    )  # ¥1,000 less this batch (the re-inspection awaits approval)


@pytest.mark.parametrize(
    "verb, role",
    [
        ("approve", "enterprise"),
        ("approve", "lab"),
        ("approve", "supervisor"),
        ("receive", "admin"),
        ("object", "admin"),
    ],
)
def test_each_step_is_for_its_role(coop_a, priced, api, verb, role):
    batch = api(coop_a.enterprise).post(BATCHES, request_body(coop_a), format="json").json()["id"]
    assert step(api, coop_a.users()[role], batch, verb, reason="x").status_code in (403, 404)


def test_an_enterprise_requests_only_for_its_own_unit(coop_a, priced, api):
    other = MemberFactory(cooperative=coop_a.cooperative)
    response = api(coop_a.enterprise).post(
        BATCHES, request_body(coop_a, member=other.pk), format="json"
    )
    assert response.status_code == 403


def test_a_lab_never_sees_another_labs_batches(coop_a, priced, api):
    rival = InstitutionFactory()
    rival.cooperatives.add(coop_a.cooperative)
    with unscoped():
        for price in LabPrice.objects.filter(institution=coop_a.lab.institution):
            LabPrice.objects.create(institution=rival, indicator=price.indicator, price=price.price)
    ours = api(coop_a.enterprise).post(BATCHES, request_body(coop_a), format="json").json()["id"]
    theirs = (
        api(coop_a.enterprise)
        .post(BATCHES, request_body(coop_a, lab=rival.pk), format="json")
        .json()["id"]
    )
    rival_technician = UserFactory(role="lab_technician", institution=rival)
    client = api(rival_technician)
    every = client.get("/api/v1/labs/batches/", {"state": "all"}).json()["results"]
    assert [row["id"] for row in every] == [theirs]
    assert client.get(f"/api/v1/labs/batches/{ours}/").status_code == 404
    assert step(api, rival_technician, ours, "receive", lab=True).status_code == 404
    assert api(coop_a.lab).get(f"{BATCHES}{theirs}/").status_code == 404


def test_a_cooperative_never_sees_anothers_batches_funds_or_ledger(coop_a, coop_b, priced, api):
    batch = api(coop_a.enterprise).post(BATCHES, request_body(coop_a), format="json").json()["id"]
    for role in ("admin", "enterprise", "supervisor", "lab"):
        client = api(coop_b.users()[role])
        for path in ("batches/", "funds/", "ledger/", f"batches/{batch}/"):
            assert client.get(f"/api/v1/coops/coop-a/{path}").status_code == 404
        assert client.get(f"/api/v1/coops/coop-b/batches/{batch}/").status_code == 404
        assert client.post(f"/api/v1/coops/coop-b/batches/{batch}/approve/").status_code in (
            403,
            404,
        )
        assert client.get(f"/api/v1/labs/batches/{batch}/").status_code in (403, 404)
    with unscoped():
        assert Batch.objects.get(pk=batch).status == "requested"


def test_the_batch_lists_pin_their_queries(coop_a, priced, api, django_assert_num_queries):
    for _ in range(3):
        api(coop_a.enterprise).post(BATCHES, request_body(coop_a), format="json")
    admin, lab = api(coop_a.admin), api(coop_a.lab)
    # token and user, the URL's cooperative, count, the page's ids, its rows, results with
    # their indicators (a deep page the same: test_batch_pages.py)
    with django_assert_num_queries(6):
        assert admin.get(BATCHES).json()["count"] == 3
    # token and user, visible cooperatives, count, the page's ids, its rows, results with their
    # indicators (the requests are no work of the lab's yet: only in its list of every batch)
    with django_assert_num_queries(6):
        assert lab.get("/api/v1/labs/batches/", {"state": "all"}).json()["count"] == 3
    with django_assert_num_queries(4):  # ... count, page
        admin.get("/api/v1/coops/coop-a/ledger/")


def test_the_approval_worklist_puts_new_and_raw_material_members_first(coop_a, priced, api):
    from datetime import timedelta

    from django.utils import timezone

    old = MemberFactory(cooperative=coop_a.cooperative, joined_on=date(2020, 1, 1))
    new = MemberFactory(cooperative=coop_a.cooperative, joined_on=timezone.localdate())
    raw_and_new = MemberFactory(
        cooperative=coop_a.cooperative,
        chain_role="raw_material",
        joined_on=timezone.localdate() - timedelta(days=10),
    )
    for member in (old, new, raw_and_new):
        api(coop_a.admin).post(BATCHES, request_body(coop_a, member=member.pk), format="json")
    rows = api(coop_a.admin).get(BATCHES, {"status": "requested"}).json()["results"]
    assert [(row["member"], row["priority"]) for row in rows] == [
        (raw_and_new.pk, 2),
        (new.pk, 1),
        (old.pk, 0),
    ]
