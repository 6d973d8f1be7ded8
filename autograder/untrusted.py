"""Text that students chose, made safe once for each place it goes.

Student ids come from folder and file names, messages from exceptions a student raised,
grade ids from a notebook's metadata. Each can hold lone surrogates (which no file can
hold in UTF-8), terminal escape sequences, or a leading ``=`` that a spreadsheet runs as
a formula. Every command passes such text through one of these before using it.
"""

from __future__ import annotations

import re

# A student id: what nbgrader accepts as a folder name, and safe in a path, a page, a
# terminal line and a CSV cell (it cannot start with = + - @).
STUDENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,99}")
# Lone surrogates, and control characters but tab and newline.
_UNSAFE = re.compile(r"[\ud800-\udfff\x00-\x08\x0b-\x1f\x7f-\x9f]")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def valid_student_id(name: str) -> bool:
    return bool(STUDENT_ID.fullmatch(name)) and name not in (".", "..")


def safe_text(text: str) -> str:
    """``text`` with every lone surrogate and control character (but tab and newline)
    replaced by U+FFFD, so that it can be written to any file, page or terminal."""
    return _UNSAFE.sub("\ufffd", text)


def printable(text: str) -> str:
    """``text`` for one terminal line: control characters and lone surrogates escaped as
    Python would write them (a terminal obeys escape sequences)."""
    return "".join(c if c.isprintable() and not 0xD800 <= ord(c) <= 0xDFFF
                   else repr(c)[1:-1] for c in text)


def csv_cell(text: str) -> str:
    """One CSV cell that a spreadsheet shows as text: a cell that starts with = + - @ (or
    a tab or carriage return) gets a leading apostrophe, as OWASP advises."""
    text = safe_text(text)
    return "'" + text if text.startswith(_FORMULA) else text
