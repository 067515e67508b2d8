"""The OpenAPI schema itself (coop/schema.py) and the answers it documents that no other test
pins: it builds without a warning outside any request, the same whoever asks; every step is an
operation of its own; errors have the shapes it gives them."""

from datetime import date

from django.conf import settings
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.settings import spectacular_settings
from hypothesis.configuration import storage_directory

from coop.models import Cooperative
from coop.tenancy import active_scope, unscoped
from standards import catalogue
from standards.models import CollectionEntry, Indicator, Standard
from testing_fund.models import LabPrice
from tests.testing_fund.conftest import request

SCHEMA = "/api/schema/?format=json"


def test_the_schema_builds_outside_any_scope_without_an_error_or_warning(db, tmp_path):
    # What `manage.py spectacular --validate --fail-on-warn` and `check --deploy` do: no
    # request, no tenant scope (a tenant queryset touched would raise ScopeError).
    assert active_scope() is None
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )
    assert (tmp_path / "schema.yml").read_text().startswith("openapi:")


def test_drf_spectacular_has_nothing_to_say_in_the_deploy_check(db):
    from drf_spectacular.checks import schema_check

    assert schema_check(None) == []
    with GENERATOR_STATS.silence():
        spectacular_settings.DEFAULT_GENERATOR_CLASS().get_schema(request=None, public=True)
    assert not GENERATOR_STATS


def test_the_schema_is_the_same_whoever_asks(coop_a, api):
    anonymous = api().get(SCHEMA).json()
    assert api(coop_a.admin).get(SCHEMA).json() == anonymous
    assert api(coop_a.enterprise).get(SCHEMA).json() == anonymous


def test_each_step_is_an_operation_asking_for_its_own_fields(db, api):
    schema = api().get(SCHEMA).json()
    paths = schema["paths"]
    assert "/api/v1/coops/{coop_slug}/members/{id}/{verb}/" not in paths
    exit_step = paths["/api/v1/coops/{coop_slug}/members/{id}/exit/"]["post"]
    assert exit_step["operationId"] == "v1_coops_members_exit"
    body = exit_step["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    asked = schema["components"]["schemas"][body.rsplit("/", 1)[1]]
    assert set(asked["properties"]) == {"reason", "exit_kind", "decision_date"}
    assert set(asked["required"]) == {"reason", "exit_kind", "decision_date"}
    assert "409" in exit_step["responses"] and "400" in exit_step["responses"]
    # The batch's address also takes the steps of its rectification notice and objection.
    assert "/api/v1/coops/{coop_slug}/batches/{id}/answer/" in paths
    assert "/api/v1/coops/{coop_slug}/batches/{id}/decide/" in paths


def test_an_address_under_the_api_that_is_none_is_a_json_404(coop_a, api):
    response = api(coop_a.admin).get("/api/v1/coops/coop-a/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_a_word_where_a_rows_id_goes_is_a_404_not_a_step(coop_a, api):
    # members/<id>/<verb>/ once took "x/events" for the step "events" of member "x": a 405.
    response = api(coop_a.admin).get("/api/v1/coops/coop-a/members/x/events/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_a_fields_lone_message_is_answered_as_its_list(coop_a, api):
    response = api(coop_a.admin).post(
        "/api/v1/coops/coop-a/member-imports/", {}, format="multipart"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["file"]
    assert isinstance(response.json()["file"], list)


def test_an_unknown_standard_for_a_verdict_is_a_400_naming_it(coop_a, api):
    body = {"standard": 999999, "indicator": "ph", "category": "B", "result": "6.5"}
    response = api(coop_a.lab).post("/api/v1/standards/verdict/", body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"standard", "indicator"}


def test_a_standard_still_collected_is_not_deleted_but_refused_with_409(coop_a, api):
    with unscoped():
        own = Standard.objects.create(
            cooperative=coop_a.cooperative,
            code="T/COOPA 1-2024",
            level="group",
            title_zh="家纺团体标准",
            implemented_on=date(2024, 1, 1),
        )
        CollectionEntry.objects.create(cooperative=coop_a.cooperative, standard=own)
    response = api(coop_a.admin).delete(f"/api/v1/coops/coop-a/standards/{own.pk}/")
    assert response.status_code == 409
    assert "detail" in response.json()
    with unscoped():
        assert Standard.objects.filter(pk=own.pk).exists()
        assert Cooperative.objects.filter(pk=coop_a.cooperative.pk).exists()


def test_every_batch_has_a_priority_null_outside_the_requested_list(coop_a, api):
    # The schema says a batch always has ``priority``: only ?status=requested works it out.
    catalogue.load()
    LabPrice.objects.bulk_create(
        LabPrice(institution=coop_a.lab.institution, indicator=indicator, price=100)
        for indicator in Indicator.objects.all()
    )
    request(coop_a)
    client = api(coop_a.admin)
    listed = client.get("/api/v1/coops/coop-a/batches/").json()["results"]
    assert [row["priority"] for row in listed] == [None]
    requested = client.get("/api/v1/coops/coop-a/batches/", {"status": "requested"}).json()
    assert [row["priority"] for row in requested["results"]] != [None]


def test_hypothesis_keeps_its_caches_outside_the_checkout():
    home = storage_directory("constants", intent_to_write=False).home_directory
    assert not home.resolve().is_relative_to(settings.BASE_DIR)


def test_a_multipart_body_without_a_boundary_is_a_400_not_a_500(coop_a, api):
    response = api(coop_a.admin).generic(
        "POST",
        "/api/v1/coops/coop-a/members/",
        b"--x\r\n",
        content_type="multipart/form-data",  # no boundary to read it by
    )
    assert response.status_code == 400
    assert "detail" in response.json()


def test_a_new_declaration_is_answered_with_its_flags_and_benchmark(coop_a, api):
    catalogue.load()
    with unscoped():
        national = Standard.objects.get(code="GB 18401-2010")
    body = {
        "member": coop_a.member.pk,
        "product": "四件套",
        "category": "bedding",
        "safety_category": "B",
        "standards": [national.pk],
    }
    response = api(coop_a.admin).post("/api/v1/coops/coop-a/declarations/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["outdated"] == []
    assert isinstance(response.json()["benchmarked"], bool)
