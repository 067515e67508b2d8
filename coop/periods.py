"""The years, dates and day counts a request may ask for: one range for every app, checked
where a request is read (query strings, forms, serializers, step inputs) and again where a row
is cleaned, so a year 1 or 9999 never reaches a query, a sum of days or the database.

The range chosen:

- The portal's own records (funds, tests and their due dates, sampling rounds, assessments
  and their periods, commitments and grades and their validity, orders and their deadlines,
  decisions, reports) run from 1 January 2000, before which no quality cooperative kept any,
  to 31 December ten years from now: the furthest a plan, a validity or a deadline reaches.
- What an enterprise or a standard recorded before it came to the portal (a certificate
  issued, an honour awarded, a person appointed, a standard issued) may go back to 1900; a
  model names those fields in ``history_dates``.
- A day count in a query (``?expiring=90``) is at most ten years of days.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from coop.errors import BadParameter

FIRST_YEAR = 2000
HISTORY_FIRST_YEAR = 1900
YEARS_AHEAD = 10
MOST_DAYS = 3660


def last_year():
    return timezone.localdate().year + YEARS_AHEAD


def year_message(first=FIRST_YEAR):
    return _("Give a year from %(first)d to %(last)d.") % {"first": first, "last": last_year()}


def check_year(value, name="year", first=FIRST_YEAR):
    """``value`` (a number, or digits as text) as a year in the range, or a ValidationError
    naming ``name`` and the range."""
    if isinstance(value, str):
        value = value.strip()
        # ASCII digits only: int() would also take "2_024", " +12" and other scripts' digits.
        if not (value.isascii() and value.isdigit() and len(value) <= 4):
            raise ValidationError({name: year_message(first)}, code="year_range")
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError({name: year_message(first)}, code="year_range")
    if not first <= value <= last_year():
        raise ValidationError({name: year_message(first)}, code="year_range")
    return value


def date_bounds(first_year=FIRST_YEAR):
    return datetime.date(first_year, 1, 1), datetime.date(last_year(), 12, 31)


def date_message(first_year=FIRST_YEAR):
    earliest, latest = date_bounds(first_year)
    return _("Give a date from %(first)s to %(last)s.") % {
        "first": earliest.isoformat(),
        "last": latest.isoformat(),
    }


def in_range(day, first_year=FIRST_YEAR):
    if isinstance(day, datetime.datetime):
        day = day.date()
    earliest, latest = date_bounds(first_year)
    return earliest <= day <= latest


def check_dates(first_year=FIRST_YEAR, **dates):
    """Every named date (None is left alone) in the range, or one ValidationError naming each
    date outside it."""
    errors = {
        name: date_message(first_year)
        for name, day in dates.items()
        if isinstance(day, datetime.date) and not in_range(day, first_year)
    }
    if errors:
        raise ValidationError(errors, code="date_range")


def check_row(row, exclude=()):
    """The dates and years of a model instance: every date field, and a field named ``year``
    (a calendar year). Fields named in the model's ``history_dates`` may go back to 1900.
    Returns ``{field: message}`` for those outside the range; ``clean_fields`` raises them."""
    history = set(getattr(row, "history_dates", ()))
    errors = {}
    for field in row._meta.concrete_fields:
        if field.name in exclude:
            continue
        value = getattr(row, field.attname)
        if value is None:
            continue
        first = HISTORY_FIRST_YEAR if field.name in history else FIRST_YEAR
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            if not in_range(value, first):
                errors[field.name] = date_message(first)
        elif field.name == "year" and isinstance(value, int):
            try:
                check_year(value, first=first)
            except ValidationError:
                errors[field.name] = year_message(first)
    return errors


THIS_YEAR = object()


def asked_year(params, name="year", default=THIS_YEAR):
    """The year a query string (or a posted form) asks for: this year when absent (or
    ``default``), else a year in the range, or ``BadParameter`` naming ``name`` and the range
    (a 400 from the API and from a page alike)."""
    raw = params.get(name, "")
    if raw == "":
        return timezone.localdate().year if default is THIS_YEAR else default
    try:
        return check_year(raw, name)
    except ValidationError as error:
        raise BadParameter(error.message_dict) from None


def asked_days(params, name, default=None):
    """A count of days a query string asks for (``?expiring=90``): ``default`` when absent,
    else a whole number from 0 to ``MOST_DAYS``, or ``BadParameter`` naming ``name``."""
    raw = params.get(name, "")
    if raw == "":
        return default
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 4 and int(raw) <= MOST_DAYS):
        raise BadParameter(
            {name: _("Give a number of days from 0 to %(most)d.") % {"most": MOST_DAYS}},
            code="days_range",
        )
    return int(raw)


class DateField(serializers.DateField):
    """A DRF date in the portal's range (``first_year`` earliest), refused naming the field."""

    def __init__(self, *args, first_year=FIRST_YEAR, **kwargs):
        super().__init__(*args, **kwargs)
        self.first_year = first_year

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not in_range(day, self.first_year):
            raise serializers.ValidationError(date_message(self.first_year), code="date_range")
        return day


class FormDateField(forms.DateField):
    """A form's date in the portal's range, refused beside the field."""

    def __init__(self, *args, first_year=FIRST_YEAR, **kwargs):
        super().__init__(*args, **kwargs)
        self.first_year = first_year

    def validate(self, value):
        super().validate(value)
        if value is not None and not in_range(value, self.first_year):
            raise ValidationError(date_message(self.first_year), code="date_range")
