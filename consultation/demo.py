"""Demo data of the consultation line: about twenty questions Haimen's members asked over the
last four months (formaldehyde class under GB 18401, care labels under GB 5296.4, fibre content
tolerances under FZ/T 01053, the testing fund's rules, CCC, export labels), most answered
within the line's 24 hours, a few later, two still open (one past its 24 hours), six published
as FAQ entries. Rows and their histories are written as records with their past times (the
services stamp the present); a second run finds them and adds nothing."""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from consultation.models import Question
from consultation.services import QUESTION
from coop.models import Role, StepEvent, User
from coop.tenancy import unscoped
from members.models import Member

Topic, Status = Question.Topic, Question.Status


@dataclass
class Asked:
    days_ago: float
    hours: float | None  # to the first answer; None: still open
    topic: str
    subject: str
    text: str
    answer: str = ""
    faq: tuple = ()  # (public question, public answer) when published
    asker: int = 0  # 0: the demo enterprise; n: the n-th other member
    closed: bool = True
    by_phone: bool = False
    follow_up: str = ""


QUESTIONS = [
    Asked(
        118,
        3.5,
        Topic.LABELLING,
        "床品四件套的甲醛类别怎么标注",
        "我们的四件套直接接触皮肤，吊牌上的安全类别写 B 类可以吗？检测报告甲醛是 42 mg/kg。",
        "可以。GB 18401-2010 规定直接接触皮肤的产品至少符合 B 类（甲醛 ≤75 mg/kg），"
        "42 mg/kg 符合 B 类。吊牌或使用说明上须标明“GB 18401-2010 B 类”。",
        faq=(
            "直接接触皮肤的床品，吊牌上的甲醛安全类别怎么标注？",
            "GB 18401-2010 规定直接接触皮肤的产品至少符合 B 类（甲醛含量 ≤75 mg/kg），"
            "吊牌或使用说明上标明“GB 18401-2010 B 类”；婴幼儿用品须符合 A 类（≤20 mg/kg），"
            "非直接接触皮肤的产品至少符合 C 类（≤300 mg/kg）。",
        ),
    ),
    Asked(
        112,
        6,
        Topic.LABELLING,
        "婴儿睡袋是否必须标 A 类",
        "新开发一款婴儿睡袋，面料供应商只提供了 B 类报告，成品能否按 B 类销售？",
        "不能。年龄在 36 个月及以下婴幼儿穿着或使用的纺织产品必须符合 A 类，"
        "并在标签上标明“婴幼儿用品”。请更换面料或对成品送检确认甲醛 ≤20 mg/kg、pH 4.0～7.5。",
        faq=(
            "婴幼儿用的睡袋、抱被可以按 B 类销售吗？",
            "不可以。36 个月及以下婴幼儿使用的纺织产品须符合 GB 18401-2010 的 A 类要求"
            "（甲醛 ≤20 mg/kg，pH 4.0～7.5，耐唾液色牢度 ≥4 级），并标明“婴幼儿用品”。",
        ),
        asker=1,
    ),
    Asked(
        105,
        20,
        Topic.LABELLING,
        "被芯的洗涤标签缝在哪里",
        "GB 5296.4 要求耐久性标签，被芯是否一定要缝？可以只用吊牌吗？",
        "GB 5296.4-2012 规定维护方法（洗涤符号）和纤维含量须采用耐久性标签，"
        "缝在产品上、在使用期内保持清晰；被芯一般缝在侧边。产品名称、规格、执行标准、"
        "安全类别等可以用吊牌。",
        faq=(
            "家纺产品的洗涤标签能只用吊牌吗？",
            "不能只用吊牌。按 GB 5296.4-2012，纤维成分及含量、维护方法须用耐久性标签，"
            "永久缝在产品上并在使用寿命内清晰可辨；号型规格、执行的产品标准、安全类别等"
            "可以标在吊牌上。",
        ),
        asker=2,
    ),
    Asked(
        98,
        4,
        Topic.STANDARDS,
        "纤维含量的允许偏差",
        "面料标 60% 棉 40% 涤纶，抽检结果棉 56.8%，算不算不合格？",
        "按 FZ/T 01053-2007，含两种及以上纤维时，每种纤维含量的允许偏差为 5 个百分点，"
        "56.8% 在 55%～65% 之间，判定符合。填充物的允许偏差为 10 个百分点；"
        "标明值 ≤15% 的纤维，允许偏差为标明值的 30%。",
        faq=(
            "纤维含量标识允许多大偏差？",
            "按 FZ/T 01053-2007：产品含两种及以上纤维时，标明的每种纤维含量允许偏差为 "
            "5 个百分点，填充物为 10 个百分点；某种纤维标明值 ≤15% 时，允许偏差为标明值的 30%。"
            "标“100%”“纯”“全”的产品，除标准另有规定外不允许偏差。",
        ),
    ),
    Asked(
        90,
        2,
        Topic.TESTING,
        "免费检测每年能送几批",
        "我们是去年入社的个体户，今年还能免费送检吗？一年几次？",
        "可以。检验检测基金每年为每家社员单位免费检测 3～5 批次（原辅材料和成品），"
        "在“检测”中提交申请，合作社审批后由南通市纤维检验所取样。超出部分按检测机构价格自费。",
        faq=(
            "社员单位每年可以免费检测几批？",
            "检验检测基金每年为每家社员单位免费检测 3～5 批次，覆盖原辅材料和成品，"
            "检测纤维含量、pH 值、甲醛等约 15 项关键指标。在平台“检测”中提交申请，"
            "经合作社审批后送检，报告在平台查看。",
        ),
        asker=3,
        by_phone=True,
    ),
    Asked(
        84,
        1.5,
        Topic.CERTIFICATION,
        "家纺产品要不要 3C 认证",
        "有客户说床上用品要做 3C 认证才能进商场，是这样吗？",
        "不需要。纺织品和家纺产品不在强制性产品认证（CCC）目录内，"
        "商场要求的一般是 GB 18401 的检测报告和合格的标签标识。",
        faq=(
            "床上用品、毛巾需要 3C 认证吗？",
            "不需要。纺织品、家纺产品不在《强制性产品认证目录》内。销售时须符合 "
            "GB 18401 等强制性国家标准并有合格的标签标识；商场或平台通常要求提供检测报告。",
        ),
        asker=4,
    ),
    Asked(
        77,
        5,
        Topic.LABELLING,
        "出口欧盟的成分标签",
        "一批毛巾出口德国，成分标签能否只写中文“纯棉”？",
        "不能。欧盟纺织品法规（EU）No 1007/2011 要求用进口国官方语言标注纤维名称和含量，"
        "如德语“100 % Baumwolle”；护理标签通常采用 ISO 3758 符号。内销部分仍按 GB 5296.4。",
        asker=5,
    ),
    Asked(
        70,
        30,
        Topic.LABELLING,
        "出口美国的原产地和护理标签",
        "美国客户要求标签上写原产地，格式有规定吗？护理说明可以只用符号吗？",
        "美国《纺织纤维产品鉴别法》要求标明纤维成分、原产国（如 Made in China）和制造商或"
        "RN 号；护理标签规则（16 CFR 423）允许使用 ASTM D5489 符号，也可以用英文文字。",
        asker=6,
    ),
    Asked(
        63,
        8,
        Topic.STANDARDS,
        "被芯执行哪个标准",
        "做羽绒被和纤维被，吊牌上的执行标准写什么？",
        "被类产品执行 GB/T 22796-2021《床上用品》，羽绒填充的还应符合 GB/T 14272 中对"
        "羽绒含绒量等的要求；执行标准须写全标准编号和年代号。",
    ),
    Asked(
        56,
        3,
        Topic.STANDARDS,
        "pH 值要求是多少",
        "直接接触皮肤的床单 pH 值测出来 8.2，合格吗？",
        "合格。GB 18401-2010 中 B 类产品 pH 值为 4.0～8.5；A 类为 4.0～7.5，C 类为 4.0～9.0。",
        asker=7,
    ),
    Asked(
        49,
        52,
        Topic.TESTING,
        "检测不合格能否复检",
        "上周的报告甲醛超标，我们认为取样时样品受了污染，能申请复检吗？",
        "可以在报告发出后 15 日内在平台对报告提出异议，合作社决定是否用备样复检。"
        "复检结论为最终结论；同时请排查助剂和后整理工艺。",
        asker=8,
        closed=False,
    ),
    Asked(
        42,
        12,
        Topic.STANDARDS,
        "可分解致癌芳香胺染料的要求",
        "印花床品用的活性染料需要提供什么证明？",
        "GB 18401-2010 规定可分解致癌芳香胺染料为“禁用”，限量值 20 mg/kg。建议向染料供应商"
        "索取检测报告，并在免费检测中加测该项。",
        asker=9,
    ),
    Asked(
        35,
        2.5,
        Topic.LABELLING,
        "“纯棉”可以怎么用",
        "面料 95% 棉 5% 氨纶，能在吊牌上写“纯棉”吗？",
        "不能。按 FZ/T 01053-2007，“纯”“全”“100%”只用于完全由一种纤维组成的产品；"
        "应标“95% 棉 5% 氨纶”。",
        asker=10,
    ),
    Asked(
        28,
        26,
        Topic.CERTIFICATION,
        "ISO 9001 认证费用有无补贴",
        "我们准备做 ISO 9001 质量管理体系认证，合作社有没有支持？",
        "合作社可推荐认证机构并组织首席质量官培训；具体补贴以区里当年政策为准，"
        "可在“公告”中查看通知，或电话联系合作社办公室。",
        asker=11,
        closed=False,
    ),
    Asked(
        21,
        4,
        Topic.OTHER,
        "网店页面也要标执行标准吗",
        "我们在电商平台卖四件套，商品详情页需要写执行标准和安全类别吗？",
        "需要。网络销售的商品信息应与实物标签一致，标明执行标准、安全类别、纤维成分等，"
        "不得夸大宣传；平台抽检也按实物标签核对。",
    ),
    Asked(
        14,
        7,
        Topic.TESTING,
        "送检样品要多少",
        "送检四件套需要几套样品？要不要留备样？",
        "常规项目送一套完整产品即可，检测机构取样时会另封存一份备样，"
        "供异议复检使用，请在取样单上签字确认。",
        asker=12,
        closed=False,
    ),
    Asked(
        1.1,
        5,
        Topic.LABELLING,
        "质量等级要不要标",
        "GB/T 22796 有优等品、一等品、合格品，吊牌上必须写吗？",
        "产品标准规定了质量等级的，应在标签上标明，如“一等品”；实际检测结果须达到所标等级。",
        follow_up="如果只做到合格品，可以不写等级吗？",
        asker=1,
        closed=False,
    ),
    Asked(
        5,
        18,
        Topic.STANDARDS,
        "团体标准如何参与起草",
        "我们想参与合作社的团体标准起草，需要什么条件？",
        "请向合作社提交参与意向和企业相关技术资料；起草组一般由龙头企业、检测机构和"
        "高校专家组成，社员单位可作为参编单位参与试验验证。",
        asker=2,
        closed=False,
    ),
    Asked(
        1.3,
        None,
        Topic.TESTING,
        "色牢度不合格的原因",
        "毛巾耐湿摩擦色牢度只有 2 级，是染色问题还是后整理问题？怎么改进？",
        asker=3,
    ),
    Asked(
        0.15,
        None,
        Topic.LABELLING,
        "枕芯的填充物怎么标",
        "枕芯填充的是聚酯纤维和荞麦壳混合，标签上怎么写成分？",
    ),
]


def seed(haimen, enterprise, log=print):
    """The questions of ``haimen``; ``enterprise`` asks some of them, other active members
    the rest (all of them in a demo with no other member)."""
    with unscoped(), transaction.atomic():
        if Question.objects.filter(cooperative=haimen).exists():
            log("consultation: the demo's questions are there already.")
            return
        admin = User.objects.filter(role=Role.COOP_ADMIN, cooperative=haimen).order_by("pk").first()
        own_user = User.objects.filter(member=enterprise).order_by("pk").first()
        others = list(
            Member.objects.filter(cooperative=haimen, status=Member.Status.ACTIVE)
            .exclude(pk=enterprise.pk)
            .order_by("pk")[:12]
        )
        now = timezone.now()
        events = []
        for plan in QUESTIONS:
            member = others[(plan.asker - 1) % len(others)] if plan.asker and others else enterprise
            asked_at = now - timedelta(days=plan.days_ago)
            question = Question(
                cooperative=haimen,
                member=member,
                topic=plan.topic,
                subject=plan.subject,
                text=plan.text,
                by_phone=plan.by_phone,
                asked_by=admin if plan.by_phone else (own_user if member == enterprise else None),
                asked_at=asked_at,
                waiting_since=asked_at,
            )
            said = [("ask", "", Status.ASKED, question.asked_by, asked_at, "")]
            if plan.hours is not None:
                answered_at = asked_at + timedelta(hours=plan.hours)
                question.status = Status.ANSWERED
                question.answer, question.answered_by = plan.answer, admin
                question.answered_at = answered_at
                said.append(
                    ("answer", Status.ASKED, Status.ANSWERED, admin, answered_at, plan.answer)
                )
                later = answered_at + timedelta(hours=20)
                if plan.follow_up:  # asked back soon after the answer
                    later = answered_at + timedelta(hours=2)
                    question.status, question.follow_up = Status.ASKED, plan.follow_up
                    question.waiting_since = later
                    said.append(
                        (
                            "follow_up",
                            Status.ANSWERED,
                            Status.ASKED,
                            own_user,
                            later,
                            plan.follow_up,
                        )
                    )
                elif plan.closed:
                    question.status = Status.CLOSED
                    closer = own_user if member == enterprise else None
                    said.append(("close", Status.ANSWERED, Status.CLOSED, closer, later, ""))
                if plan.faq:
                    question.faq_question, question.faq_answer = plan.faq
                    question.published, question.published_at = True, later + timedelta(days=2)
                    state = question.status
                    said.append(("publish", state, state, admin, question.published_at, ""))
            question.save()
            for verb, before, after, actor, at, reason in said:
                assert verb in QUESTION.by_name
                events.append(
                    StepEvent(
                        cooperative=haimen,
                        workflow=QUESTION.name,
                        object_id=question.pk,
                        step=verb,
                        from_status=before,
                        to_status=after,
                        actor=actor,
                        reason=reason,
                        at=at,
                    )
                )
        StepEvent.objects.bulk_create(events)
        published = sum(1 for plan in QUESTIONS if plan.faq)
        log(f"consultation: {len(QUESTIONS)} questions, {published} in the FAQ.")
