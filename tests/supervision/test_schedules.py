"""A cooperative's schedules: installed once with their defaults, listed on a page and in the
API with their timing, next and last run and outcome, and paused, resumed, moved and run now
by its administrators and its region's supervisors only."""

import json

import pytest
from django_celery_beat.models import PeriodicTask

from coop.models import AuditRecord
from coop.tenancy import scope, unscoped
from standards import catalogue
from standards.models import CollectionEntry, Standard
from supervision.models import Schedule
from supervision.schedules import install_schedules, schedules_of, timing_in_words
from testing_fund.models import SamplingRound
from tests.factories import CooperativeFactory, MemberFactory


def installed(tenant, **given):
    with unscoped():
        return install_schedules(tenant.cooperative, **given)


def standard():
    with unscoped():
        catalogue.load()
        return Standard.objects.get(code="GB 18401-2010")


def schedule_of(tenant, kind):
    with scope({tenant.cooperative.pk}):
        return Schedule.objects.select_related("periodic_task__crontab").get(kind=kind)


def api_path(tenant, rest=""):
    return f"/api/v1/coops/{tenant.slug}/schedules/{rest}"


@pytest.fixture
def ready(coop_a):
    """Coop A's schedules, its round with its lab and GB 18401."""
    installed(coop_a, lab=coop_a.lab.institution, standard=standard())
    return coop_a


# Installing


def test_install_is_idempotent_for_a_freshly_created_cooperative(db):
    cooperative = CooperativeFactory(slug="fresh")
    with unscoped():
        first = install_schedules(cooperative)
        again = install_schedules(cooperative)
    assert [task.pk for task in first] == [task.pk for task in again]
    assert [task.task for task in first] == [
        "testing_fund.tasks.plan_round",
        "credit.tasks.assess",
        "credit.tasks.grade",
        "credit.tasks.daily",
    ]
    assert PeriodicTask.objects.filter(args=json.dumps([cooperative.pk])).count() == 4
    with scope({cooperative.pk}):
        kinds = {row.kind: row for row in Schedule.objects.select_related("periodic_task")}
    assert set(kinds) == set(Schedule.Kind.values)
    # No lab and no standard yet: the round waits, paused; the others run from the start.
    assert kinds["round"].waiting and not kinds["round"].periodic_task.enabled
    assert all(kinds[kind].periodic_task.enabled for kind in ["assessment", "grading", "upkeep"])
    assert [timing_in_words(task.crontab) for task in first] == [
        "每年1、4、7、10月的1日 08:00",
        "每年1、7月的5日 06:00",
        "每月1日 06:00",
        "每天 06:00",
    ]


def test_a_waiting_round_gets_its_lab_and_standard_once_they_exist(coop_a):
    # The fixtures' lab serves coop A, but the cooperative has no standard in its collection.
    installed(coop_a)
    assert schedule_of(coop_a, "round").waiting
    gb18401 = standard()
    with scope({coop_a.cooperative.pk}):
        CollectionEntry.objects.create(cooperative=coop_a.cooperative, standard=gb18401)
    installed(coop_a)
    row = schedule_of(coop_a, "round")
    assert not row.waiting and row.periodic_task.enabled
    assert json.loads(row.periodic_task.kwargs) == {
        "coverage": "0.10",
        "lab_id": coop_a.lab.institution_id,
        "standard_id": gb18401.pk,
    }


def test_without_a_collection_the_round_takes_the_national_standard_of_its_members_products(
    coop_a,
):
    from members.models import MemberProductCategory
    from standards.models import ProductCategory

    gb18401 = standard()
    with scope({coop_a.cooperative.pk}):
        MemberProductCategory.objects.create(
            cooperative=coop_a.cooperative,
            member=coop_a.member,
            category=ProductCategory.objects.get(code="bedding"),
        )
    installed(coop_a)
    row = schedule_of(coop_a, "round")
    assert not row.waiting and row.periodic_task.enabled
    assert json.loads(row.periodic_task.kwargs)["standard_id"] == gb18401.pk


def test_install_adopts_the_tasks_of_the_old_naming_and_keeps_what_staff_changed(coop_a):
    from credit import tasks

    tasks.schedule(coop_a.cooperative)
    PeriodicTask.objects.filter(name="Credit grading: coop-a").update(enabled=False)
    installed(coop_a, lab=coop_a.lab.institution, standard=standard())
    assert PeriodicTask.objects.filter(task="credit.tasks.grade").count() == 1
    assert not schedule_of(coop_a, "grading").periodic_task.enabled


# The page


def test_the_page_shows_each_schedule_in_chinese(ready, client):
    client.force_login(ready.admin)
    response = client.get(f"/c/{ready.slug}/schedules/")
    assert response.status_code == 200
    text = response.content.decode()
    for words in [
        "抽检",
        "承诺履行评价",
        "信用评级",
        "日常维护",
        "每天 06:00",
        "下次运行",
        "尚未运行",
    ]:
        assert words in text, words
    for code in ["plan_round", "credit.tasks", ">round<", "succeeded"]:
        assert code not in text


@pytest.mark.parametrize("role, queries", [("admin", 8), ("supervisor", 9)])
def test_staff_see_the_page_with_pinned_queries(
    ready, client, role, queries, django_assert_num_queries
):
    client.force_login(getattr(ready, role))
    client.get(f"/c/{ready.slug}/schedules/")
    # session, user, (a supervisor: the region's cooperatives), the cooperative, the count,
    # the schedules with their tasks and timetables, the round's labs and current standards,
    # the recent changes with their actors
    with django_assert_num_queries(queries):
        assert client.get(f"/c/{ready.slug}/schedules/").status_code == 200


@pytest.mark.parametrize("role", ["lab", "enterprise"])
def test_labs_and_enterprises_get_403_on_the_page_and_the_api(ready, client, api, role):
    user = getattr(ready, role)
    client.force_login(user)
    row = schedule_of(ready, "grading")
    assert client.get(f"/c/{ready.slug}/schedules/").status_code == 403
    assert client.post(f"/c/{ready.slug}/schedules/{row.pk}/pause/").status_code == 403
    assert api(user).get(api_path(ready)).status_code == 403
    assert api(user).post(api_path(ready, f"{row.pk}/pause/")).status_code == 403
    assert PeriodicTask.objects.get(pk=row.periodic_task_id).enabled


def test_the_anonymous_are_sent_to_log_in(ready, client):
    response = client.get(f"/c/{ready.slug}/schedules/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_another_cooperatives_staff_can_neither_see_nor_change_them(ready, coop_b, client, api):
    row = schedule_of(ready, "grading")
    for user in [coop_b.admin, coop_b.supervisor]:
        client.force_login(user)
        assert client.get(f"/c/{ready.slug}/schedules/").status_code == 404
        assert client.post(f"/c/{ready.slug}/schedules/{row.pk}/pause/").status_code == 404
        # Through its own cooperative's address, coop A's schedule is not found either.
        assert client.post(f"/c/{coop_b.slug}/schedules/{row.pk}/pause/").status_code == 404
        assert api(user).get(api_path(ready)).status_code == 404
        assert api(user).get(api_path(coop_b, f"{row.pk}/")).status_code == 404
        for verb in ["pause", "resume", "reschedule", "run"]:
            assert api(user).post(api_path(coop_b, f"{row.pk}/{verb}/")).status_code == 404
    assert PeriodicTask.objects.get(pk=row.periodic_task_id).enabled
    with unscoped():
        assert not AuditRecord.objects.exists()


def test_page_steps_pause_resume_and_reschedule(ready, client):
    row = schedule_of(ready, "grading")
    client.force_login(ready.admin)
    base = f"/c/{ready.slug}/schedules/{row.pk}"
    assert client.post(f"{base}/pause/").status_code == 302
    assert not PeriodicTask.objects.get(pk=row.periodic_task_id).enabled
    page = client.get(f"/c/{ready.slug}/schedules/").content.decode()
    assert "已暂停" in page and "信用评级" in page
    assert client.post(f"{base}/resume/").status_code == 302
    assert PeriodicTask.objects.get(pk=row.periodic_task_id).enabled
    form = {"hour": "7", "minute": "30", "day_of_month": "3", "months": ["3", "9"]}
    assert client.post(f"{base}/reschedule/", form).status_code == 302
    crontab = PeriodicTask.objects.get(pk=row.periodic_task_id).crontab
    assert timing_in_words(crontab) == "每年3、9月的3日 07:30"
    with scope({ready.cooperative.pk}):
        actions = list(AuditRecord.objects.order_by("at", "pk").values_list("action", "actor"))
    assert actions == [
        ("schedule.pause", ready.admin.pk),
        ("schedule.resume", ready.admin.pk),
        ("schedule.reschedule", ready.admin.pk),
    ]


def test_bad_time_on_the_page_is_a_400_naming_the_field(ready, client):
    row = schedule_of(ready, "grading")
    before = row.periodic_task.crontab_id
    client.force_login(ready.supervisor)
    form = {"hour": "25", "minute": "0", "day_of_month": "", "months": ["1"]}
    response = client.post(f"/c/{ready.slug}/schedules/{row.pk}/reschedule/", form)
    assert response.status_code == 400
    assert "小时" in response.content.decode()
    form = {"hour": "6", "minute": "0", "day_of_month": ""}  # no month ticked
    response = client.post(f"/c/{ready.slug}/schedules/{row.pk}/reschedule/", form)
    assert response.status_code == 400 and "月份" in response.content.decode()
    assert PeriodicTask.objects.get(pk=row.periodic_task_id).crontab_id == before
    with unscoped():
        assert not AuditRecord.objects.exists()


# The API


@pytest.mark.parametrize("role, queries", [("admin", 4), ("supervisor", 5)])
def test_the_api_lists_them_paginated_with_pinned_queries(
    ready, api, role, queries, django_assert_num_queries
):
    client = api(getattr(ready, role))
    client.get(api_path(ready))
    # token with its user, (a supervisor: the region's cooperatives), the cooperative, the
    # count, the schedules with their tasks and timetables
    with django_assert_num_queries(queries):
        body = client.get(api_path(ready)).json()
    assert body["count"] == 4
    first = body["results"][0]
    assert first["name"] == "监督抽检方案预览"
    assert [row["kind"] for row in body["results"]] == ["round", "assessment", "grading", "upkeep"]
    assert first["enabled"] is True and first["next_run_at"]
    assert first["outcome"] == "" and first["last_run_at"] is None


def test_api_pause_resume_reschedule_change_the_periodic_task(ready, api):
    row = schedule_of(ready, "assessment")
    client = api(ready.supervisor)
    answer = client.post(api_path(ready, f"{row.pk}/pause/"))
    assert answer.status_code == 200 and answer.json()["enabled"] is False
    assert answer.json()["next_run_at"] is None
    assert not PeriodicTask.objects.get(pk=row.periodic_task_id).enabled
    # Pausing a paused schedule is refused, and writes nothing.
    assert client.post(api_path(ready, f"{row.pk}/pause/")).status_code == 409
    assert client.post(api_path(ready, f"{row.pk}/resume/")).status_code == 200
    assert PeriodicTask.objects.get(pk=row.periodic_task_id).enabled
    answer = client.post(
        api_path(ready, f"{row.pk}/reschedule/"), {"hour": 9, "minute": 15}, format="json"
    )
    assert answer.status_code == 200
    crontab = PeriodicTask.objects.get(pk=row.periodic_task_id).crontab
    assert (crontab.hour, crontab.minute, crontab.day_of_month, crontab.month_of_year) == (
        "9",
        "15",
        "5",
        "1,7",
    )
    # Other cooperatives' tasks on the old timetable did not move with it.
    other = CooperativeFactory(slug="other")
    with unscoped():
        install_schedules(other)
    other_task = PeriodicTask.objects.get(task="credit.tasks.assess", args=json.dumps([other.pk]))
    assert (other_task.crontab.hour, other_task.crontab.minute) == ("6", "0")
    every_month = {"months": list(range(1, 13)), "day_of_month": None}
    answer = client.post(api_path(ready, f"{row.pk}/reschedule/"), every_month, format="json")
    assert answer.json()["timing"] == "每天 09:15"
    with scope({ready.cooperative.pk}):
        records = list(AuditRecord.objects.order_by("at", "pk"))
    assert [r.action for r in records] == [
        "schedule.pause",
        "schedule.resume",
        "schedule.reschedule",
        "schedule.reschedule",
    ]
    assert all(r.actor_id == ready.supervisor.pk for r in records)
    assert records[2].changes["timetable"][1]["hour"] == "9"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"hour": 24}, "hour"),
        ({"hour": "seven"}, "hour"),
        ({"minute": -1}, "minute"),
        ({"day_of_month": 31}, "day_of_month"),
        ({"months": [13]}, "months"),
        ({"months": []}, "months"),
        ({}, "non_field_errors"),
    ],
)
def test_bad_time_in_the_api_is_a_400_naming_the_field(ready, api, body, field):
    row = schedule_of(ready, "upkeep")
    answer = api(ready.admin).post(api_path(ready, f"{row.pk}/reschedule/"), body, format="json")
    assert answer.status_code == 400
    assert field in answer.json()
    assert PeriodicTask.objects.get(pk=row.periodic_task_id).crontab_id == (
        row.periodic_task.crontab_id
    )
    with unscoped():
        assert not AuditRecord.objects.exists()


def test_run_now_previews_a_round_and_records_its_outcome(ready, api, eager, priced):
    MemberFactory(cooperative=ready.cooperative)
    row = schedule_of(ready, "round")
    answer = api(ready.admin).post(api_path(ready, f"{row.pk}/run/"))
    assert answer.status_code == 202
    with scope({ready.cooperative.pk}):
        made = SamplingRound.objects.get()
    assert made.status == "preview"
    body = answer.json()
    assert body["outcome"] == "succeeded" and body["last_run_at"]
    assert "抽检轮次" in body["result"] and str(made.pk) in body["result"]
    with scope({ready.cooperative.pk}):
        record = AuditRecord.objects.get(object_type="supervision.schedule")
    assert (record.action, record.actor_id) == ("schedule.run", ready.admin.pk)


def test_a_failed_run_is_recorded_as_failed_not_raised(ready, client, eager, transactional_db):
    # A waiting round cannot be run; one whose standard went missing fails when it runs.
    row = schedule_of(ready, "round")
    task = row.periodic_task
    task.kwargs = json.dumps({"lab_id": ready.lab.institution_id, "standard_id": 0})
    task.save()
    client.force_login(ready.admin)
    assert client.post(f"/c/{ready.slug}/schedules/{row.pk}/run/").status_code == 302
    row = schedule_of(ready, "round")
    assert row.last_outcome == "failed" and "DoesNotExist" in row.last_error
    assert "失败" in client.get(f"/c/{ready.slug}/schedules/").content.decode()


def test_a_waiting_round_refuses_to_run_or_resume_saying_what_is_missing(coop_a, api):
    installed(coop_a)
    row = schedule_of(coop_a, "round")
    for verb in ["run", "resume"]:
        answer = api(coop_a.admin).post(api_path(coop_a, f"{row.pk}/{verb}/"))
        assert answer.status_code == 409
        assert "标准" in answer.json()["detail"]
    assert not PeriodicTask.objects.get(pk=row.periodic_task_id).enabled
    with unscoped():
        assert not AuditRecord.objects.exists()


@pytest.mark.celery_worker
def test_run_now_on_a_worker_records_the_outcome_there(coop_a, worker, api):
    installed(coop_a, lab=coop_a.lab.institution, standard=standard())
    row = schedule_of(coop_a, "grading")
    assert api(coop_a.admin).post(api_path(coop_a, f"{row.pk}/run/")).status_code == 202
    import time

    for _ in range(100):
        row = schedule_of(coop_a, "grading")
        if row.last_outcome:
            break
        time.sleep(0.1)
    assert row.last_outcome == "succeeded"
    assert set(row.last_result) == {"graded", "exit_proposals"}


def test_the_selector_lists_a_cooperatives_schedules_in_one_query(
    ready, coop_b, django_assert_num_queries
):
    installed(coop_b)
    with scope({ready.cooperative.pk}), django_assert_num_queries(1):
        rows = list(schedules_of(ready.cooperative))
        [row.periodic_task.crontab.hour for row in rows]
    assert {row.cooperative_id for row in rows} == {ready.cooperative.pk}


@pytest.mark.parametrize("role", ["admin", "supervisor"])
def test_the_staff_area_and_the_staff_menu_link_to_the_schedules(ready, client, role):
    client.force_login(getattr(ready, role))
    address = f"/c/{ready.slug}/schedules/"
    assert address in client.get("/staff/").content.decode()
    # The cooperative's staff menu, in the header of its staff pages (supervision/navigation.py).
    assert address in client.get(f"/c/{ready.slug}/members/").content.decode()


# The round's settings: lab, standard and coverage


def by_code(code):
    with unscoped():
        catalogue.load()
        return Standard.objects.get(code=code)


def round_kwargs(tenant):
    return json.loads(schedule_of(tenant, "round").periodic_task.kwargs)


def set_round_as(user, tenant, **given):
    from supervision.schedules import set_round

    with scope({tenant.cooperative.pk}):
        return set_round(schedule=schedule_of(tenant, "round"), actor=user, **given)


def test_set_round_sets_the_lab_standard_and_coverage_and_records_before_and_after(ready):
    gb18401, towels = standard(), by_code("GB/T 22864-2009")
    set_round_as(
        ready.admin, ready, lab=ready.lab.institution_id, standard=towels.pk, coverage="12.5"
    )
    assert round_kwargs(ready) == {
        "coverage": "0.125",
        "lab_id": ready.lab.institution_id,
        "standard_id": towels.pk,
    }
    with scope({ready.cooperative.pk}):
        record = AuditRecord.objects.get()
    assert (record.action, record.actor_id) == ("schedule.set_round", ready.admin.pk)
    before, after = record.changes["round"]
    assert before == {
        "lab_id": ready.lab.institution_id,
        "standard_id": gb18401.pk,
        "coverage": "0.10",
    }
    assert after == {
        "lab_id": ready.lab.institution_id,
        "standard_id": towels.pk,
        "coverage": "0.125",
    }
    # The same settings again change nothing, and say so.
    from coop.errors import Refused

    with pytest.raises(Refused):
        set_round_as(
            ready.admin, ready, lab=ready.lab.institution_id, standard=towels.pk, coverage=12.5
        )
    with unscoped():
        assert AuditRecord.objects.count() == 1


def test_a_waiting_round_given_its_settings_can_be_resumed_and_stays_paused_until_then(coop_a, api):
    installed(coop_a)
    assert schedule_of(coop_a, "round").waiting
    row = schedule_of(coop_a, "round")
    body = {"lab": coop_a.lab.institution_id, "standard": standard().pk, "coverage": 10}
    answer = api(coop_a.admin).post(api_path(coop_a, f"{row.pk}/set_round/"), body, format="json")
    assert answer.status_code == 200
    assert answer.json()["round"] == {
        "lab": coop_a.lab.institution_id,
        "standard": standard().pk,
        "coverage": 10,
    }
    assert answer.json()["waiting"] is False and answer.json()["enabled"] is False
    assert round_kwargs(coop_a)["coverage"] == "0.100"
    assert api(coop_a.admin).post(api_path(coop_a, f"{row.pk}/resume/")).status_code == 200
    assert PeriodicTask.objects.get(pk=row.periodic_task_id).enabled


def refused_settings(tenant):
    """The bad settings and the field each is refused on."""
    from testing_fund.models import TestingInstitution

    unserving = TestingInstitution.objects.create(name_zh="不服务本社的实验室")
    return [
        ({"lab": unserving.pk}, "lab"),
        ({"lab": 0}, "lab"),
        ({"standard": by_code("GB/T 22796-2009").pk}, "standard"),  # superseded
        ({"standard": 999999}, "standard"),
        ({"coverage": 0}, "coverage"),
        ({"coverage": 101}, "coverage"),
        ({"coverage": "abc"}, "coverage"),
        ({"coverage": "10.25"}, "coverage"),
    ]


def test_bad_settings_are_refused_naming_the_field_and_write_nothing(ready, coop_b, api):
    from django.core.exceptions import ValidationError

    good = {"lab": ready.lab.institution_id, "standard": standard().pk, "coverage": 10}
    before = round_kwargs(ready)
    cases = refused_settings(ready) + [({"lab": coop_b.lab.institution_id}, "lab")]
    row = schedule_of(ready, "round")
    for change, field in cases:
        given = good | change
        with pytest.raises(ValidationError) as refused:
            set_round_as(ready.admin, ready, **given)
        assert set(refused.value.message_dict) == {field}, change
        answer = api(ready.admin).post(
            api_path(ready, f"{row.pk}/set_round/"), given, format="json"
        )
        assert answer.status_code == 400 and set(answer.json()) == {field}, change
    with pytest.raises(ValidationError) as refused:
        set_round_as(ready.admin, ready, **(good | {"standard": by_code("GB/T 22796-2009").pk}))
    assert "GB/T 22796-2021" in refused.value.message_dict["standard"][0]
    assert round_kwargs(ready) == before
    with unscoped():
        assert not AuditRecord.objects.exists()


def test_only_the_round_takes_settings(ready, api):
    row = schedule_of(ready, "grading")
    body = {"lab": ready.lab.institution_id, "standard": standard().pk, "coverage": 10}
    answer = api(ready.admin).post(api_path(ready, f"{row.pk}/set_round/"), body, format="json")
    assert answer.status_code == 409
    with unscoped():
        assert not AuditRecord.objects.exists()


def test_another_cooperatives_staff_cannot_set_the_round(ready, coop_b, client, api):
    from django.core.exceptions import PermissionDenied

    row = schedule_of(ready, "round")
    body = {"lab": ready.lab.institution_id, "standard": by_code("GB/T 22864-2009").pk}
    body["coverage"] = 20
    for user in [coop_b.admin, coop_b.supervisor]:
        client.force_login(user)
        assert (
            client.post(f"/c/{ready.slug}/schedules/{row.pk}/set_round/", body).status_code == 404
        )
        assert (
            client.post(f"/c/{coop_b.slug}/schedules/{row.pk}/set_round/", body).status_code == 404
        )
        answer = api(user).post(api_path(coop_b, f"{row.pk}/set_round/"), body, format="json")
        assert answer.status_code == 404
        # The service itself refuses a supervisor of another region, whatever the scope.
        with pytest.raises(PermissionDenied):
            set_round_as(user, ready, **body)
    with unscoped():
        assert not AuditRecord.objects.exists()
    assert round_kwargs(ready)["coverage"] == "0.10"


def test_the_page_shows_the_rounds_settings_in_words_and_changes_them(ready, client):
    client.force_login(ready.supervisor)
    page = client.get(f"/c/{ready.slug}/schedules/").content.decode()
    assert ready.lab.institution.name_zh in page
    assert "GB 18401-2010" in page and "国家纺织产品基本安全技术规范" in page
    assert "在册成员的 10 %" in page
    assert 'name="coverage"' in page and 'type="number"' in page
    row = schedule_of(ready, "round")
    towels = by_code("GB/T 22864-2009")
    form = {"lab": ready.lab.institution_id, "standard": towels.pk, "coverage": "15"}
    assert client.post(f"/c/{ready.slug}/schedules/{row.pk}/set_round/", form).status_code == 302
    page = client.get(f"/c/{ready.slug}/schedules/").content.decode()
    assert "GB/T 22864-2009" in page and "在册成员的 15 %" in page
    # Bad input: the page again, 400, naming the field; nothing written.
    form["coverage"] = "101"
    answer = client.post(f"/c/{ready.slug}/schedules/{row.pk}/set_round/", form)
    assert answer.status_code == 400 and "覆盖" in answer.content.decode()
    form["coverage"], form["lab"] = "20", "0"
    answer = client.post(f"/c/{ready.slug}/schedules/{row.pk}/set_round/", form)
    assert answer.status_code == 400
    assert round_kwargs(ready)["coverage"] == "0.150"
    with unscoped():
        assert AuditRecord.objects.count() == 1


def test_a_waiting_rounds_form_preselects_the_lone_lab_and_lists_current_standards(coop_a, client):
    installed(coop_a)
    standard()  # the catalogue
    row = schedule_of(coop_a, "round")
    client.force_login(coop_a.admin)
    page = client.get(f"/c/{coop_a.slug}/schedules/").content.decode()
    assert "尚未选择" in page
    assert f'<option value="{coop_a.lab.institution_id}" selected>' in page
    assert "GB/T 22796-2021" in page and "GB/T 22796-2009" not in page  # superseded: not offered
    assert f"/schedules/{row.pk}/set_round/" in page
