"""Characters the database cannot hold (a NUL byte, a lone surrogate), deeply nested JSON and
broken bodies: a 400 naming the parameter or field on every page and endpoint, never a 500,
and nothing written. The routes are walked from the URL configuration, so a new page or
endpoint is covered without being listed here."""

import json
from urllib.parse import unquote, urlencode

import pytest
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import NoReverseMatch, Resolver404, get_resolver, resolve, reverse

from coop.parsers import MAX_DEPTH
from coop.tenancy import unscoped
from members.models import Member

# What each URL parameter is given to build a concrete address of every route ("1" if unlisted).
ARGUMENTS = {
    "coop_slug": "coop-a",
    "pk": "1",
    "number": "HMJF-2026-00001",
    "code": "ABC",
    "verb": "approve",
    "kind": "commitments",
}
# The admin has a route per model and view; these stand for them all.
ADMIN = ["/admin/", "/admin/members/member/", "/admin/members/member/1/change/"]
NUL_INPUTS = ["%00", "a%00b", "%00%00", "x%00"]


def walk(patterns, prefix="", outer=()):
    """(name, the names of its parameters) of every route, those of its includes too."""
    for entry in patterns:
        groups = (*outer, *entry.pattern.regex.groupindex)
        if hasattr(entry, "url_patterns"):
            namespace = f"{entry.namespace}:" if entry.namespace else ""
            if namespace != "admin:":
                yield from walk(entry.url_patterns, prefix + namespace, groups)
        elif entry.name:
            yield prefix + entry.name, groups


def every_route():
    """One concrete address for every named route but the admin's (and its format twins),
    and the names of the routes no address could be built for."""
    addresses, unbuilt = set(), []
    for name, groups in walk(get_resolver().url_patterns):
        if "format" in groups:
            continue
        for default in ("1", "x", "abc-1"):
            try:
                kwargs = {key: ARGUMENTS.get(key, default) for key in groups}
                addresses.add(reverse(name, kwargs=kwargs))
                break
            except NoReverseMatch:
                continue
        else:
            unbuilt.append(name)
    return sorted(addresses) + ADMIN, unbuilt


ROUTES, UNBUILT = every_route()


def named_in(response, name):
    """A 400 naming ``name``: as a key of the API's JSON, or on the page."""
    if response.status_code != 400:
        return False
    if response["Content-Type"].startswith("application/json"):
        return name in response.json()
    return f"<code>{name}</code>" in response.content.decode()


@pytest.fixture
def staff(coop_a):
    client = Client()
    client.force_login(coop_a.admin)
    return client


def test_the_routes_walked_include_pages_exports_public_and_api_ones():
    assert not UNBUILT, "give these routes' parameters a value in ARGUMENTS"
    for address in ["/", "/c/coop-a/problems/export.xlsx", "/api/v1/standards/verdict/"]:
        assert address in ROUTES
    assert any(a.startswith("/verify/") for a in ROUTES)
    assert any(a.startswith("/api/v1/public/") for a in ROUTES)
    assert len(ROUTES) > 100


@pytest.mark.parametrize(
    "query, name",
    [
        ("q=%00", "q"),
        ("q=a%00b", "q"),
        ("year=%00%00", "year"),
        ("page=1&town=x%00", "town"),
        ("%00name=1", "\\u0000name"),  # a NUL in a parameter's name: shown escaped
    ],
)
def test_a_nul_in_a_query_parameter_is_a_400_naming_it_on_every_route(coop_a, staff, query, name):
    for client in (staff, Client()):  # staff, and the public
        missed = [a for a in ROUTES if not named_in(client.get(f"{a}?{query}"), name)]
        assert not missed


def path_parameter(address):
    """The name of the route's parameter that holds the NUL, or "path" when none matches."""
    try:
        kwargs = resolve(unquote(address)).kwargs
    except Resolver404:
        return "path"
    return next(name for name, value in kwargs.items() if "\x00" in str(value))


@pytest.mark.parametrize(
    "address",
    [
        "/verify/ABC%00/",
        "/verify/%00/",
        "/api/v1/public/certificates/%00/",
        "/api/v1/public/complaints/x%00y/",
        "/c/coop-a/documents/%00/",
        "/api/v1/coops/coop-a/documents/%00/pdf/",
        "/api/v1/standards/indicators/%00/",
        "/api/v1/coops/coop-a/members/1%00/",
        "/c/coop-a/tests/1/%00/",
        "/c/coop-a/tests/1/x/%00",  # matches no route: the path itself is named
        "/c/%00/",
        "/admin/members/member/%00/change/",
    ],
)
def test_a_nul_in_a_path_parameter_is_a_400_naming_it(coop_a, staff, address):
    name = path_parameter(address)
    assert named_in(staff.get(address), name)
    assert named_in(Client().get(address), name)


@pytest.mark.parametrize(
    "address, form",
    [
        ("/accounts/login/", {"username": "a-admin\x00", "password": "x"}),
        ("/c/coop-a/apply/", {"name": "家纺\x00有限公司"}),
        ("/c/coop-a/directory/1/complain/", {"product": "四件套", "description": "\x00"}),
        ("/complaints/track/", {"code": "\x00"}),
        ("/c/coop-a/members/new/", {"name": "x\x00"}),
        ("/c/coop-a/fund/", {"form": "adjustment", "amount": "1", "reason": "\x00"}),
        ("/c/coop-a/assessments/", {"start": "2025-01-01\x00", "end": "2025-02-01"}),
        ("/api/v1/coops/coop-a/members/", {"name": "x\x00"}),
        ("/api/v1/public/coops/coop-a/complaints/", {"description": "\x00"}),
    ],
)
def test_a_nul_in_a_posted_form_field_is_a_400_naming_it_and_writes_nothing(
    coop_a, staff, address, form
):
    (name,) = [key for key, value in form.items() if "\x00" in value]
    with unscoped():
        members = Member.objects.count()
    for client in (staff, Client()):
        assert named_in(client.post(address, form), name)  # multipart
        urlencoded = urlencode(form)
        kind = "application/x-www-form-urlencoded"
        assert named_in(client.post(address, urlencoded, content_type=kind), name)
    with unscoped():
        assert Member.objects.count() == members


def test_a_session_cookie_holding_a_nul_is_a_400_not_a_lookup(coop_a):
    client = Client()
    for address in ("/", "/api/v1/me/"):
        client.cookies["sessionid"] = "abcdefgh\x00ijkl"
        refused = client.get(address)
        assert named_in(refused, "sessionid")
        assert refused.cookies["sessionid"].value == ""  # dropped: the next one is answered
        assert client.get(address).status_code in (200, 401, 403)


# JSON bodies (DRF's parser: coop.parsers.JSONParser)

JSON_WRITES = [
    ("post", "/api/v1/coops/coop-a/members/"),
    ("patch", "/api/v1/coops/coop-a/members/{member}/"),
    ("post", "/api/v1/coops/coop-a/members/{member}/suspend/"),
    ("post", "/api/v1/coops/coop-a/commitments/"),
    ("post", "/api/v1/coops/coop-a/certifications/"),
    ("post", "/api/v1/coops/coop-a/rounds/"),
    ("post", "/api/v1/coops/coop-a/assessments/run/"),
    ("post", "/api/v1/coops/coop-a/violations/"),
    ("post", "/api/v1/coops/coop-a/standards/"),
    ("post", "/api/v1/standards/verdict/"),
]


def send(client, method, address, coop_a, body):
    address = address.format(member=coop_a.member.pk)
    return getattr(client, method)(address, body, content_type="application/json")


UNSTORABLE_BODIES = [
    ({"name": "家纺\u0000有限公司"}, "name"),
    ({"reason": "\u0000"}, "reason"),
    ({"result": "1\ud800"}, "result"),
    ({"weights": {"pass_rate": "\udfff"}}, "weights.pass_rate"),
    ({"items": [{"note": "x\u0000"}]}, "items.0.note"),
    ({"na\u0000me": "x"}, "na\\u0000me"),
]


@pytest.mark.parametrize("method, address", JSON_WRITES)
def test_an_unstorable_json_string_is_a_400_naming_its_place(coop_a, api, method, address):
    with unscoped():
        members = Member.objects.count()
    for body, name in UNSTORABLE_BODIES:
        raw = json.dumps(body)  # "\u0000" and lone surrogates travel as JSON escapes
        response = send(api(coop_a.admin), method, address, coop_a, raw)
        assert response.status_code == 400, response.content[:300]
        assert name in response.json()
    with unscoped():
        assert Member.objects.count() == members


def nested(depth, inner='"x"'):
    return '{"name": ' + "[" * depth + inner + "]" * depth + "}"


@pytest.mark.parametrize("method, address", JSON_WRITES)
def test_deeply_nested_json_is_a_400_on_every_write(coop_a, api, method, address):
    for depth in [MAX_DEPTH, 50, 5_000, 200_000]:
        response = send(api(coop_a.admin), method, address, coop_a, nested(depth))
        assert response.status_code == 400, response.content[:300]
        assert str(MAX_DEPTH) in response.json()["detail"]


def test_json_nested_within_the_limit_is_read_as_before(coop_a, api):
    # A body nested to the limit reaches the serializer, which judges its fields as always.
    response = send(api(coop_a.admin), "post", "/api/v1/standards/verdict/", coop_a, nested(3))
    assert response.status_code == 400
    assert "standard" in response.json()


@pytest.mark.parametrize("content_type", ["multipart", "urlencoded"])
def test_a_form_body_sent_with_patch_is_checked_by_the_api_parser(coop_a, api, content_type):
    client = api(coop_a.admin)
    address = f"/api/v1/coops/coop-a/members/{coop_a.member.pk}/"
    if content_type == "multipart":
        body = encode_multipart(BOUNDARY, {"contact_person": "王\x00"})
        response = client.patch(address, body, content_type=MULTIPART_CONTENT)
    else:
        body = urlencode({"contact_person": "王\x00"})
        response = client.patch(address, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "contact_person" in response.json()
    with unscoped():
        assert "\x00" not in Member.objects.get(pk=coop_a.member.pk).contact_person


def test_the_400_page_says_what_and_links_back_in_the_visitors_language(coop_a, staff):
    page = staff.get("/c/coop-a/statistics/?q=%00").content.decode()
    assert "无法保存" in page and 'href="/c/coop-a/statistics/"' in page
    english = staff.get("/c/coop-a/statistics/?q=%00", HTTP_ACCEPT_LANGUAGE="en")
    assert "cannot be stored" in english.content.decode()
