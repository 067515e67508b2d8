"""Working days with the holidays kept as data (coop.workdays, coop.models.Holiday): weekends
off unless marked worked, holidays off, one query a call."""

from datetime import date

import pytest

from coop.models import Holiday
from coop.workdays import add_working_days, working_days_between

pytestmark = pytest.mark.django_db


def test_fifteen_working_days_cross_mid_autumn_and_national_day(django_assert_num_queries):
    # 21 Sep 2026 (Mon): 22-24 Sep, Mid-Autumn 25-27 off, 28-30 Sep, National Day 1-7 Oct off,
    # 8, 9 and Saturday 10 Oct (worked), 12-16 Oct, then Monday 19 Oct is the 15th.
    with django_assert_num_queries(1):
        due = add_working_days(date(2026, 9, 21), 15)
    assert due == date(2026, 10, 19)
    with django_assert_num_queries(1):
        assert working_days_between(date(2026, 9, 21), due) == 15
    assert working_days_between(due, date(2026, 9, 21)) == -15


def test_the_worked_saturday_counts_and_the_sunday_before_national_day_too():
    assert working_days_between(date(2026, 10, 9), date(2026, 10, 10)) == 1  # Sat, worked
    assert working_days_between(date(2026, 10, 10), date(2026, 10, 11)) == 0  # Sun, off
    assert add_working_days(date(2026, 9, 18), 1) == date(2026, 9, 20)  # Sunday worked


def test_the_spring_festival_is_nine_days_off_between_two_worked_saturdays():
    # Fri 13 Feb 2026 → Sat 14 (worked) → 15-23 off → Tue 24 Feb.
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert add_working_days(date(2026, 2, 13), 2) == date(2026, 2, 24)
    assert working_days_between(date(2026, 2, 14), date(2026, 2, 23)) == 0
    # 24-27 Feb and Saturday 28 Feb (worked): five.
    assert working_days_between(date(2026, 2, 23), date(2026, 3, 1)) == 5


def test_a_plain_week_and_counting_back():
    assert add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 9)  # Fri → Mon
    assert add_working_days(date(2026, 3, 9), -1) == date(2026, 3, 6)
    assert add_working_days(date(2026, 3, 9), 0) == date(2026, 3, 9)
    assert working_days_between(date(2026, 3, 2), date(2026, 3, 16)) == 10


def test_staff_correct_the_calendar_as_data():
    assert add_working_days(date(2027, 3, 5), 1) == date(2027, 3, 8)
    Holiday.objects.create(date=date(2027, 3, 6), name="调休上班", working=True)
    Holiday.objects.create(date=date(2027, 3, 8), name="假日", working=False)
    assert add_working_days(date(2027, 3, 5), 1) == date(2027, 3, 6)
    assert add_working_days(date(2027, 3, 5), 2) == date(2027, 3, 9)


def test_the_two_agree_over_a_year():
    due = add_working_days(date(2026, 1, 1), 200)
    assert working_days_between(date(2026, 1, 1), due) == 200
    assert add_working_days(due, -200) == date(2025, 12, 31)  # 1 Jan is off: back to the 31st


def test_the_operator_corrects_the_calendar_in_the_admin_and_staff_read_it(coop_a, client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="operator", is_superuser=True, is_staff=True))
    listed = client.get("/admin/coop/holiday/?q=国庆")
    assert listed.status_code == 200 and "2026" in listed.content.decode()
    added = client.post(
        "/admin/coop/holiday/add/", {"date": "2027-02-20", "name": "春节调休上班", "working": "on"}
    )
    assert added.status_code == 302
    assert Holiday.objects.get(date=date(2027, 2, 20)).working is True
    # One calendar for every cooperative: an administrator reads it and changes nothing.
    client.force_login(coop_a.admin)
    assert client.get("/admin/coop/holiday/").status_code == 200
    assert client.get("/admin/coop/holiday/add/").status_code == 403
    assert (
        client.post(
            "/admin/coop/holiday/add/", {"date": "2027-02-21", "name": "x", "working": "on"}
        ).status_code
        == 403
    )
    assert not Holiday.objects.filter(date=date(2027, 2, 21)).exists()
    client.force_login(coop_a.supervisor)
    assert client.get("/admin/coop/holiday/").status_code == 200
    assert client.get("/admin/coop/holiday/add/").status_code == 403
    client.force_login(coop_a.enterprise)
    assert client.get("/admin/coop/holiday/").status_code == 302
