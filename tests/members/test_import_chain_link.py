"""The chain link (members.ChainLink) in the member import and export: read by its Chinese name
or code among the links of the cooperative's industry, an unknown one a row error naming the
column and the links there are, a blank cell leaving it unset; the export writes the name, so
the file comes back in with it."""

import io

from openpyxl import load_workbook

from coop.tenancy import unscoped
from members.models import ChainLink, Member
from members.services import imports
from tests.factories import MemberFactory
from tests.members.test_import_existing import confirm, counts, filled, unit, upload

HEADING = "产业链图谱环节"


def link_of(tenant, name):
    with unscoped():
        return (
            Member.objects.filter(cooperative=tenant.cooperative, name=name)
            .values_list("chain_link__code", flat=True)
            .get()
        )


def imported(api, tenant, links):
    """The import of a unit for each name → link cell, checked valid and confirmed."""
    rows = [unit(tenant, name, **{HEADING: link}) for name, link in links.items()]
    report = upload(api, tenant, filled(api, tenant, rows)).json()
    assert report["valid"] is True, report["errors"]
    assert confirm(api, tenant, report["id"]).status_code == 200


def test_the_link_is_set_by_name_or_code_and_left_unset_when_blank(coop_a, api):
    imported(
        api,
        coop_a,
        {
            "海门甲家纺有限公司": "面料",
            "海门乙家纺有限公司": "finished-goods",
            "海门丙家纺有限公司": "",
        },
    )
    assert link_of(coop_a, "海门甲家纺有限公司") == "fabric"
    assert link_of(coop_a, "海门乙家纺有限公司") == "finished-goods"
    assert link_of(coop_a, "海门丙家纺有限公司") is None


def test_an_unknown_link_is_a_row_error_naming_the_column_and_the_links(coop_a, api):
    rows = [
        unit(coop_a, "海门甲家纺有限公司", **{HEADING: "面料"}),
        unit(coop_a, "海门乙家纺有限公司", **{HEADING: "养殖"}),
    ]
    report = upload(api, coop_a, filled(api, coop_a, rows)).json()
    assert report["valid"] is False
    assert report["errors"][0] == []
    (error,) = report["errors"][1]
    assert error.startswith(f"{HEADING}：") and "养殖" in error
    assert "纤维与纱线" in error and "成品" in error  # the links there are
    before = counts(coop_a)
    assert confirm(api, coop_a, report["id"]).status_code == 409
    assert counts(coop_a) == before


def test_a_link_of_another_industry_is_refused(coop_a, api):
    with unscoped():
        ChainLink.objects.create(industry="food", code="farming", name_zh="种植", name_en="farm")
    rows = [unit(coop_a, "海门甲家纺有限公司", **{HEADING: "种植"})]
    report = upload(api, coop_a, filled(api, coop_a, rows)).json()
    assert report["valid"] is False
    assert report["errors"][0][0].startswith(f"{HEADING}：")


def test_a_cooperative_in_two_industries_imports_the_links_of_both_as_its_map_shows(coop_a, api):
    """Members placed in the textile chain and in another industry: the import reads the
    links of both, as the cooperative's chain map shows both (one rule, ``industries_read``)."""
    with unscoped():
        farming = ChainLink.objects.create(
            industry="food", code="farming", name_zh="种植", name_en="farming"
        )
        fabric = ChainLink.objects.get(industry="textile", code="fabric")
        Member.objects.filter(pk=coop_a.member.pk).update(chain_link=farming)
    MemberFactory(cooperative=coop_a.cooperative, name="海门丁家纺有限公司", chain_link=fabric)
    imported(api, coop_a, {"海门甲家纺有限公司": "面料", "海门乙农业有限公司": "种植"})
    assert link_of(coop_a, "海门甲家纺有限公司") == "fabric"
    assert link_of(coop_a, "海门乙农业有限公司") == "farming"
    body = api(coop_a.admin).get("/api/v1/coops/coop-a/chain-map/").json()
    assert {"fabric", "farming"} <= {row["code"] for row in body["links"]}


def test_the_export_writes_the_links_name_and_round_trips(coop_a, api, client):
    content = filled(
        api,
        coop_a,
        [unit(coop_a, "海门甲家纺有限公司", **{HEADING: "印染整理", "镇（街道）": "常乐镇"})],
    )
    assert confirm(api, coop_a, upload(api, coop_a, content).json()["id"]).status_code == 200
    client.force_login(coop_a.admin)
    exported = client.get("/c/coop-a/members/export.xlsx?town=常乐镇").getvalue()
    rows = list(load_workbook(io.BytesIO(exported)).active.iter_rows(values_only=True))
    (ours,) = [row for row in rows if row[0] == "海门甲家纺有限公司"]
    assert ours[rows[0].index(HEADING)] == "印染整理"
    with unscoped():
        Member.objects.filter(name="海门甲家纺有限公司").delete()
    report = upload(api, coop_a, exported, name="again.xlsx").json()
    assert report["valid"] is True, report["errors"]
    assert confirm(api, coop_a, report["id"]).status_code == 200
    assert link_of(coop_a, "海门甲家纺有限公司") == "dyeing-finishing"


def test_the_template_lists_the_links(coop_a):
    book = load_workbook(io.BytesIO(imports.template_xlsx(coop_a.cooperative)))
    explained = {row[0]: row for row in book.worksheets[1].iter_rows(values_only=True)}
    assert "面料" in explained[HEADING][3] and "成品" in explained[HEADING][3]
