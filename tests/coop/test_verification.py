"""Public verification opens a document by its random code only: sequential numbers must not
let anyone list every report's cooperative, product and verdict."""

import importlib
import re
import string

import pytest
from django.apps import apps as django_apps
from django.db import connection

from coop import documents
from coop.models import Document, verification_code
from coop.tenancy import scope, unscoped

# B's verdict is not a part of A's ("合格" is a part of "不合格"), so each can be looked for.
REPORT_A = {"product": "四件套", "verdict": "合格", "reported_on": "2026-03-02"}
REPORT_B = {"product": "浴巾毛圈", "verdict": "不合格", "reported_on": "2026-04-09"}


def report(tenant, source_id, details):
    """A test report issued through the real pipeline (a small real PDF), as its task does
    inside the cooperative's scope."""
    with scope({tenant.cooperative.pk}):
        return documents.issue(
            kind=Document.Kind.TEST_REPORT,
            source_id=source_id,
            member=tenant.member,
            public_details=details,
            render=lambda document: f"<p>{document.number}</p>",
        )


@pytest.fixture
def reports(coop_a, coop_b):
    return report(coop_a, 1, REPORT_A), report(coop_b, 2, REPORT_B)


def without_tokens(page):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


def secrets_of(document, tenant):
    """What a page must not show about ``document`` unless asked by its code."""
    return [
        document.number,
        document.code,
        document.sha256,
        tenant.cooperative.name_zh,
        tenant.member.name,
        *document.public_details.values(),
    ]


def test_verification_by_code_shows_the_document(coop_a, reports, client, api):
    a, _b = reports
    page = client.get(f"/verify/{a.code}/")
    text = page.content.decode()
    assert page.status_code == 200
    for shown in (a.number, coop_a.cooperative.name_zh, "四件套", "<dd>合格</dd>", a.sha256):
        assert shown in text
    body = api().get(f"/api/v1/public/certificates/{a.code}/").json()
    assert (body["number"], body["details"], body["status"]) == (a.number, REPORT_A, "valid")


def test_a_bare_number_reveals_nothing_and_answers_as_an_unknown_one(
    coop_a, coop_b, reports, client, api
):
    a, b = reports
    unknown = f"{coop_a.cooperative.code}-2026-99999"
    answers = {}
    for number in (a.number, b.number, unknown):
        page = client.get(f"/verify/{number}/")
        # What was asked comes back only as the address (the language switch returns to it).
        text = page.content.decode().replace(f"/verify/{number}/", "/verify/<asked>/")
        assert page.status_code == 404 and "请输入文书编号旁、二维码下方印制的验证码" in text
        for secret in [*secrets_of(a, coop_a), *secrets_of(b, coop_b)]:
            assert secret not in text
        answers[number] = without_tokens(text)
        public = api().get(f"/api/v1/public/certificates/{number}/")
        assert public.status_code == 404
        assert not any(secret in public.content.decode() for secret in secrets_of(a, coop_a))
    # An existing number and one never issued get the same page: not even existence leaks.
    assert answers[a.number] == answers[unknown] == answers[b.number]


def test_a_code_opens_its_own_document_only(coop_a, coop_b, reports, client):
    a, b = reports
    page = client.get(f"/verify/{a.code}/").content.decode()
    assert a.number in page
    for secret in secrets_of(b, coop_b):
        assert secret not in page
    # The form finds a typed code (as printed) and a number typed in finds nothing.
    typed = client.get("/verify/", {"code": f"  {b.code} "})
    assert typed.status_code == 302 and typed["Location"] == f"/verify/{b.code}/"
    by_number = client.get("/verify/", {"code": a.number})
    assert by_number.status_code == 404
    answer = by_number.content.decode()
    assert all(secret not in answer for secret in secrets_of(a, coop_a) if secret != a.number)
    assert client.get("/verify/").status_code == 200


def test_a_code_of_a_document_not_yet_rendered_opens_nothing(coop_a, client):
    with unscoped():
        pending = Document.objects.create(
            cooperative=coop_a.cooperative,
            kind=Document.Kind.TEST_REPORT,
            source_id=3,
            member=coop_a.member,
            number="X-2026-00003",
            public_details=REPORT_A,
        )
    assert client.get(f"/verify/{pending.code}/").status_code == 404


def test_codes_are_long_random_and_unrelated_to_numbers(reports):
    a, b = reports
    alphabet = set(string.ascii_letters + string.digits + "-_")
    codes = [verification_code() for _ in range(2000)] + [a.code, b.code]
    assert len(set(codes)) == len(codes)
    assert all(len(code) == 22 and set(code) <= alphabet for code in codes)
    # 128 random bits: the 2,000 codes use (nearly) every character of the alphabet in each
    # position, where a counter or a timestamp would leave most positions fixed.
    for position in range(21):  # the last character holds only 2 of the 16 bytes' bits
        assert len({code[position] for code in codes}) > 50
    assert a.number not in a.code and b.number not in b.code


def test_the_migration_gives_existing_documents_distinct_codes(db, coop_a):
    """Documents issued before the codes existed get one each when the migration runs: its
    data step, run on rows without a code. (Migrating the whole schema back to coop 0006 and
    forward again took most of a minute, and longer with every app's migrations after it;
    PostgreSQL changes the schema inside the test's transaction, which undoes it.)"""
    with unscoped():
        for source_id in range(1, 4):
            Document.objects.create(
                cooperative=coop_a.cooperative,
                kind=Document.Kind.TEST_REPORT,
                source_id=source_id,
                member=coop_a.member,
                number=f"OLD-2025-{source_id:05d}",
            )
    table = Document._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no check left pending on the table
        cursor.execute(f"ALTER TABLE {table} ALTER COLUMN code DROP NOT NULL")
        cursor.execute(f"UPDATE {table} SET code = NULL")
    migration = importlib.import_module("coop.migrations.0007_document_verification_code")
    with unscoped():
        migration.give_codes(django_apps, None)
        codes = list(Document.objects.values_list("code", flat=True))
    assert len(codes) == 3 and len(set(codes)) == 3
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{22}", code) for code in codes)


def test_staff_find_a_documents_code_in_the_admin_and_only_their_own(
    coop_a, coop_b, reports, client
):
    a, b = reports
    client.force_login(coop_a.admin)
    page = client.get(f"/admin/coop/document/{a.pk}/change/").content.decode()
    assert a.code in page
    found = client.get("/admin/coop/document/", {"q": a.code}).content.decode()
    assert a.number in found
    assert client.get(f"/admin/coop/document/{b.pk}/change/").status_code == 404
    assert b.number not in client.get("/admin/coop/document/", {"q": b.code}).content.decode()
