"""Working days in China: Monday to Friday, except the public holidays off, plus the weekend
days worked to make up for them (调休上班), both kept as data (``coop.models.Holiday``, which
staff correct in the admin when the State Council publishes a year's arrangement).

A deadline "15 working days from receipt" (a design-patent pre-review) is
``add_working_days(received_on, 15)``; how far it is is ``working_days_between(today, due)``.
Each call reads the calendar of its range once: one query, whatever the range.
"""

import datetime

from coop.models import Holiday

SATURDAY = 5


# A range read at once for ``add_working_days``: n working days never span more calendar days
# than this (the longest break, the Spring Festival, is 9 days off in a row).
def _span(n):
    return abs(n) * 2 + 30


def calendar(first, last):
    """{date: worked} for the dates of the calendar between ``first`` and ``last`` (both
    included): True for a weekend day worked, False for a holiday off. One query."""
    return dict(Holiday.objects.filter(date__range=(first, last)).values_list("date", "working"))


def is_working_day(day, marked):
    """Whether ``day`` is worked, given ``marked`` (``calendar``'s dates of its range)."""
    if day in marked:
        return marked[day]
    return day.weekday() < SATURDAY


def add_working_days(start, n):
    """The date ``n`` working days after ``start`` (``start`` itself not counted, whether or
    not it is worked): 15 working days from a receipt on Monday 2026-09-21 fall on 2026-10-19,
    past the Mid-Autumn and National Day holidays and counting Saturday 10 October, worked.
    ``n`` = 0 gives ``start``; a negative ``n`` counts back."""
    if n == 0:
        return start
    step = datetime.timedelta(days=1 if n > 0 else -1)
    span = datetime.timedelta(days=_span(n))
    first, last = (start, start + span) if n > 0 else (start - span, start)
    marked = calendar(first, last)
    day, left = start, abs(n)
    while left:
        day += step
        if not first <= day <= last:  # beyond what was read: read the next stretch (rare)
            first, last = (day, day + span) if n > 0 else (day - span, day)
            marked = calendar(first, last)
        if is_working_day(day, marked):
            left -= 1
    return day


def working_days_between(a, b, marked=None):
    """The working days after ``a`` up to and including ``b``: how many ``add_working_days``
    steps lead from ``a`` to ``b``. Negative when ``b`` is before ``a`` (a deadline passed:
    ``working_days_between(today, due)`` < 0 is overdue by that many working days).
    ``marked``: ``calendar(first, last)`` of a range holding both, read once for many counts
    (a list's page); without it, one query."""
    if a == b:
        return 0
    if b < a:
        return -working_days_between(b, a, marked)
    if marked is None:
        marked = calendar(a, b)
    count, day = 0, a
    one = datetime.timedelta(days=1)
    while day < b:
        day += one
        if is_working_day(day, marked):
            count += 1
    return count
