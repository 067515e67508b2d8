"""Files a person attaches (coop.attachments): the type is told from the content, the size is
limited, a refusal names the field and writes nothing, and a file is served, as an attachment,
only to those who may see its row: the member and the cooperative's staff, not another member
of the cooperative, another cooperative's users or the anonymous."""

import io
from datetime import date, timedelta
from pathlib import Path

import pypdfium2
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from coop import attachments
from coop.models import Attachment, Role
from coop.tenancy import scope, unscoped
from testing_fund.models import Batch
from testing_fund.services import batches
from tests.factories import MemberFactory, UserFactory
from tests.testing_fund.conftest import priced, request  # noqa: F401 - priced is a fixture

BAD = {"formaldehyde": "82", "ph": "6.5", "odour": "无"}


def jpeg(size=(64, 48), colour=(180, 40, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="JPEG")
    return buffer.getvalue()


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 90, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def pdf():
    document = pypdfium2.PdfDocument.new()
    document.new_page(200, 200)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def upload(name, content):
    return SimpleUploadedFile(name, content)


def stored_files():
    folder = Path(settings.MEDIA_ROOT) / "attachments"
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


SAMPLING = {
    "seal_number": "FY-0001",
    "samplers": "王建华、李明",
    "sampling_place": "成品仓库",
    "backup_kept": "true",
    "member_signatory": "张红",
}


@pytest.fixture
def approved(coop_a, priced):  # noqa: F811 - the fixture imported above
    batch = request(coop_a)
    with scope({coop_a.cooperative.pk}):
        batches.approve(batch=batch, actor=coop_a.admin)
    return batch


@pytest.fixture
def neighbour(coop_a):
    """Another member unit of the same cooperative, with its own account."""
    member = MemberFactory(cooperative=coop_a.cooperative, name="乙 家纺有限公司")
    return UserFactory(username="a-neighbour", role=Role.ENTERPRISE, member=member)


# The checks


def test_the_type_is_told_from_the_content_not_the_name():
    photo = attachments.check(upload("a.jpg", jpeg()), "sample_photo", "sample_photos")
    assert photo[0] == "image/jpeg"
    # A PNG named .jpg is a PNG: taken, and kept as what it is.
    assert attachments.check(upload("b.jpg", png()), "seal_photo", "seal_photos")[0] == "image/png"
    assert attachments.check(upload("c.bin", pdf()), "rectification_evidence", "evidence")[0] == (
        "application/pdf"
    )
    refusals = [
        (upload("note.jpg", b"just some text, not a photo"), "sample_photo"),
        (upload("cut.jpg", jpeg()[:200]), "sample_photo"),  # cut off: the image does not verify
        (upload("scan.pdf", pdf()), "sample_photo"),  # a PDF is no photo
        (upload("fake.pdf", b"%PDF-1.4 not really"), "rectification_evidence"),
    ]
    for uploaded, purpose in refusals:
        with pytest.raises(ValidationError) as refused:
            attachments.check(uploaded, purpose, "photos")
        assert list(refused.value.message_dict) == ["photos"]
        assert uploaded.name in refused.value.message_dict["photos"][0]


def test_an_empty_or_oversize_file_is_refused_saying_the_limit(settings):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    with pytest.raises(ValidationError, match="e.jpg”是空文件"):
        attachments.check(upload("e.jpg", b""), "sample_photo", "sample_photos")
    noisy = Image.effect_noise((1400, 1400), 90).convert("RGB")
    buffer = io.BytesIO()
    noisy.save(buffer, format="JPEG", quality=100)
    big = buffer.getvalue()
    assert len(big) > settings.ATTACHMENT_MAX_BYTES
    with pytest.raises(ValidationError) as refused:
        attachments.check(upload("big.jpg", big), "sample_photo", "sample_photos")
    said = refused.value.message_dict["sample_photos"][0]
    assert "big.jpg" in said and "1 MB" in said


# The sampling step's photos, from the page


def test_the_sampling_form_takes_photos_and_the_page_lists_them(coop_a, approved, client):
    client.force_login(coop_a.admin)
    page = client.get(f"/c/coop-a/tests/{approved.pk}/").content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="sample_photos"' in page
    assert 'name="seal_photos"' in page and 'name="member_signatory"' in page
    response = client.post(
        f"/c/coop-a/tests/{approved.pk}/sample/",
        {
            **SAMPLING,
            "sample_photos": [upload("样品.jpg", jpeg()), upload("标签.png", png())],
            "seal_photos": [upload("封条.jpg", jpeg(colour=(0, 0, 0)))],
        },
        follow=True,
    )
    assert response.status_code == 200
    with unscoped():
        batch = Batch.objects.get(pk=approved.pk)
        assert batch.status == "sampled" and batch.member_signatory == "张红"
        files = list(Attachment.objects.filter(target="testing_fund.batch", target_id=batch.pk))
    assert [(f.purpose, f.name, f.content_type) for f in files] == [
        ("sample_photo", "样品.jpg", "image/jpeg"),
        ("sample_photo", "标签.png", "image/png"),
        ("seal_photo", "封条.jpg", "image/jpeg"),
    ]
    assert all(len(f.sha256) == 64 and f.uploaded_by == coop_a.admin for f in files)
    page = client.get(f"/c/coop-a/tests/{approved.pk}/").content.decode()
    for each in files:
        assert f"/c/coop-a/attachments/{each.pk}/" in page
    assert "样品.jpg" in page and "封条.jpg" in page and "张红" in page


def test_a_refused_photo_writes_nothing_and_names_the_field(coop_a, approved, client):
    before = stored_files()
    client.force_login(coop_a.admin)
    response = client.post(
        f"/c/coop-a/tests/{approved.pk}/sample/",
        {
            **SAMPLING,
            # The good photo is not kept either: the step is refused whole.
            "sample_photos": [upload("good.jpg", jpeg())],
            "seal_photos": [upload("seal.jpg", b"this is text, not a photo")],
        },
        follow=True,
    )
    said = response.content.decode()
    assert "封样照片" in said and "seal.jpg" in said
    with unscoped():
        assert Batch.objects.get(pk=approved.pk).status == "approved"
        assert not Attachment.objects.exists()
    assert stored_files() == before


def test_an_oversize_photo_by_the_api_is_refused_and_writes_nothing(
    coop_a, approved, api, settings
):
    settings.ATTACHMENT_MAX_BYTES = 1000
    before = stored_files()
    response = api(coop_a.admin).post(
        f"/api/v1/coops/coop-a/batches/{approved.pk}/sample/",
        {**SAMPLING, "sample_photos": [upload("big.jpg", jpeg(size=(400, 400)))]},
        format="multipart",
    )
    assert response.status_code == 400, response.json()
    assert "big.jpg" in str(response.json()["sample_photos"])
    with unscoped():
        assert Batch.objects.get(pk=approved.pk).status == "approved"
        assert not Attachment.objects.exists()
    assert stored_files() == before


# Who is served the file


def sampled_with_photo(coop_a, approved, api):
    response = api(coop_a.admin).post(
        f"/api/v1/coops/coop-a/batches/{approved.pk}/sample/",
        {**SAMPLING, "seal_photos": [upload("封条.jpg", jpeg())]},
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["member_signatory"] == "张红"
    with unscoped():
        return Attachment.objects.get(target_id=approved.pk)


def test_the_file_is_served_as_an_attachment_to_the_member_and_staff_only(
    coop_a, coop_b, approved, neighbour, api, client
):
    photo = sampled_with_photo(coop_a, approved, api)
    url = f"/c/coop-a/attachments/{photo.pk}/"
    for user in (coop_a.admin, coop_a.supervisor, coop_a.enterprise, coop_a.lab):
        client.force_login(user)
        served = client.get(url)
        assert served.status_code == 200, user
        assert served["Content-Type"] == "image/jpeg"
        assert served["Content-Disposition"].startswith("attachment;")
        assert served["X-Content-Type-Options"] == "nosniff"
        assert b"".join(served.streaming_content) == jpeg()
    for user in (neighbour, coop_b.admin, coop_b.enterprise, coop_b.supervisor):
        client.force_login(user)
        assert client.get(url).status_code == 404, user
        assert client.get(f"/c/coop-b/attachments/{photo.pk}/").status_code == 404, user
    client.logout()
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_the_api_lists_a_batchs_files_and_serves_them_to_those_who_may_see_it(
    coop_a, coop_b, approved, neighbour, api, django_assert_num_queries
):
    photo = sampled_with_photo(coop_a, approved, api)
    member = api(coop_a.enterprise)
    # token, user's cooperative, cooperative, batch and its results, rectification, the
    # files' count, the page's ids and its rows (the batch API's pages read ids first)
    with django_assert_num_queries(9):
        listed = member.get(f"/api/v1/coops/coop-a/batches/{approved.pk}/attachments/")
    assert listed.status_code == 200
    [row] = listed.json()["results"]
    assert (row["id"], row["purpose"], row["name"]) == (photo.pk, "seal_photo", "封条.jpg")
    # The lab that tests the sample sees its photos, at its own address of the batch.
    by_lab = api(coop_a.lab).get(f"/api/v1/labs/batches/{approved.pk}/attachments/")
    assert by_lab.status_code == 200 and by_lab.json() == listed.json()
    assert api(coop_a.lab).get(row["download"]).status_code == 200
    download = api(coop_a.enterprise).get(row["download"])
    assert download.status_code == 200 and download["Content-Type"] == "image/jpeg"
    assert download["Content-Disposition"].startswith("attachment;")
    address = f"/api/v1/coops/coop-a/attachments/{photo.pk}/"
    assert api(neighbour).get(address).status_code == 404
    listing = f"/api/v1/coops/coop-a/batches/{approved.pk}/attachments/"
    assert api(neighbour).get(listing).status_code == 404
    assert api(coop_b.admin).get(address).status_code == 404
    assert api(coop_b.admin).get(f"/api/v1/coops/coop-b/attachments/{photo.pk}/").status_code == 404
    assert api().get(address).status_code in (401, 403)


# The rectification answer's evidence


def test_the_rectification_answer_takes_evidence_seen_by_the_member_and_staff(
    coop_a,
    coop_b,
    priced,  # noqa: F811 - the fixture imported above
    neighbour,
    api,
    client,  # noqa: F811
):
    second = UserFactory(role="lab_technician", institution=coop_a.lab.institution)
    batch = request(coop_a)
    with scope({coop_a.cooperative.pk}):
        batches.approve(batch=batch, actor=coop_a.admin)
        batches.sample(
            batch=batch,
            actor=coop_a.admin,
            seal_number="FY-9",
            samplers="王建华、李明",
            sampling_place="仓库",
            backup_kept=True,
        )
        batches.receive(batch=batch, actor=coop_a.lab)
        batches.enter_results(batch=batch, actor=coop_a.lab, values=BAD)
        batches.verify(batch=batch, actor=second)
        batches.report(batch=batch, actor=coop_a.admin)
        batches.notify_rectification(
            batch=batch,
            actor=coop_a.admin,
            notice="甲醛超标，请整改",
            due_on=date.today() + timedelta(30),
        )
    answer = f"/api/v1/coops/coop-a/batches/{batch.pk}/answer/"
    refused = api(coop_a.enterprise).post(
        answer,
        {"answer": "已更换助剂", "evidence": [upload("单据.pdf", b"%PDF-1.7 but nothing else")]},
        format="multipart",
    )
    assert refused.status_code == 400 and "单据.pdf" in str(refused.json()["evidence"])
    done = api(coop_a.enterprise).post(
        answer,
        {
            "answer": "已更换助剂",
            "evidence": [upload("单据.pdf", pdf()), upload("车间.jpg", jpeg())],
        },
        format="multipart",
    )
    assert done.status_code == 200, done.json()
    with unscoped():
        evidence = list(Attachment.objects.filter(target="testing_fund.rectification"))
    assert [(e.name, e.content_type) for e in evidence] == [
        ("单据.pdf", "application/pdf"),
        ("车间.jpg", "image/jpeg"),
    ]
    client.force_login(coop_a.enterprise)
    page = client.get(f"/c/coop-a/tests/{batch.pk}/").content.decode()
    assert f"/c/coop-a/attachments/{evidence[0].pk}/" in page
    served = client.get(f"/c/coop-a/attachments/{evidence[0].pk}/")
    assert served.status_code == 200 and served["Content-Type"] == "application/pdf"
    client.force_login(coop_a.admin)
    assert client.get(f"/c/coop-a/attachments/{evidence[1].pk}/").status_code == 200
    for user in (neighbour, coop_b.admin):
        client.force_login(user)
        assert client.get(f"/c/coop-a/attachments/{evidence[0].pk}/").status_code == 404


# The scan of a paper signature


def test_a_paper_signatures_scan_is_an_attachment_checked_and_served_like_the_others(
    coop_a, coop_b, convention, neighbour, api, client
):
    address = f"/api/v1/coops/coop-a/members/{coop_a.member.pk}/paper-signatures/"
    fields = {"signed_on": "2017-05-04", "signer_name": "张明", "signer_position": "法定代表人"}
    before = stored_files()
    broken = api(coop_a.admin).post(
        address, {**fields, "scan": upload("scan.png", png()[:40])}, format="multipart"
    )
    assert broken.status_code == 400 and "scan.png" in str(broken.json()["scan"])
    with unscoped():
        assert not Attachment.objects.exists()
    assert stored_files() == before
    paper = pdf()
    made = api(coop_a.admin).post(
        address, {**fields, "scan": upload("scan.pdf", paper)}, format="multipart"
    )
    assert made.status_code == 201, made.json()
    with unscoped():
        scan = Attachment.objects.get(purpose="signature_scan")
        signature = scan.target_id
        assert (
            scan.target == "members.conventionsignature" and scan.content_type == "application/pdf"
        )
        # The signature points at the attachment's file: one file, not two.
        from members.models import ConventionSignature

        assert ConventionSignature.objects.get(pk=signature).scan.name == scan.file.name
    assert len(stored_files()) == len(before) + 1
    for user in (coop_a.admin, coop_a.enterprise):
        client.force_login(user)
        served = client.get(f"/c/coop-a/attachments/{scan.pk}/")
        assert served.status_code == 200 and b"".join(served.streaming_content) == paper
    for user in (neighbour, coop_b.admin):
        client.force_login(user)
        assert client.get(f"/c/coop-a/attachments/{scan.pk}/").status_code == 404


def test_a_form_sent_with_no_photo_chosen_records_the_sampling(coop_a, approved, client):
    """A browser sends a file input left empty as an empty value: no photo, no refusal."""
    client.force_login(coop_a.admin)
    client.post(
        f"/c/coop-a/tests/{approved.pk}/sample/",
        {**SAMPLING, "sample_photos": "", "seal_photos": ""},
    )
    with unscoped():
        assert Batch.objects.get(pk=approved.pk).status == "sampled"
        assert not Attachment.objects.exists()
