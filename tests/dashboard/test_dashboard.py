"""The supervision dashboard agrees with direct queries, its cells lead to the batches they
count, its tables export, and each user sees only the cooperatives they may."""

import re
import time
from datetime import date
from io import BytesIO

import pypdfium2
import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from coop.tenancy import scope, unscoped
from credit.services import grading
from members.models import Member, QualityPerson
from testing_fund.models import Batch, Fund, Result
from tests.factories import MemberFactory

YEAR = date.today().year


@pytest.fixture
def tested(coop_a, coop_b):
    """Reported batches in two towns of coop A (one failing on formaldehyde, one on pH), and
    one of coop B; grades for both cooperatives."""
    from standards import catalogue
    from standards.models import Indicator, Standard

    catalogue.load()
    with unscoped():
        standard = Standard.objects.get(code="GB 18401-2010")
        formaldehyde, ph = (Indicator.objects.get(code=code) for code in ("formaldehyde", "ph"))
        plan = [
            (coop_a, "三厂街道", "raw_material", {formaldehyde: "fail", ph: "pass"}),
            (coop_a, "三厂街道", "finished_product", {formaldehyde: "pass", ph: "pass"}),
            (coop_a, "常乐镇", "finished_product", {formaldehyde: "pass", ph: "fail"}),
            (coop_a, "常乐镇", "finished_product", {formaldehyde: "pass", ph: "pass"}),
            (coop_b, "悦来镇", "finished_product", {formaldehyde: "fail", ph: "pass"}),
        ]
        for tenant, town, role, verdicts in plan:
            member = MemberFactory(cooperative=tenant.cooperative, town=town, chain_role=role)
            fund, _ = Fund.objects.get_or_create(cooperative=tenant.cooperative, year=YEAR)
            batch = Batch.objects.create(
                cooperative=tenant.cooperative,
                member=member,
                fund=fund,
                product="四件套",
                safety_category="B",
                standard=standard,
                lab=tenant.lab.institution,
                status="closed",
                passed="fail" not in verdicts.values(),
                reported_on=date(YEAR, 2, 1),
            )
            for indicator, verdict in verdicts.items():
                Result.objects.create(
                    cooperative=tenant.cooperative,
                    batch=batch,
                    indicator=indicator,
                    price=100,
                    verdict=verdict,
                    reported_on=batch.reported_on,
                )
    for tenant in (coop_a, coop_b):
        with scope({tenant.cooperative.pk}):
            grading.grade_members(cooperative_id=tenant.cooperative.pk)


def row_of(page, slug):
    return next(row for row in page.context["cooperatives"] if row["cooperative"].slug == slug)


def test_the_numbers_agree_with_direct_queries(coop_a, coop_b, tested, client):
    coop_b.cooperative.region = coop_a.cooperative.region  # one region, two cooperatives
    coop_b.cooperative.save()
    client.force_login(coop_a.supervisor)
    page = client.get("/dashboard/", {"year": YEAR})
    assert [row["cooperative"].slug for row in page.context["cooperatives"]] == [
        "coop-a",
        "coop-b",
    ]
    with unscoped():
        for tenant in (coop_a, coop_b):
            cooperative = tenant.cooperative
            row = row_of(page, cooperative.slug)
            batches = Batch.objects.filter(cooperative=cooperative, reported_on__year=YEAR)
            assert (
                row["members"]
                == Member.objects.filter(cooperative=cooperative, status="active").count()
            )
            assert row["batches"] == batches.count()
            assert row["passed"] == batches.filter(passed=True).count()
            assert (
                row["officers"]
                == QualityPerson.objects.filter(
                    cooperative=cooperative, role="cqo", ended_on=None
                ).count()
            )
            assert sum(row["grades"]) == row["members"]
        failures = dict(
            Result.objects.filter(verdict="fail", reported_on__year=YEAR)
            .values_list("indicator__name_zh")
            .annotate(n=Count("*"))
        )
    assert {r["indicator__name_zh"]: r["failures"] for r in page.context["failures"]} == failures
    assert row_of(page, "coop-a")["rate"] == 50.0
    assert row_of(page, "coop-a")["quarters"] == [50.0, None, None, None]  # all in February
    assert row_of(page, "coop-b")["quarters"] == [0.0, None, None, None]
    assert page.context["trend"][0] == {"quarter": "Q1", "total": 5, "passed": 2, "rate": 40.0}
    html = page.content.decode()
    # the quarters, failures by indicator, grades; and a trend chart per key indicator
    # (formaldehyde, azo dyes, pH: supervision/trends.py)
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 6
    assert 'role="img" aria-label="各季度合格率"' in html


def test_an_administrator_sees_only_its_own_cooperative(coop_a, coop_b, tested, client):
    coop_b.cooperative.region = coop_a.cooperative.region
    coop_b.cooperative.save()
    client.force_login(coop_a.admin)
    page = client.get("/dashboard/", {"year": YEAR})
    assert [row["cooperative"].slug for row in page.context["cooperatives"]] == ["coop-a"]
    assert page.context["trend"][0]["total"] == 4  # coop B's batch is not counted
    for role in ("lab", "enterprise"):
        client.force_login(coop_a.users()[role])
        assert client.get("/dashboard/").status_code == 403


def test_the_problem_maps_cells_lead_to_the_batches_they_count(coop_a, tested, client):
    client.force_login(coop_a.admin)
    page = client.get("/c/coop-a/problems/", {"year": YEAR})
    html = page.content.decode()
    links = re.findall(r'href="(/c/coop-a/tests/\?[^"]+)"[^>]*>(\d+)</a>', html)
    assert len(links) >= 4  # two cells, and the chain view's figures
    for link, shown in links:
        listed = client.get(link.replace("&amp;", "&"))
        assert listed.context["page"].paginator.count == int(shown), link
    chain = {row["role"]: row for row in page.context["chain"]}
    assert (chain["raw_material"]["batches"], chain["raw_material"]["failed"]) == (1, 1)
    assert (chain["finished_product"]["batches"], chain["finished_product"]["failed"]) == (3, 1)
    assert client.get("/c/coop-a/problems/").status_code == 200
    client.force_login(coop_a.enterprise)
    assert client.get("/c/coop-a/problems/").status_code == 403


def test_every_dashboard_table_exports_to_xlsx(coop_a, tested, client):
    client.force_login(coop_a.supervisor)
    book = load_workbook(BytesIO(client.get("/dashboard/export.xlsx", {"year": YEAR}).content))
    assert book.sheetnames == ["合作社", "各季度合格率", "各检测项目不合格数", "信用等级分布"]
    rows = list(book["合作社"].values)
    assert rows[0][:3] == ("合作社", "在册社员单位", "首席质量官")
    assert rows[1][0] == coop_a.cooperative.name_zh and rows[1][7] == 4  # batches reported
    problems = load_workbook(
        BytesIO(client.get("/c/coop-a/problems/export.xlsx", {"year": YEAR}).content)
    )
    cells = list(problems.worksheets[0].values)[1:]
    assert sorted(cells) == [("三厂街道", "甲醛含量", 1), ("常乐镇", "pH值", 1)]


@pytest.mark.parametrize("role", ["supervisor", "admin", "lab", "enterprise"])
def test_another_cooperatives_problem_map_and_reports_are_not_found(coop_a, coop_b, client, role):
    from coop.models import AnnualReport

    with unscoped():
        report = AnnualReport.objects.create(cooperative=coop_a.cooperative, year=YEAR)
    client.force_login(coop_b.users()[role])
    for path in (
        "problems/",
        "problems/export.xlsx",
        "annual-reports/",
        f"annual-reports/{report.pk}/",
        f"annual-reports/{report.pk}/?download=1",
    ):
        assert client.get(f"/c/coop-a/{path}").status_code == 404, path
    assert client.post("/c/coop-a/annual-reports/", {"year": YEAR}).status_code == 404
    with unscoped():
        assert AnnualReport.objects.count() == 1


def test_another_regions_supervisor_sees_only_its_own_cooperatives(coop_a, coop_b, tested, client):
    client.force_login(coop_b.supervisor)
    page = client.get("/dashboard/", {"year": YEAR})
    assert [row["cooperative"].slug for row in page.context["cooperatives"]] == ["coop-b"]
    assert page.context["trend"][0]["total"] == 1  # coop A's four batches are not counted
    sheet = load_workbook(BytesIO(client.get("/dashboard/export.xlsx").content))["合作社"]
    assert [row[0] for row in list(sheet.values)[1:]] == [coop_b.cooperative.name_zh]


def test_the_annual_report_list_pins_its_query_count(coop_a, client):
    from coop.models import AnnualReport

    client.force_login(coop_a.admin)

    def add(count):
        with unscoped():
            for _ in range(count):
                AnnualReport.objects.create(cooperative=coop_a.cooperative, year=YEAR)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/c/coop-a/annual-reports/").status_code == 200
        return len(captured)

    # session, user, cooperative, the page's count and rows
    assert add(1) == add(3) == 5


@pytest.mark.celery_worker
def test_the_annual_report_is_built_by_a_worker_with_progress_and_charts(
    coop_a, tested, client, worker
):
    client.force_login(coop_a.admin)
    requested = client.post("/c/coop-a/annual-reports/", {"year": YEAR})
    status_page = requested["Location"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        page = client.get(status_page)
        if page.context["report"].status == "done":
            break
        assert page.context["report"].status in ("queued", "running")
        assert '<meta http-equiv="refresh" content="2">' in page.content.decode()
        time.sleep(0.3)
    assert page.context["report"].status == "done"
    pdf = client.get(status_page, {"download": "1"})
    assert pdf["Content-Type"] == "application/pdf"
    document = pypdfium2.PdfDocument(b"".join(pdf.streaming_content))
    assert len(document) == 6
    text = "".join(page.get_textpage().get_text_range() for page in document)
    assert coop_a.cooperative.name_zh in text and "各季度合格率" in text
    testing = document[2]  # the testing page: the quarterly line and the failure bars
    paths = [o for o in testing.get_objects() if o.type == pypdfium2.raw.FPDF_PAGEOBJ_PATH]
    assert len(paths) > 10
    client.force_login(coop_a.supervisor)
    assert client.get(status_page).status_code == 200


def test_the_dashboard_costs_the_same_for_one_cooperative_or_two(coop_a, coop_b, tested, client):
    client.force_login(coop_a.supervisor)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/dashboard/", {"year": YEAR}).status_code == 200
        return len(captured)

    # session, user, the cooperatives in reach; the kept rows (supervision/kept_figures.py,
    # the key indicators' trend among them), the cooperatives, the indicators; the key
    # indicators' names; the benchmarking figures (one aggregate); and when a row is
    # missing: the row made, eleven grouped queries for the cooperatives that lack theirs,
    # one upsert
    assert (queries(), queries()) == (8 + 13, 8)
    coop_b.cooperative.region = coop_a.cooperative.region
    coop_b.cooperative.save()
    assert (queries(), queries()) == (8 + 13, 8)  # coop A's row kept, coop B's computed


def test_on_the_demo_data_the_dashboard_agrees_with_direct_queries(db, client):
    from coop.models import Cooperative, User
    from credit.models import Commitment, Complaint
    from supervision import demo

    demo.seed(haimen_members=80, log=lambda *args: None)
    client.force_login(User.objects.get(username="bureau"))
    page = client.get("/dashboard/", {"year": YEAR})
    assert len(page.context["cooperatives"]) == Cooperative.objects.count() == 3
    with unscoped():
        for row in page.context["cooperatives"]:
            cooperative = row["cooperative"]
            members = Member.objects.filter(cooperative=cooperative)
            batches = Batch.objects.filter(cooperative=cooperative, reported_on__year=YEAR)
            assert row["members"] == members.filter(status="active").count()
            assert (
                row["above_size"]
                == members.filter(status="active", scale="above_designated_size").count()
            )
            assert (row["batches"], row["passed"]) == (
                batches.count(),
                batches.filter(passed=True).count(),
            )
            assert (
                row["commitments"]
                == Commitment.objects.filter(
                    cooperative=cooperative,
                    status="published",
                    valid_from__lte=date.today(),
                    valid_until__gte=date.today(),
                ).count()
            )
            complaints = Complaint.objects.filter(cooperative=cooperative)
            assert row["complaints_open"] + row["complaints_closed"] == complaints.count()
    assert row_of(page, "haimen-hometextile")["batches"] == 242  # 240 records + 2 reported
    client.force_login(User.objects.get(username="haimen-admin"))
    problems = client.get("/c/haimen-hometextile/problems/", {"year": YEAR})
    links = re.findall(
        r'href="(/c/haimen-hometextile/tests/\?[^"]+)"[^>]*>(\d+)</a>', problems.content.decode()
    )
    assert links
    for link, shown in links:
        listed = client.get(link.replace("&amp;", "&"))
        assert listed.context["page"].paginator.count == int(shown), link
