from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from coop.tenancy import scope, unscoped
from standards.models import DeclaredStandard, Limit, ProductCategory, Standard
from standards.services import flag_outdated
from standards.tasks import flag_outdated_declarations
from tests.standards.conftest import standard

DECLARATIONS = "/api/v1/coops/coop-a/declarations/"


def declare(api, tenant, *codes, category="bedding", safety="B", user=None):
    body = {
        "member": tenant.member.pk,
        "product": "四件套",
        "category": category,
        "safety_category": safety,
        "standards": [standard(code).pk for code in codes],
    }
    return api(user or tenant.enterprise).post(
        f"/api/v1/coops/{tenant.slug}/declarations/", body, format="json"
    )


def test_an_enterprise_declares_the_standards_of_its_product(loaded, coop_a, api):
    response = declare(api, coop_a, "GB 18401-2010", "GB/T 22796-2021")
    assert response.status_code == 201, response.json()
    listed = api(coop_a.enterprise).get(DECLARATIONS).json()["results"][0]
    assert listed["outdated"] == [] and listed["benchmarked"] is True


def test_a_replaced_standard_is_refused_naming_its_successor(loaded, coop_a, api):
    response = declare(api, coop_a, "GB 18401-2010", "GB/T 22797-2009")
    assert response.status_code == 400
    assert "GB/T 22797-2009 已被 GB/T 22796-2021 代替，请声明新标准" in str(response.json())


def test_the_daily_check_flags_a_superseded_standard_and_tells_member_and_staff(
    loaded, coop_a, api, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    coop_a.enterprise.email = "quality@example.com"
    coop_a.enterprise.save()
    coop_a.admin.email = "admin@example.com"
    coop_a.admin.save()
    today = timezone.localdate()
    with unscoped():
        successor = Standard.objects.create(
            code="GB/T 22796-2026",
            level="recommended_national",
            title_zh="床上用品",
            implemented_on=today + timedelta(days=10),
        )
    declare(api, coop_a, "GB 18401-2010", "GB/T 22796-2021")
    with unscoped():
        Standard.objects.filter(code="GB/T 22796-2021").update(superseded_by=successor)
    assert flag_outdated_declarations(coop_a.cooperative.pk) == 0  # successor not yet in force
    with scope({coop_a.cooperative.pk}):
        flagged = flag_outdated(coop_a.cooperative.pk, today=today + timedelta(days=10))
    assert [row.standard.code for row in flagged] == ["GB/T 22796-2021"]
    assert {tuple(message.to) for message in mail.outbox} == {
        ("quality@example.com",),
        ("admin@example.com",),
    }
    assert "GB/T 22796-2021 由 GB/T 22796-2026 代替" in mail.outbox[0].body
    with scope({coop_a.cooperative.pk}):
        assert flag_outdated(coop_a.cooperative.pk, today=today + timedelta(days=11)) == []
    assert len(mail.outbox) == 2  # flagged once, told once
    listed = api(coop_a.enterprise).get(DECLARATIONS).json()["results"][0]
    assert listed["outdated"] == [
        {
            "standard": "GB/T 22796-2021",
            "flagged_on": str(today + timedelta(days=10)),
            "replaced_by": "GB/T 22796-2026",
        }
    ]


def test_the_daily_check_is_scheduled_in_the_database(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(name="Daily check of declared standards")
    assert task.task == "standards.tasks.flag_outdated_declarations_everywhere"
    assert (task.crontab.hour, task.crontab.minute) == ("6", "0")


@pytest.mark.celery_worker
def test_the_scheduled_task_runs_each_cooperatives_check_in_a_worker(loaded, coop_a, api, worker):
    import time

    from standards.tasks import flag_outdated_declarations_everywhere

    declare(api, coop_a, "GB 18401-2010", "GB/T 22796-2021")
    with unscoped():
        Standard.objects.filter(code="GB/T 22796-2021").update(withdrawn_on=date(2025, 1, 1))
    flag_outdated_declarations_everywhere.delay().get(timeout=20)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with unscoped():
            if DeclaredStandard.objects.exclude(flagged_on=None).exists():
                break
        time.sleep(0.2)
    with unscoped():
        assert DeclaredStandard.objects.get(standard__code="GB/T 22796-2021").flagged_on


def test_a_redeclaration_clears_the_flags(loaded, coop_a, api):
    created = declare(api, coop_a, "GB 18401-2010", "GB/T 22796-2021").json()
    with unscoped():
        DeclaredStandard.objects.update(flagged_on=date(2026, 1, 1))
    changed = api(coop_a.enterprise).patch(
        f"{DECLARATIONS}{created['id']}/",
        {"standards": [standard("GB 18401-2010").pk]},
        format="json",
    )
    assert changed.status_code == 200 and changed.json()["outdated"] == []


def test_benchmarking_marks_stricter_looser_and_the_benchmarked_product(loaded, coop_a, api):
    with unscoped():
        group = Standard.objects.create(
            cooperative=coop_a.cooperative,
            code="T/NTJF 001-2023",
            level="group",
            title_zh="高品质床品",
            implemented_on=date(2023, 1, 1),
        )
        Limit.objects.create(
            standard=group, indicator_id=_indicator("formaldehyde"), category="B", maximum=50
        )
        Limit.objects.create(
            standard=group, indicator_id=_indicator("ph"), category="B", minimum=4, maximum=9
        )
        group.product_categories.add(ProductCategory.objects.get(code="bedding"))
    created = declare(api, coop_a, "T/NTJF 001-2023").json()
    assert created["benchmarked"] is False  # it says nothing of fastness, odour, azo dyes
    rows = api(coop_a.admin).get(f"{DECLARATIONS}{created['id']}/benchmark/").json()["rows"]
    marks = {row["indicator"]: row["mark"] for row in rows}
    assert (marks["formaldehyde"], marks["ph"], marks["odour"]) == ("stricter", "looser", "missing")
    both = declare(api, coop_a, "GB 18401-2010", "T/NTJF 001-2023").json()
    assert both["benchmarked"] is True
    against = (
        api(coop_a.admin)
        .get(f"{DECLARATIONS}{both['id']}/benchmark/", {"against": standard("T/NTJF 001-2023").pk})
        .json()
    )
    assert {row["indicator"]: row["mark"] for row in against["rows"]}["ph"] == "stricter"


def _indicator(code):
    from standards.models import Indicator

    return Indicator.objects.get(code=code).pk


def test_declarations_pin_their_queries(loaded, coop_a, api, django_assert_num_queries):
    for _ in range(3):
        declare(api, coop_a, "GB 18401-2010", "GB/T 22796-2021")
    client = api(coop_a.admin)
    # token, the URL's cooperative, national standards with limits and categories (3), count,
    # page, its standards with limits (2), flags
    with django_assert_num_queries(10):
        assert client.get(DECLARATIONS).json()["count"] == 3
    for _ in range(5):
        declare(api, coop_a, "GB 18401-2010")
    with django_assert_num_queries(10):
        assert client.get(DECLARATIONS).json()["count"] == 8


def test_another_cooperatives_declarations_collection_and_draftings_are_out_of_reach(
    loaded, coop_a, coop_b, api
):
    theirs = declare(api, coop_b, "GB 18401-2010").json()
    for role in ("admin", "enterprise", "supervisor", "lab"):
        client = api(coop_a.users()[role])
        for path in ("declarations/", "collection/", "draftings/", "standards/"):
            assert client.get(f"/api/v1/coops/coop-b/{path}").status_code == 404
        assert client.get(f"{DECLARATIONS}{theirs['id']}/").status_code == 404
        assert client.get(f"{DECLARATIONS}{theirs['id']}/benchmark/").status_code == 404
    body = {
        "member": coop_b.member.pk,
        "product": "x",
        "category": "bedding",
        "safety_category": "B",
        "standards": [standard("GB 18401-2010").pk],
    }
    assert api(coop_a.admin).post(DECLARATIONS, body, format="json").status_code == 400


def test_an_enterprise_declares_only_for_itself(loaded, coop_a, api):
    from tests.factories import MemberFactory

    other = MemberFactory(cooperative=coop_a.cooperative)
    body = {
        "member": other.pk,
        "product": "x",
        "category": "bedding",
        "safety_category": "B",
        "standards": [standard("GB 18401-2010").pk],
    }
    assert api(coop_a.enterprise).post(DECLARATIONS, body, format="json").status_code == 403


def test_the_collection_and_drafting(loaded, coop_a, api):
    entry = api(coop_a.admin).post(
        "/api/v1/coops/coop-a/collection/",
        {"standard": standard("GB/T 22796-2021").pk, "section": "床上用品", "position": 1},
        format="json",
    )
    assert entry.status_code == 201 and entry.json()["code"] == "GB/T 22796-2021"
    old = api(coop_a.admin).post(
        "/api/v1/coops/coop-a/collection/",
        {"standard": standard("GB/T 22797-2009").pk},
        format="json",
    )
    assert old.status_code == 400
    assert api(coop_a.enterprise).get("/api/v1/coops/coop-a/collection/").json()["count"] == 1
    drafted = api(coop_a.admin).post(
        "/api/v1/coops/coop-a/draftings/",
        {
            "member": coop_a.member.pk,
            "standard": standard("GB/T 22796-2021").pk,
            "role": "join",
            "year": 2021,
        },
        format="json",
    )
    assert drafted.status_code == 201
