"""Dates, times and numbers as the page's language writes them (Babel, CLDR data).

Template filters:
- `day`: a date (or the day of a datetime) written out, "27 March 1990", "27 mars 1990",
  "27 مارس 1990";
- `clock`: a wall-clock time as it is (no zone conversion: stored times are UTC, and the
  timelines are already in the zone they name), to the minute, or to the second with
  `clock(seconds=True)`: "1 déc. 2026, 09:05";
- `number`: a number with the language's separators, "12 345,5";
- `file_format`: a document's media type by the name readers know it by, "JPEG" for
  image/jpeg.
"""
from datetime import date, datetime

from babel.dates import format_date, format_datetime, get_date_format, get_datetime_format, get_time_format
from babel.numbers import format_decimal
from flask_babel import get_locale


def _locale():
    return get_locale() or "en"


def day(value):
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return format_date(value, "long", locale=_locale())


def clock_pattern(locale, seconds=False):
    """The language's medium date and short (or medium, with seconds) time, combined as it
    combines them: "MMM d, y, h:mm a" in English, "d MMM y, HH:mm" in French."""
    return (get_datetime_format("medium", locale=locale)
            .replace("{1}", get_date_format("medium", locale=locale).pattern)
            .replace("{0}", get_time_format("medium" if seconds else "short", locale=locale).pattern))


def clock(value, seconds=False):
    if value is None or value == "":
        return ""
    if not isinstance(value, datetime):
        return day(value) if isinstance(value, date) else str(value)
    locale = _locale()
    # a naive value is shown as it is: tzinfo=None would make Babel assume UTC and convert
    return format_datetime(value.replace(tzinfo=None), clock_pattern(locale, seconds), locale=locale)


def number(value):
    if value is None or value == "":
        return ""
    return format_decimal(value, locale=_locale())


FILE_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "application/pdf": "PDF"}


def file_format(media_type):
    return FILE_FORMATS.get(media_type, media_type or "")


def init_app(app):
    app.add_template_filter(file_format, "file_format")
    app.add_template_filter(day, "day")
    app.add_template_filter(clock, "clock")
    app.add_template_filter(number, "number")
