"""The answer-key bias check (content.checks.key_bias_problems): issue 10, item 3."""

import shutil
from io import StringIO

import pytest
from django.core.management import call_command

from content import checks
from content.fingerprint import load_fingerprint
from quizzes.gift import parse_gift

SAME_LENGTH = ("Reply to it", "Hide the post", "Report it now", "Wait a while")  # none the longest


def choice(n, key, options=SAME_LENGTH):
    """A single-choice question whose right answer is option `key` (0-based)."""
    lines = [("=" if i == key else "~") + text for i, text in enumerate(options)]
    return f"::Choice {n}::Question {n}?{{\n" + "\n".join(lines) + "\n####Why.\n}"


def longest_right(n, key):
    """A single-choice question whose right answer is also its longest option."""
    options = [*SAME_LENGTH]
    options[key] = "Reply to it with the facts and a link"
    return choice(n, key, options)


def true_false(n, key):
    return f"::Statement {n}::Statement {n}.{{{'T' if key else 'F'}####Why.}}"


def multiple(n, marks):
    """A multiple-response question: `marks` such as '+-+-', right (+) and wrong (-) in order."""
    lines = [f"~%{'50' if mark == '+' else '-50'}%{SAME_LENGTH[i]}" for i, mark in enumerate(marks)]
    return f"::Several {n}::Which apply?{{\n" + "\n".join(lines) + "\n####Why.\n}"


def problems(*files, label="test-course"):
    """key_bias_problems for GIFT texts, one per file (a.gift, b.gift, ...)."""
    quizzes = [(f"{'abc'[i]}.gift", parse_gift("\n\n".join(questions))) for i, questions in enumerate(files)]
    return checks.key_bias_problems(label, quizzes)


BALANCED = [
    *(choice(n, key) for n, key in enumerate([0, 1, 2, 3, 0, 1])),
    *(true_false(n, key) for n, key in enumerate([True, False, True, False, True, False])),
    multiple(1, "-++-"),
    multiple(2, "+--+"),
]


@pytest.mark.parametrize("folder", checks.course_folders(), ids=lambda p: p.name)
def test_shipped_courses_have_no_key_bias(folder):
    assert checks.course_quizzes(folder)
    assert checks.key_bias_problems(folder.name, checks.course_quizzes(folder)) == []


def test_shipped_courses_have_no_key_bias_taken_together():
    assert checks.all_courses_problems(checks.course_folders()) == []


def test_a_balanced_set_passes():
    assert problems(BALANCED) == []


def test_one_position_holding_over_40_percent_of_the_keys_fails_naming_course_and_files():
    first = [choice(1, 0), choice(2, 0), choice(3, 1)]
    second = [choice(4, 0), choice(5, 2)]
    assert problems(first, second) == [
        "test-course: option 1 is the correct one in 3 of 5 single-choice questions with 3 or more "
        "options (60%; at most 40% at any position); per file: a.gift 2/3, b.gift 1/2"
    ]
    assert problems([choice(1, 0), choice(2, 0), choice(3, 1), choice(4, 2), choice(5, 3)]) == []  # 40%


def test_position_needs_five_questions_to_judge():
    assert problems([choice(n, 0) for n in range(4)]) == []
    assert len(problems([choice(n, 0) for n in range(5)])) == 1


def test_multiple_response_listing_its_right_answers_first_fails():
    found = problems([choice(1, 0), multiple(2, "++--"), multiple(3, "-+-+"), multiple(4, "+---")])
    assert found == [
        "test-course: a.gift:9 (Several 2): the multiple-response options list every right answer "
        "first; mix them among the wrong ones",
        "test-course: a.gift:25 (Several 4): the multiple-response options list every right answer "
        "first; mix them among the wrong ones",
    ]
    assert problems([multiple(1, "++++")]) == []  # nothing to mix them with


@pytest.mark.parametrize("trues", [0, 1, 2, 4, 5, 6])
def test_true_false_keys_outside_35_to_65_percent_true_fail(trues):
    statements = [true_false(n, n < trues) for n in range(6)]
    percent = round(trues / 6 * 100)
    assert problems(statements[:4], statements[4:]) == [
        f"test-course: {trues} of 6 true/false keys are true ({percent}%; keep between 35% and 65%); "
        f"true per file: a.gift {min(trues, 4)}/4, b.gift {max(trues - 4, 0)}/2"
    ]


def test_three_true_of_six_passes_and_fewer_than_six_may_not_all_agree():
    assert problems([true_false(n, n < 3) for n in range(6)]) == []
    assert problems([true_false(n, n < 1) for n in range(5)]) == []  # too few to judge a share
    assert problems([true_false(n, False) for n in range(4)]) == [
        "test-course: all 4 true/false keys are false; make some statements true; true per file: a.gift 0/4"
    ]
    assert problems([true_false(n, True) for n in range(3)])[0].startswith(
        "test-course: all 3 true/false keys are true; make some statements false"
    )
    assert problems([true_false(n, False) for n in range(2)]) == []


def test_the_correct_option_being_the_longest_in_over_half_fails():
    biased = [longest_right(1, 0), longest_right(2, 1), longest_right(3, 2), longest_right(4, 3)]
    found = problems(biased, [choice(5, 0), choice(6, 1)])
    assert found == [
        "test-course: the correct option is the longest in 4 of 6 single-choice questions with 3 or more "
        "options (67%; at most 50%); per file: a.gift 4/4, b.gift 0/2"
    ]
    assert problems(biased[:3], [choice(5, 3), choice(6, 1), choice(7, 2)]) == []  # half is allowed


def test_a_tie_for_longest_is_not_counted_and_two_option_questions_are_not_judged():
    def tied(n, key):  # the right answer ties with the next option for longest
        options = ["Wait", "Hide", "Mute", "Skip"]
        options[key] = options[(key + 1) % 4] = "Reply to it"
        return choice(n, key, options)

    assert problems([tied(n, n % 4) for n in range(6)]) == []
    two = ("Reply to it with the facts and a link", "Hide it")
    assert problems([choice(n, 0, two) for n in range(6)]) == []


def test_the_course_check_reports_key_bias_in_a_course_folder(tmp_path):
    folder = tmp_path / "01-public-servants"
    shutil.copytree(checks.course_folders()[0], folder)
    for gift in folder.glob("*.gift"):
        gift.write_text(gift.read_text(encoding="utf-8").replace("{T#", "{F#"), encoding="utf-8")
    found = checks.course_problems(folder, load_fingerprint())
    assert [problem for problem in found if "true/false" in problem] == [
        "01-public-servants: all 4 true/false keys are false; make some statements true; true per file: "
        "why-the-rules-exist.gift 0/2, posting-with-care.gift 0/2"
    ]


def test_check_courses_reports_the_keys_and_checks_all_courses_together():
    out = StringIO()
    call_command("check_courses", verbosity=2, stdout=out)
    output = out.getvalue()
    assert (
        "01-public-servants: OK\n  keys at options 1/2/3/...: 5/5/6/3; true/false: 2 true, 2 false" in output
    )
    assert "all courses' answer keys: OK" in output
