"""A bureau's start on an empty database (``manage.py set_up_region``, supervision/regions.py):
the region, districts, catalogue, labs and supervisors are made in one go and a rerun changes
nothing; each supervisor's one-time link to choose a password is mailed through a real SMTP
server and printed, works once, expires after PASSWORD_RESET_TIMEOUT and opens no other
account; a refusal names the option and writes nothing."""

import io
import re
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from coop.models import District, Region, Role, User
from coop.tenancy import unscoped
from standards.models import ProductCategory, Standard
from testing_fund.models import TestingInstitution as Lab
from tests.factories import UserFactory

SUPERVISOR = "Zhang.Wei@amr.rudong.example.cn"  # kept in lower case
OPTIONS = [
    "--slug=rudong",
    "--division-code=320600",
    "--name-zh=南通市",
    "--name-en=Nantong",
    "--district=320623:如东县:Rudong",
    "--district=320684:海门区",
    "--lab=如东县产品质量检验所:CMA 2023-1234",
    f"--supervisor={SUPERVISOR}",
]
PASSWORD = "Zhang-Wei-2026!"


def set_up(*options):
    """The command's output; in English, so the words below do not depend on the catalogue
    (at the shell it speaks the portal's language, Chinese)."""
    out = io.StringIO()
    with translation.override("en"):
        call_command("set_up_region", *options, stdout=out)
    return out.getvalue()


def counts():
    with unscoped():
        return {
            "regions": list(Region.objects.values_list("slug", "division_code", "name_zh")),
            "districts": list(
                District.objects.values_list("division_code", "name_zh", "name_en", "region")
            ),
            "labs": list(Lab.objects.values_list("name_zh", "accreditation")),
            "users": list(User.objects.values_list("username", "role", "region", "password")),
            "standards": Standard.objects.count(),
            "categories": ProductCategory.objects.count(),
        }


def link_in(text):
    return re.search(r"https?://[^/\s]+(/\S+)", text).group(1)


def choose_password(client, path, password=PASSWORD):
    """Follow the link as Django's reset page wants (the token moves into the session) and
    choose a password; returns the last response."""
    response = client.get(path, follow=True)
    if not response.context["validlink"]:
        return response
    return client.post(
        response.redirect_chain[-1][0],
        {"new_password1": password, "new_password2": password},
        follow=True,
    )


# Committed for real, as at the server's shell: the mail goes when the set-up commits, so the
# command can say whether it went.
@pytest.mark.django_db(transaction=True)
def test_it_sets_up_a_region_and_mails_and_prints_the_supervisors_link(smtp_server, client):
    out = set_up(*OPTIONS)
    region = Region.objects.get(slug="rudong")
    assert (region.division_code, region.name_zh, region.name_en) == ("320600", "南通市", "Nantong")
    assert {(d.division_code, d.name_zh, d.name_en) for d in region.districts.all()} == {
        ("320623", "如东县", "Rudong"),
        ("320684", "海门区", ""),
    }
    with unscoped():
        assert Standard.objects.filter(code="GB 18401-2010", cooperative=None).exists()
    assert Lab.objects.get(name_zh="如东县产品质量检验所").accreditation == ("CMA 2023-1234")
    supervisor = User.objects.get(username=SUPERVISOR.lower())
    assert (supervisor.role, supervisor.region, supervisor.email) == (
        Role.REGION_SUPERVISOR,
        region,
        SUPERVISOR.lower(),
    )
    assert not supervisor.has_usable_password()
    # The printed link is the mailed one, under the portal's configured address.
    message = smtp_server.last_to(SUPERVISOR)
    assert link_in(out) == smtp_server.link_to(SUPERVISOR)
    assert "mailed" in out and "NOT mailed" not in out
    assert SUPERVISOR.lower() in message.get_content()
    # The link sets the password and logs in with it.
    response = choose_password(client, link_in(out))
    assert response.status_code == 200
    supervisor.refresh_from_db()
    assert supervisor.check_password(PASSWORD)
    client.logout()
    client.post("/accounts/login/", {"username": SUPERVISOR.lower(), "password": PASSWORD})
    assert client.get("/coops/new/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_without_mail_the_link_is_printed_and_the_set_up_kept(settings, caplog):
    import socket

    with socket.socket() as probe:  # a port nothing listens on: the mail is refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    out = set_up(*OPTIONS)
    assert "NOT mailed" in out and "/accounts/password/reset/" in link_in(out)
    assert "could not be mailed" in caplog.text
    assert User.objects.filter(username=SUPERVISOR.lower()).exists()


@pytest.mark.django_db
def test_a_rerun_changes_nothing_and_no_link_goes_to_a_supervisor_with_a_password(
    smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        set_up(*OPTIONS)
    before = counts()
    with django_capture_on_commit_callbacks(execute=True):
        out = set_up(*OPTIONS)
    assert counts() == before
    assert "Kept region rudong" in out and "added" not in out
    # Not yet chosen a password: a fresh link (the first may have expired), nothing written.
    assert len(smtp_server.to(SUPERVISOR)) == 2
    supervisor = User.objects.get(username=SUPERVISOR.lower())
    supervisor.set_password(PASSWORD)
    supervisor.save()
    before = counts()
    with django_capture_on_commit_callbacks(execute=True):
        out = set_up(*OPTIONS)
    assert counts() == before
    assert "has a password" in out and "http" not in out
    assert len(smtp_server.to(SUPERVISOR, seconds=0)) == 2


@pytest.mark.django_db
def test_a_rerun_adds_a_district_lab_and_supervisor(django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        set_up(*OPTIONS)
    with django_capture_on_commit_callbacks(execute=True):
        out = set_up(
            *OPTIONS,
            "--district=320681:启东市:Qidong",
            "--lab=南通市纤维检验所",
            "--supervisor=li.na@amr.rudong.example.cn",
        )
    assert "district 320681 启东市: added" in out
    assert "lab 南通市纤维检验所: added" in out
    assert "supervisor li.na@amr.rudong.example.cn: added" in out
    assert Region.objects.get().districts.count() == 3
    assert [m.to for m in mailoutbox] == [
        [SUPERVISOR.lower()],
        [SUPERVISOR.lower()],
        ["li.na@amr.rudong.example.cn"],
    ]


@pytest.mark.parametrize(
    "bad, option, says",
    [
        ("--division-code=32060", "--division-code", "six-digit"),
        ("--division-code=3206000", "--division-code", "six-digit"),
        ("--district=32068:海门区", "--district", "six-digit"),
        ("--district=320684", "--district", "is not CODE:名称"),
        ("--district=320684:海门区:Haimen:x", "--district", "is not CODE:名称"),
        ("--district=330206:北仑区", "--district", "does not lie in the region"),
        ("--district=320600:南通市", "--district", "does not lie in the region"),
        ("--district=320684:", "--district", "needs a Chinese name"),
        ("--supervisor=not-an-address", "--supervisor", "not an email address"),
        ("--slug=Rudong City", "--slug", "lowercase"),
    ],
)
@pytest.mark.django_db
def test_a_bad_value_is_named_by_its_option_and_nothing_is_written(bad, option, says, mailoutbox):
    before = counts()
    with pytest.raises(CommandError) as refused:
        set_up(*OPTIONS, bad)
    assert f"{option}: " in str(refused.value) and says in str(refused.value)
    assert str(refused.value).startswith("Nothing was written.")
    assert counts() == before
    assert mailoutbox == []


@pytest.mark.django_db
def test_an_address_of_another_role_or_region_is_refused(coop_a, mailoutbox):
    UserFactory(username="nobody@rudong.example.cn", email="nobody@rudong.example.cn", role="")
    for user, email in [(coop_a.admin, "admin@a.example.cn"), (coop_a.supervisor, "sup@a.cn")]:
        user.email = email
        user.save()
    before = counts()
    with pytest.raises(CommandError) as refused:
        set_up(
            *OPTIONS,
            "--supervisor=Admin@a.example.cn",
            "--supervisor=NOBODY@rudong.example.cn",
            "--supervisor=sup@a.cn",
        )
    message = str(refused.value)
    assert "--supervisor: admin@a.example.cn is already the account of a " in message
    assert "--supervisor: nobody@rudong.example.cn is already the account of a " in message
    assert "--supervisor: sup@a.cn already supervises another region" in message
    assert counts() == before
    assert mailoutbox == []


@pytest.mark.django_db
def test_a_district_of_another_region_is_refused(coop_a):
    district = coop_a.cooperative.district
    district.division_code = "320623"
    district.save()
    before = counts()
    with pytest.raises(CommandError, match="--district: 320623 is already a district of"):
        set_up(*OPTIONS)
    assert counts() == before


@pytest.mark.django_db
def test_the_link_works_once(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        out = set_up(*OPTIONS)
    link = link_in(out)
    choose_password(client, link)
    client.logout()
    again = client.get(link, follow=True)
    assert again.context["validlink"] is False
    supervisor = User.objects.get(username=SUPERVISOR.lower())
    assert supervisor.check_password(PASSWORD)


@pytest.mark.django_db
def test_the_link_expires_after_password_reset_timeout(client, settings, monkeypatch):
    out = set_up(*OPTIONS)
    link = link_in(out)
    made = datetime.now()
    # The token's clock, moved on: just within the timeout the link still opens, past it not.
    monkeypatch.setattr(
        default_token_generator,
        "_now",
        lambda: made + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT - 60),
    )
    assert client.get(link, follow=True).context["validlink"] is True
    client.logout()
    monkeypatch.setattr(
        default_token_generator,
        "_now",
        lambda: made + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 1),
    )
    response = choose_password(client, link)
    assert response.context["validlink"] is False
    assert not User.objects.get(username=SUPERVISOR.lower()).has_usable_password()


@pytest.mark.django_db
def test_the_link_opens_no_other_account(client, coop_a):
    out = set_up(*OPTIONS)
    uid, token = link_in(out).rstrip("/").split("/")[-2:]
    other = urlsafe_base64_encode(force_bytes(coop_a.supervisor.pk))
    response = choose_password(client, f"/accounts/password/reset/{other}/{token}/")
    assert response.context["validlink"] is False
    coop_a.supervisor.refresh_from_db()
    assert not coop_a.supervisor.check_password(PASSWORD)


def test_help_explains_itself_with_an_example(capsys):
    with pytest.raises(SystemExit):
        call_command("set_up_region", "--help")
    text = capsys.readouterr().out
    for words in ["--district CODE:名称[:English]", "--supervisor EMAIL", "example:", "works once"]:
        assert words in text
    assert text.index("the region:") < text.index("general options:")
