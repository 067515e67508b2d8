"""Messages by kind (issue 14.3), the pages outside the step forms: a refusal is drawn red
(role=alert) inside the form that asked, writes nothing, and success stays a status at the top;
the API's docs say which steps cannot be undone."""

import re

from coop.models import AuditRecord
from coop.tenancy import unscoped
from members.models import ConventionSignature
from supervision.models import Schedule
from supervision.schedules import install_schedules


def form_posting_to(page, action):
    """The HTML of the form posting to ``action`` (from its tag to its end)."""
    found = re.search(rf'<form method="post" action="{re.escape(action)}".*?</form>', page, re.S)
    assert found, action
    return found.group(0)


def alerts(html):
    return re.findall(r'<[a-z]+ class="[^"]*" role="alert">', html)


def test_a_refused_schedule_step_is_an_alert_in_its_own_form_and_writes_nothing(coop_a, client):
    with unscoped():
        install_schedules(coop_a.cooperative)
        row = Schedule.objects.get(cooperative=coop_a.cooperative, kind="round")
        audits = AuditRecord.objects.count()
    client.force_login(coop_a.admin)
    run = f"/c/coop-a/schedules/{row.pk}/run/"
    # No lab and standard yet: running the round is refused, beside "Run now".
    answer = client.post(run)
    assert answer.status_code == 400
    page = answer.content.decode()
    form = form_posting_to(page, run)
    assert 'class="errors step-refusal" role="alert"' in form and "标准" in form
    # Only there: not above the list, not in another schedule's or step's form.
    assert len(alerts(page)) == 1
    assert not alerts(form_posting_to(page, f"/c/coop-a/schedules/{row.pk}/set_round/"))
    with unscoped():
        assert AuditRecord.objects.count() == audits
    # Pausing another job succeeds: a green status at the top of the next page, no alert.
    with unscoped():
        other = Schedule.objects.filter(cooperative=coop_a.cooperative).exclude(pk=row.pk)[0]
    done = client.post(f"/c/coop-a/schedules/{other.pk}/pause/", follow=True).content.decode()
    assert '<li class="success" role="status">' in done and not alerts(done)


def test_refused_round_settings_are_shown_in_the_settings_form(coop_a, client):
    with unscoped():
        install_schedules(coop_a.cooperative)
        row = Schedule.objects.get(cooperative=coop_a.cooperative, kind="round")
    client.force_login(coop_a.admin)
    action = f"/c/coop-a/schedules/{row.pk}/set_round/"
    answer = client.post(action, {"lab": "", "standard": "", "coverage": "500"})
    assert answer.status_code == 400
    page = answer.content.decode()
    form = form_posting_to(page, action)
    assert 'role="alert"' in form and len(alerts(page)) == 1
    # The settings stay open with the refusal in them.
    assert re.search(r"<details open>\s*<summary>[^<]*</summary>\s*" + re.escape(form[:60]), page)


def test_a_refused_signature_is_an_alert_in_the_signing_form_and_writes_nothing(
    coop_a, convention, client
):
    client.force_login(coop_a.enterprise)
    action = "/c/coop-a/profile/sign/"
    page = client.post(action, {"signer_name": "", "signer_position": ""}, follow=True)
    page = page.content.decode()
    form = form_posting_to(page, action)
    assert 'class="step-refusal error" role="alert"' in form
    with unscoped():
        assert not ConventionSignature.objects.exists()
    signed = client.post(
        action, {"signer_name": "陈建华", "signer_position": "法定代表人"}, follow=True
    ).content.decode()
    assert '<li class="success" role="status">' in signed and not alerts(signed)


def test_the_api_docs_mark_the_steps_that_cannot_be_undone(client):
    schema = client.get("/api/schema/?format=json")
    paths = schema.json()["paths"]
    exits = [op["post"] for path, op in paths.items() if path.endswith("/exit/") and "post" in op]
    assert exits and all("**Destructive:**" in op["description"] for op in exits)
    admits = [op["post"] for path, op in paths.items() if path.endswith("/admit/") and "post" in op]
    assert admits and not any("Destructive" in op["description"] for op in admits)


def test_a_refused_rectification_order_is_an_alert_in_that_violations_row(coop_a, client, api):
    from datetime import date

    from credit.models import RectificationOrder
    from tests.credit.test_enforcement import violation

    first = violation(api, coop_a, date.today()).json()["id"]
    second = violation(api, coop_a, date.today()).json()["id"]
    client.force_login(coop_a.admin)
    # A deadline of today is no time to rectify: refused, in the order form of that violation.
    order = {"form": "order", "violation": first, "requirement": "补正标识"}
    page = client.post(
        "/c/coop-a/enforcement/", {**order, "deadline": date.today().isoformat()}, follow=True
    ).content.decode()
    forms = re.findall(r'<form method="post" class="transition">.*?</form>', page, re.S)
    refused = [form for form in forms if f'name="violation" value="{first}"' in form]
    other = [form for form in forms if f'name="violation" value="{second}"' in form]
    assert 'role="alert"' in refused[0] and 'role="alert"' not in other[0]
    with unscoped():
        assert not RectificationOrder.objects.exists()


def test_a_bulk_step_with_refused_rows_says_so_as_an_alert_and_all_done_as_a_status(coop_a, client):
    from tests.factories import MemberFactory

    applied = MemberFactory(cooperative=coop_a.cooperative, status="applied", joined_on=None)
    client.force_login(coop_a.admin)
    action = "/c/coop-a/members/bulk/admit/"
    # The active unit cannot be admitted: the summary is an alert, the row refused in red.
    page = client.post(action, {"ids": [applied.pk, coop_a.member.pk]}).content.decode()
    summary = re.search(r'<p class="bulk-summary[^"]*" role="([a-z]+)">', page)
    assert summary.group(1) == "alert"
    assert page.count('class="outcome-refused"') == 1 and "status-fail" in page
    another = MemberFactory(cooperative=coop_a.cooperative, status="applied", joined_on=None)
    page = client.post(action, {"ids": [another.pk]}).content.decode()
    assert re.search(r'<p class="bulk-summary[^"]*" role="([a-z]+)">', page).group(1) == "status"


def test_a_service_error_on_a_field_the_form_lacks_shows_above_the_form():
    """A rule the service checks on a field this form does not show comes back above the
    form, naming its cause, instead of failing the page with a 500."""
    from django import forms
    from django.core.exceptions import ValidationError

    from coop.pages import save_or_report

    class Small(forms.Form):
        product = forms.CharField()

    form = Small({"product": "被芯"})
    assert form.is_valid()

    def refuse():
        raise ValidationError(
            {"paid_by_member": "No free test is left.", "product": "Name the product."}
        )

    assert save_or_report(form, refuse) is None
    assert form.non_field_errors() == ["No free test is left."]
    assert form.errors["product"] == ["Name the product."]
