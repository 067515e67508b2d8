"""Demo data of the credit side: published commitments, complaints, violations with their
outcomes, an announced assessment, grades for every member. (The schedules are installed by
``supervision.schedules.install_schedules``, from the demo's top floor.)"""

import random
from datetime import timedelta

from django.utils import timezone

from coop.models import StepEvent, User
from credit.models import Commitment
from credit.services import assessments, commitments, complaints, enforcement, grading
from members.models import Member

GUARANTEES = "七天无理由退货；质量问题三十天包换；提供一年售后服务；因质量问题造成损失依法赔偿。"
COMMITTED_MEMBERS = 60
EXAMPLES = [3, 5, 7, 10, 12, 14]  # which members get the demo's complaints and violations


def seed(cooperative, enterprise):
    if Commitment.objects.filter(cooperative=cooperative).exists():
        return
    admin = User.objects.get(username="haimen-admin")
    today = timezone.localdate()
    rng = random.Random("credit")
    members = list(
        Member.objects.filter(cooperative=cooperative, status=Member.Status.ACTIVE)
        .exclude(pk=enterprise.pk)
        .order_by("pk")
    )
    enterprise.lending_consent = True
    enterprise.save(update_fields=["lending_consent"])
    own = commitments.draft(
        member=enterprise,
        actor=admin,
        products="四件套、被芯、枕芯",
        standards="GB 18401-2010、GB/T 22796-2021、T/HMJF 001-2024",
        guarantees=GUARANTEES,
        valid_from=today - timedelta(days=30),
        valid_until=today + timedelta(days=335),
    )
    commitments.submit(commitment=own, actor=admin)
    commitments.publish(commitment=own, actor=admin)
    # The others' commitments as records, without certificates, to keep the first start quick;
    # their histories still say who published them.
    others = Commitment.objects.bulk_create(
        Commitment(
            cooperative=cooperative,
            member=member,
            status=Commitment.Status.PUBLISHED,
            products=member.main_products or "家纺产品",
            standards="GB 18401-2010",
            guarantees=GUARANTEES,
            valid_from=today - timedelta(days=rng.randint(10, 200)),
            valid_until=today + timedelta(days=rng.randint(100, 300)),
            published_at=timezone.now(),
        )
        for member in members[:COMMITTED_MEMBERS]
    )
    StepEvent.objects.bulk_create(
        commitments.COMMITMENT.event(
            row, "publish", actor=admin, from_state=Commitment.Status.SUBMITTED
        )
        for row in others
    )
    if len(members) > max(EXAMPLES):  # a tiny demo (--members 0) has no one to complain about
        seed_complaints(members, admin)
        seed_enforcement(members, admin, today)
    start, end = assessments.previous_period(today)
    assessments.assess(cooperative_id=cooperative.pk, start=start, end=end)
    assessments.announce(cooperative=cooperative, actor=admin, start=start, end=end)
    grading.grade_members(cooperative_id=cooperative.pk)
    enforcement.propose_exits(cooperative_id=cooperative.pk)


def seed_complaints(members, admin):
    valid = complaints.file_complaint(
        member=members[3],
        product="被芯",
        description="新买的被芯有刺鼻气味，晾晒一周仍未散去。",
        contact="13800000001",
    )
    complaints.triage(complaint=valid, actor=admin, verdict="valid", reason="经抽样复核，属实。")
    complaints.answer(complaint=valid, actor=admin, text="已为顾客退货，并更换助剂供应商。")
    invalid = complaints.file_complaint(
        member=members[5], product="四件套", description="颜色与图片不一致。"
    )
    complaints.triage(
        complaint=invalid, actor=admin, verdict="invalid", reason="属色差正常范围，已说明。"
    )
    complaints.file_complaint(
        member=members[7], product="毛毯", description="洗后缩水严重。", contact="demo@example.com"
    )


def seed_enforcement(members, admin, today):
    for member, severity, days_ago in [
        (members[10], "minor", 200),
        (members[10], "minor", 40),
        (members[12], "minor", 90),
        (members[14], "serious", 60),
    ]:
        inspection = enforcement.record_inspection(
            member=member,
            actor=admin,
            inspected_on=today - timedelta(days=days_ago),
            inspectors="海门区市场监管局 王建华、李明",
            findings="产品标识检查",
        )
        violation = enforcement.record_violation(
            member=member,
            actor=admin,
            inspection=inspection,
            kind="纤维含量标识不符" if severity == "minor" else "甲醛含量不合格产品仍在销售",
            severity=severity,
            legal_clause="《产品质量法》第二十七条"
            if severity == "minor"
            else "《产品质量法》第四十九条",
            occurred_on=today - timedelta(days=days_ago),
            penalty_amount=5000 if severity == "serious" else 2000,
        )
        enforcement.order_rectification(
            violation=violation,
            actor=admin,
            requirement="补正产品标识，下架不合格批次。",
            deadline=today + timedelta(days=15),
        )
