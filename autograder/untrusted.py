"""Text that students chose, made safe once for each place it goes.

Student ids come from folder and file names, messages from exceptions a student raised,
grade ids from a notebook's metadata. Each can hold lone surrogates (which no file can
hold in UTF-8), terminal escape sequences, or a leading ``=`` that a spreadsheet runs as
a formula. Every command passes such text through one of these before using it.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

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


class NotRegular(OSError):
    """A file that a student controls is a link, a folder, a device, or too large."""


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of ``path``, a regular file of at most ``limit`` bytes, read without
    following a link in its name or its folder's name.

    Students control what is in their exchange folders, and can swap a file for a link
    (to the solution, to /dev/zero) between a check and an open. So the folder is opened
    without following links, the file is opened relative to it without following links
    (and without blocking on a pipe), and the size is checked on the open file, then at
    most ``limit`` + 1 bytes are read. Raises NotRegular, or OSError if it cannot be read.
    """
    path = Path(path)
    folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    try:
        fd = os.open(path.name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder)
    except OSError as exc:
        if exc.errno == 40:  # ELOOP: the name is a symbolic link
            raise NotRegular(f"{printable(path.name)} is a symbolic link") from None
        raise
    finally:
        os.close(folder)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegular(f"{printable(path.name)} is not a plain file")
        if info.st_size > limit:
            raise NotRegular(f"{printable(path.name)} is larger than {limit:,} bytes")
        chunks, left = [], limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > limit:
            raise NotRegular(f"{printable(path.name)} is larger than {limit:,} bytes")
        return data
    finally:
        os.close(fd)
