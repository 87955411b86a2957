"""GIFT: every example question of Moodle's GIFT documentation, with concrete values."""

from __future__ import annotations

from app.bank.formats.gift import parse_gift
from app.bank.formats.model import (
    MatchPair,
    NumericAnswer,
    Option,
    QuestionData,
    QuestionType,
    TextFormat,
)

# The "quick examples" of docs.moodle.org/en/GIFT_format, verbatim.
DOC_QUICK_EXAMPLES = """\
// true/false
::Q1:: 1+1=2 {T}

// multiple choice with specified feedback for right and wrong answers
::Q2:: What's between orange and green in the spectrum?
{ =yellow # right; good! ~red # wrong, it's yellow ~blue # wrong, it's yellow }

// fill-in-the-blank
::Q3:: Two plus {=two =2} equals four.

// matching
::Q4:: Which animal eats which food? { =cat -> cat food =dog -> dog food }

// math range question
::Q5:: What is a number from 1 to 5? {#3:2}

// math range specified with interval end points
::Q6:: What is a number from 1 to 5? {#1..5}
// translated on import to the same as Q5, but unavailable from Moodle question interface

// multiple numeric answers with partial credit and feedback
::Q7:: When was Ulysses S. Grant born? {#
         =1822:0      # Correct! Full credit.
         =%50%1822:2  # He was born in 1822. Half credit for being close.
}

// essay
::Q8:: How are you? {}
"""


def one(text: str) -> QuestionData:
    result = parse_gift(text)
    assert len(result.questions) == 1, result.issues
    return result.questions[0]


def test_doc_quick_examples() -> None:
    result = parse_gift(DOC_QUICK_EXAMPLES)
    assert result.issues == []
    q1, q2, q3, q4, q5, q6, q7, q8 = result.questions
    assert [q.name for q in result.questions] == [f"Q{i}" for i in range(1, 9)]
    assert [q.line for q in result.questions] == [2, 5, 9, 12, 15, 18, 22, 28]
    assert (q1.type, q1.stem) == (QuestionType.TRUE_FALSE, "1+1=2")
    assert q1.options == [Option("true", 1.0), Option("false", 0.0)]
    assert q2.type == QuestionType.SINGLE_CHOICE
    assert q2.stem == "What's between orange and green in the spectrum?"
    assert q2.options == [
        Option("yellow", 1.0, "right; good!"),
        Option("red", 0.0, "wrong, it's yellow"),
        Option("blue", 0.0, "wrong, it's yellow"),
    ]
    assert (q3.type, q3.stem) == (QuestionType.SHORT_ANSWER, "Two plus _____ equals four.")
    assert q3.options == [Option("two", 1.0), Option("2", 1.0)]
    assert q4.type == QuestionType.MATCHING
    assert q4.pairs == [MatchPair("cat", "cat food"), MatchPair("dog", "dog food")]
    assert q5.numeric_answers == [NumericAnswer(value=3.0, tolerance=2.0)]
    assert q6.numeric_answers == [NumericAnswer(low=1.0, high=5.0)]
    assert q5.numeric_answers[0].bounds() == q6.numeric_answers[0].bounds() == (1.0, 5.0)
    assert q7.numeric_answers == [
        NumericAnswer(value=1822.0, tolerance=0.0, credit=1.0, feedback="Correct! Full credit."),
        NumericAnswer(
            value=1822.0,
            tolerance=2.0,
            credit=0.5,
            feedback="He was born in 1822. Half credit for being close.",
        ),
    ]
    assert (q8.type, q8.stem, q8.options) == (QuestionType.ESSAY, "How are you?", [])


def test_doc_multiple_choice_and_missing_word() -> None:
    q = one("Who's buried in Grant's tomb?{~Grant ~Jefferson =no one}")
    assert q.type == QuestionType.SINGLE_CHOICE
    assert [(o.text, o.credit) for o in q.options] == [
        ("Grant", 0.0),
        ("Jefferson", 0.0),
        ("no one", 1.0),
    ]
    q = one("Grant is {~buried =entombed ~living} in Grant's tomb.")
    assert q.stem == "Grant is _____ in Grant's tomb."
    assert [o.credit for o in q.options] == [0.0, 1.0, 0.0]


def test_doc_answers_on_separate_indented_lines() -> None:
    text = (
        "The American holiday of Thanksgiving is celebrated on the {\n"
        "    ~second\n    ~third\n    =fourth\n} Thursday of November.\n\n"
        "Japanese characters originally came from what country? {\n"
        "    ~India\n    =China\n    ~Korea\n    ~Egypt}\n"
    )
    first, second = parse_gift(text).questions
    assert (
        first.stem
        == "The American holiday of Thanksgiving is celebrated on the _____ Thursday of November."
    )
    assert [o.text for o in first.options if o.credit == 1] == ["fourth"]
    assert second.stem == "Japanese characters originally came from what country?"
    assert [o.text for o in second.options] == ["India", "China", "Korea", "Egypt"]
    assert second.line == 7


def test_doc_short_answer_and_true_false() -> None:
    q = one("Who's buried in Grant's tomb?{=no one =nobody}")
    assert (q.type, [o.text for o in q.options]) == (
        QuestionType.SHORT_ANSWER,
        ["no one", "nobody"],
    )
    assert one("Two plus two equals {=four =4}.").stem == "Two plus two equals _____."
    for text, true_credit in (("{F}", 0.0), ("{T}", 1.0), ("{FALSE}", 0.0), ("{TRUE}", 1.0)):
        q = one("Grant is buried in Grant's tomb." + text)
        assert q.type == QuestionType.TRUE_FALSE
        assert q.options[0] == Option("true", true_credit)


def test_doc_true_false_feedback() -> None:
    q = one("Grant is buried in Grant's tomb.{FALSE#No one is buried in Grant's tomb.}")
    assert q.options == [
        Option("true", 0.0, "No one is buried in Grant's tomb."),  # wrong answer's feedback
        Option("false", 1.0, ""),
    ]
    q = one("The sun rises in the east.{TRUE#Sai rồi.#Chính xác!}")
    assert q.options == [Option("true", 1.0, "Chính xác!"), Option("false", 0.0, "Sai rồi.")]


def test_doc_matching_and_numerical() -> None:
    q = one(
        "Match the following countries with their corresponding capitals. {\n"
        "    =Canada -> Ottawa\n    =Italy  -> Rome\n    =Japan  -> Tokyo\n"
        "    =India  -> New Delhi\n    }"
    )
    assert [(p.prompt, p.answer) for p in q.pairs] == [
        ("Canada", "Ottawa"),
        ("Italy", "Rome"),
        ("Japan", "Tokyo"),
        ("India", "New Delhi"),
    ]
    q = one("When was Ulysses S. Grant born? {#1822}")
    assert q.numeric_answers == [NumericAnswer(value=1822.0, tolerance=0.0)]
    q = one("What is the value of pi (to 3 decimal places)? {#3.1415:0.0005}.")
    assert q.stem == "What is the value of pi (to 3 decimal places)? _____."
    assert q.numeric_answers == [NumericAnswer(value=3.1415, tolerance=0.0005)]
    q = one("What is the value of pi (to 3 decimal places)? {#3.141..3.142}.")
    assert q.numeric_answers == [NumericAnswer(low=3.141, high=3.142)]


def test_doc_names_comments_feedback_and_format() -> None:
    text = (
        "// Subheading: Numerical questions below\nWhat's 2 plus 2? {#4}\n\n"
        "::Kanji Origins::Japanese characters originally\ncame from what country? {=China}\n\n"
        "[markdown]Who's buried in **Grant's tomb**?{\n=no one#excellent answer!\n"
        "=nobody#excellent answer!}\n"
    )
    numeric, kanji, markdown = parse_gift(text).questions
    assert (numeric.stem, numeric.line) == ("What's 2 plus 2?", 2)
    assert kanji.name == "Kanji Origins"
    assert kanji.stem == "Japanese characters originally\ncame from what country?"
    assert (markdown.stem_format, markdown.stem) == (
        TextFormat.MARKDOWN,
        "Who's buried in **Grant's tomb**?",
    )
    assert markdown.options == [
        Option("no one", 1.0, "excellent answer!"),
        Option("nobody", 1.0, "excellent answer!"),
    ]


def test_doc_percentage_weights() -> None:
    q = one(
        "::Jesus' hometown::Jesus Christ was from {\n"
        "    ~Jerusalem#This was an important city, but the wrong answer.\n"
        "    ~%25%Bethlehem#He was born here, but not raised here.\n"
        "    ~%50%Galilee#You need to be more specific.\n"
        "    =Nazareth#Yes! That's right!}."
    )
    assert q.type == QuestionType.SINGLE_CHOICE
    assert [(o.text, o.credit) for o in q.options] == [
        ("Jerusalem", 0.0),
        ("Bethlehem", 0.25),
        ("Galilee", 0.5),
        ("Nazareth", 1.0),
    ]
    q = one(
        "::Jesus' hometown:: Jesus Christ was from {\n    =Nazareth#Yes! That's right!\n"
        "    =%75%Nazereth#Right, but misspelled.\n"
        "    =%25%Bethlehem#He was born here, but not raised here.}"
    )
    assert q.type == QuestionType.SHORT_ANSWER
    assert [(o.text, o.credit) for o in q.options] == [
        ("Nazareth", 1.0),
        ("Nazereth", 0.75),
        ("Bethlehem", 0.25),
    ]
    assert q.options[1].feedback == "Right, but misspelled."


def test_doc_multiple_answers_with_negative_weights() -> None:
    q = one(
        "What two people are entombed in Grant's tomb? {\n    ~%-100%No one\n"
        "    ~%50%Grant\n    ~%50%Grant's wife\n    ~%-100%Grant's father }"
    )
    assert q.type == QuestionType.MULTIPLE_RESPONSE
    assert [o.credit for o in q.options] == [-1.0, 0.5, 0.5, -1.0]
    assert parse_gift("Q {~%33.33333%a ~%33.33333%b ~%33.33333%c ~%-25%d}").ok


def test_doc_special_characters() -> None:
    q = one(
        "::GIFT Control Characters::\n"
        "Which of the following is NOT a control character for the GIFT import format? {\n"
        "   ~ \\~     # \\~ is a control character.\n   ~ \\=     # \\= is a control character.\n"
        "   ~ \\#     # \\# is a control character.\n   ~ \\{     # \\{ is a control character.\n"
        "   ~ \\}     # \\} is a control character.\n"
        "   = \\\\     # Correct! \\\\ (backslash) is not a control character. BUT,\n"
        "              it is used to escape the control characters.\n}"
    )
    assert [o.text for o in q.options] == ["~", "=", "#", "{", "}", "\\"]
    assert q.options[5].credit == 1.0
    assert q.options[5].feedback.startswith("Correct! \\ (backslash)")
    q = one("Which answer equals 5? {\n ~ \\= 2 + 2\n = \\= 2 + 3\n ~ \\= 2 + 4  }")
    assert [o.text for o in q.options] == ["= 2 + 2", "= 2 + 3", "= 2 + 4"]
