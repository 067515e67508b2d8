"""Lists show their page numbers; forms mark the fields a person must fill."""

import re

import pytest
from django import forms
from django.core.paginator import Paginator
from django.http import QueryDict
from django.template.loader import render_to_string
from django.test import RequestFactory

from coop.pages import page_links


def numbers_of(links):
    return [link.get("number", "…") for link in links["numbers"]]


def test_the_page_numbers_are_elided_around_the_current_one():
    page = Paginator(range(1000), 50).get_page(5)
    links = page_links(QueryDict("status=draft&page=5"), page)
    assert numbers_of(links) == [1, "…", 4, 5, 6, "…", 20]
    assert links["previous"] == "?status=draft&page=4"
    assert links["next"] == "?status=draft&page=6"
    current = [link for link in links["numbers"] if link.get("number") == 5]
    assert current == [{"number": 5, "url": ""}]
    first = Paginator(range(1000), 50).get_page(1)
    assert numbers_of(page_links(QueryDict(""), first)) == [1, 2, "…", 20]
    assert page_links(QueryDict(""), first)["previous"] == ""
    few = Paginator(range(120), 50).get_page(2)
    assert numbers_of(page_links(QueryDict(""), few)) == [1, 2, 3]


def test_a_second_list_on_the_page_keeps_the_firsts_page_and_the_filters():
    page = Paginator(range(1000), 50).get_page(3)
    links = page_links(QueryDict("page=7&q=被芯&ledger_page=3"), page, "ledger_page")
    assert links["next"] == "?page=7&q=%E8%A2%AB%E8%8A%AF&ledger_page=4"


def test_the_pagination_template_links_every_number_and_marks_the_current_page():
    request = RequestFactory().get("/x/", {"status": "draft", "q": "a&b", "page": "10"})
    page = Paginator(range(1000), 50).get_page(10)
    html = render_to_string("pagination.html", {"page": page, "request": request})
    links = re.findall(r'<a href="([^"]+)">(\d+)</a>', html)
    assert [number for _, number in links] == ["1", "9", "11", "20"]
    for url, number in links:
        assert url == f"?status=draft&amp;q=a%26b&amp;page={number}"
    assert html.count("…") == 2
    assert re.search(r'<span class="current" aria-current="page">10</span>', html)
    assert html.count('aria-current="page"') == 1
    assert (
        'rel="prev" ' not in html
        and 'href="?status=draft&amp;q=a%26b&amp;page=9" rel="prev"' in html
    )
    single = Paginator(range(10), 50).get_page(1)
    assert render_to_string("pagination.html", {"page": single, "request": request}).strip() == ""


@pytest.mark.django_db
def test_a_form_marks_its_required_fields(client):
    page = client.get("/accounts/password/reset/").content.decode()
    email = re.search(r"<label for=\"id_email\">(.*?)</label>\s*<input[^>]*>", page, re.S)
    assert email, page
    assert 'class="required-mark" aria-hidden="true">*</span>' in email.group(1)
    assert '<span class="visually-hidden">必填</span>' in email.group(1)
    assert " required" in email.group(0).split("</label>")[1]


def test_only_required_fields_are_marked():
    class Form(forms.Form):
        name = forms.CharField(label="名称")
        contact = forms.CharField(label="联系方式", required=False)

    html = render_to_string("form_fields.html", {"form": Form()})
    name, contact = re.findall(r"<label .*?</label>\s*<input[^>]*>", html, re.S)
    assert "required-mark" in name and " required" in name.split("</label>")[1]
    assert "required-mark" not in contact and " required" not in contact.split("</label>")[1]
    assert contact.startswith('<label for="id_contact">联系方式')
