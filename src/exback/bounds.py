"""The bounds of what exback saves, and the checks of them: pure, and free of pydantic.

The one definition of each bound. `models.py` builds its saved-data models from
these (as `Field` limits and `AfterValidator`s), and the fast path (`journal add`,
which does not import pydantic) checks a new note with the same functions, so both
accept exactly the same values.
"""

from __future__ import annotations

import datetime as dt
import re

from exback.text import is_unicode_text

EARLIEST = dt.date(1970, 1, 1)
"""The first calendar day exback accepts in saved data."""
LATEST = dt.date(2100, 12, 31)
"""The last calendar day exback accepts in saved data."""
MAX_TEXT = 1 << 20
"""Characters in one journal entry or one answer (a mebibyte of letters)."""
MAX_NOTE = 10_000
"""Characters in one check-in note or no-contact note or reason."""
MAX_TAG = 50
"""Characters in one journal tag."""
MAX_TAGS = 50
"""Tags on one journal entry."""
MAX_CHOICES = 100
"""Values in one multiple-choice answer."""
MAX_NUMBER = 1_000_000
"""The largest whole number (either sign) an answer may hold."""
MOOD = (1, 10)
"""The lowest and highest mood of a check-in or a journal note."""
ENTRY_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"


def check_unicode(text: str) -> str:
    """`text`, or ValueError when it holds a lone surrogate."""
    if not is_unicode_text(text):
        raise ValueError("not valid Unicode text (a lone surrogate such as \\ud800)")
    return text


def check_not_blank(text: str) -> str:
    """`text`, or ValueError when it is empty or only spaces."""
    if not text.strip():
        raise ValueError("empty text")
    return text


def check_day(day: dt.date) -> dt.date:
    """`day`, or ValueError when it is outside EARLIEST to LATEST."""
    if not EARLIEST <= day <= LATEST:
        raise ValueError(f"dates must be from {EARLIEST} to {LATEST}")
    return day


def check_moment(moment: dt.datetime) -> dt.datetime:
    """`moment`, or ValueError when its wall-clock day is out of range."""
    # The wall-clock day is checked, not the UTC one: converting 9999-12-31 with a
    # negative offset to UTC is exactly the overflow this bound prevents.
    check_day(moment.date())
    return moment


def valid_tag(tag: str) -> bool:
    """1 to MAX_TAG characters of valid Unicode, no spaces or control characters."""
    return 0 < len(tag) <= MAX_TAG and is_unicode_text(tag) and _NOT_IN_TAG.search(tag) is None


_NOT_IN_TAG = re.compile(r"[\s\x00-\x1f]")
"""What `str.isspace` calls a space (`\\s` of a str pattern is the same set), and C0."""


def check_tag(tag: str) -> str:
    """`tag`, or ValueError when it is not a valid tag."""
    if not valid_tag(tag):
        raise ValueError(f"a tag is 1 to {MAX_TAG} characters, no spaces or control characters")
    return tag
