"""Anonymous public pages and public API reads come from the cache until what they show
changes (coop/public_cache.py); the logged-in never get nor leave a cached page."""

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client

from coop import public_cache
from coop.tenancy import unscoped
from credit.models import Commitment
from members.models import Member

TODAY = date.today()


@pytest.fixture(autouse=True)
def cache_on(settings):
    """The cache as deployed, starting from a generation no earlier test stored pages under."""
    settings.PUBLIC_CACHE_SECONDS = 600
    public_cache.bump()


def page(tenant, member=None):
    return f"/c/{tenant.slug}/directory/{(member or tenant.member).pk}/"


def publish(tenant, products):
    with unscoped():
        return Commitment.objects.create(
            cooperative=tenant.cooperative,
            member=tenant.member,
            status="published",
            products=products,
            standards="GB 18401-2010",
            guarantees="质量问题包换。",
            valid_from=TODAY,
            valid_until=TODAY + timedelta(days=365),
        )


def test_the_second_anonymous_look_at_the_member_page_and_registry_reads_no_database(
    coop_a, client, django_assert_num_queries
):
    for url in (page(coop_a), "/commitments/", "/commitments/?q=家纺"):
        first = client.get(url)
        assert first.status_code == 200 and first["X-Public-Cache"] == "miss"
        with django_assert_num_queries(0):
            second = client.get(url)
        assert second["X-Public-Cache"] == "hit"
        assert second.content.decode() == first.content.decode().replace(csrf(first), csrf(second))
        assert "no-cache" in second["Cache-Control"]


def test_the_public_api_reads_come_from_the_cache_too(coop_a, api, django_assert_num_queries):
    url = f"/api/v1/public/coops/{coop_a.slug}/members/{coop_a.member.pk}/"
    first = api().get(url)
    assert first.status_code == 200 and first["X-Public-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = api().get(url)
    assert second["X-Public-Cache"] == "hit" and second.json() == first.json()
    assert second["Content-Type"] == first["Content-Type"]
    # A token holder is served by the view, and leaves nothing behind.
    user = api(coop_a.admin).get(url)
    assert user.status_code == 200 and "X-Public-Cache" not in user


def test_a_logged_in_user_is_never_served_nor_stores_a_cached_page(coop_a, client):
    client.force_login(coop_a.admin)
    for _ in range(2):
        seen = client.get(page(coop_a))
        assert seen.status_code == 200 and "X-Public-Cache" not in seen
        assert coop_a.admin.username in seen.content.decode()
    anonymous = Client()
    assert anonymous.get(page(coop_a))["X-Public-Cache"] == "miss"  # the admin stored nothing
    assert anonymous.get(page(coop_a))["X-Public-Cache"] == "hit"
    again = client.get(page(coop_a))  # the cached anonymous page is not the admin's
    assert "X-Public-Cache" not in again and coop_a.admin.username in again.content.decode()
    client.logout()  # the emptied session cookie the test client sends back is no session
    assert client.get(page(coop_a))["X-Public-Cache"] == "hit"


def test_each_language_is_cached_apart(coop_a):
    chinese, english = Client(), Client()
    english.cookies["django_language"] = "en"
    for _ in range(2):
        zh = chinese.get("/commitments/")
        en = english.get("/commitments/")
        assert zh["Content-Language"] == "zh-hans" and 'lang="zh-hans"' in zh.content.decode()
        assert en["Content-Language"] == "en" and 'lang="en"' in en.content.decode()
    assert zh["X-Public-Cache"] == en["X-Public-Cache"] == "hit"
    by_header = Client(HTTP_ACCEPT_LANGUAGE="en").get("/commitments/")
    assert by_header["X-Public-Cache"] == "hit" and by_header["Content-Language"] == "en"


def test_a_change_shows_on_the_next_anonymous_look(
    coop_a, client, django_capture_on_commit_callbacks
):
    client.get(page(coop_a))
    client.get("/commitments/")
    assert "防螨被芯" not in client.get(page(coop_a)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        publish(coop_a, "防螨被芯")
        with unscoped():
            Member.objects.filter(pk=coop_a.member.pk).update(name="x")  # no signal: not it
            member = Member.objects.get(pk=coop_a.member.pk)
            member.name = "新名字家纺有限公司"
            member.save()
    shown = client.get(page(coop_a))
    assert shown["X-Public-Cache"] == "miss"
    assert "防螨被芯" in shown.content.decode() and "新名字家纺有限公司" in shown.content.decode()
    assert "防螨被芯" in client.get("/commitments/").content.decode()
    assert client.get(page(coop_a))["X-Public-Cache"] == "hit"


@pytest.mark.django_db(transaction=True)
def test_a_committed_change_from_another_transaction_throws_the_pages_away(coop_a, client):
    client.get(page(coop_a))
    assert client.get(page(coop_a))["X-Public-Cache"] == "hit"
    generation = cache.get(public_cache.GENERATION_KEY)
    with transaction.atomic():
        publish(coop_a, "记忆棉枕芯")
        publish(coop_a, "乳胶枕芯")
        assert cache.get(public_cache.GENERATION_KEY) == generation + 2  # at each save
    # and once more at the commit, for the transaction's rows together
    assert cache.get(public_cache.GENERATION_KEY) == generation + 3
    shown = client.get(page(coop_a))
    assert shown["X-Public-Cache"] == "miss"
    assert "记忆棉枕芯" in shown.content.decode() and "乳胶枕芯" in shown.content.decode()
    publish(coop_a, "蚕丝被")  # autocommit: at the save and at its commit
    assert cache.get(public_cache.GENERATION_KEY) == generation + 5


def test_a_page_of_one_cooperative_never_answers_for_another(coop_a, coop_b, client):
    a = client.get(page(coop_a))
    assert client.get(page(coop_a))["X-Public-Cache"] == "hit"
    b = client.get(page(coop_b))
    assert b["X-Public-Cache"] == "miss"
    assert coop_b.member.name in b.content.decode() and coop_a.member.name not in b.content.decode()
    assert coop_a.member.name in a.content.decode()
    # A's member under B's address is not found, whatever A's page in the cache.
    assert client.get(page(coop_b, coop_a.member)).status_code == 404
    assert client.get(page(coop_b, coop_a.member)).status_code == 404


def test_a_page_from_the_cache_carries_the_visitors_own_csrf_token(coop_a):
    Client().get(page(coop_a))
    visitor = Client(enforce_csrf_checks=True)
    cached = visitor.get(page(coop_a))
    assert cached["X-Public-Cache"] == "hit"
    token = csrf(cached)
    assert public_cache.PLACEHOLDER.decode() not in cached.content.decode()
    assert "csrftoken" in cached.cookies
    switched = visitor.post(
        "/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token}
    )
    assert switched.status_code == 302


def test_a_page_stored_for_a_visitor_with_a_csrf_cookie_keeps_no_token_of_theirs(coop_a):
    # The first visitor already holds a CSRF cookie (from the login page): its page carries a
    # token of that cookie's secret, which must neither be stored nor served to anyone else.
    first = Client(enforce_csrf_checks=True)
    first.get("/accounts/login/")
    stored = first.get(page(coop_a))
    assert stored["X-Public-Cache"] == "miss"
    visitor = Client(enforce_csrf_checks=True)
    cached = visitor.get(page(coop_a))
    assert cached["X-Public-Cache"] == "hit" and csrf(cached) != csrf(stored)
    switched = visitor.post(
        "/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": csrf(cached)}
    )
    assert switched.status_code == 302


def test_forms_and_staff_pages_are_not_cached(coop_a, client):
    for url in (f"/c/{coop_a.slug}/directory/{coop_a.member.pk}/complain/", "/accounts/login/"):
        client.get(url)
        assert "X-Public-Cache" not in client.get(url)


def test_the_cache_is_off_at_zero(coop_a, client, settings):
    settings.PUBLIC_CACHE_SECONDS = 0
    client.get(page(coop_a))
    assert "X-Public-Cache" not in client.get(page(coop_a))


def csrf(response):
    text = response.content.decode()
    start = text.index('name="csrfmiddlewaretoken" value="') + len(
        'name="csrfmiddlewaretoken" value="'
    )
    return text[start : text.index('"', start)]


def test_with_the_cache_unreachable_pages_are_rendered_and_writes_stand(coop_a, client, settings):
    settings.CACHES = {
        "default": {"BACKEND": "coop.redis_cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    shown = client.get(page(coop_a))
    assert shown.status_code == 200 and "X-Public-Cache" not in shown
    publish(coop_a, "羽绒被")  # the bump fails, the save does not
    assert "羽绒被" in client.get(page(coop_a)).content.decode()


def test_the_atom_feed_keeps_its_content_type_from_the_cache(coop_a, client):
    first = client.get(f"/c/{coop_a.slug}/announcements/feed/")
    second = client.get(f"/c/{coop_a.slug}/announcements/feed/")
    assert first.status_code == 200 and second["X-Public-Cache"] == "hit"
    assert second["Content-Type"] == first["Content-Type"]
    assert "atom" in second["Content-Type"] and second.content == first.content
