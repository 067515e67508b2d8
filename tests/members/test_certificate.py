import hashlib
import io

import pypdfium2
import pytest
import zxingcpp
from django.utils import timezone
from weasyprint.urls import FatalURLFetchingError

from coop import documents
from coop.models import Document
from coop.tenancy import scope, unscoped
from members.models import ConventionSignature
from members.services.convention import convention_sign
from members.tasks import issue_convention_certificate

SIGNER = {"signer_name": "陈建华", "signer_position": "法定代表人"}


@pytest.fixture
def signed(coop_a, convention):
    """Coop A's member signed version 1; its certificate task has run."""
    with scope({coop_a.cooperative.pk}):
        signature = convention_sign(member=coop_a.member, actor=coop_a.enterprise, **SIGNER)
    number = issue_convention_certificate(coop_a.cooperative.pk, signature.pk)
    with unscoped():
        return Document.objects.get(number=number)


def read_pdf(document):
    with document.file.open("rb") as file:
        content = file.read()
    page = pypdfium2.PdfDocument(io.BytesIO(content))[0]
    text = "".join(page.get_textpage().get_text_range().split())  # letter-spacing adds spaces
    # PDFium reads a hyphen it takes for a line-break hyphen as U+FFFE; the codes hold "-".
    text = text.replace("\ufffe", "-")
    return content, text, page.render(scale=2).to_pil()


def test_the_certificate_is_an_a4_pdf_in_chinese_with_number_qr_and_hash(coop_a, signed):
    content, text, image = read_pdf(signed)
    assert signed.number == f"{coop_a.cooperative.code}-{timezone.localdate().year}-00001"
    assert "质量公约签署证书" in text
    assert coop_a.member.name.replace(" ", "") in text
    assert coop_a.member.uscc in text and signed.number in text
    page = pypdfium2.PdfDocument(io.BytesIO(content))[0]
    assert (round(page.get_width() / 72 * 25.4), round(page.get_height() / 72 * 25.4)) == (210, 297)
    codes = [result.text for result in zxingcpp.read_barcodes(image)]
    assert codes == [f"http://127.0.0.1:8000/verify/{signed.code}/"]
    assert signed.code in text  # printed beside the number, for typing in
    assert signed.sha256 == hashlib.sha256(content).hexdigest()


def test_the_qr_code_leads_to_a_page_that_says_valid(signed, client):
    page = client.get(f"/verify/{signed.code}/").content.decode()
    assert "<strong>有效</strong>" in page and signed.sha256 in page


def test_a_rerun_of_the_task_yields_the_same_certificate(coop_a, signed):
    with unscoped():
        signature = ConventionSignature.objects.get(member=coop_a.member)
    again = issue_convention_certificate(coop_a.cooperative.pk, signature.pk)
    with unscoped():
        assert Document.objects.filter(member=coop_a.member).count() == 1
        assert (again, Document.objects.get().sha256) == (signed.number, signed.sha256)


def test_public_verification_shows_no_private_data(coop_a, signed, api, client):
    body = api().get(f"/api/v1/public/certificates/{signed.code}/").json()
    assert body["status"] == "valid" and body["details"]["member"] == coop_a.member.name
    page = client.get(f"/verify/{signed.code}/").content.decode()
    for private in ("陈建华", "127.0.0.1", coop_a.member.contact_phone or "no-phone", "法定代表人"):
        assert private not in str(body) and private not in page


def test_a_newer_signature_supersedes_and_an_exit_revokes(coop_a, signed, api):
    from members.services.convention import convention_adopt
    from members.services.lifecycle import MEMBER

    with scope({coop_a.cooperative.pk}):
        convention_adopt(
            cooperative=coop_a.cooperative,
            actor=coop_a.admin,
            title="第二版",
            purpose="p",
            principles="p",
            duties="d",
            member_conditions="m",
            entry_exit_rules="e",
        )
        convention_sign(member=coop_a.member, actor=coop_a.enterprise, **SIGNER)
    assert api().get(f"/api/v1/public/certificates/{signed.code}/").json()["status"] == "superseded"
    with scope({coop_a.cooperative.pk}):
        MEMBER.take(
            "exit",
            coop_a.member,
            actor=coop_a.admin,
            reason="自愿退出",
            exit_kind="withdrawal",
            decision_date=timezone.localdate(),
        )
    body = api().get(f"/api/v1/public/certificates/{signed.code}/").json()
    assert (body["status"], body["status_display"]) == ("revoked", "已撤销")


def test_an_unknown_code_is_not_found(db, api, client):
    assert api().get("/api/v1/public/certificates/AAAAAAAAAAAAAAAAAAAAAA/").status_code == 404
    assert client.get("/verify/AAAAAAAAAAAAAAAAAAAAAA/").status_code == 404


def test_the_enterprise_downloads_its_certificate_and_others_cannot(coop_a, coop_b, signed, client):
    client.force_login(coop_a.enterprise)
    response = client.get(f"/c/coop-a/documents/{signed.number}/")
    content = b"".join(response.streaming_content)
    assert response["Content-Type"] == "application/pdf"
    assert hashlib.sha256(content).hexdigest() == signed.sha256
    client.force_login(coop_b.enterprise)
    assert client.get(f"/c/coop-b/documents/{signed.number}/").status_code == 404
    assert client.get(f"/c/coop-a/documents/{signed.number}/").status_code == 404
    client.force_login(coop_b.admin)
    assert client.get(f"/c/coop-a/documents/{signed.number}/").status_code == 404


def test_a_neighbouring_member_cannot_download_it(coop_a, signed, api):
    from tests.factories import MemberFactory, UserFactory

    neighbour = UserFactory(role="enterprise", member=MemberFactory(cooperative=coop_a.cooperative))
    path = f"/api/v1/coops/coop-a/documents/{signed.number}/pdf/"
    assert api(neighbour).get(path).status_code == 404
    assert api(coop_a.enterprise).get(path).status_code == 200
    assert api(neighbour).get("/api/v1/coops/coop-a/documents/").json()["count"] == 0


def test_a_document_fetches_nothing_from_outside():
    with pytest.raises(FatalURLFetchingError) as refused:
        documents.render_pdf('<img src="http://example.com/x.png">')
    assert "only use the portal's static files" in str(refused.value.__cause__)
    assert documents.render_pdf('<link rel="stylesheet" href="/static/css/certificate.css">')


@pytest.mark.celery_worker
def test_signing_through_the_api_has_a_worker_issue_the_certificate(
    coop_a, convention, api, worker
):
    import time

    response = api(coop_a.enterprise).post(
        f"/api/v1/coops/coop-a/conventions/{convention.pk}/signatures/", SIGNER, format="json"
    )
    assert response.status_code == 201
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        listed = api(coop_a.enterprise).get("/api/v1/coops/coop-a/documents/").json()
        if listed["count"]:
            break
        time.sleep(0.2)
    assert listed["results"][0]["status"] == "valid"
    assert len(listed["results"][0]["sha256"]) == 64


def test_a_certificate_renders_under_production_static_storage(
    coop_a, convention, settings, tmp_path
):
    """In production {% static %} names the hashed, collected copy; the fetcher must find it."""
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    with scope({coop_a.cooperative.pk}):
        signature = convention_sign(member=coop_a.member, actor=coop_a.enterprise, **SIGNER)
    number = issue_convention_certificate(coop_a.cooperative.pk, signature.pk)
    with unscoped():
        _content, text, _image = read_pdf(Document.objects.get(number=number))
    assert "质量公约签署证书" in text
