"""Staff lists come from the cache for their person until their cooperative is written, by any
SQL (coop/staff_cache.py); no one else ever gets them."""

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client, RequestFactory

from coop import staff_cache
from coop.tenancy import scope, unscoped
from members.models import Member

# Each write commits, as a step's does: a test's own transaction would hold every version
# change of its writes to its first one (a transaction's later writes change it at the commit).
pytestmark = pytest.mark.django_db(transaction=True)

PAGES = ["tests", "members", "complaints", "commitments"]
APIS = ["batches", "members", "complaints", "commitments"]


@pytest.fixture(autouse=True)
def cache_on(settings):
    settings.STAFF_CACHE_SECONDS = 600


def pages(tenant):
    return [f"/c/{tenant.slug}/{name}/" for name in PAGES]


def apis(tenant):
    return [f"/api/v1/coops/{tenant.slug}/{name}/" for name in APIS]


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def members_page(tenant):
    return f"/c/{tenant.slug}/members/"


def test_the_second_look_at_each_staff_list_is_the_first_page_from_the_cache(
    coop_a, django_assert_num_queries
):
    client = logged_in(coop_a.admin)
    for url in pages(coop_a):
        first = client.get(url)
        assert first.status_code == 200 and first["X-Staff-Cache"] == "miss", url
        # The session and its user: what the scope's look-up decided is part of the page.
        with django_assert_num_queries(2):
            second = client.get(url)
        assert second["X-Staff-Cache"] == "hit", url
        assert second.content.decode() == first.content.decode().replace(csrf(first), csrf(second))
    assert coop_a.member.name in client.get(members_page(coop_a)).content.decode()


def test_the_api_lists_come_from_the_cache_for_the_token_that_asked(coop_a, api):
    client = api(coop_a.admin)
    for url in apis(coop_a):
        first = client.get(url)
        assert first.status_code == 200 and first["X-Staff-Cache"] == "miss", url
        second = client.get(url)
        assert second["X-Staff-Cache"] == "hit" and second.json() == first.json(), url
        assert second["Content-Type"] == first["Content-Type"]
    # Another token of the same person is another login: its first look is the view's.
    assert api(coop_a.admin).get(apis(coop_a)[1])["X-Staff-Cache"] == "miss"


def test_another_cooperatives_user_never_gets_a_stored_list(coop_a, coop_b, api):
    owner = logged_in(coop_a.admin)
    for url in pages(coop_a):
        owner.get(url)
        assert owner.get(url)["X-Staff-Cache"] == "hit"
    token = api(coop_a.admin)
    for url in apis(coop_a):
        token.get(url)
    other = logged_in(coop_b.admin)
    other_api = api(coop_b.admin)
    for url in pages(coop_a):
        assert other.get(url).status_code == 404
    for url in apis(coop_a):
        assert other_api.get(url).status_code == 404
    # Within the cooperative, the member's own account is refused the staff list as before.
    refused = logged_in(coop_a.enterprise).get(members_page(coop_a))
    assert refused.status_code in (403, 404) and "X-Staff-Cache" not in refused
    assert coop_a.member.name not in refused.content.decode()
    # B's own list is B's.
    own = other.get(members_page(coop_b)).content.decode()
    assert coop_b.member.name in own and coop_a.member.name not in own


def test_an_account_moved_or_ended_is_refused_at_once(coop_a, coop_b, api):
    client, token = logged_in(coop_a.admin), api(coop_a.admin)
    for url in (members_page(coop_a), apis(coop_a)[1]):
        for _ in range(2):
            assert (client if url.startswith("/c/") else token).get(url).status_code == 200
    coop_a.admin.cooperative = coop_b.cooperative  # now B's administrator
    coop_a.admin.save()
    assert client.get(members_page(coop_a)).status_code == 404
    assert token.get(apis(coop_a)[1]).status_code == 404
    coop_a.admin.is_active = False
    coop_a.admin.save()
    assert client.get(members_page(coop_b)).status_code == 302  # to the login
    assert token.get(apis(coop_b)[1]).status_code == 401


def test_a_write_by_any_means_shows_on_the_next_look(coop_a):
    client = logged_in(coop_a.admin)
    client.get(members_page(coop_a))
    assert client.get(members_page(coop_a))["X-Staff-Cache"] == "hit"

    def rename(how, name):
        with scope({coop_a.cooperative.pk}):
            if how == "save":
                member = Member.objects.get(pk=coop_a.member.pk)
                member.name = name
                member.save()
            elif how == "update":  # no signal
                Member.objects.filter(pk=coop_a.member.pk).update(name=name)
            else:  # raw SQL, as a round's INSERT … SELECT
                with connection.cursor() as cursor:
                    cursor.execute(
                        "update members_member set name = %s where id = %s",
                        [name, coop_a.member.pk],
                    )
        shown = client.get(members_page(coop_a))
        assert shown["X-Staff-Cache"] == "miss" and name in shown.content.decode(), how
        assert client.get(members_page(coop_a))["X-Staff-Cache"] == "hit"

    rename("save", "保存改名家纺有限公司")
    rename("update", "批量改名家纺有限公司")
    rename("sql", "直写改名家纺有限公司")


def test_a_write_in_another_cooperative_keeps_the_list_and_a_shared_write_drops_all(coop_a, coop_b):
    client = logged_in(coop_a.admin)
    client.get(members_page(coop_a))
    with scope({coop_b.cooperative.pk}):
        Member.objects.filter(pk=coop_b.member.pk).update(name="别社改名家纺有限公司")
    assert client.get(members_page(coop_a))["X-Staff-Cache"] == "hit"
    with unscoped():  # a migration's or a region-wide task's write: every list is dropped
        Member.objects.filter(pk=coop_b.member.pk).update(name="全域改名家纺有限公司")
    assert client.get(members_page(coop_a))["X-Staff-Cache"] == "miss"
    coop_a.admin.first_name = "新名"  # an account (no cooperative's table) drops all too
    coop_a.admin.save()
    assert client.get(members_page(coop_a))["X-Staff-Cache"] == "miss"


def test_a_transaction_changes_the_version_at_its_first_write_and_at_its_commit(coop_a):
    client = logged_in(coop_a.admin)
    client.get(members_page(coop_a))
    key = staff_cache.version_key(coop_a.cooperative.pk)
    before = cache.get(key)
    with scope({coop_a.cooperative.pk}), transaction.atomic():
        Member.objects.filter(pk=coop_a.member.pk).update(name="事务一家纺有限公司")
        at_write = cache.get(key)
        Member.objects.filter(pk=coop_a.member.pk).update(name="事务二家纺有限公司")
        assert cache.get(key) == at_write != before  # once per transaction while it runs
    assert cache.get(key) not in (before, at_write)  # and again at the commit
    shown = client.get(members_page(coop_a))
    assert shown["X-Staff-Cache"] == "miss" and "事务二家纺有限公司" in shown.content.decode()
    # A rolled-back transaction's next neighbour still changes the version.
    with scope({coop_a.cooperative.pk}):
        with pytest.raises(RuntimeError), transaction.atomic():
            Member.objects.filter(pk=coop_a.member.pk).update(name="回滚家纺有限公司")
            raise RuntimeError("rolled back")
        rolled = cache.get(key)
        with transaction.atomic():
            Member.objects.filter(pk=coop_a.member.pk).update(name="事务三家纺有限公司")
            assert cache.get(key) != rolled
    assert "事务三家纺有限公司" in client.get(members_page(coop_a)).content.decode()


def test_which_statements_change_which_version(coop_a):
    ids = {coop_a.cooperative.pk}
    mine = {staff_cache.version_key(coop_a.cooperative.pk)}
    with scope(ids):
        assert staff_cache.versions_written('UPDATE "members_member" SET "name" = %s') == mine
        assert staff_cache.versions_written("insert into testing_fund_batch select 1") == mine
        assert staff_cache.versions_written('DELETE FROM "credit_complaint" WHERE 1') == mine
        assert (
            staff_cache.versions_written(
                'WITH moved AS (UPDATE "members_member" SET "name" = %s RETURNING 1) SELECT 1'
            )
            == mine
        )
        assert staff_cache.versions_written('INSERT INTO "coop_user" ("id") VALUES (1)') == {
            staff_cache.SHARED
        }
        for unchanged in (
            'SELECT * FROM "members_member" FOR UPDATE',
            'UPDATE "django_session" SET "session_data" = %s',
            'UPDATE "supervision_cooperativefigures" SET "version" = 2',  # a kept copy
        ):
            assert staff_cache.versions_written(unchanged) == set(), unchanged
    with scope(set()):  # an anonymous visitor's write (a complaint filed)
        assert staff_cache.versions_written('INSERT INTO "credit_complaint" VALUES (1)') == {
            staff_cache.SHARED
        }


def test_a_list_with_a_message_waiting_is_the_views_and_not_stored(coop_a):
    client = logged_in(coop_a.admin)
    storage = CookieStorage(RequestFactory().get("/"))
    client.cookies["messages"] = storage._encode([Message(constants.SUCCESS, "已保存成员单位")])
    shown = client.get(members_page(coop_a))
    assert "X-Staff-Cache" not in shown and "已保存成员单位" in shown.content.decode()
    again = client.get(members_page(coop_a))
    assert again["X-Staff-Cache"] == "miss" and "已保存成员单位" not in again.content.decode()


def test_each_login_and_language_keeps_its_own(coop_a, settings):
    first, second = logged_in(coop_a.admin), logged_in(coop_a.admin)
    first.get(members_page(coop_a))
    assert second.get(members_page(coop_a))["X-Staff-Cache"] == "miss"
    first.cookies["django_language"] = "en"
    english = first.get(members_page(coop_a))
    assert english["X-Staff-Cache"] == "miss" and english["Content-Language"] == "en"
    settings.STAFF_CACHE_SECONDS = 0
    assert "X-Staff-Cache" not in first.get(members_page(coop_a))


def test_a_list_from_the_cache_carries_the_persons_own_csrf_token(coop_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(coop_a.admin)
    client.get(members_page(coop_a))
    cached = client.get(members_page(coop_a))
    assert cached["X-Staff-Cache"] == "hit"
    assert staff_cache.PLACEHOLDER.decode() not in cached.content.decode()
    out = client.post("/accounts/logout/", {"csrfmiddlewaretoken": csrf(cached)})
    assert out.status_code == 302
    assert client.get(members_page(coop_a)).status_code == 302  # to the login, not the cache


def csrf(response):
    text = response.content.decode()
    marker = 'name="csrfmiddlewaretoken" value="'
    start = text.index(marker) + len(marker)
    return text[start : text.index('"', start)]
