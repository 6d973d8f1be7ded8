"""Does a benchmark rewrite only its own section of benchmarks/README.md?"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from readme_section import write_section  # noqa: E402


def test_rewriting_one_section_keeps_the_others_and_the_intro(tmp_path):
    """Several scripts share one README: is each rewrite confined to its markers?"""
    readme = tmp_path / "README.md"
    readme.write_text("# Benchmarks\n\nHow to run them.\n")
    write_section("nn", "| table | 1 |", readme)
    write_section("grading", "ratio 6x", readme)
    write_section("nn", "| table | 2 |\n", readme)
    text = readme.read_text()
    assert text.startswith("# Benchmarks\n\nHow to run them.\n")
    assert "| table | 1 |" not in text and text.count("| table | 2 |") == 1
    assert "ratio 6x" in text
    assert text.index("<!-- nn:start -->") < text.index("<!-- grading:start -->")


def test_a_missing_readme_is_created(tmp_path):
    """Does the first benchmark run on a fresh clone still have somewhere to write?"""
    readme = tmp_path / "README.md"
    write_section("widgets", "p95 22 ms", readme)
    assert readme.read_text().splitlines() == [
        "# Benchmarks", "", "<!-- widgets:start -->", "p95 22 ms", "<!-- widgets:end -->"]
