"""Onboarding a cooperative (supervision/onboarding.py): the page, the command and the API make
the cooperative, its labs, convention, fund, administrators' invitations and schedules; a
refusal writes nothing and names the field; only a region supervisor onboards, and only into
their own region."""

import io
import shlex
from datetime import date
from decimal import Decimal

import pytest
import schemathesis
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django_celery_beat.models import PeriodicTask
from hypothesis import HealthCheck, settings

from coop.models import AuditRecord, Cooperative, Invitation, Role
from coop.tenancy import unscoped
from members.models import Convention
from supervision.management.commands.onboard_cooperative import Command
from supervision.models import Schedule
from supervision.onboarding import CONVENTION_TEMPLATE, onboard_cooperative
from testing_fund.models import Appropriation, Fund, LedgerEntry
from testing_fund.models import TestingInstitution as Lab
from tests.api.test_schemathesis import APP, SERVED, Session, json_bodies_only
from tests.api.test_schemathesis import config as schemathesis_config
from tests.factories import DistrictFactory, InstitutionFactory

ADMIN_EMAIL = "chen.admin@rudong-seafood.example.cn"


def counts():
    """The rows an onboarding writes, counted in every table it touches."""
    with unscoped():
        return {
            "cooperatives": Cooperative.objects.count(),
            "districts served": Cooperative.districts.through.objects.count(),
            "labs served": Lab.cooperatives.through.objects.count(),
            "conventions": Convention.objects.count(),
            "funds": Fund.objects.count(),
            "appropriations": Appropriation.objects.count(),
            "ledger": LedgerEntry.objects.count(),
            "invitations": Invitation.objects.count(),
            "periodic tasks": PeriodicTask.objects.count(),
            "schedules": Schedule.objects.count(),
            "audit": AuditRecord.objects.count(),
        }


@pytest.fixture
def district_a(coop_a):
    return DistrictFactory(region=coop_a.cooperative.region, division_code="320623")


@pytest.fixture
def other_district_a(coop_a):
    """A second district of region A, which the new cooperative's cluster also spans."""
    return DistrictFactory(
        region=coop_a.cooperative.region, division_code="320681", name_zh="启东市"
    )


def served(slug):
    return list(
        Cooperative.objects.get(slug=slug).districts.values_list("division_code", flat=True)
    )


@pytest.fixture
def new_lab(db):
    return InstitutionFactory(name_zh="南通市产品质量监督检验所")


def form_data(district, lab, **overrides):
    """The onboarding page's form, filled in."""
    data = {
        "name_zh": "如东县海产品质量合作社",
        "name_en": "Rudong Seafood Quality Cooperative",
        "slug": "rudong-seafood",
        "code": "RDHC",
        "industry": "海产品加工",
        "district": district.pk,
        "established": "2026-03-01",
        "founding_units": "如东县市场监督管理局\n如东县海产品商会\n",
        "description": "",
        "labs": [lab.pk],
        **{f"convention_{name}": text for name, text in CONVENTION_TEMPLATE.items()},
        "fund_year": "2026",
        "fund_amount": "200000.00",
        "fund_source": "如东县财政局",
        "fund_document_number": "东财〔2026〕12号",
        "fund_on": "",
        "administrators": f"{ADMIN_EMAIL}\n",
    }
    return {**data, **overrides}


def payload(district, lab, **overrides):
    """The API's body for the same cooperative."""
    data = form_data(district, lab)
    data.update(
        district=district.division_code,
        founding_units=["如东县市场监督管理局", "如东县海产品商会"],
        administrators=[ADMIN_EMAIL],
    )
    data.pop("fund_on")
    return {**data, **overrides}


def service_values(district, lab, **overrides):
    data = payload(district, lab)
    data["convention"] = {name: data.pop(f"convention_{name}") for name in CONVENTION_TEMPLATE}
    data["established"] = date(2026, 3, 1)
    return {**data, **overrides}


def assert_onboarded(slug, region, district, lab, actor):
    """Everything the onboarding makes is there, in the new cooperative."""
    cooperative = Cooperative.objects.get(slug=slug)
    assert cooperative.region == region and cooperative.district == district
    assert cooperative.code == "RDHC"
    assert cooperative.founding_unit_list() == ["如东县市场监督管理局", "如东县海产品商会"]
    assert list(Lab.objects.filter(cooperatives=cooperative)) == [lab]
    with unscoped():
        convention = Convention.objects.get(cooperative=cooperative)
        assert convention.version == 1 and convention.adopted_by == actor
        assert convention.purpose == CONVENTION_TEMPLATE["purpose"]
        fund = Fund.objects.get(cooperative=cooperative)
        assert fund.year == 2026
        assert fund.balance() == Decimal("200000.00")
        appropriation = Appropriation.objects.get(cooperative=cooperative)
        assert appropriation.source == "如东县财政局"
        invitation = Invitation.objects.get(cooperative=cooperative)
        assert (invitation.email, invitation.role) == (ADMIN_EMAIL, Role.COOP_ADMIN)
        assert invitation.invited_by == actor
        kinds = set(Schedule.objects.filter(cooperative=cooperative).values_list("kind", flat=True))
        assert kinds == set(Schedule.Kind.values)
        tasks = PeriodicTask.objects.filter(cooperative_schedule__cooperative=cooperative)
        assert tasks.count() == len(Schedule.Kind.values)
        record = AuditRecord.objects.get(cooperative=cooperative, action="cooperative_onboard")
        assert record.actor == actor
    # The administrator's invitation was mailed, with its link.
    assert [message.to for message in mail.outbox] == [[ADMIN_EMAIL]]
    assert "/invitation/" in mail.outbox[0].body
    return cooperative


# The page ------------------------------------------------------------------------------------


def test_the_supervisor_home_links_to_the_onboarding_page(client, coop_a):
    client.force_login(coop_a.supervisor)
    assert "/coops/new/" in client.get("/staff/").content.decode()
    client.force_login(coop_a.admin)
    assert "/coops/new/" not in client.get("/staff/").content.decode()


def test_the_page_asks_in_chinese_and_lists_only_the_supervisors_districts(
    client, coop_a, coop_b, district_a
):
    client.force_login(coop_a.supervisor)
    page = client.get("/coops/new/").content.decode()
    for label in ["名称（中文）", "第一版质量公约", "检测基金", "管理员"]:
        assert label in page, label
    assert district_a.name_zh in page
    assert coop_b.cooperative.district.name_zh not in page
    # The model convention is filled in, for the supervisor to edit.
    assert CONVENTION_TEMPLATE["principles"] in page


def test_the_page_onboards_a_cooperative_and_shows_what_comes_next(
    client, coop_a, district_a, new_lab, django_capture_on_commit_callbacks
):
    client.force_login(coop_a.supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/coops/new/", form_data(district_a, new_lab))
    assert response.status_code == 302
    assert response["Location"] == "/c/rudong-seafood/onboarded/"
    assert_onboarded(
        "rudong-seafood", coop_a.cooperative.region, district_a, new_lab, coop_a.supervisor
    )
    page = client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert ADMIN_EMAIL in text
    assert "如东县海产品质量合作社" in text
    for kind in Schedule.Kind:
        assert str(kind.label) in text
    assert "sampling round preview" not in text  # said in Chinese, not as a code
    assert "已发送，尚未使用" in text and "mailed" not in text


def test_a_refused_page_names_the_field_and_writes_nothing(client, coop_a, district_a, new_lab):
    client.force_login(coop_a.supervisor)
    before = counts()
    response = client.post(
        "/coops/new/", form_data(district_a, new_lab, slug=coop_a.cooperative.slug)
    )
    assert response.status_code == 200
    assert "slug" in response.context["form"].errors
    assert "invalid" in response.content.decode()
    assert counts() == before


@pytest.mark.parametrize("role", ["admin", "lab", "enterprise"])
def test_only_a_region_supervisor_has_the_page(client, coop_a, district_a, new_lab, role):
    client.force_login(getattr(coop_a, role))
    before = counts()
    assert client.get("/coops/new/").status_code == 403
    assert client.post("/coops/new/", form_data(district_a, new_lab)).status_code == 403
    assert counts() == before


def test_a_superuser_onboards_into_any_region_through_the_page(
    client, coop_a, coop_b, district_a, new_lab, django_capture_on_commit_callbacks
):
    from tests.factories import UserFactory

    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)
    page = client.get("/coops/new/").content.decode()
    assert district_a.name_zh in page and coop_b.cooperative.district.name_zh in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/coops/new/", form_data(district_a, new_lab))
    assert response.status_code == 302
    assert_onboarded("rudong-seafood", coop_a.cooperative.region, district_a, new_lab, root)


def test_a_region_without_districts_is_told_what_to_do_first(client, db):
    from tests.factories import RegionFactory, UserFactory

    region = RegionFactory(slug="region-new")
    supervisor = UserFactory(username="new-supervisor", role=Role.REGION_SUPERVISOR, region=region)
    client.force_login(supervisor)
    assert "尚未登记区县" in client.get("/coops/new/").content.decode()


def test_the_anonymous_are_sent_to_log_in(client, db):
    response = client.get("/coops/new/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_supervisor_cannot_choose_another_regions_district(
    client, coop_a, coop_b, district_a, new_lab
):
    client.force_login(coop_b.supervisor)
    before = counts()
    response = client.post("/coops/new/", form_data(district_a, new_lab))
    assert response.status_code == 200
    assert "district" in response.context["form"].errors
    assert counts() == before


def test_the_onboarded_page_is_the_regions_own(client, coop_a, coop_b):
    # Another region's cooperative is a 404; its administrator gets a 403.
    client.force_login(coop_b.supervisor)
    assert client.get(f"/c/{coop_a.slug}/onboarded/").status_code == 404
    client.force_login(coop_a.admin)
    assert client.get(f"/c/{coop_a.slug}/onboarded/").status_code == 403


# The command ---------------------------------------------------------------------------------


def command_args(district, lab, **overrides):
    options = {
        "--by": "a-supervisor",
        "--slug": "rudong-seafood",
        "--code": "RDHC",
        "--name-zh": "如东县海产品质量合作社",
        "--name-en": "Rudong Seafood Quality Cooperative",
        "--industry": "海产品加工",
        "--district": district.division_code,
        "--established": "2026-03-01",
        "--lab": lab.name_zh,
        "--fund-year": "2026",
        "--fund-amount": "200000",
        "--fund-source": "如东县财政局",
        "--admin": ADMIN_EMAIL,
        **overrides,
    }
    args = [part for option, value in options.items() for part in (option, value)]
    return args + ["--founding-unit", "如东县市场监督管理局", "--founding-unit", "如东县海产品商会"]


def test_the_command_onboards_a_cooperative(
    coop_a, district_a, new_lab, django_capture_on_commit_callbacks
):
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("onboard_cooperative", *command_args(district_a, new_lab), stdout=out)
    assert_onboarded(
        "rudong-seafood", coop_a.cooperative.region, district_a, new_lab, coop_a.supervisor
    )
    said = out.getvalue()
    assert "Onboarded rudong-seafood" in said
    assert f"invited: {ADMIN_EMAIL}" in said
    assert "schedule: Sampling round: rudong-seafood" in said


def test_the_command_takes_the_convention_from_a_file(coop_a, district_a, new_lab, tmp_path):
    sections = tmp_path / "convention.json"
    sections.write_text('{"title": "如东海产品质量公约", "duties": "执行标准"}', encoding="utf-8")
    call_command(
        "onboard_cooperative",
        *command_args(district_a, new_lab),
        "--convention",
        str(sections),
        stdout=io.StringIO(),
    )
    with unscoped():
        convention = Convention.objects.get(cooperative__slug="rudong-seafood")
    assert (convention.title, convention.duties) == ("如东海产品质量公约", "执行标准")
    assert convention.purpose == CONVENTION_TEMPLATE["purpose"]


def test_a_refused_command_names_the_options_and_writes_nothing(coop_a, coop_b, new_lab):
    before = counts()
    with pytest.raises(CommandError) as refused:
        call_command(
            "onboard_cooperative",
            *command_args(
                coop_b.cooperative.district, new_lab, **{"--fund-amount": "-5", "--slug": "Bad!"}
            ),
            stdout=io.StringIO(),
        )
    said = str(refused.value)
    assert "Nothing was written." in said
    assert "--fund-amount:" in said and "--slug:" in said and "--district:" in said
    assert counts() == before


def test_the_command_refuses_a_supervisor_of_another_region(coop_a, coop_b, district_a, new_lab):
    before = counts()
    with pytest.raises(CommandError, match="--by"):
        call_command(
            "onboard_cooperative",
            *command_args(district_a, new_lab, **{"--by": "b-supervisor", "--region": "region-a"}),
            stdout=io.StringIO(),
        )
    assert counts() == before


def test_the_commands_help_explains_itself():
    text = Command().create_parser("manage.py", "onboard_cooperative").format_help()
    for said in [
        "Onboard a new quality cooperative in one transaction",
        "nothing is written",
        "--by USERNAME",
        "--slug SLUG",
        "--district CODE",
        "--lab LAB",
        "--convention FILE.json",
        "--fund-amount YUAN",
        "--admin EMAIL",
        "repeat for each",
        "convention file:",
        "example:",
        "manage.py onboard_cooperative --by bureau",
    ]:
        assert said in text, said
    # The example keeps its lines (the description is not re-wrapped into one paragraph).
    assert "\n      --fund-year 2026 --fund-amount 200000" in text


# The API -------------------------------------------------------------------------------------


def test_the_api_onboards_a_cooperative(
    api, coop_a, district_a, new_lab, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(coop_a.supervisor).post(
            "/api/v1/coops/", payload(district_a, new_lab), format="json"
        )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["cooperative"]["slug"] == "rudong-seafood"
    assert body["cooperative"]["region"] == coop_a.cooperative.region.slug
    assert body["convention_version"] == 1
    assert (body["fund_year"], body["fund_amount"]) == (2026, "200000.00")
    assert [invited["email"] for invited in body["invitations"]] == [ADMIN_EMAIL]
    assert "Sampling round: rudong-seafood" in body["schedules"]
    assert_onboarded(
        "rudong-seafood", coop_a.cooperative.region, district_a, new_lab, coop_a.supervisor
    )
    # The supervisor's list now holds it.
    slugs = [row["slug"] for row in api(coop_a.supervisor).get("/api/v1/coops/").json()["results"]]
    assert "rudong-seafood" in slugs


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"slug": "Bad Slug!"}, "slug"),
        ({"slug": "coop-a"}, "slug"),
        ({"code": "R#"}, "code"),
        ({"code": "taken"}, "code"),  # coop A's
        ({"fund_amount": "0"}, "fund_amount"),
        ({"fund_amount": "-100"}, "fund_amount"),
        ({"fund_amount": "1000000000000"}, "fund_amount"),
        ({"labs": [987654]}, "labs"),
        ({"administrators": ["not-an-address"]}, "administrators"),
        ({"administrators": []}, "administrators"),
        ({"convention_purpose": ""}, "convention_purpose"),
        ({"fund_year": 1990}, "fund_year"),
        ({"established": "2999-01-01"}, "established"),
    ],
)
def test_a_refused_api_call_names_the_field_and_writes_nothing(
    api, coop_a, district_a, new_lab, overrides, field
):
    if overrides.get("code") == "taken":
        overrides = {"code": coop_a.cooperative.code}
    before = counts()
    response = api(coop_a.supervisor).post(
        "/api/v1/coops/", payload(district_a, new_lab, **overrides), format="json"
    )
    assert response.status_code == 400, response.json()
    assert field in response.json()
    assert counts() == before


def test_the_api_refuses_a_district_of_another_region(api, coop_a, coop_b, new_lab):
    before = counts()
    body = payload(coop_b.cooperative.district, new_lab)
    response = api(coop_a.supervisor).post("/api/v1/coops/", body, format="json")
    assert response.status_code == 400
    assert "district" in response.json()
    assert counts() == before


def test_the_api_refuses_another_region(api, coop_a, coop_b, district_a, new_lab):
    before = counts()
    body = payload(district_a, new_lab, region=coop_a.cooperative.region.slug)
    response = api(coop_b.supervisor).post("/api/v1/coops/", body, format="json")
    assert response.status_code == 403
    assert counts() == before


@pytest.mark.parametrize("role", ["admin", "lab", "enterprise"])
def test_only_a_region_supervisor_onboards_through_the_api(api, coop_a, district_a, new_lab, role):
    before = counts()
    response = api(getattr(coop_a, role)).post(
        "/api/v1/coops/", payload(district_a, new_lab), format="json"
    )
    assert response.status_code == 403
    assert counts() == before
    assert (
        api().post("/api/v1/coops/", payload(district_a, new_lab), format="json").status_code == 401
    )


# The service: refusals found while writing leave nothing behind -------------------------------


@pytest.mark.parametrize(
    "overrides, field",
    [
        # Checked by the convention's own service after the cooperative was saved.
        ({"convention": {**CONVENTION_TEMPLATE, "title": "公" * 201}}, "convention_title"),
        # Checked by the fund's appropriation (its date in the portal's range) the same way.
        ({"fund_on": date(1990, 1, 1)}, "fund_on"),
    ],
)
def test_a_refusal_while_writing_rolls_everything_back(
    coop_a, district_a, new_lab, overrides, field
):
    before = counts()
    with pytest.raises(ValidationError) as refused:
        onboard_cooperative(
            actor=coop_a.supervisor, **service_values(district_a, new_lab, **overrides)
        )
    assert field in refused.value.message_dict
    assert counts() == before
    assert not mail.outbox


def test_the_service_refuses_everyone_but_a_supervisor(coop_a, district_a, new_lab):
    before = counts()
    with pytest.raises(PermissionDenied):
        onboard_cooperative(actor=coop_a.admin, **service_values(district_a, new_lab))
    assert counts() == before


def test_a_cooperative_without_a_lab_gets_its_schedules_with_the_round_waiting(
    coop_a, district_a, new_lab
):
    made = onboard_cooperative(
        actor=coop_a.supervisor, **service_values(district_a, new_lab, labs=[])
    )
    with unscoped():
        schedules = {s.kind: s for s in Schedule.objects.filter(cooperative=made.cooperative)}
    assert set(schedules) == set(Schedule.Kind.values)
    assert schedules[Schedule.Kind.ROUND].waiting
    assert not schedules[Schedule.Kind.ROUND].periodic_task.enabled
    assert schedules[Schedule.Kind.GRADING].periodic_task.enabled


# Schemathesis as a region supervisor: tests/api/test_schemathesis.py fuzzes every operation as
# an administrator and an enterprise user, who only get a 403 here; the supervisor gets past the
# role check into the serializer and the service, which must answer no request with a 5xx.

as_supervisor = schemathesis.openapi.from_dict(
    json_bodies_only(SERVED), config=schemathesis_config(coverage=True)
).include(path="/api/v1/coops/", method="POST")
as_supervisor.app = APP


@pytest.fixture
def connection_kept():
    """The WSGI application closes the connection after each request (Django's signals); the
    test's transaction must live through them all, as in tests/api/test_schemathesis.py."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@as_supervisor.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_onboarding_api_answers_a_supervisor_as_its_schema_says(
    case, connection_kept, coop_a, district_a, new_lab, settings
):
    settings.DEBUG = False
    Session(coop_a.supervisor.username).call_and_validate(case)


def test_the_example_in_the_help_onboards_on_the_demo_data(db, django_capture_on_commit_callbacks):
    from supervision import demo
    from supervision.management.commands.onboard_cooperative import EPILOG

    with unscoped():
        demo.seed(haimen_members=3, log=lambda *args: None)
    example = EPILOG.split("example:\n", 1)[1].split("\n\n", 1)[0].replace("\\\n", " ")
    words = shlex.split(example)
    assert words[:2] == ["manage.py", "onboard_cooperative"]
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command(*words[1:], stdout=out)
    assert "Onboarded rudong-seafood" in out.getvalue()
    cooperative = Cooperative.objects.get(slug="rudong-seafood")
    assert cooperative.region.slug == "nantong" and cooperative.district.name_zh == "如东县"
    assert [message.to for message in mail.outbox] == [["admin@rudong-seafood.example.cn"]]


# The districts served ---------------------------------------------------------------------------


def test_the_page_offers_the_regions_districts_to_serve_and_saves_them_with_the_seat(
    client,
    coop_a,
    coop_b,
    district_a,
    other_district_a,
    new_lab,
    django_capture_on_commit_callbacks,
):
    client.force_login(coop_a.supervisor)
    form = client.get("/coops/new/").context["form"]
    assert set(form.fields["districts"].queryset) == {
        coop_a.cooperative.district,
        district_a,
        other_district_a,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/coops/new/", form_data(district_a, new_lab, districts=[other_district_a.pk])
        )
    assert response.status_code == 302
    # The seat is served though only the other district was ticked.
    assert served("rudong-seafood") == ["320623", "320681"]
    page = client.get(response["Location"]).content.decode()
    assert "启东市" in page and "所在地" in page


def test_the_page_serves_the_seat_when_no_district_is_ticked(client, coop_a, district_a, new_lab):
    client.force_login(coop_a.supervisor)
    assert client.post("/coops/new/", form_data(district_a, new_lab)).status_code == 302
    assert served("rudong-seafood") == ["320623"]


def test_the_page_refuses_another_regions_district_to_serve_and_writes_nothing(
    client, coop_a, coop_b, district_a, new_lab
):
    client.force_login(coop_a.supervisor)
    before = counts()
    response = client.post(
        "/coops/new/",
        form_data(district_a, new_lab, districts=[coop_b.cooperative.district.pk]),
    )
    assert response.status_code == 200
    assert "districts" in response.context["form"].errors
    assert counts() == before


def test_the_command_saves_the_served_districts(coop_a, district_a, other_district_a, new_lab):
    out = io.StringIO()
    call_command(
        "onboard_cooperative",
        *command_args(district_a, new_lab),
        "--served-district",
        "320681",
        stdout=out,
    )
    assert served("rudong-seafood") == ["320623", "320681"]
    assert f"districts served: {district_a.name_zh} (320623), 启东市 (320681)" in out.getvalue()


def test_a_command_serving_another_regions_district_names_the_option_and_writes_nothing(
    coop_a, coop_b, district_a, new_lab
):
    before = counts()
    with pytest.raises(CommandError) as refused:
        call_command(
            "onboard_cooperative",
            *command_args(district_a, new_lab),
            "--served-district",
            coop_b.cooperative.district.division_code,
            stdout=io.StringIO(),
        )
    said = str(refused.value)
    assert "Nothing was written." in said
    assert f"--served-district: {coop_b.cooperative.district.name}" in said
    assert counts() == before


def test_the_commands_help_names_the_served_districts_option():
    text = Command().create_parser("manage.py", "onboard_cooperative").format_help()
    assert "--served-district CODE" in text
    assert "--served-district 320681" in text  # in the example


def test_the_api_saves_the_served_districts_and_answers_them(
    api, coop_a, district_a, other_district_a, new_lab
):
    response = api(coop_a.supervisor).post(
        "/api/v1/coops/",
        payload(district_a, new_lab, districts=["320681"]),
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["districts"] == ["320623", "320681"]
    assert served("rudong-seafood") == ["320623", "320681"]
    with unscoped():
        record = AuditRecord.objects.get(action="cooperative_onboard")
    assert record.changes["districts"] == ["320623", "320681"]


@pytest.mark.parametrize("which", ["other region", "unknown"])
def test_the_api_refuses_a_served_district_outside_the_region_naming_districts(
    api, coop_a, coop_b, district_a, new_lab, which
):
    code = coop_b.cooperative.district.division_code if which == "other region" else "999999"
    before = counts()
    response = api(coop_a.supervisor).post(
        "/api/v1/coops/", payload(district_a, new_lab, districts=[code]), format="json"
    )
    assert response.status_code == 400
    message = response.json()["districts"][0]
    assert (coop_b.cooperative.district.name if which == "other region" else "999999") in message
    assert counts() == before


def test_the_service_takes_served_districts_by_chinese_name_or_id(
    coop_a, district_a, other_district_a, new_lab
):
    made = onboard_cooperative(
        actor=coop_a.supervisor,
        **service_values(
            district_a, new_lab, districts=["启东市", str(coop_a.cooperative.district.pk)]
        ),
    )
    assert set(made.cooperative.districts.all()) == {
        district_a,
        other_district_a,
        coop_a.cooperative.district,
    }
