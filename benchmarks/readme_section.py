"""What every benchmark script shares: the machine's description and its README section.

    from readme_section import cpu_model, load_average, write_section
    write_section("bench_widgets", markdown)   # between <!-- bench_widgets:start/end -->

Each script owns one section of benchmarks/README.md, between its own markers; writing it
replaces only that section and keeps the rest of the file. The scripts run as
`python benchmarks/<script>.py`, so this folder is on their import path.
"""

from __future__ import annotations

import os
import platform
import re
from pathlib import Path

README = Path(__file__).with_name("README.md")


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo (or what `platform` knows elsewhere)."""
    try:
        found = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(),
                          re.MULTILINE)
    except OSError:
        found = None
    return found.group(1).strip() if found else platform.processor() or "unknown CPU"


def load_average() -> float:
    """The 1-minute load average (NaN where the system has none): above ~1, cores are shared."""
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def write_section(name: str, text: str, readme: Path = README) -> None:
    """Put `text` between `<!-- name:start -->` and `<!-- name:end -->` in `readme`."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n{text.strip(chr(10))}\n{end}"
    old = readme.read_text(encoding="utf-8") if readme.exists() else "# Benchmarks\n"
    if start in old and end in old:
        head, rest = old.split(start, 1)
        new = head + block + rest.split(end, 1)[1]
    else:
        new = old.rstrip("\n") + "\n\n" + block + "\n"
    readme.write_text(new, encoding="utf-8")
