"""Every main page speaks the reader's language (issue 14, point 8).

The demo region is seeded and each demo account (and the anonymous public) walks its pages by
following links from its home page, one page per URL name, so a new page is covered without
editing this file. An English page may show Chinese only where the text is user data: every
string stored in the database is taken out of the page before the check, except the columns
that hold texts the portal generated itself (``GENERATED``), which must be translated. A
Chinese page must not show a stored English value code (a choices value) as a word.
"""

import re
from html.parser import HTMLParser
from io import BytesIO
from urllib.parse import urlsplit

import pypdfium2
import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.test import Client
from django.urls import Resolver404, resolve

from coop.models import User
from coop.tenancy import unscoped

CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]+")

# The language switcher names each language in its own script, so "简体中文" is right on
# every English page. A few English texts quote on purpose the Chinese term the reader meets on
# official papers, and an input that must be typed with the Chinese list mark says so.
ALLOWED_CHINESE = [
    "简体中文",
    "(贯标培训)",  # the standards-training kind, as the notice calls it
    "(婴幼儿用品)",  # GB 18401 class A, as printed on the label
    "(质量贷)",  # the banks' product name
    "separated by 、",  # samplers and standard codes are split on 、
]

# Stored columns whose text the portal writes itself rather than a person typing it: these are
# not user data, so their Chinese on an English page is a failure (other helpers are moving
# them to code + parameters).
GENERATED = {"explanation", "reason", "why", "factors", "reading", "summary", "note"}

# Documents issued once and kept byte for byte (their SHA-256 is published), and the standards
# collection booklet the cooperative publishes: official papers are in Chinese whatever the
# reader's language, so an English reader gets the same paper as everyone else.
CHINESE_PAPERS = re.compile(r"^(document-download |collection-pdf$)")

# Codes that are also ordinary words on a Chinese page: file kinds, units and standard
# prefixes, and codes shown on purpose (grade letters are a single character and skipped).
ENGLISH_ALLOWED = {"pdf", "api", "xlsx", "csv", "gb", "ph", "id", "ok", "uscc", "qr", "url"}

ACCOUNTS = {  # demo account -> role
    "bureau": "region supervisor",
    "haimen-admin": "cooperative admin",
    "lab": "lab user",
    "enterprise": "enterprise",
    None: "anonymous public",
}
PUBLIC_STARTS = [
    "/",
    "/c/haimen-hometextile/",
    "/c/haimen-hometextile/directory/",
    "/c/haimen-hometextile/announcements/",
    "/registry/",
    "/verify/",
]
SKIP = re.compile(r"(\.xlsx|\.csv|\.zip|/logout|/step/|/export|/download|\.json)")
PAGES_PER_ROLE = 150


class Visible(HTMLParser):
    """Collects the text a reader sees: no tags, scripts or styles, plus the words in
    placeholders, titles and labels that a screen shows too."""

    def __init__(self):
        super().__init__()
        self.parts, self.links, self.hidden = [], [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "template"):
            self.hidden += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        for name in ("placeholder", "title", "aria-label", "alt"):
            if attrs.get(name):
                self.parts.append(attrs[name])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def read(html):
    parser = Visible()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split()), parser.links


def stored_strings():
    """Every string in the database that a person typed (user data), longest first, and the
    member import file's headings, which the file must carry in Chinese whatever the reader's
    language and the import page lists literally."""
    from members.services.imports import ALL_COLUMNS

    found = {heading for _field, heading in ALL_COLUMNS}
    with unscoped():
        for model in apps.get_models():
            fields = [
                f.name
                for f in model._meta.concrete_fields
                if isinstance(f, (models.CharField, models.TextField))
                and not f.choices
                and not any(word in f.name for word in GENERATED)
            ]
            if not fields:
                continue
            for row in model._base_manager.values_list(*fields):
                for value in row:
                    if value and CJK.search(value):
                        found.add(" ".join(value.split()))
                        found.update(" ".join(line.split()) for line in value.splitlines())
        # A reason a member of staff typed when rejecting a same-line declaration is user data,
        # though its column is called a reason (GENERATED): on the record and its history.
        from coop.models import StepEvent
        from exports.models import SameLineProduct

        typed = [
            *SameLineProduct._base_manager.values_list("review_reason", flat=True),
            *StepEvent._base_manager.filter(workflow="same_line_product").values_list(
                "reason", flat=True
            ),
        ]
        found.update(" ".join(value.split()) for value in typed if value and CJK.search(value))
    return sorted((s for s in found if s), key=len, reverse=True)


def choice_codes():
    """Every choices value that is an English word, the codes a Chinese page must not show,
    and the catalogue's coded values: product categories ("bedding") and the values of
    categorical indicators ("none"), which show only through their names and labels."""
    from standards.models import Indicator, ProductCategory

    codes = set(ProductCategory.objects.values_list("code", flat=True))
    for categories in Indicator.objects.values_list("categories", flat=True):
        codes.update(categories or {})
    codes = {code for code in codes if re.fullmatch(r"[a-z][a-z_-]{2,}", code)}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for value, _label in getattr(field, "flatchoices", None) or []:
                if isinstance(value, str) and re.fullmatch(r"[a-z][a-z_]{2,}", value):
                    codes.add(value)
    return codes - ENGLISH_ALLOWED


def detail_starts():
    """Pages the links may not reach from a home page: one document of each kind (the test
    report among them) and its verification, and a detail of each kind of record."""
    from coop.models import Document
    from credit.models import Complaint, RectificationOrder
    from testing_fund.models import SamplingRound

    starts = []
    with unscoped():
        for kind in Document.objects.values_list("kind", flat=True).distinct():
            document = Document.objects.filter(kind=kind).select_related("cooperative").first()
            slug = document.cooperative.slug
            starts += [f"/c/{slug}/documents/{document.number}/", f"/verify/{document.code}/"]
        for model, path in [
            (Complaint, "complaints"),
            (SamplingRound, "rounds"),
            (RectificationOrder, "enforcement"),
        ]:
            for row in model._base_manager.select_related("cooperative")[:1]:
                starts.append(f"/c/{row.cooperative.slug}/{path}/{row.pk}/")
    return starts


def crawl(client, starts):
    """One page per URL name, following links from the start pages."""
    seen_names, queue, pages = set(), list(starts), {}
    while queue and len(pages) < PAGES_PER_ROLE:
        url = queue.pop(0)
        parts = urlsplit(url)
        if parts.netloc or not parts.path.startswith("/") or SKIP.search(parts.path):
            continue
        if parts.path.startswith(("/api/", "/admin/", "/static/", "/media/")):
            continue
        try:
            match = resolve(parts.path)
        except Resolver404:
            continue
        name = match.url_name or parts.path
        if name in ("document-download", "verify"):
            name = f"{name} {url}"  # one per document kind
        if name in seen_names:
            continue
        seen_names.add(name)
        response = client.get(url)
        if response.status_code != 200:
            continue
        kind = response.get("Content-Type", "")
        if kind.startswith("application/pdf"):
            pages[name] = (url, pdf_text(response))
            continue
        if not kind.startswith("text/html"):
            continue
        text, links = read(response.content.decode())
        pages[name] = (url, text)
        queue.extend(link.split("#")[0] for link in links)
    return pages


def pdf_text(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    pdf = pypdfium2.PdfDocument(BytesIO(content))
    text = " ".join(page.get_textpage().get_text_range() for page in pdf)
    return " ".join(text.replace("\ufffe", "-").split())


def client_for(username, language):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.cookies["django_language"] = language
    if username:
        client.force_login(User.objects.get(username=username))
    return client


@pytest.fixture
def region(transactional_db, settings):
    """The demo region, seeded for each test in a transactional database: the demo issues its
    documents when its rows are committed, and pytest-django empties the tables afterwards and
    runs such tests after all others, so the rows the migrations made (the document sweep's
    schedule) are still there for every other test."""
    settings.DEBUG = True  # the demo seeds only in a development set-up
    call_command("seed_demo", members=12, stdout=open("/dev/null", "w"))
    settings.DEBUG = False


@pytest.mark.django_db(transaction=True)
def test_english_pages_show_no_portal_chinese(region):
    user_data = stored_strings()
    failures, counts = [], {}
    for username, role in ACCOUNTS.items():
        client = client_for(username, "en")
        starts = ["/"] if username else PUBLIC_STARTS
        pages = crawl(client, starts + detail_starts() + (["/inbox/"] if username else []))
        counts[role] = len(pages)
        for name, (url, text) in pages.items():
            if CHINESE_PAPERS.match(name):
                continue
            for data in user_data + ALLOWED_CHINESE:
                text = text.replace(data, " ")
            for hit in list(CJK.finditer(text))[:3]:
                snippet = text[max(0, hit.start() - 40) : hit.end() + 40]
                failures.append(f"{role} {name} {url}: …{snippet}…")
    print("pages per role:", counts)
    assert all(counts.values()), counts
    assert not failures, "\n".join(failures)


@pytest.mark.django_db(transaction=True)
def test_chinese_pages_show_no_english_value_codes(region):
    codes = choice_codes()
    # A stored name can be a code too (the demo account "enterprise"): that is user data.
    with unscoped():
        names = sorted(User.objects.values_list("username", flat=True), key=len, reverse=True)
    word = re.compile(r"(?<![\w/.-])(" + "|".join(sorted(codes)) + r")(?![\w/.-])")
    failures, counts = [], {}
    for username, role in ACCOUNTS.items():
        client = client_for(username, "zh-hans")
        starts = ["/"] if username else PUBLIC_STARTS
        pages = crawl(client, starts + detail_starts())
        counts[role] = len(pages)
        for name, (url, text) in pages.items():
            for username_shown in names:
                text = re.sub(rf"(?<![\w-]){re.escape(username_shown)}(?![\w-])", " ", text)
            for hit in list(word.finditer(text))[:3]:
                snippet = text[max(0, hit.start() - 40) : hit.end() + 40]
                failures.append(f"{role} {name} {url}: {hit.group()!r} in …{snippet}…")
    print("pages per role:", counts)
    assert all(counts.values()), counts
    assert not failures, "\n".join(failures)
