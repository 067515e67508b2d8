"""Nothing of one cooperative's benchmarking reaches another's users; within a cooperative an
enterprise sees only its own declarations."""

import pytest

from benchmarking.models import BenchmarkDeclaration, BenchmarkScheme
from coop.tenancy import unscoped
from tests.benchmarking.conftest import (
    DECLARATIONS,
    SCHEMES,
    declare,
    member_with_account,
    published_scheme,
)


def test_another_cooperative_cannot_see_or_change_schemes_or_declarations(
    coop_a, coop_b, api, client, bedding
):
    scheme = published_scheme(api, coop_a)
    row = declare(api, coop_a.enterprise, scheme).json()
    for user in coop_b.users().values():
        assert api(user).get(SCHEMES).json().get("count", 0) == 0
        assert api(user).get(DECLARATIONS).json().get("count", 0) == 0
        assert api(user).get(f"{SCHEMES}{scheme['id']}/").status_code in (403, 404)
        assert api(user).post(
            f"{SCHEMES}{scheme['id']}/withdraw/", {"reason": "x"}
        ).status_code in (403, 404)
        assert api(user).get(f"{DECLARATIONS}{row['id']}/").status_code in (403, 404)
        assert api(user).post(f"{DECLARATIONS}{row['id']}/accept/").status_code in (403, 404)
        client.force_login(user)
        for path in [
            "/c/coop-a/benchmarking/schemes/",
            "/c/coop-a/benchmarking/schemes/new/",
            f"/c/coop-a/benchmarking/schemes/{scheme['id']}/",
            f"/c/coop-a/benchmarking/schemes/{scheme['id']}/declare/",
            "/c/coop-a/benchmarking/declarations/",
            "/c/coop-a/benchmarking/review/",
            f"/c/coop-a/benchmarking/declarations/{row['id']}/",
        ]:
            assert client.get(path).status_code == 404, (user, path)
        for path in [
            f"/c/coop-a/benchmarking/declarations/{row['id']}/step/accept/",
            f"/c/coop-a/benchmarking/schemes/{scheme['id']}/step/withdraw/",
            f"/c/coop-a/benchmarking/schemes/{scheme['id']}/indicators/",
        ]:
            assert client.post(path, {"reason": "x"}).status_code == 404, (user, path)
    # coop_b's users cannot declare against coop_a's scheme, nor for coop_a's member.
    assert "scheme" in declare(api, coop_b.enterprise, scheme).json()
    theirs = published_scheme(api, coop_b)
    named = declare(api, coop_b.admin, theirs, member=coop_a.member.pk)
    assert named.status_code == 400 and "member" in named.json()
    with unscoped():
        assert BenchmarkDeclaration.objects.get().status == "submitted"
        assert BenchmarkScheme.objects.get(pk=scheme["id"]).status == "published"


def test_an_enterprise_sees_only_its_own_declarations(coop_a, api, client, bedding):
    scheme = published_scheme(api, coop_a)
    row = declare(api, coop_a.enterprise, scheme).json()
    _, neighbour = member_with_account(coop_a, "邻居家纺")
    assert api(neighbour).get(DECLARATIONS).json()["count"] == 0
    assert api(neighbour).get(f"{DECLARATIONS}{row['id']}/").status_code == 404
    assert api(neighbour).post(f"{DECLARATIONS}{row['id']}/resubmit/").status_code == 404
    client.force_login(neighbour)
    assert client.get(f"/c/coop-a/benchmarking/declarations/{row['id']}/").status_code == 404
    assert (
        "全棉活性印花四件套"
        not in client.get("/c/coop-a/benchmarking/declarations/").content.decode()
    )
    # Nor declares for another member unit.
    foreign = declare(api, neighbour, scheme, member=coop_a.member.pk)
    assert foreign.status_code == 400 and "member" in foreign.json()
    # The staff-only review list is not an enterprise's.
    assert client.get("/c/coop-a/benchmarking/review/").status_code in (403, 404)


@pytest.mark.parametrize("role", ["lab"])
def test_a_lab_sees_no_benchmarking(coop_a, api, client, bedding, role):
    published_scheme(api, coop_a)
    user = coop_a.users()[role]
    assert api(user).get(SCHEMES).json().get("count", 0) == 0
    client.force_login(user)
    assert client.get("/c/coop-a/benchmarking/schemes/").status_code in (403, 404)
