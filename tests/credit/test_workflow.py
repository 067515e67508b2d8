"""Credit's declared steps (commitments, complaints, assessments and their objections, grades,
rectification orders, exit proposals): a step refused in the wrong status names the step, the
status and the statuses that allow it, on the page and through the API; each workflow's rows
due for every role are one query; every step taken records one event."""

from datetime import date, timedelta

import pytest
from django.utils import translation
from django.utils.translation import gettext

from coop.models import Role, StepEvent
from coop.tenancy import scope, unscoped
from coop.workflow import REGISTRY
from credit.models import (
    Assessment,
    AssessmentObjection,
    Commitment,
    Complaint,
    CreditGrade,
    ExitProposal,
    RectificationOrder,
)
from credit.services import assessments, commitments, complaints, enforcement, grading
from members.services.lifecycle import MEMBER
from tests.credit.test_isolation import build
from tests.factories import MemberFactory, UserFactory


def said(response):
    return [str(message) for message in response.context["messages"]]


def events(workflow, pk):
    with unscoped():
        return [
            (event.step, event.from_status, event.to_status)
            for event in StepEvent.objects.filter(workflow=workflow, object_id=pk).order_by(
                "at", "id"
            )
        ]


def in_scope(tenant):
    return scope({tenant.cooperative.pk})


# A refused step names the step, the status and the allowed ones, on the page and in the API


def published_commitment(tenant, rows):
    with in_scope(tenant):
        commitments.publish(
            commitment=Commitment.objects.get(pk=rows["commitments"]), actor=tenant.admin
        )
    return rows["commitments"]


def decided_objection(tenant, rows):
    with in_scope(tenant):
        assessments.decide_objection(
            objection=AssessmentObjection.objects.get(pk=rows["assessment-objections"]),
            actor=tenant.admin,
            upheld=False,
            reason="证据不足",
        )
    return rows["assessment-objections"]


def rectified_order(tenant, rows):
    with in_scope(tenant):
        enforcement.mark_rectified(
            order=RectificationOrder.objects.get(pk=rows["rectification-orders"]),
            actor=tenant.admin,
        )
    return rows["rectification-orders"]


def dismissed_proposal(tenant, rows):
    with in_scope(tenant):
        enforcement.decide_exit(
            proposal=ExitProposal.objects.get(pk=rows["exit-proposals"]),
            actor=tenant.admin,
            accept=False,
            reason="已整改",
        )
    return rows["exit-proposals"]


REFUSALS = {
    # workflow: (row in a status the step does not start from, API resource, page kind, verb,
    #            who, input, the refusal)
    "commitment": (
        published_commitment,
        "commitments",
        "commitments",
        "submit",
        "enterprise",
        {},
        "质量承诺当前状态为“已公开”，不能提交：只有状态为“草稿或退回修改”的质量承诺可以。",
    ),
    "complaint": (
        lambda tenant, rows: rows["complaints"],  # triaged by build()
        "complaints",
        "complaints",
        "triage",
        "admin",
        {"verdict": "valid", "reason": "属实"},
        "投诉当前状态为“已甄别”，不能甄别：只有状态为“已收到，待甄别”的投诉可以。",
    ),
    "assessment": (
        lambda tenant, rows: rows["assessments"],  # announced by build()
        "assessments",
        "assessments",
        "adjust",
        "admin",
        {"result": "mostly", "reason": "标识不规范"},
        "评价当前状态为“公示中”，不能调整结果：只有状态为“待审核”的评价可以。",
    ),
    "assessment_objection": (
        decided_objection,
        "assessment-objections",
        "objections",
        "decide",
        "admin",
        {"upheld": "true", "reason": "整改属实", "result": "fulfilled"},
        "评价异议当前状态为“异议不成立”，不能决定：只有状态为“待决定”的评价异议可以。",
    ),
    "rectification_order": (
        rectified_order,
        "rectification-orders",
        "orders",
        "done",
        "admin",
        {},
        "整改通知当前状态为“已整改”，不能标记整改完成：只有状态为“待整改”的整改通知可以。",
    ),
    "exit_proposal": (
        dismissed_proposal,
        "exit-proposals",
        "exits",
        "decide",
        "admin",
        {"accept": "true", "reason": "连续抽检不合格"},
        "退出建议当前状态为“未采纳”，不能作出决定：只有状态为“待决定”的退出建议可以。",
    ),
}


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_a_step_in_the_wrong_status_is_refused_naming_step_status_and_allowed(
    name, coop_a, api, client
):
    prepare, resource, kind, verb, role, data, refusal = REFUSALS[name]
    pk = prepare(coop_a, build(coop_a))
    user = coop_a.users()[role]
    before = events(name, pk)
    answer = api(user).post(f"/api/v1/coops/coop-a/{resource}/{pk}/{verb}/", data)
    assert (answer.status_code, answer.json()) == (409, {"detail": refusal})
    client.force_login(user)
    page = client.post(
        f"/c/coop-a/{kind}/{pk}/step/{verb}/", {**data, "next": "/c/coop-a/"}, follow=True
    )
    assert said(page) == [refusal]
    assert events(name, pk) == before  # a refusal records nothing


def test_an_override_starts_from_any_grade_and_only_an_administrator_takes_it(coop_a, api, client):
    """A grade has no status to refuse by: the declaration lets an override start from any
    grade; who may take it is what is refused."""
    pk = build(coop_a)["credit-grades"]
    path = f"/api/v1/coops/coop-a/credit-grades/{pk}/override/"
    data = {"new_grade": "A", "reason": "获市长质量奖"}
    assert api(coop_a.supervisor).post(path, data).status_code == 403
    client.force_login(coop_a.supervisor)
    page = client.post(f"/c/coop-a/grades/{pk}/step/override/", data, follow=True)
    assert said(page) == ["您的角色不能执行此操作。"]
    first = api(coop_a.admin).post(path, data).json()
    second = api(coop_a.admin).post(path, {**data, "new_grade": "AAA"}).json()
    assert (first["grade"], second["grade"]) == ("A", "AAA")


def test_a_role_that_does_not_take_the_step_is_refused_before_the_status_is_read(
    coop_a, api, client
):
    rows = build(coop_a)
    pk = rows["commitments"]
    path = f"/api/v1/coops/coop-a/commitments/{pk}/publish/"
    refused = api(coop_a.enterprise).post(path)
    assert (refused.status_code, refused.json()) == (403, {"detail": "您的角色不能执行此操作。"})
    unknown = api(coop_a.admin).post(f"/api/v1/coops/coop-a/commitments/{pk}/nonsense/")
    assert unknown.status_code == 404
    client.force_login(coop_a.enterprise)
    page = client.post(f"/c/coop-a/commitments/{pk}/step/publish/", follow=True)
    assert said(page) == ["您的角色不能执行此操作。"]
    with unscoped():
        assert Commitment.objects.get(pk=pk).status == "submitted"


def test_an_edit_of_a_published_commitment_is_refused_like_a_step(coop_a, api):
    pk = published_commitment(coop_a, build(coop_a))
    edited = api(coop_a.enterprise).patch(
        f"/api/v1/coops/coop-a/commitments/{pk}/", {"guarantees": "七天无理由退货"}, format="json"
    )
    assert (edited.status_code, edited.json()["detail"]) == (
        409,
        "质量承诺当前状态为“已公开”，不能修改：只有状态为“草稿或退回修改”的质量承诺可以。",
    )


# The rows due for each role: one query each, none for a role without a step


@pytest.fixture
def due(coop_a, coop_b):
    """Two members of cooperative A and one of B, each with a row of every kind, moved so that
    each role has something due and something not."""
    other = MemberFactory(cooperative=coop_a.cooperative)
    other_user = UserFactory(username="a-other-enterprise", role=Role.ENTERPRISE, member=other)
    build(coop_a, [coop_a.member, other])
    theirs = build(coop_b)
    today = date.today()
    with in_scope(coop_a):
        mine = {
            "commitment": Commitment.objects.get(member=coop_a.member),
            "complaint": Complaint.objects.get(member=coop_a.member),
            "order": RectificationOrder.objects.get(violation__member=coop_a.member),
            "proposal": ExitProposal.objects.get(member=coop_a.member),
        }
        their = {
            "commitment": Commitment.objects.get(member=other),
            "complaint": Complaint.objects.get(member=other),
            "order": RectificationOrder.objects.get(violation__member=other),
            "proposal": ExitProposal.objects.get(member=other),
        }
        commitments.return_for_changes(
            commitment=mine["commitment"], actor=coop_a.admin, note="写明期限"
        )
        complaints.answer(complaint=their["complaint"], actor=other_user, text="已退货")
        enforcement.mark_rectified(order=their["order"], actor=coop_a.admin)
        enforcement.decide_exit(
            proposal=their["proposal"], actor=coop_a.admin, accept=False, reason="已整改"
        )
        drafts = assessments.assess(
            cooperative_id=coop_a.cooperative.pk,
            start=today - timedelta(days=90),
            end=today - timedelta(days=31),
        )
        announced = dict(Assessment.objects.filter(status="announced").values_list("member", "pk"))
        ids = {
            "commitment": {
                "mine": mine["commitment"].pk,
                "theirs": their["commitment"].pk,
            },
            "complaint": {"mine": mine["complaint"].pk, "theirs": their["complaint"].pk},
            "drafts": {row.pk for row in drafts},
            "announced": announced,
            "objection": AssessmentObjection.objects.get().pk,
            "grades": set(CreditGrade.objects.values_list("pk", flat=True)),
            "order": mine["order"].pk,
            "proposal": mine["proposal"].pk,
        }
    return {
        "ids": ids,
        "other": other,
        "users": {
            "administrator": coop_a.admin,
            "supervisor": coop_a.supervisor,
            "lab technician": coop_a.lab,
            "the member's enterprise user": coop_a.enterprise,
            "another member's enterprise user": other_user,
            "the other cooperative's administrator": coop_b.admin,
        },
        "theirs": theirs,
    }


def expected_due(ids, member, other):
    """Per workflow and role: the rows of cooperative A due, and the queries it takes."""
    announced = ids["announced"]
    return {
        commitments.COMMITMENT.name: {
            "administrator": ({ids["commitment"]["theirs"]}, 1),  # submitted: publish or return
            "supervisor": (set(), 0),
            "lab technician": (set(), 0),
            "the member's enterprise user": ({ids["commitment"]["mine"]}, 1),  # returned
            "another member's enterprise user": (set(), 1),  # submitted: staff's turn
            "the other cooperative's administrator": (set(), 1),
        },
        complaints.COMPLAINT.name: {
            # Triaged (answer or resolve) and answered (resolve).
            "administrator": (set(ids["complaint"].values()), 1),
            "supervisor": (set(), 0),
            "lab technician": (set(), 0),
            "the member's enterprise user": ({ids["complaint"]["mine"]}, 1),
            "another member's enterprise user": (set(), 1),  # answered already
            "the other cooperative's administrator": (set(), 1),
        },
        assessments.ASSESSMENT.name: {
            "administrator": (ids["drafts"], 1),  # drafts to adjust
            "supervisor": (set(), 0),
            "lab technician": (set(), 0),
            "the member's enterprise user": ({announced[member.pk]}, 1),  # object
            "another member's enterprise user": ({announced[other.pk]}, 1),
            "the other cooperative's administrator": (set(), 1),
        },
        assessments.ASSESSMENT_OBJECTION.name: {
            "administrator": ({ids["objection"]}, 1),
            "supervisor": (set(), 0),
            "lab technician": (set(), 0),
            "the member's enterprise user": (set(), 0),  # staff decide it
            "another member's enterprise user": (set(), 0),
            "the other cooperative's administrator": (set(), 1),
        },
        grading.GRADE.name: {
            "administrator": (ids["grades"], 1),  # any grade may be overridden
            "supervisor": (set(), 0),
            "lab technician": (set(), 0),
            "the member's enterprise user": (set(), 0),
            "another member's enterprise user": (set(), 0),
            "the other cooperative's administrator": (set(), 1),
        },
        enforcement.ORDER.name: {
            "administrator": ({ids["order"]}, 1),  # the other's is rectified
            "supervisor": (set(), 0),
            "lab technician": (set(), 0),
            "the member's enterprise user": (set(), 0),
            "another member's enterprise user": (set(), 0),
            "the other cooperative's administrator": (set(), 1),
        },
        enforcement.EXIT_PROPOSAL.name: {
            "administrator": ({ids["proposal"]}, 1),  # the other's is dismissed
            "supervisor": (set(), 0),
            "lab technician": (set(), 0),
            "the member's enterprise user": (set(), 0),
            "another member's enterprise user": (set(), 0),
            "the other cooperative's administrator": (set(), 1),
        },
    }


def test_every_credit_workflow_says_what_is_due_for_each_role_in_one_query(
    due, coop_a, coop_b, django_assert_num_queries
):
    users = due["users"]
    expected = expected_due(due["ids"], coop_a.member, due["other"])
    with unscoped():
        theirs = {
            name: set(
                REGISTRY[name]
                .model.objects.filter(cooperative=coop_b.cooperative)
                .values_list("pk", flat=True)
            )
            for name in expected
        }
    for name, by_role in expected.items():
        workflow = REGISTRY[name]
        for role, (rows, queries) in by_role.items():
            user = users[role]
            # Each user in the scope its requests get: the other cooperative's administrator
            # in its own, where none of A's rows can be due for it.
            tenant = coop_b if role == "the other cooperative's administrator" else coop_a
            with in_scope(tenant), django_assert_num_queries(queries):
                found = {row.pk for row in workflow.due_for(user)}
            if tenant is coop_b:
                assert found <= theirs[workflow.name], (workflow.name, role)
            else:
                assert found == rows, (workflow.name, role)


def test_due_for_narrows_to_some_steps_and_to_given_rows(due, coop_a):
    ids = due["ids"]
    with in_scope(coop_a):
        admin = coop_a.admin
        assert (
            set(
                commitments.COMMITMENT.due_for(admin, verbs=["withdraw"]).values_list(
                    "pk", flat=True
                )
            )
            == set()
        )
        rows = Complaint.objects.filter(status="answered")
        assert {row.pk for row in complaints.COMPLAINT.due_for(admin, rows=rows)} == {
            ids["complaint"]["theirs"]
        }


# One recorded event per step


def test_a_commitment_records_one_event_per_step(coop_a, api):
    today = date.today()
    with in_scope(coop_a):
        first = commitments.draft(
            member=coop_a.member,
            actor=coop_a.enterprise,
            products="四件套",
            standards="GB 18401-2010",
            guarantees="包退包换",
            valid_from=today,
            valid_until=today + timedelta(days=365),
        )
    path = f"/api/v1/coops/coop-a/commitments/{first.pk}/"
    api(coop_a.enterprise).post(f"{path}submit/")
    api(coop_a.admin).post(f"{path}return/", {"note": "写明退换期限"})
    api(coop_a.enterprise).post(f"{path}submit/")
    api(coop_a.admin).post(f"{path}publish/")
    with in_scope(coop_a):
        second = commitments.draft(
            member=coop_a.member,
            actor=coop_a.admin,
            products="被芯",
            standards="GB 18401-2010",
            guarantees="包退包换",
            valid_from=today,
            valid_until=today + timedelta(days=365),
            replaces=[first],  # as the member says: only then is the first withdrawn
        )
        commitments.submit(commitment=second, actor=coop_a.admin)
        commitments.publish(commitment=second, actor=coop_a.admin)  # withdraws the first
    assert events("commitment", first.pk) == [
        ("draft", "", "draft"),
        ("submit", "draft", "submitted"),
        ("return", "submitted", "returned"),
        ("submit", "returned", "submitted"),
        ("publish", "submitted", "published"),
        ("withdraw", "published", "withdrawn"),
    ]
    assert events("commitment", second.pk) == [
        ("draft", "", "draft"),
        ("submit", "draft", "submitted"),
        ("publish", "submitted", "published"),
    ]
    with unscoped():
        returned = StepEvent.objects.get(object_id=first.pk, workflow="commitment", step="return")
        withdrawn = StepEvent.objects.get(
            object_id=first.pk, workflow="commitment", step="withdraw"
        )
    assert (returned.actor, returned.reason) == (coop_a.admin, "写明退换期限")
    # The portal's own reason is kept as a code, said in the reader's language when read.
    assert (withdrawn.reason, withdrawn.details["reason_code"]) == (
        "",
        f"commitment_replaced_by:{second.pk}",
    )


def test_a_complaint_records_one_event_per_step_and_its_page_shows_them(coop_a, api, client):
    with in_scope(coop_a):
        complaint = complaints.file_complaint(
            member=coop_a.member, product="被芯", description="异味", contact="13900000000"
        )
    path = f"/api/v1/coops/coop-a/complaints/{complaint.pk}/"
    api(coop_a.admin).post(f"{path}triage/", {"verdict": "valid", "reason": "有凭证"})
    api(coop_a.enterprise).post(f"{path}answer/", {"text": "已退货"})
    api(coop_a.admin).post(f"{path}resolve/", {"resolution": "已退货并整改"})
    assert events("complaint", complaint.pk) == [
        ("file", "", "received"),
        ("triage", "received", "triaged"),
        ("answer", "triaged", "answered"),
        ("resolve", "answered", "resolved"),
    ]
    client.force_login(coop_a.enterprise)
    page = client.get(f"/c/coop-a/complaints/{complaint.pk}/")
    with translation.override("zh-hans"):
        declared = [
            str(text)
            for text in (
                gettext("complaint received"),
                gettext("Triage"),
                gettext("Send the answer to the complaint"),
                gettext("Resolve"),
            )
        ]
    assert [event.said for event in page.context["history"]] == declared
    assert declared[0] == "投诉已受理"
    assert "13900000000" not in page.content.decode()


def test_an_invalid_complaint_is_resolved_by_its_triage_in_one_step(coop_a, client):
    with in_scope(coop_a):
        complaint = complaints.file_complaint(
            member=coop_a.member, product="四件套", description="色差"
        )
    client.force_login(coop_a.admin)
    client.post(
        f"/c/coop-a/complaints/{complaint.pk}/step/triage/",
        {"verdict": "invalid", "reason": "属正常色差", "duplicate_of": ""},
    )
    assert events("complaint", complaint.pk)[1:] == [("triage", "received", "resolved")]


def test_an_assessment_records_its_period_steps_once_per_row(
    coop_a, api, django_assert_num_queries
):
    other = MemberFactory(cooperative=coop_a.cooperative)
    today = date.today()
    start, end = today - timedelta(days=30), today
    with in_scope(coop_a):
        made = assessments.assess(cooperative_id=coop_a.cooperative.pk, start=start, end=end)
        mine = next(row for row in made if row.member_id == coop_a.member.pk)
        theirs = next(row for row in made if row.member_id == other.pk)
        assessments.adjust(assessment=mine, actor=coop_a.admin, result="mostly", reason="x")
        assessments.announce(
            cooperative=coop_a.cooperative, actor=coop_a.admin, start=start, end=end
        )
    path = f"/api/v1/coops/coop-a/assessments/{mine.pk}/"
    objection = api(coop_a.enterprise).post(f"{path}object/", {"reason": "不服"}).json()
    decided = (
        api(coop_a.admin)
        .post(
            f"/api/v1/coops/coop-a/assessment-objections/{objection['objections'][0]['id']}/decide/",
            {"upheld": "true", "reason": "整改属实", "result": "fulfilled"},
        )
        .json()
    )
    assert (decided["decision"], decided["decided_at"] is not None) == ("upheld", True)
    later = today + timedelta(days=30)
    with in_scope(coop_a), django_assert_num_queries(5):  # with its savepoint
        assert assessments.finalise_due(cooperative_id=coop_a.cooperative.pk, today=later) == 2
    with in_scope(coop_a), django_assert_num_queries(3):
        assert assessments.finalise_due(cooperative_id=coop_a.cooperative.pk, today=later) == 0
    assert events("assessment", mine.pk) == [
        ("adjust", "draft", "draft"),
        ("announce", "draft", "announced"),
        ("object", "announced", "announced"),
        ("finalise", "announced", "final"),
    ]
    assert events("assessment", theirs.pk) == [
        ("announce", "draft", "announced"),
        ("finalise", "announced", "final"),
    ]
    assert events("assessment_objection", objection["objections"][0]["id"]) == [
        ("decide", "pending", "upheld")
    ]
    with unscoped():
        assert Assessment.objects.get(pk=mine.pk).result == "fulfilled"
        objected = AssessmentObjection.objects.get()
        announced = StepEvent.objects.get(workflow="assessment", object_id=mine.pk, step="announce")
    assert objected.open_until == today + timedelta(days=assessments.OBJECTION_DAYS)
    assert announced.details["objections_until"] == objected.open_until.isoformat()


def test_orders_proposals_and_grades_record_one_event_per_step(coop_a, api, client):
    rows = build(coop_a)
    orders = "/api/v1/coops/coop-a/rectification-orders/"
    done = api(coop_a.admin).post(f"{orders}{rows['rectification-orders']}/done/").json()
    assert (done["status"], done["done_on"]) == ("rectified", date.today().isoformat())
    assert events("rectification_order", rows["rectification-orders"]) == [
        ("done", "open", "rectified")
    ]
    client.force_login(coop_a.admin)
    client.post(
        f"/c/coop-a/exits/{rows['exit-proposals']}/step/decide/",
        {"accept": "true", "reason": "连续抽检不合格", "confirm": "true"},
    )
    assert events("exit_proposal", rows["exit-proposals"]) == [("decide", "proposed", "accepted")]
    with unscoped():
        exits = [event.step for event in MEMBER.history(coop_a.member)]
    assert exits[-1] == "exit"
    overridden = (
        api(coop_a.admin)
        .post(
            f"/api/v1/coops/coop-a/credit-grades/{rows['credit-grades']}/override/",
            {"new_grade": "AAA", "reason": "获省长质量奖"},
        )
        .json()
    )
    with unscoped():
        old = CreditGrade.objects.get(pk=rows["credit-grades"]).grade
    assert events("credit_grade", overridden["id"]) == [("override", old, "AAA")]
    assert events("credit_grade", rows["credit-grades"]) == []


def test_the_pages_draw_each_steps_form_from_its_declaration(coop_a, client):
    rows = build(coop_a)
    client.force_login(coop_a.admin)
    page = client.get("/c/coop-a/enforcement/")
    html = page.content.decode()
    for kind, pk, verb in [
        ("orders", rows["rectification-orders"], "done"),
        ("exits", rows["exit-proposals"], "decide"),
    ]:
        assert f'action="/c/coop-a/{kind}/{pk}/step/{verb}/"' in html
    assert '<option value="true">采纳：该成员退出</option>' in html
    # Deciding may expel: the form says what accepting does to this member before it is taken.
    assert "采纳即除名该社员。" in html and "将退出合作社：其公约证书将被撤销" in html
    assessment = client.get(f"/c/coop-a/assessments/{rows['assessments']}/")
    forms = assessment.context["objections"][0][1]
    assert [(form["step"].name, [f["name"] for f in form["fields"]]) for form in forms] == [
        ("decide", ["upheld", "reason", "result"])
    ]
    complaint = client.get(f"/c/coop-a/complaints/{rows['complaints']}/")
    assert [form["step"].name for form in complaint.context["step_forms"]] == ["resolve"]
