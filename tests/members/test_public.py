import itertools

from coop.models import StepEvent, User
from coop.tenancy import unscoped
from members.models import Certification, Member
from tests.factories import MemberFactory, next_uscc


def test_the_directory_lists_active_members_with_public_fields_only(coop_a, coop_b, api, client):
    MemberFactory(cooperative=coop_a.cooperative, name="南通申请中家纺", status="applied")
    with unscoped():
        Member.objects.filter(pk=coop_a.member.pk).update(
            contact_phone="13912345678", name="南通瑞丰家纺有限公司"
        )
        Certification.objects.create(
            cooperative=coop_a.cooperative,
            member=coop_a.member,
            scheme="iso9001",
            number="1",
            body="CQC",
            issued_on="2025-01-01",
            expires_on="2099-01-01",
        )
    body = api().get("/api/v1/public/coops/coop-a/members/").json()
    assert [row["name"] for row in body["results"]] == ["南通瑞丰家纺有限公司"]
    assert body["results"][0]["iso9001"] is True
    assert "13912345678" not in str(body) and "contact_phone" not in body["results"][0]
    assert api().get("/api/v1/public/coops/coop-a/members/?q=瑞丰").json()["count"] == 1
    assert api().get("/api/v1/public/coops/coop-a/members/?q=申请中").json()["count"] == 0
    page = client.get("/c/coop-a/directory/?q=瑞丰").content.decode()
    assert "南通瑞丰家纺有限公司" in page and coop_b.member.name not in page


def test_the_directory_pins_its_queries(coop_a, api, django_assert_num_queries):
    MemberFactory.create_batch(30, cooperative=coop_a.cooperative)
    with django_assert_num_queries(3):  # the URL's cooperative, count, one page of rows
        assert api().get("/api/v1/public/coops/coop-a/members/").json()["count"] == 31


def application(coop, **fields):
    """A complete application form for ``coop`` (a fixture tenant), ``fields`` overriding."""
    return {
        "name": "南通新申请家纺有限公司",
        "kind": "enterprise",
        "uscc": next_uscc(),
        "registration_number": "",
        "district": coop.cooperative.district_id,
        "town": "三厂街道",
        "scale": "micro",
        "chain_role": "finished_product",
        "legal_representative": "陈建华",
        "contact_person": "周静",
        "contact_phone": "139",
        "contact_email": "zhou@xinshen.example.cn",
        "address": "",
        "main_products": "被芯",
        **fields,
    }


ADDRESSES = itertools.count(1)


def post_application(client, coop, **fields):
    """Apply anonymously through the public form, from an address of its own, so the limit of
    applications per address (tested below) never refuses it."""
    address = f"2001:db8::{next(ADDRESSES):x}"  # the documentation range
    return client.post(f"/c/{coop.slug}/apply/", application(coop, **fields), REMOTE_ADDR=address)


def test_an_enterprise_applies_on_the_public_site(
    coop_a, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as sent:  # the link's mail, after the commit
        page = post_application(client, coop_a).content.decode()
    assert "申请已收到" in page and "zhou@xinshen.example.cn" in page
    with unscoped():
        member = Member.objects.get(name="南通新申请家纺有限公司")
        assert StepEvent.objects.get(workflow="member", object_id=member.pk).step == "apply"
    assert (member.status, member.cooperative) == ("applied", coop_a.cooperative)
    assert member.contact_email == "zhou@xinshen.example.cn"
    assert len(sent) == 1
    assert not User.objects.filter(member=member).exists()  # the mailed link makes it


def test_an_application_names_its_mistakes_and_keeps_what_was_typed(coop_a, client):
    form = application(coop_a, uscc="91350100M000100Y44", contact_email="")
    page = client.post("/c/coop-a/apply/", form, REMOTE_ADDR="2001:db8:1::1").content.decode()
    assert "校验码（第 18 位）应为“3”" in page and "该字段是必填项" in page
    assert 'value="南通新申请家纺有限公司"' in page
    with unscoped():
        assert not Member.objects.filter(name="南通新申请家纺有限公司").exists()


def test_the_public_convention_page(coop_a, convention, client):
    page = client.get("/c/coop-a/convention/").content.decode()
    assert "质量第一" in page and "第 1 版" in page


def test_applications_are_limited_per_address(coop_a, client):
    from django.core.cache import cache

    cache.delete("throttle:apply:127.0.0.1")
    spoofed = {"HTTP_X_FORWARDED_FOR": "10.9.9.9"}  # not trusted without a proxy configured
    for _ in range(5):
        assert "太多" not in client.post("/c/coop-a/apply/", {"name": ""}).content.decode()
    page = client.post("/c/coop-a/apply/", {"name": ""}, **spoofed).content.decode()
    assert "来自您地址的申请过多" in page
    cache.delete("throttle:apply:127.0.0.1")
