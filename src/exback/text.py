"""The one rule for text exback shows or prints as JSON, and for text it can save.

Pure: no I/O. User text, content text, paths and messages are shown through
`inert`; JSON documents through `json_inert`; text is saved only when
`is_unicode_text` holds. Each rule is defined here once.
"""

from __future__ import annotations

import datetime as dt
import re

# The one rule for text exback shows (user text, content text, paths, messages):
# characters a terminal acts on or that hide themselves are shown as visible codes.
# DEL and C1; the bidi controls (ALM, LRM/RLM, embeddings, overrides, isolates);
# zero-width and invisible characters (ZWSP, ZWNJ, ZWJ, word joiner, invisible
# operators, BOM, Mongolian vowel separator); line and paragraph separators.
_INVISIBLE = r"\x7f-\x9f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff"
# ... plus C0 but \t and \n for shown text (json.dumps escapes C0 itself)
_CONTROL = re.compile(rf"[\x00-\x08\x0b-\x1f{_INVISIBLE}]")
_JSON_UNSAFE = re.compile(f"[{_INVISIBLE}]")


def inert(text: str) -> str:
    """Text made safe to show: control, C1, bidi and zero-width characters become visible.

    Newlines and tabs stay. The stored text is never changed, only what is shown.
    """

    def visible(match: re.Match[str]) -> str:
        code = ord(match.group())
        return f"\\x{code:02x}" if code < 0x100 else f"<U+{code:04X}>"

    return _CONTROL.sub(visible, text)


def json_inert(document: str) -> str:
    """A JSON document with DEL, C1, bidi and zero-width characters as \\u escapes.

    Still the same JSON (they only occur inside strings), but inert in a terminal.
    """
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", document)


def is_unicode_text(text: str) -> bool:
    """False for text with lone surrogates (undecodable bytes): it cannot be saved."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def local_time(moment: dt.datetime) -> str:
    """A stored timestamp shown in the machine's local time zone."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")
