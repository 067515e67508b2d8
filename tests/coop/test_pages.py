import pytest
from django.http import HttpRequest
from django.test import Client

from tests.factories import MemberFactory


def test_the_home_page_lists_the_regions_cooperatives_with_active_members(coop_a, coop_b, client):
    MemberFactory(cooperative=coop_a.cooperative, status="exited")
    page = client.get("/").content.decode()
    assert coop_a.cooperative.name_zh in page and coop_b.cooperative.name_zh in page
    assert "1 个在册社员单位" in page


def test_the_home_page_speaks_chinese_by_default_and_english_on_request(db):
    client = Client()
    assert "质量合作社" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert "Quality cooperatives" in page and 'lang="en"' in page


def test_a_cooperatives_public_page_is_open_to_anyone(coop_a, client):
    page = client.get("/c/coop-a/").content.decode()
    assert coop_a.cooperative.name_zh in page
    assert coop_a.member.uscc not in page
    assert "/c/coop-a/members/" not in page


def test_staff_of_another_cooperative_see_its_public_page_only(coop_a, coop_b, client):
    client.force_login(coop_a.admin)
    page = client.get("/c/coop-b/").content.decode()
    assert coop_b.cooperative.name_zh in page
    assert "/c/coop-b/members/" not in page
    assert "/c/coop-a/members/" in client.get("/c/coop-a/").content.decode()


def test_an_unknown_cooperative_is_not_found(db, client):
    assert client.get("/c/no-such-coop/").status_code == 404


def test_login_lands_staff_in_the_staff_area(coop_a, coop_b):
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": "a-admin", "password": "test-pass-2026"}, follow=True
    )
    page = response.content.decode()
    assert coop_a.cooperative.name_zh in page
    assert coop_b.cooperative.name_zh not in page


def test_login_lands_an_enterprise_on_its_home_linking_its_member_unit(coop_a):
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": "a-enterprise", "password": "test-pass-2026"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/staff/"
    page = response.content.decode()
    assert coop_a.member.name in page and 'href="/c/coop-a/profile/"' in page


def test_a_wrong_password_is_refused_with_a_message(coop_a):
    response = Client().post("/accounts/login/", {"username": "a-admin", "password": "nope"})
    assert response.status_code == 200
    assert "用户名和密码" in response.content.decode()


def test_logout_and_password_change(coop_a):
    client = Client()
    client.force_login(coop_a.admin)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": "test-pass-2026",
            "new_password1": "Another-pass-2027",
            "new_password2": "Another-pass-2027",
        },
    )
    assert response.status_code == 302
    client.post("/accounts/logout/")
    assert client.get("/staff/").status_code == 302
    assert client.login(request=HttpRequest(), username="a-admin", password="Another-pass-2027")


@pytest.mark.parametrize("path", ["/staff/", "/accounts/password/"])
def test_private_pages_send_the_anonymous_to_log_in(db, client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_supervisors_home_reads_its_cooperatives_in_fixed_queries(
    coop_a, client, django_assert_num_queries
):
    MemberFactory.create_batch(5, cooperative=coop_a.cooperative)
    client.force_login(coop_a.supervisor)
    # session, user, visible cooperatives; the cooperatives, four counts of overdue and waiting
    # work by cooperative and the pass rates of two years (supervision/inbox.py)
    with django_assert_num_queries(9):
        page = client.get("/staff/").content.decode()
    assert f'href="/c/{coop_a.slug}/"' in page


def test_static_files_are_served_by_the_portal(db, client):
    assert client.get("/static/css/portal.css").status_code == 200
