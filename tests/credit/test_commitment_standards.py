"""The standards a commitment declares are the catalogue's: an unknown code is refused naming
the field, a superseded one naming what replaced it, from a draft and a revision alike, through
the API and the page; the form offers the catalogue's current standards to pick."""

from datetime import date, timedelta

from coop.tenancy import unscoped
from credit.models import Commitment
from standards.models import Standard

COMMITMENTS = "/api/v1/coops/coop-a/commitments/"
NEW = "/c/coop-a/commitments/new/"


def body(tenant, **overrides):
    today = date.today()
    return {
        "member": tenant.member.pk,
        "products": "四件套",
        "standards": "GB 18401-2010",
        "guarantees": "七天无理由退货",
        "valid_from": today.isoformat(),
        "valid_until": (today + timedelta(days=365)).isoformat(),
        **overrides,
    }


def count():
    with unscoped():
        return Commitment.objects.count()


def test_an_unknown_or_superseded_standard_is_refused_on_draft(coop_a, api):
    client = api(coop_a.enterprise)
    before = count()
    unknown = client.post(COMMITMENTS, body(coop_a, standards="GB 99999-2020"), format="json")
    assert unknown.status_code == 400
    assert unknown.json()["standards"] == [
        "“GB 99999-2020”不在标准目录中：请从目录中选择标准编号。"
    ]
    old = client.post(
        COMMITMENTS, body(coop_a, standards="GB 18401-2010、gb 18401–2003"), format="json"
    )
    assert old.status_code == 400
    assert old.json()["standards"] == ["GB 18401-2003 已被 GB 18401-2010 代替：请填写现行版本。"]
    assert count() == before  # a refusal writes nothing

    made = client.post(
        COMMITMENTS, body(coop_a, standards="GB 18401-2010、GB/T 22796-2021"), format="json"
    )
    assert made.status_code == 201, made.json()


def test_a_superseded_standard_is_refused_on_revision(coop_a, api):
    client = api(coop_a.enterprise)
    pk = client.post(COMMITMENTS, body(coop_a), format="json").json()["id"]
    refused = client.patch(f"{COMMITMENTS}{pk}/", {"standards": "GB 18401-2003"}, format="json")
    assert refused.status_code == 400
    assert "GB 18401-2010" in refused.json()["standards"][0]
    with unscoped():
        assert Commitment.objects.get(pk=pk).standards == "GB 18401-2010"  # unchanged


def test_the_page_offers_current_standards_and_refuses_on_the_field(coop_a, client):
    client.force_login(coop_a.enterprise)
    page = client.get(NEW)
    html = page.content.decode()
    assert '<option value="GB 18401-2010">' in html and 'list="current-standards"' in html
    assert '<option value="GB 18401-2003">' not in html  # superseded: not offered
    before = count()
    form = body(coop_a, standards="GB 18401-2003")
    del form["member"]
    refused = client.post(NEW, form)
    assert refused.status_code == 200
    assert "GB 18401-2010" in refused.context["form"].errors["standards"][0]
    assert count() == before


def test_another_cooperatives_own_standard_is_not_in_this_ones_catalogue(coop_a, coop_b, api):
    with unscoped():
        Standard.objects.create(
            cooperative=coop_b.cooperative,
            code="T/BBJF 001-2024",
            level="group",
            title_zh="乙团体标准",
            implemented_on=date(2024, 1, 1),
            published=False,
        )
    before = count()
    refused = api(coop_a.enterprise).post(
        COMMITMENTS, body(coop_a, standards="T/BBJF 001-2024"), format="json"
    )
    assert refused.status_code == 400 and "standards" in refused.json()
    # Nor may coop B's user draft a commitment for coop A's member with a valid standard.
    other = api(coop_b.enterprise).post(COMMITMENTS, body(coop_a), format="json")
    assert other.status_code in (403, 404)
    assert count() == before
