"""The collection's public PDF and XLSX are made once per version of what they show, served
from the cache, and limited per client address (coop/public_documents.py)."""

import io
import itertools
import threading

import pypdfium2
import pytest
from django.core.cache import cache
from openpyxl import load_workbook

from coop import public_documents
from coop.tenancy import scope, unscoped
from standards import services
from tests.standards.conftest import standard

PDF, XLSX = "/c/coop-a/collection.pdf", "/c/coop-a/collection.xlsx"
ADDRESSES = (f"198.51.{n // 250}.{n % 250 + 1}" for n in itertools.count())


@pytest.fixture
def address():
    """A client address of this test's own, so its count (in Redis, and a refusal a web worker
    remembers) starts at zero and stays apart."""
    value = next(ADDRESSES)
    key = f"throttle:public-document:{value}"
    cache.delete(key)
    yield value
    cache.delete(key)


@pytest.fixture
def collected(loaded, coop_a):
    with scope({coop_a.cooperative.pk}):
        services.collect(
            cooperative=coop_a.cooperative,
            actor=coop_a.admin,
            standard=standard("GB 18401-2010"),
            section="基础通用",
        )


def booklet_text(content):
    pdf = pypdfium2.PdfDocument(io.BytesIO(content))
    return "".join("".join(page.get_textpage().get_text_range().split()) for page in pdf)


def version(response):
    return response["ETag"].strip('"')


def test_the_booklet_is_made_once_and_then_served_from_the_cache(
    coop_a, collected, client, address
):
    first = client.get(PDF, REMOTE_ADDR=address)
    assert first.status_code == 200 and "GB18401-2010" in booklet_text(first.content)
    key = public_documents.cache_key(f"collection-pdf:{coop_a.cooperative.pk}", version(first))
    assert cache.get(key) == first.content
    # Whatever the cache holds for this version is what is served: no second render.
    cache.set(key, b"%PDF-from-the-cache")
    again = client.get(PDF, REMOTE_ADDR=address)
    assert (again.content, again["ETag"]) == (b"%PDF-from-the-cache", first["ETag"])
    assert again["Content-Type"] == "application/pdf"
    # A browser holding this version gets a 304 and no body.
    cached = client.get(PDF, REMOTE_ADDR=address, HTTP_IF_NONE_MATCH=first["ETag"])
    assert cached.status_code == 304 and cached.content == b""


def test_a_change_to_what_it_shows_makes_a_new_version(coop_a, collected, client, address):
    pdf, xlsx = client.get(PDF, REMOTE_ADDR=address), client.get(XLSX, REMOTE_ADDR=address)
    with scope({coop_a.cooperative.pk}):
        services.collect(
            cooperative=coop_a.cooperative,
            actor=coop_a.admin,
            standard=standard("GB/T 22796-2021"),
            section="产品标准",
        )
    added_pdf = client.get(PDF, REMOTE_ADDR=address)
    added_xlsx = client.get(XLSX, REMOTE_ADDR=address)
    assert version(added_pdf) != version(pdf) and version(added_xlsx) != version(xlsx)
    assert "GB/T22796-2021" in booklet_text(added_pdf.content)
    sheet = load_workbook(io.BytesIO(added_xlsx.content)).active
    assert {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)} == {
        "GB 18401-2010",
        "GB/T 22796-2021",
    }
    # A change to a standard itself (not to the collection's rows) is a new version too.
    with unscoped():
        shown = standard("GB 18401-2010")
        shown.title_zh = "国家纺织产品基本安全技术规范（修订）"
        shown.save()
    retitled = client.get(PDF, REMOTE_ADDR=address)
    assert version(retitled) != version(added_pdf)
    assert "（修订）" in booklet_text(retitled.content)


def test_another_cooperatives_booklet_never_shows_this_ones(
    coop_a, coop_b, collected, client, address
):
    assert "GB18401-2010" in booklet_text(client.get(PDF, REMOTE_ADDR=address).content)
    other = client.get("/c/coop-b/collection.pdf", REMOTE_ADDR=address)
    text = booklet_text(other.content)
    assert coop_b.cooperative.name_zh in text and "GB18401-2010" not in text
    sheet = load_workbook(
        io.BytesIO(client.get("/c/coop-b/collection.xlsx", REMOTE_ADDR=address).content)
    ).active
    assert list(sheet.iter_rows(min_row=2, values_only=True)) == []


def test_concurrent_first_requests_make_a_version_once(db):
    made, bodies = [], []

    def make():
        made.append(1)
        threading.Event().wait(0.5)  # a render taking its time while the others ask
        return b"made"

    version = public_documents.version_of(f"concurrent-{id(made)}")

    def ask():
        bodies.append(public_documents.once_per_version("test", version, make))

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (len(made), bodies) == (1, [b"made"] * 6)


def test_a_version_still_being_made_elsewhere_answers_503(
    coop_a, collected, client, address, monkeypatch
):
    first = client.get(PDF, REMOTE_ADDR=address)
    key = public_documents.cache_key(f"collection-pdf:{coop_a.cooperative.pk}", version(first))
    cache.delete(key)
    cache.add(f"{key}:making", 1, timeout=30)  # another worker has claimed this version
    monkeypatch.setattr(public_documents, "WAIT_SECONDS", 0.3)
    try:
        busy = client.get(PDF, REMOTE_ADDR=address)
    finally:
        cache.delete(f"{key}:making")
    assert busy.status_code == 503 and busy["Retry-After"]
    assert "文件正在生成" in busy.content.decode()


def test_document_urls_are_limited_per_client_address(
    coop_a, coop_b, collected, client, address, settings, django_assert_num_queries
):
    settings.PUBLIC_DOCUMENTS_PER_MINUTE = 3
    for path in (PDF, XLSX, "/c/coop-b/collection.pdf"):  # one budget for all of them
        assert client.get(path, REMOTE_ADDR=address).status_code == 200
    refused = client.get(XLSX, REMOTE_ADDR=address)
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    assert "请求文件过于频繁" in refused.content.decode()
    # Refused before the session, the cooperative or anything else is read from the database.
    with django_assert_num_queries(0):
        assert client.get(PDF, REMOTE_ADDR=address).status_code == 429
    english = client.get(PDF, REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en")
    assert "Too many documents" in english.content.decode()
    # Another address is not held back, and the pages are not counted.
    assert client.get("/c/coop-a/", REMOTE_ADDR=address).status_code == 200
    other = "203.0.113.77"
    cache.delete(f"throttle:public-document:{other}")
    try:
        assert client.get(PDF, REMOTE_ADDR=other).status_code == 200
    finally:
        cache.delete(f"throttle:public-document:{other}")


def test_behind_a_trusted_proxy_the_limit_counts_the_address_it_saw(
    coop_a, collected, client, address, settings
):
    settings.PUBLIC_DOCUMENTS_PER_MINUTE = 1
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    # A client that writes its own X-Forwarded-For entries is still counted by the address
    # the proxy appended: changing the forged part does not give it a fresh budget.
    for forged in ("1.1.1.1", "2.2.2.2"):
        response = client.get(PDF, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=f"{forged}, {address}")
        assert response.status_code == (200 if forged == "1.1.1.1" else 429)


def test_without_the_middleware_the_view_limits_by_itself(coop_a, client, address, settings):
    settings.MIDDLEWARE = [
        name for name in settings.MIDDLEWARE if name != "coop.public_documents.LimitMiddleware"
    ]
    settings.PUBLIC_DOCUMENTS_PER_MINUTE = 1
    assert client.get(XLSX, REMOTE_ADDR=address).status_code == 200
    assert client.get(XLSX, REMOTE_ADDR=address).status_code == 429


def test_a_worker_remembers_a_refusal_for_a_few_seconds_and_a_bounded_number(
    address, settings, monkeypatch
):
    from django.test import RequestFactory

    def asking(remote):
        return RequestFactory().get(PDF, REMOTE_ADDR=remote)

    def refused_then_window_over(remote):
        assert public_documents.allowed(asking(remote))
        assert not public_documents.allowed(asking(remote))
        cache.delete(f"throttle:public-document:{remote}")  # Redis's window is over
        return public_documents.allowed(asking(remote))

    settings.PUBLIC_DOCUMENTS_PER_MINUTE = 1
    # The refusal holds without asking Redis again, until its few seconds are over.
    assert not refused_then_window_over(address)
    monkeypatch.setattr(public_documents, "REFUSAL_MEMORY_SECONDS", 0)
    other = "192.0.2.250"
    try:
        assert refused_then_window_over(other)
    finally:
        cache.delete(f"throttle:public-document:{other}")
    # However many addresses are refused, a worker keeps at most REFUSALS_KEPT of them.
    monkeypatch.setattr(public_documents, "REFUSALS_KEPT", 3)
    monkeypatch.setattr(public_documents, "REFUSAL_MEMORY_SECONDS", 60)
    settings.PUBLIC_DOCUMENTS_PER_MINUTE = 0
    others = [f"192.0.2.{n}" for n in range(1, 8)]
    try:
        for other in others:
            assert not public_documents.allowed(asking(other))
            assert len(public_documents._refused_until) <= 3
    finally:
        for other in others:
            cache.delete(f"throttle:public-document:{other}")
            public_documents._refused_until.pop(other, None)


def test_a_hammering_address_is_logged_once_not_at_every_refusal(
    coop_a, client, address, settings, caplog
):
    settings.PUBLIC_DOCUMENTS_PER_MINUTE = 1
    assert client.get(XLSX, REMOTE_ADDR=address).status_code == 200
    with caplog.at_level("WARNING", logger="django.request"):
        statuses = [client.get(XLSX, REMOTE_ADDR=address).status_code for _ in range(5)]
    assert statuses == [429] * 5
    assert [record.status_code for record in caplog.records] == [429]


def test_the_portals_wsgi_application_refuses_a_remembered_address_before_django(
    coop_a, collected, address, settings, monkeypatch
):
    """coop.wsgi wraps Django in ``RefusalShortcut``: once this worker has refused an address a
    public document, asking again is answered 429 without Django handling the request at all
    (no request signals, middleware or database); every other request passes through."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections
    from django.test import RequestFactory

    from coop.wsgi import application

    # As Django's test client does: the test's transaction must outlive each request.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)

    settings.PUBLIC_DOCUMENTS_PER_MINUTE = 1
    handled = []
    django_handler = WSGIHandler.__call__
    monkeypatch.setattr(
        WSGIHandler,
        "__call__",
        lambda self, environ, start: (
            handled.append(environ["PATH_INFO"]) or django_handler(self, environ, start)
        ),
    )

    try:

        def get(path, **extra):
            environ = RequestFactory().get(path, REMOTE_ADDR=address, **extra).environ
            answered = {}
            body = b"".join(
                application(environ, lambda status, headers: answered.update(status=status))
            )
            return answered["status"], body

        assert get(PDF)[0].startswith("200")
        assert get(PDF)[0].startswith("429")  # refused by Django's LimitMiddleware, remembered
        assert handled == [PDF, PDF]
        status, body = get(PDF, HTTP_ACCEPT_LANGUAGE="en")
        assert status.startswith("429") and b"Too many documents" in body
        assert handled == [PDF, PDF]  # the shortcut answered it: Django never saw the request
        # The pages, and this address's other requests, still go to Django.
        assert get("/c/coop-a/")[0].startswith("200")
        assert handled[-1] == "/c/coop-a/"
    finally:
        public_documents._refused_until.pop(address, None)
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)
