import pytest
from django.core.management import CommandError, call_command
from django.http import HttpRequest
from rest_framework.test import APIClient

from coop.models import Cooperative, User
from coop.tenancy import unscoped
from members.models import Member
from members.uscc import validate_uscc
from tests.demo_data import seeded_for_the_module

ACCOUNTS = ["bureau", "haimen-admin", "tongzhou-admin", "lab", "enterprise"]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with seeded_for_the_module(django_db_blocker, haimen_members=40):
        yield


@pytest.fixture
def demo(seeded, db, settings):
    """The demo of 40 Haimen members, seeded once for the module (tests/demo_data.py)."""
    settings.DEBUG = True


def token_client(username):
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/", {"username": username, "password": "demo-pass-2026"}
    )
    assert response.status_code == 200, username
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def test_it_builds_the_region_cooperatives_and_valid_members(demo):
    slugs = set(Cooperative.objects.values_list("slug", flat=True))
    assert slugs == {"haimen-hometextile", "tongzhou-rice", "tongzhou-vehicle-inspection"}
    with unscoped():
        haimen = Member.objects.filter(cooperative__slug="haimen-hometextile")
        assert haimen.count() == 41  # 40 generated and the demo enterprise's own unit
        for member in Member.objects.all():
            validate_uscc(member.uscc)
        for kind, uscc in haimen.values_list("kind", "uscc"):
            # authority 9; entity type 1 for an enterprise, 2 for a household; Haimen's code
            assert uscc[:2] == ("92" if kind == "individual_household" else "91")
            assert uscc[2:8] == "320684"


def test_a_second_run_changes_nothing(demo):
    with unscoped():
        before = sorted(Member.objects.values_list("uscc", flat=True))
    call_command("seed_demo", members=40, stdout=open("/dev/null", "w"))
    with unscoped():
        assert sorted(Member.objects.values_list("uscc", flat=True)) == before
    assert User.objects.filter(username__in=ACCOUNTS).count() == 5


def test_it_refuses_to_run_with_debug_off_unless_forced(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo", members=1)
    call_command("seed_demo", members=1, force=True, stdout=open("/dev/null", "w"))
    assert Cooperative.objects.count() == 3


@pytest.mark.parametrize("username", ACCOUNTS)
def test_every_demo_account_logs_in_on_a_page_and_for_a_token(demo, client, username):
    assert client.login(request=HttpRequest(), username=username, password="demo-pass-2026")
    token_client(username)


def test_haimen_admin_cannot_reach_tongzhou_rice_members(demo):
    client = token_client("haimen-admin")
    with unscoped():
        rice_member = Member.objects.filter(cooperative__slug="tongzhou-rice").first()
    assert client.get("/api/v1/coops/tongzhou-rice/members/").status_code == 404
    assert client.get(f"/api/v1/coops/tongzhou-rice/members/{rice_member.pk}/").status_code == 404
    own = f"/api/v1/coops/haimen-hometextile/members/{rice_member.pk}/"
    assert client.get(own).status_code == 404


def test_the_enterprise_sees_only_its_own_member_unit(demo):
    body = token_client("enterprise").get("/api/v1/coops/haimen-hometextile/members/").json()
    assert body["count"] == 1
    assert body["results"][0]["name"] == "南通锦华家纺有限公司"


def test_bureau_sees_all_three_cooperatives(demo):
    body = token_client("bureau").get("/api/v1/coops/").json()
    assert body["count"] == 3
