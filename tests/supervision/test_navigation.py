"""The header's menus (supervision/navigation.py): a cooperative's staff menu in the header of
its staff pages, not under its public page; breadcrumbs from the URL's name; the API link only
for those holding a token, the API's documentation for everyone logged in."""

import pytest
from django.test import RequestFactory
from django.urls import resolve
from knox.models import AuthToken

from supervision import navigation

STAFF_MENU = 'class="staff-menu'


def staff_links(html):
    """The addresses of the desktop staff menu's entries."""
    start = html.index(STAFF_MENU)
    menu = html[start : html.index("</nav>", start)]
    return {part.split('"')[0] for part in menu.split('href="')[1:]}


@pytest.mark.parametrize("role", ["admin", "supervisor"])
def test_staff_pages_carry_the_grouped_menu_and_breadcrumbs(coop_a, client, role):
    client.force_login(getattr(coop_a, role))
    html = client.get("/c/coop-a/complaints/").content.decode()
    links = staff_links(html)
    for name in ("members", "tests", "fund", "complaints", "grades", "enforcement", "schedules"):
        assert f"/c/coop-a/{name}/" in links, name
    assert "/c/coop-a/tests/?status=requested" in links
    # Accounts and locked accounts are the administrator's.
    assert ("/c/coop-a/accounts/" in links) is (role == "admin")
    assert ("/c/coop-a/accounts/locked/" in links) is (role == "admin")
    crumbs = html[html.index('class="breadcrumbs"') :]
    crumbs = crumbs[: crumbs.index("</nav>")]
    assert "信用" in crumbs and 'href="/c/coop-a/complaints/">投诉</a>' in crumbs
    # A record's page goes through its list.
    detail = client.get(f"/c/coop-a/members/{coop_a.member.pk}/").content.decode()
    assert 'href="/c/coop-a/members/">社员单位</a></li>' in detail


def test_the_public_page_keeps_public_content(coop_a, client):
    client.force_login(coop_a.admin)
    html = client.get("/c/coop-a/").content.decode()
    assert STAFF_MENU not in html and "/c/coop-a/enforcement/" not in html
    assert html.count('href="/c/coop-a/members/"') == 1  # the one link to the staff's pages
    client.logout()
    html = client.get("/c/coop-a/").content.decode()
    assert "/c/coop-a/members/" not in html and STAFF_MENU not in html


@pytest.mark.parametrize("role", ["lab", "enterprise"])
def test_no_staff_menu_for_labs_and_enterprises(coop_a, client, role):
    client.force_login(getattr(coop_a, role))
    html = client.get("/c/coop-a/tests/").content.decode()
    assert STAFF_MENU not in html and "/c/coop-a/enforcement/" not in html


def test_another_cooperatives_staff_get_no_menu_of_it(coop_a, coop_b, client):
    client.force_login(coop_b.admin)
    assert client.get("/c/coop-a/members/").status_code == 404
    html = client.get("/c/coop-a/").content.decode()
    assert STAFF_MENU not in html and "/c/coop-a/members/" not in html


def log_in(client, user):
    assert (
        client.post(
            "/accounts/login/", {"username": user.username, "password": "test-pass-2026"}
        ).status_code
        == 302
    )


def test_the_api_link_is_for_those_holding_a_token(coop_a, client):
    log_in(client, coop_a.admin)
    html = client.get("/staff/").content.decode()
    assert 'href="/api/docs/"' in html and 'href="/api/v1/"' not in html
    client.logout()
    AuthToken.objects.create(user=coop_a.admin)
    log_in(client, coop_a.admin)
    html = client.get("/staff/").content.decode()
    assert 'href="/api/docs/"' in html and 'href="/api/v1/"' in html


def test_the_header_asks_the_database_nothing(coop_a, django_assert_num_queries):
    """Every page renders it; lists pin their query counts."""
    request = RequestFactory().get("/c/coop-a/members/")
    request.user = coop_a.admin
    request.session = {}
    request.cooperative = coop_a.cooperative
    request.visible_cooperative_ids = {coop_a.cooperative.id}
    request.resolver_match = resolve("/c/coop-a/members/")
    with django_assert_num_queries(0):
        context = navigation.header(request)
    assert [group["label"] for group in context["staff_menu"]][:3] == ["社员", "检测", "信用"]
