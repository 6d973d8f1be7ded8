"""Fixtures of the end-to-end tests: a user's paths through the real programs.

`chromium` is the path of Debian's Chromium for the browser tests, launched through
Playwright with `CHROMIUM_FLAGS` (`playwright install` cannot download here). Without a
`chromium` on PATH those tests are skipped, unless the environment variable CI is set:
then a missing browser is a failure, so CI can never pass by skipping them.
"""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="module")
def chromium():
    path = shutil.which("chromium")
    if path is None:
        message = "chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message + "; CI must have it")
        pytest.skip(message)
    return path


@pytest.fixture(scope="module")
def chromium_flags():
    return list(CHROMIUM_FLAGS)
