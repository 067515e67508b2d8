"""Questions made for the tests, through the service, in the tenant's scope."""

from datetime import timedelta

from django.utils import timezone

from consultation import services
from coop.tenancy import scope


def ask(tenant, member=None, *, hours_ago=0, subject="被套甲醛分类标注", **overrides):
    data = {
        "topic": "labelling",
        "subject": subject,
        "text": "婴幼儿用品与直接接触皮肤产品的甲醛限量有何不同？吊牌上怎么标？",
        **overrides,
    }
    with scope({tenant.cooperative.pk}):
        return services.ask(
            member=member or tenant.member,
            actor=tenant.enterprise if member is None else tenant.admin,
            asked_at=timezone.now() - timedelta(hours=hours_ago),
            **data,
        )


def answer(tenant, question, text="按 GB 18401-2010 标注 B 类。"):
    with scope({tenant.cooperative.pk}):
        return services.answer(question=question, actor=tenant.admin, text=text)
