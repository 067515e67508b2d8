"""Benchmarking (对标达标): a scheme is drafted with its key indicators and compared standards,
published, withdrawn; a member declares a product against a published scheme with claims that
meet every advanced value (or is refused naming the indicator, nothing written); staff accept
or return it; a third-party certificate (unique per body) makes it benchmarked."""

from benchmarking.models import BenchmarkDeclaration, BenchmarkScheme, ClaimedValue
from coop.models import StepEvent
from coop.tenancy import unscoped
from tests.benchmarking.conftest import (
    DECLARATIONS,
    SCHEMES,
    certify,
    declare,
    published_scheme,
    scheme_payload,
    values_of,
)


def test_a_scheme_is_drafted_published_and_withdrawn_by_its_declared_steps(coop_a, api, bedding):
    made = api(coop_a.admin).post(SCHEMES, scheme_payload(coop_a), format="json")
    assert made.status_code == 201, made.json()
    scheme = made.json()
    assert scheme["status"] == "draft" and scheme["status_label"] == "草稿"
    first = scheme["indicators"][0]
    assert [c["code"] for c in first["compared"]] == ["OEKO-TEX Standard 100", "ISO 14184-1:2011"]
    assert first["compared"][1]["kind_label"] == "国际标准"
    # An enterprise does not see a draft, nor publish.
    assert api(coop_a.enterprise).get(f"{SCHEMES}{scheme['id']}/").status_code == 404
    assert api(coop_a.supervisor).post(f"{SCHEMES}{scheme['id']}/publish/").status_code == 403
    assert api(coop_a.admin).post(f"{SCHEMES}{scheme['id']}/publish/").status_code == 200
    assert api(coop_a.enterprise).get(f"{SCHEMES}{scheme['id']}/").json()["status"] == "published"
    no_reason = api(coop_a.admin).post(f"{SCHEMES}{scheme['id']}/withdraw/", {"reason": ""})
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    gone = api(coop_a.admin).post(f"{SCHEMES}{scheme['id']}/withdraw/", {"reason": "标准更新"})
    assert gone.json()["status"] == "withdrawn"
    again = api(coop_a.admin).post(f"{SCHEMES}{scheme['id']}/publish/")
    assert again.status_code == 409 and "已撤回" in again.json()["detail"]
    with unscoped():
        steps = list(
            StepEvent.objects.filter(workflow="benchmark_scheme").values_list("step", flat=True)
        )
    assert steps == ["create", "publish", "withdraw"]


def test_a_scheme_without_indicators_is_not_published(coop_a, api, bedding):
    scheme = (
        api(coop_a.admin).post(SCHEMES, scheme_payload(coop_a, indicators=[]), format="json").json()
    )
    refused = api(coop_a.admin).post(f"{SCHEMES}{scheme['id']}/publish/")
    assert refused.status_code == 409 and "关键指标" in refused.json()["detail"]
    with unscoped():
        assert BenchmarkScheme.objects.get().status == "draft"


def test_bad_scheme_input_is_a_400_naming_the_field(coop_a, api, bedding):
    payload = scheme_payload(coop_a)
    payload["indicators"][0]["direction"] = "up"
    assert "indicators" in api(coop_a.admin).post(SCHEMES, payload, format="json").json()
    payload = scheme_payload(coop_a)
    payload["indicators"][0]["compared"] = []
    assert "indicators" in api(coop_a.admin).post(SCHEMES, payload, format="json").json()
    # An advanced value laxer than the domestic one is no benchmark.
    payload = scheme_payload(coop_a)
    payload["indicators"][0]["advanced_value"] = "80"
    laxer = api(coop_a.admin).post(SCHEMES, payload, format="json")
    assert laxer.status_code == 400 and "advanced_value" in laxer.json()
    assert (
        api(coop_a.enterprise).post(SCHEMES, scheme_payload(coop_a), format="json").status_code
        == 403
    )
    with unscoped():
        assert not BenchmarkScheme.objects.exists()


def test_a_declaration_goes_from_review_to_certificate(coop_a, api, bedding):
    scheme = published_scheme(api, coop_a)
    made = declare(api, coop_a.enterprise, scheme)
    assert made.status_code == 201, made.json()
    row = made.json()
    assert (row["status"], row["member"]) == ("submitted", coop_a.member.pk)
    assert [c["value"] for c in row["claims"]] == ["18.000", "4.000"]
    # Certifying before acceptance is refused, nothing written.
    early = certify(api, coop_a, row["id"])
    assert early.status_code == 409 and "待审核" in early.json()["detail"]
    assert api(coop_a.enterprise).post(f"{DECLARATIONS}{row['id']}/accept/").status_code == 403
    accepted = api(coop_a.admin).post(f"{DECLARATIONS}{row['id']}/accept/", {"reason": "材料齐全"})
    assert accepted.json()["status"] == "accepted"
    missing = certify(api, coop_a, row["id"], certificate_number="")
    assert missing.status_code == 400 and "certificate_number" in missing.json()
    backwards = certify(api, coop_a, row["id"], valid_until="2025-12-31")
    assert backwards.status_code == 400 and "valid_until" in backwards.json()
    done = certify(api, coop_a, row["id"])
    assert done.status_code == 200, done.json()
    assert (done.json()["status"], done.json()["status_label"]) == ("certified", "已达标")
    assert done.json()["certificate_number"] == "DBDB-2026-0001"
    with unscoped():
        steps = list(
            StepEvent.objects.filter(workflow="benchmark_declaration").values_list(
                "step", flat=True
            )
        )
    assert steps == ["declare", "accept", "certify"]


def test_a_claim_not_meeting_the_advanced_value_is_refused_naming_the_indicator(
    coop_a, api, bedding
):
    scheme = published_scheme(api, coop_a)
    refused = declare(api, coop_a.enterprise, scheme, values=values_of(scheme, formaldehyde="21"))
    assert refused.status_code == 400
    said = str(refused.json()["values"])
    assert "甲醛含量" in said and "20" in said
    low = declare(api, coop_a.enterprise, scheme, values=values_of(scheme, washing="3.5"))
    assert low.status_code == 400 and "耐皂洗色牢度" in str(low.json()["values"])
    first = str(scheme["indicators"][0]["id"])
    partial = declare(api, coop_a.enterprise, scheme, values={first: "10"})
    assert partial.status_code == 400 and "耐皂洗色牢度" in str(partial.json()["values"])
    word = declare(api, coop_a.enterprise, scheme, values=values_of(scheme, formaldehyde="低"))
    assert word.status_code == 400 and "values" in word.json()
    with unscoped():
        assert not BenchmarkDeclaration.objects.exists()
        assert not ClaimedValue.objects.exists()
        assert not StepEvent.objects.filter(workflow="benchmark_declaration").exists()


def test_only_a_published_scheme_takes_declarations(coop_a, api, bedding):
    draft = api(coop_a.admin).post(SCHEMES, scheme_payload(coop_a), format="json").json()
    refused = declare(api, coop_a.admin, draft, member=coop_a.member.pk)
    assert refused.status_code == 409 and "草稿" in refused.json()["detail"]
    with unscoped():
        assert not BenchmarkDeclaration.objects.exists()


def test_under_a_withdrawn_scheme_declarations_are_returned_but_not_accepted_or_certified(
    coop_a, api, bedding
):
    scheme = published_scheme(api, coop_a)
    waiting = declare(api, coop_a.enterprise, scheme).json()
    accepted = declare(api, coop_a.enterprise, scheme, product_name="贡缎被套").json()
    assert api(coop_a.admin).post(f"{DECLARATIONS}{accepted['id']}/accept/").status_code == 200
    returned = declare(api, coop_a.enterprise, scheme, product_name="蚕丝被").json()
    back = api(coop_a.admin).post(f"{DECLARATIONS}{returned['id']}/return/", {"reason": "补充报告"})
    assert back.status_code == 200
    gone = api(coop_a.admin).post(f"{SCHEMES}{scheme['id']}/withdraw/", {"reason": "标准更新"})
    assert gone.status_code == 200
    with unscoped():
        events = StepEvent.objects.filter(workflow="benchmark_declaration").count()
    refusals = [
        api(coop_a.admin).post(f"{DECLARATIONS}{waiting['id']}/accept/"),
        certify(api, coop_a, accepted["id"]),
        api(coop_a.enterprise).post(
            f"{DECLARATIONS}{returned['id']}/resubmit/",
            {"values": values_of(scheme)},
            format="json",
        ),
    ]
    for refused in refusals:
        assert refused.status_code == 409, refused.json()
        assert "已撤回" in refused.json()["detail"] and "已发布" in refused.json()["detail"]
    with unscoped():
        statuses = dict(BenchmarkDeclaration.objects.values_list("pk", "status"))
        assert StepEvent.objects.filter(workflow="benchmark_declaration").count() == events
        assert not BenchmarkDeclaration.objects.exclude(certificate_number="").exists()
    assert statuses == {
        waiting["id"]: "submitted",
        accepted["id"]: "accepted",
        returned["id"]: "returned",
    }
    # The member is told why by a return, which stays open.
    told = api(coop_a.admin).post(
        f"{DECLARATIONS}{waiting['id']}/return/", {"reason": "方案已撤回"}
    )
    assert told.status_code == 200 and told.json()["status"] == "returned"


def test_a_returned_declaration_is_corrected_and_sent_again(coop_a, api, bedding):
    scheme = published_scheme(api, coop_a)
    # Staff declare on the member's behalf.
    row = declare(api, coop_a.admin, scheme, member=coop_a.member.pk).json()
    assert row["member"] == coop_a.member.pk
    no_reason = api(coop_a.admin).post(f"{DECLARATIONS}{row['id']}/return/", {"reason": ""})
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    back = api(coop_a.admin).post(f"{DECLARATIONS}{row['id']}/return/", {"reason": "报告过期"})
    assert (back.json()["status"], back.json()["review_reason"]) == ("returned", "报告过期")
    bad = api(coop_a.enterprise).post(
        f"{DECLARATIONS}{row['id']}/resubmit/",
        {"values": values_of(scheme, formaldehyde="30")},
        format="json",
    )
    assert bad.status_code == 400 and "甲醛含量" in str(bad.json())
    again = api(coop_a.enterprise).post(
        f"{DECLARATIONS}{row['id']}/resubmit/",
        {"values": values_of(scheme, formaldehyde="12")},
        format="json",
    )
    assert again.status_code == 200 and again.json()["status"] == "submitted"
    assert again.json()["claims"][0]["value"] == "12.000"


def test_a_certificate_number_is_unique_per_body_in_every_cooperative(coop_a, coop_b, api, bedding):
    mine = published_scheme(api, coop_a)
    theirs = published_scheme(api, coop_b)
    first = declare(api, coop_a.enterprise, mine).json()
    second = declare(api, coop_a.enterprise, mine, product_name="被套").json()
    elsewhere = declare(api, coop_b.enterprise, theirs).json()
    for tenant, row in [(coop_a, first), (coop_a, second), (coop_b, elsewhere)]:
        api(tenant.admin).post(f"{DECLARATIONS}{row['id']}/accept/")
    assert certify(api, coop_a, first["id"]).status_code == 200
    for tenant, row in [(coop_a, second), (coop_b, elsewhere)]:
        taken = certify(api, tenant, row["id"])
        assert taken.status_code == 400 and "certificate_number" in taken.json()
    # Another body's certificate may carry the same number.
    assert certify(api, coop_a, second["id"], evaluation_body="中国质量认证中心").status_code == 200
    with unscoped():
        assert BenchmarkDeclaration.objects.get(pk=elsewhere["id"]).status == "accepted"
        assert BenchmarkDeclaration.objects.get(pk=elsewhere["id"]).certificate_number == ""
