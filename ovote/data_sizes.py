"""Sizes of files shown to people: in the unit that fits, in their language.

A limit is shown in megabytes from 1 MB up, in kilobytes from 1 kB up, else in
bytes, with at most one decimal, rounded down so that a limit is never shown
larger than it is: 10485760 bytes is "10 MB" ("10 Mo" in French), 524288 is
"512 kB" ("512 ko"), 1572864 is "1.5 MB" ("1,5 Mo"). Units are binary
(1 MB = 1024 kB = 1048576 bytes), as the settings are written
(`OVOTE_DOCUMENT_MAX_BYTES=10485760` is 10 MiB), with CLDR's names for them
through Babel.
"""
import math

from babel.units import format_unit
from flask_babel import get_locale

UNITS = ((1024 * 1024, "digital-megabyte"), (1024, "digital-kilobyte"), (1, "digital-byte"))


def format_size(size, locale=None):
    """`size` (bytes) as text in `locale` (default: the request's), e.g. "10 MB"."""
    factor, unit = next((f, u) for f, u in UNITS if size >= f or f == 1)
    value = math.floor(size / factor * 10) / 10
    return format_unit(value, unit, length="short", format="#,##0.#",
                       locale=locale or get_locale() or "en")


class Size(int):
    """A number of bytes that shows as `format_size` does, in the language of the page it is
    shown on (a refusal's parameter is filled in when its message is shown)."""

    def __str__(self):
        return format_size(int(self))
