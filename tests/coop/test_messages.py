"""Messages by kind (issue 14.3): a refusal reads as one — red, role=alert, its word first and
beside the form of the step refused — and a step that cannot be undone asks first."""

import re

import pytest

from coop.models import StepEvent
from coop.tenancy import scope, unscoped
from members.models import Convention, Member
from members.services.convention import convention_sign
from testing_fund.services import batches
from tests.factories import MemberFactory
from tests.testing_fund.conftest import priced, request  # noqa: F401 (the fixture)


def member_page(client, tenant, member):
    return f"/c/{tenant.cooperative.slug}/members/{member.pk}/"


def step_form(page, action):
    """The HTML of the step form posting to ``action``."""
    found = re.search(rf'<form method="post" action="{re.escape(action)}".*?</form>', page, re.S)
    assert found, action
    return found.group(0)


def test_a_refused_step_is_an_alert_beside_its_form_and_a_success_a_status(coop_a, client):
    member = coop_a.member
    client.force_login(coop_a.admin)
    action = f"/c/coop-a/members/{member.pk}/exit/"
    # The exit's decision date is missing: the step is refused, in red beside its form.
    refused = client.post(
        action, {"reason": "自愿退出", "exit_kind": "withdrawal", "confirm": "true"}, follow=True
    ).content.decode()
    form = step_form(refused, action)
    assert 'class="step-refusal error" role="alert"' in form and "未通过：" in form
    assert re.search(r'<li class="[^"]*error" role="alert"><strong[^>]*>未通过：', refused)
    assert 'role="status"' not in refused.split("<main>")[1].split("</ul>")[0]
    # Another step's form does not carry the refusal.
    assert "step-refusal" not in step_form(refused, f"/c/coop-a/members/{member.pk}/suspend/")
    done = client.post(
        f"/c/coop-a/members/{member.pk}/suspend/",
        {"reason": "抽检不合格", "confirm": "true"},
        follow=True,
    ).content.decode()
    assert re.search(r'<li class="success" role="status">', done)
    assert 'role="alert"' not in done


def test_a_destructive_step_is_drawn_as_one_and_asks_i_understand(coop_a, client):
    client.force_login(coop_a.admin)
    page = client.get(member_page(client, coop_a, coop_a.member)).content.decode()
    suspend = step_form(page, f"/c/coop-a/members/{coop_a.member.pk}/suspend/")
    assert 'class="transition destructive"' in suspend
    assert 'name="confirm" value="true" required' in suspend and "我已了解" in suspend
    # It says what it will do to this unit, not only that it cannot be undone.
    name = coop_a.member.name
    assert f"“{name}”将被暂停：恢复之前不再出现在公开的信用名单上" in suspend
    exit_form = step_form(page, f"/c/coop-a/members/{coop_a.member.pk}/exit/")
    assert f"“{name}”将退出合作社：其公约证书将被撤销" in exit_form
    assert "不能再申请检测" in exit_form and "无法撤销" not in exit_form
    # Reinstating is an everyday step: no box to tick.
    coop_a.member.status = Member.Status.SUSPENDED
    with unscoped():
        coop_a.member.save(update_fields=["status"])
    page = client.get(member_page(client, coop_a, coop_a.member)).content.decode()
    reinstate = step_form(page, f"/c/coop-a/members/{coop_a.member.pk}/reinstate/")
    assert "destructive" not in reinstate and 'name="confirm"' not in reinstate


def test_a_destructive_step_without_confirmation_is_refused_and_writes_nothing(coop_a, client):
    client.force_login(coop_a.admin)
    action = f"/c/coop-a/members/{coop_a.member.pk}/suspend/"
    refused = client.post(action, {"reason": "抽检不合格"}, follow=True).content.decode()
    assert "confirm：请勾选“我已了解”" in step_form(refused, action)
    with unscoped():
        assert Member.objects.get(pk=coop_a.member.pk).status == "active"
        assert not StepEvent.objects.filter(step="suspend").exists()
    client.post(action, {"reason": "抽检不合格", "confirm": "true"})
    with unscoped():
        assert Member.objects.get(pk=coop_a.member.pk).status == "suspended"
        assert StepEvent.objects.filter(step="suspend").count() == 1


def test_the_api_takes_a_destructive_step_without_the_box(coop_a, api):
    response = api(coop_a.admin).post(
        f"/api/v1/coops/coop-a/members/{coop_a.member.pk}/suspend/",
        {"reason": "抽检不合格"},
        format="json",
    )
    assert response.status_code == 200, response.content


ADOPT = {
    "title": "质量公约",
    "text": "",
    "purpose": "质量第一",
    "principles": "诚信守约",
    "duties": "执行标准",
    "member_conditions": "依法登记",
    "entry_exit_rules": "自愿加入",
    "adopted_on": "2026-01-05",
}


def test_adopting_a_convention_says_how_many_must_sign_again_and_asks_first(
    coop_a, convention, client
):
    with scope({coop_a.cooperative.pk}):
        signed = [coop_a.member, *MemberFactory.create_batch(3, cooperative=coop_a.cooperative)]
        for member in signed:
            convention_sign(
                member=member, actor=coop_a.admin, signer_name="张三", signer_position="经理"
            )
        MemberFactory(cooperative=coop_a.cooperative, status=Member.Status.EXITED)
    client.force_login(coop_a.admin)
    page = client.get("/c/coop-a/conventions/").content.decode()
    assert "4 个成员单位需要重新签署。" in page
    assert 'name="confirm"' in page
    refused = client.post("/c/coop-a/conventions/", ADOPT).content.decode()
    assert "请勾选“我已了解”后再采用。" in refused
    with unscoped():
        assert Convention.objects.filter(cooperative=coop_a.cooperative).count() == 1
    client.post("/c/coop-a/conventions/", {**ADOPT, "confirm": "on"})
    with unscoped():
        assert Convention.objects.filter(cooperative=coop_a.cooperative).count() == 2


def test_another_cooperatives_admin_cannot_adopt_even_with_the_box(coop_a, coop_b, client):
    client.force_login(coop_b.admin)
    response = client.post("/c/coop-a/conventions/", {**ADOPT, "confirm": "on"})
    assert response.status_code in (302, 403, 404)
    with unscoped():
        assert not Convention.objects.filter(cooperative=coop_a.cooperative).exists()


@pytest.mark.usefixtures("priced")
def test_cancelling_an_approved_batch_says_the_money_held_goes_back(coop_a, client):
    batch = request(coop_a)
    client.force_login(coop_a.admin)
    page = client.get(f"/c/coop-a/tests/{batch.pk}/").content.decode()
    reject = re.search(r'<form[^>]*action="[^"]*/reject/".*?</form>', page, re.S).group(0)
    assert f"四件套将不再检测，不占用“{coop_a.member.name}”的免费检测批次" in reject
    assert "退回检测基金" not in reject  # nothing is held before approval
    with scope({coop_a.cooperative.pk}):
        batches.approve(batch=batch, actor=coop_a.admin)
    page = client.get(f"/c/coop-a/tests/{batch.pk}/").content.decode()
    cancel = re.search(r'<form[^>]*action="[^"]*/cancel/".*?</form>', page, re.S).group(0)
    assert "为其预留的 ¥300.00 退回检测基金。" in cancel
