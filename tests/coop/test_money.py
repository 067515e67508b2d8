"""Money reads with thousands grouped, the same in Chinese and English: ¥450,000.00 on pages,
in documents and in messages, through one template filter (coop/templatetags/money.py)."""

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from coop.errors import Refused
from coop.figures import thousands, yuan
from coop.templatetags.money import yuan as yuan_filter
from coop.tenancy import scope
from testing_fund.models import Fund
from testing_fund.services import fund as money


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (0, "¥0.00"),
        (1234.5, "¥1,234.50"),
        (450000, "¥450,000.00"),
        ("450000.00", "¥450,000.00"),
        (Decimal("9999999999.99"), "¥9,999,999,999.99"),
        (Decimal("-1234.5"), "-¥1,234.50"),
        (Decimal("-0.001"), "¥0.00"),
        (None, "—"),
        ("", "—"),
        ("n/a", "n/a"),  # not a number: shown as it is, never a 500
    ],
)
def test_the_yuan_filter(amount, shown):
    assert yuan_filter(amount) == shown
    template = Template("{% load money %}{{ amount|yuan }}")
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert template.render(Context({"amount": amount})) == shown


def test_the_api_keeps_plain_figures_and_messages_group_thousands():
    assert yuan(Decimal("450000")) == "450000.00"  # what a client parses
    assert thousands(Decimal("450000")) == "450,000.00"


def test_no_template_writes_a_figure_after_a_yuan_sign():
    """Every amount goes through the filter: a ``¥{{ … }}`` would show 450000.00."""
    raw = re.compile(r"[¥￥]\s*\{\{")
    found = [
        f"{path.relative_to(settings.BASE_DIR)}:{number}"
        for path in Path(settings.BASE_DIR, "templates").rglob("*.html")
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if raw.search(line)
    ]
    assert found == []


@pytest.fixture
def funded(coop_a):
    with scope({coop_a.cooperative.pk}):
        fund = Fund.objects.create(cooperative=coop_a.cooperative, year=date.today().year)
        money.appropriate(
            fund=fund,
            actor=coop_a.admin,
            source="区财政局",
            amount=Decimal("450000"),
            on=date.today(),
            document_number="财〔2026〕1号",
        )
    return fund


def test_the_fund_page_groups_thousands(coop_a, funded, client):
    client.force_login(coop_a.admin)
    page = client.get("/c/coop-a/fund/").content.decode()
    assert "¥450,000.00" in page and "450000.00" not in page


def test_a_refusal_groups_thousands(coop_a, funded):
    with scope({coop_a.cooperative.pk}), pytest.raises(Refused) as refused:
        money.adjust(fund=funded, actor=coop_a.admin, amount=Decimal("-500000"), reason="更正")
    assert "¥450,000.00" in refused.value.message


def test_the_annual_report_document_groups_thousands(coop_a, funded):
    """The PDF's HTML (WeasyPrint renders it as it is): the fund's table and the bars of
    spending by month."""
    from django.template.loader import render_to_string

    from supervision import charts, reports

    with scope({coop_a.cooperative.pk}), translation.override("zh-hans"):
        data = reports.gather(coop_a.cooperative, date.today().year)
        data.update(reports.draw(data))
        html = render_to_string("coop/annual_report.html", data)
    assert '<td class="num">¥450,000.00</td>' in html
    bars = charts.bars("支出", [("1月", 1234567.0)], shown=yuan_filter)
    assert ">¥1,234,567.00</text>" in bars
