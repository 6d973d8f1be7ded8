"""`autograder export --format canvas`: a Canvas gradebook export, filled for Canvas's import.

The roster below is written by hand from Canvas's documented format (Canvas Instructor
Guide, "How do I import grades in the Gradebook?", and the export Canvas writes): the
header with Student, ID, SIS User ID, SIS Login ID, Integration ID and Section, a custom
column this code knows nothing of, an assignment column with its Canvas id, read-only
totals, a Manual Posting row, the Points Possible row, and the test student last.

The expected file is computed here from the roster as csv reads it and from the saved
results, never from autograder.lms.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest
from autograder_corpus import NAME, ROOT, place_result, results_json

from autograder.cli import main
from autograder.lms import Roster, RosterError, match_column

OTHER = "search_strategies"  # the roster already has a column for it, with its Canvas id

ROSTER = (
    "Student,ID,SIS User ID,SIS Login ID,Integration ID,Section,Seat (custom),"
    "search_strategies (4321),Current Score,Unposted Current Score,Final Score,"
    "Unposted Final Score\r\n"
    ",,,,,,,Manual Posting,,,,\r\n"
    "    Points Possible,,,,,,(read only),20.00,(read only),(read only),(read only),"
    "(read only)\r\n"
    '"Lee, Ann",101,S-0001,ann,,Section A,B12,3.00,15.00,15.00,15.00,15.00\r\n'
    "\"O'Neil, Bo\",102,S-0002,bo.b@x-1,int-2,Section A,,,0.00,0.00,0.00,0.00\r\n"
    '"Cy, Cy",103,S-0003,cy,,"Section A and Section B",A1,,,,,\r\n'
    '"Dee, Dee",104,S-0004,dee,,Section B,,8.50,42.50,42.50,42.50,42.50\r\n'
    '"Student, Test",105,,,,Section A,,,,,,\r\n'
)
FORMULA = ("=", "+", "-", "@")


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """Results saved for two assignments (as grading leaves them; neither is released,
    which the export allows for an assignment that was graded):

    sampling_scales: ann 7, bo.b@x-1 15, cy an error, eve 12 (eve is not in the roster);
    search_strategies: ann 11.5; dee has no submission anywhere.
    """
    course = tmp_path_factory.mktemp("canvas") / "course"
    for name in (NAME, OTHER):
        shutil.copytree(ROOT / "assignments" / "source" / name, course / "source" / name)
    shutil.copy(ROOT / "assignments" / "nbgrader_config.py", course)
    place_result(course, "ann", NAME, 7.0, 15.0)
    place_result(course, "bo.b@x-1", NAME, 15.0, 15.0)
    place_result(course, "cy", NAME, 4.5, 15.0, status="error: timeout")
    place_result(course, "eve", NAME, 12.0, 15.0)
    place_result(course, "ann", OTHER, 11.5, 20.0)
    return course


def _read(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return list(csv.reader(handle))


def _number(value: float, comma: bool) -> str:
    text = str(value).removesuffix(".0")
    return text.replace(".", ",") if comma else text


def _expected(course: Path, roster_text: str = ROSTER, separator: str = ",",
              comma: bool = False) -> list[list[str]]:
    """The roster with sampling_scales added and search_strategies filled, cell by cell:
    a student's cell holds the result's score when the result is graded; otherwise a new
    column's cell is empty and the roster's own cell stays."""
    roster = list(csv.reader(io.StringIO(roster_text, newline=""), delimiter=separator))
    header, rows = roster[0], roster[1:]
    login, other = header.index("SIS Login ID"), header.index("search_strategies (4321)")
    expected = [header + [NAME]]
    for row in rows:
        new = "15" if row[0] == "    Points Possible" else ""
        row = list(row)
        for name, at in ((NAME, None), (OTHER, other)):
            result = results_json(course, name).get(row[login]) if row[login] else None
            if result is not None and result["status"] == "graded":
                if at is None:
                    new = _number(result["score"], comma)
                else:
                    row[at] = _number(result["score"], comma)
        expected.append(row + [new])
    return expected


def test_the_filled_roster_is_the_roster_plus_the_scores(course, tmp_path, capsys):
    roster = tmp_path / "Grades-Hyperparameters.csv"
    roster.write_text(ROSTER, encoding="utf-8", newline="")
    assert main(["export", "--format", "canvas", "--roster", str(roster),
                 "--course", str(course)]) == 0
    output = tmp_path / "Grades-Hyperparameters_with_autograder.csv"
    assert roster.read_bytes() == ROSTER.encode("utf-8")  # only read
    got, want = _read(output), _expected(course)
    assert len(got) == len(want)
    for number, (got_row, want_row) in enumerate(zip(got, want, strict=True), start=1):
        assert got_row == want_row, f"row {number}"
    # spot checks of the same, by hand
    assert got[0][-1] == NAME and got[2][-1] == "15"
    assert got[3][-1] == "7" and got[3][7] == "11.5"        # ann: both assignments
    assert got[4][-1] == "15" and got[4][7] == ""           # bo.b@x-1: no search_strategies
    assert got[5][-1] == "" and got[6][-1] == ""            # cy's error, dee's no submission
    assert got[6][7] == "8.50"                              # Canvas's own score for dee stays
    written = [row[-1] for row in got] + [got[3][7]]
    assert not any(cell.startswith(FORMULA) for cell in written)

    out, err = capsys.readouterr()
    assert (f"wrote 3 score(s) of 2 assignment(s) ({NAME}, {OTHER}) to {output}: import it "
            f"in Canvas (Grades > Import)") in out
    lines = err.strip().splitlines()
    assert lines[0] == ("matched students by the roster's column 'SIS Login ID': 3 of 5 roster "
                        "students have results (--match-column picks another column)")
    assert lines[1] == (
        f"{NAME}: 3 roster student(s) without a graded submission, left empty: "
        "Cy, Cy (103, S-0003, cy): error: timeout; Dee, Dee (104, S-0004, dee): no "
        "submission; Student, Test (105): nothing in the column 'SIS Login ID'")
    assert lines[2].startswith(f"{OTHER}: 4 roster student(s) without a graded submission, "
                               "left as the roster had it: O'Neil, Bo (102, S-0002, bo.b@x-1, "
                               "int-2): no submission;")
    assert lines[3] == ("1 student(s) with results are not in the roster (by 'SIS Login ID'), "
                        "so their scores are not in the file: eve")

    # Run again: the earlier output is the export's own, so it is replaced; the roster is not.
    assert main(["export", "--format", "canvas", "--roster", str(roster),
                 "--course", str(course)]) == 0
    assert _read(output) == want


def test_a_semicolon_roster_with_decimal_commas_and_a_byte_order_mark_keeps_them(course,
                                                                                  tmp_path):
    """Canvas exports with ; and decimal commas in languages that write 8,50 (and may add
    a byte-order mark): the scores are written the same way."""
    rows = list(csv.reader(io.StringIO(ROSTER, newline="")))
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=";").writerows(
        [[re.sub(r"^(\d+)\.(\d+)$", r"\1,\2", cell) for cell in row] for row in rows])
    text = buffer.getvalue()
    assert "Lee, Ann;101;" in text and ";8,50;42,50;" in text
    roster = tmp_path / "semicolons.csv"
    roster.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    output = tmp_path / "out.csv"
    assert main(["export", "--format", "canvas", "--roster", str(roster), "--output",
                 str(output), "--course", str(course)]) == 0
    data = output.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    got = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert got == _expected(course, text, ";", comma=True)
    assert got[3][7] == "11,5" and got[6][7] == "8,50"


def test_match_column_picks_the_column_and_nobody_matched_is_an_error(course, tmp_path,
                                                                      capsys):
    """Logins that are not the nbgrader ids match nobody: exit 1 and no file. The column
    that does hold them, named with --match-column, matches."""
    roster = tmp_path / "emails.csv"
    roster.write_text(
        "Student,ID,SIS User ID,SIS Login ID,Section,Hub user\r\n"
        "    Points Possible,,,,,\r\n"
        '"Lee, Ann",101,S-0001,ann@uni.example,A,ann\r\n'
        '"Eve, Eve",106,S-0006,eve@uni.example,A,eve\r\n', encoding="utf-8")
    output = tmp_path / "emails_with_autograder.csv"
    assert main(["export", "--format", "canvas", "--roster", str(roster),
                 "--course", str(course)]) == 1
    assert capsys.readouterr().err.strip() == (
        f"autograder: error: nobody in the roster {roster} matched a student of the course "
        f"by the columns SIS Login ID, SIS User ID, ID, so nothing was written: pass "
        f"--match-column with the column that holds the students' nbgrader ids (the folder "
        f"names in submitted/)")
    assert not output.exists()
    assert main(["export", "--format", "canvas", "--roster", str(roster), "--match-column",
                 "Hub user", "--course", str(course)]) == 0
    got = _read(output)
    assert got[0][-3:] == ["Hub user", NAME, OTHER]
    assert [r[-2:] for r in got[1:]] == [["15", "20"], ["7", "11.5"], ["12", ""]]
    assert "by the roster's column 'Hub user': 2 of 2" in capsys.readouterr().err


def test_the_roster_itself_and_files_the_export_did_not_write_are_never_replaced(
        course, tmp_path, capsys):
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8", newline="")
    theirs = tmp_path / "roster_with_autograder.csv"
    theirs.write_text("made by hand\n")
    for output, message in ((roster, f"{roster} is the roster itself, which is never written "
                                     f"over: pass --output with another file name"),
                            (None, f"{theirs} already exists and autograder export did not "
                                   f"write it")):
        argv = ["export", "--format", "canvas", "--roster", str(roster), "--course", str(course)]
        assert main(argv + (["--output", str(output)] if output else [])) == 1
        assert message in capsys.readouterr().err
    assert roster.read_bytes() == ROSTER.encode("utf-8")
    assert theirs.read_text() == "made by hand\n"


@pytest.mark.parametrize("argv, message", [
    (["--format", "canvas"], "--format canvas needs --roster FILE"),
    (["--roster", "x.csv"], "--roster and --match-column go with --format canvas"),
    (["--format", "canvas", "--roster", "{tmp}/none.csv"], "none.csv does not exist"),
])
def test_canvas_options_misused(course, tmp_path, capsys, argv, message):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    assert main(["export", *argv, "--course", str(course)]) == 1
    assert message in capsys.readouterr().err


def test_the_default_match_column_is_the_only_one_that_matches():
    """The one of SIS Login ID, SIS User ID and ID that course students match; if several
    do, the choice is the instructor's (folder names named after Canvas ids could flip it
    and put one student's score in another's row)."""
    header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    rows = [["A", "1", "u1", "ann", "x"], ["B", "2", "u2", "u1", "x"], ["C", "3", "u3", "c", "x"]]
    roster = Roster(Path("r.csv"), header, rows)
    assert match_column(roster, {"ann", "c"}) == (3, 2)
    assert match_column(roster, {"1", "2"}) == (1, 2)
    assert match_column(roster, {"nobody"}) == (3, 0)
    assert match_column(roster, {"ann"}, "Section") == (4, 0)
    with pytest.raises(RosterError, match=r"match more than one column .*SIS Login ID \(1\), "
                                          r"SIS User ID \(1\)"):
        match_column(roster, {"ann", "u2"})


def test_a_student_named_points_possible_is_refused(tmp_path):
    """Canvas reads any row whose first cell contains "Points Possible" as the points row."""
    from autograder.lms import read_roster

    roster = tmp_path / "roster.csv"
    roster.write_text("Student,ID,SIS User ID,SIS Login ID,Section,hw (1)\n"
                      "    Points Possible,,,,,10\n"
                      '"Points Possible, Mal",107,u7,mal,x,\n')
    with pytest.raises(RosterError, match="row 3 of the roster .* reads as the points row"):
        read_roster(roster)
