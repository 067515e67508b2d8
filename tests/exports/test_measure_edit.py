"""Changing a trade measure (``PATCH /api/v1/trade-measures/<id>/`` and its edit page, through
exports.services.measures.edit_measure): a typo or a date re-matches nothing; a change of what
it touches alerts the members it now touches and withdraws the pending alerts of those it no
longer touches, acknowledged ones keeping their acknowledgement; only an administrator of the
measure's cooperative changes it, and a refusal writes nothing."""

from coop.models import StepEvent
from coop.tenancy import unscoped
from exports.models import MeasureAlert, TradeMeasure
from tests.exports.conftest import ALERTS, MEASURES, exports, measure_payload, member_with_account


def post_measure(api, tenant, **overrides):
    made = api(tenant.admin).post(MEASURES, measure_payload(tenant, **overrides), format="json")
    assert made.status_code == 201, made.json()
    return made.json()["id"]


def alerts(measure_id):
    with unscoped():
        return dict(
            MeasureAlert.objects.filter(measure_id=measure_id).values_list("member_id", "status")
        )


def patch(api, user, measure_id, data):
    return api(user).patch(f"{MEASURES}{measure_id}/", data, format="json")


def test_a_typo_and_a_new_date_are_fixed_without_alerting_again(coop_a, api):
    exports(coop_a, coop_a.member, "630231", ["US"])
    pk = post_measure(api, coop_a, title="CPSIA 儿童产品总铅含量线值")
    with unscoped():
        events = StepEvent.objects.filter(workflow="trade_measure_alert").count()
    changed = patch(
        api, coop_a.admin, pk, {"title": "CPSIA 儿童产品总铅含量限值", "effective_on": "2026-06-01"}
    )
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["title"], changed.json()["effective_on"]) == (
        "CPSIA 儿童产品总铅含量限值",
        "2026-06-01",
    )
    assert changed.json()["hs_prefixes"] == ["6302"]  # the rest stays
    assert alerts(pk) == {coop_a.member.pk: "pending"}
    with unscoped():
        assert StepEvent.objects.filter(workflow="trade_measure_alert").count() == events


def test_a_change_of_reach_alerts_the_new_and_withdraws_pending_alerts_of_the_untouched(
    coop_a, api, client
):
    exports(coop_a, coop_a.member, "630231", ["US"])  # 6302, acknowledges
    pending, _user = member_with_account(coop_a, "只出口床单的家纺")
    exports(coop_a, pending, "630210", ["US"])  # 6302, does not acknowledge
    quilts, _user = member_with_account(coop_a, "出口被芯的家纺")
    exports(coop_a, quilts, "940440", ["US"])  # 9404: touched only after the change
    pk = post_measure(api, coop_a, hs_prefixes=["6302"])
    alert_id = api(coop_a.enterprise).get(ALERTS).json()["results"][0]["id"]
    assert api(coop_a.enterprise).post(f"{ALERTS}{alert_id}/acknowledge/").status_code == 200

    changed = patch(api, coop_a.admin, pk, {"hs_prefixes": ["9404"]})
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["alerted"], changed.json()["acknowledged"]) == (2, 1)
    assert alerts(pk) == {
        coop_a.member.pk: "acknowledged",  # told, and said so: kept as it is
        pending.pk: "withdrawn",
        quilts.pk: "pending",
    }
    with unscoped():
        kept = MeasureAlert.objects.get(measure_id=pk, member=coop_a.member)
        assert kept.acknowledged_at is not None and kept.acknowledged_by == coop_a.enterprise
        withdrawn = MeasureAlert.objects.get(measure_id=pk, member=pending)
        assert list(
            StepEvent.objects.filter(
                workflow="trade_measure_alert", object_id=withdrawn.pk
            ).values_list("step", "from_status", "to_status")
        ) == [("alert", "", "pending"), ("withdraw", "pending", "withdrawn")]
    # The member's record counts no alert of it, and its list shows no measure.
    client.force_login(coop_a.admin)
    record = client.get(f"/c/coop-a/members/{pending.pk}/")
    assert {p["key"]: p["count"] for p in record.context["programmes"]}["trade_alerts"] == 0
    listed = client.get(f"/c/coop-a/trade-measures/?member={pending.pk}").context["page"]
    assert list(listed) == []
    # Widened again: the withdrawn member is alerted again, once.
    again = patch(api, coop_a.admin, pk, {"hs_prefixes": ["9404", "6302"]})
    assert again.status_code == 200
    assert alerts(pk)[pending.pk] == "pending"
    with unscoped():
        assert MeasureAlert.objects.filter(measure_id=pk).count() == 3


def test_a_new_country_re_matches_the_measure(coop_a, api):
    exports(coop_a, coop_a.member, "630231", ["US"])
    german, _user = member_with_account(coop_a, "出口德国的家纺")
    exports(coop_a, german, "630231", ["DE"])
    pk = post_measure(api, coop_a)
    assert patch(api, coop_a.admin, pk, {"country": "EU"}).status_code == 200
    assert alerts(pk) == {coop_a.member.pk: "withdrawn", german.pk: "pending"}


def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(coop_a, api):
    exports(coop_a, coop_a.member, "630231", ["US"])
    pk = post_measure(api, coop_a)
    with unscoped():
        before = TradeMeasure.objects.filter(pk=pk).values().get()
    for data, field in (
        ({"hs_prefixes": ["63a"]}, "hs_prefixes"),
        ({"country": "XX"}, "country"),
        ({"hs_prefixes": []}, "hs_prefixes"),  # nothing touched left
        ({"title": ""}, "title"),
        ({"effective_on": "2026-13-01"}, "effective_on"),
    ):
        answer = patch(api, coop_a.admin, pk, data)
        assert answer.status_code == 400, (data, answer.json())
        assert field in answer.json(), answer.json()
    with unscoped():
        assert TradeMeasure.objects.filter(pk=pk).values().get() == before
    assert alerts(pk) == {coop_a.member.pk: "pending"}


def test_only_an_administrator_of_its_cooperative_changes_a_measure(coop_a, coop_b, api, client):
    exports(coop_a, coop_a.member, "630231", ["US"])
    pk = post_measure(api, coop_a)
    for user in coop_b.users().values():
        assert patch(api, user, pk, {"title": "改"}).status_code == 404, user
        client.force_login(user)
        assert client.get(f"/c/coop-a/trade-measures/{pk}/edit/").status_code == 404, user
    for user in (coop_a.enterprise, coop_a.lab):
        assert patch(api, user, pk, {"title": "改"}).status_code in (403, 404), user
        client.force_login(user)
        assert client.get(f"/c/coop-a/trade-measures/{pk}/edit/").status_code == 403
    assert patch(api, coop_a.supervisor, pk, {"title": "改"}).status_code == 403
    with unscoped():
        assert TradeMeasure.objects.get(pk=pk).title == "CPSIA 儿童产品总铅含量限值"


def test_the_edit_page_starts_from_the_measure_and_saves_a_change(coop_a, api, client):
    exports(coop_a, coop_a.member, "630231", ["US"])
    pk = post_measure(api, coop_a, hs_prefixes=["6302", "9404"])
    client.force_login(coop_a.admin)
    page = client.get(f"/c/coop-a/trade-measures/{pk}/edit/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'value="CPSIA 儿童产品总铅含量限值"' in html and 'value="6302, 9404"' in html
    # The date as the browser's date field reads it (ISO), not in the page's language.
    with unscoped():
        effective_on = TradeMeasure.objects.get(pk=pk).effective_on
    assert f'name="effective_on" value="{effective_on.isoformat()}"' in html
    assert (
        f'href="/c/coop-a/trade-measures/{pk}/edit/"'
        in client.get(f"/c/coop-a/trade-measures/{pk}/").content.decode()
    )
    form = {
        "country": "US",
        "title": "CPSIA 总铅限值",
        "text": "可触及部件总铅含量不得超过 100 mg/kg。",
        "hs_prefixes": "6302, 9404",
        "effective_on": "2026-09-01",
        "reference": "",
    }
    saved = client.post(f"/c/coop-a/trade-measures/{pk}/edit/", form)
    assert saved.status_code == 302
    with unscoped():
        measure = TradeMeasure.objects.get(pk=pk)
        assert (measure.title, str(measure.effective_on)) == ("CPSIA 总铅限值", "2026-09-01")
    refused = client.post(f"/c/coop-a/trade-measures/{pk}/edit/", form | {"hs_prefixes": "x"})
    assert refused.status_code == 400
