"""Moodle GIFT question files into our quiz Markdown (docs/authoring.md "De toets").

GIFT (https://docs.moodle.org/en/GIFT_format) puts one question per blank-line separated block:
an optional `::name::`, the text, and the answers in `{...}`. We read what our quiz can ask:
multiple choice, true/false, multiple answers (weights) and matching. Every other type (numeric,
short answer, essay, description, embedded answers) is listed with its line, never dropped
silently. Where GIFT says more than our format can (partial credit), a note says what was lost.
The Markdown is then read by our own validator, so the trainer sees the messages they know.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from app.content.quizparse import question_id

# Moodle replaces escaped control characters by placeholders before it splits anything.
_ESCAPES = {
    "\\:": "\x01",
    "\\#": "\x02",
    "\\=": "\x03",
    "\\{": "\x04",
    "\\}": "\x05",
    "\\~": "\x06",
}
_UNESCAPE = {v: k[1] for k, v in _ESCAPES.items()} | {"\x07": "\\", "\x08": "\n"}
_WEIGHT_RE = re.compile(r"^%(-?\d{1,3}(?:\.\d+)?)%")
_FORMAT_RE = re.compile(r"^\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
_EMBEDDED_RE = re.compile(r"\{\d+:[A-Z_]+:")
TRUE_WORDS = {"T": True, "TRUE": True, "F": False, "FALSE": False}


@dataclass
class GiftOption:
    text: str
    correct: bool
    feedback: str = ""


@dataclass
class GiftQuestion:
    line: int
    #: "single", "multiple", "true-false" or "match" (our type names).
    type: str
    name: str | None
    text: str
    options: list[GiftOption]
    explanation: str = ""
    category: str | None = None


@dataclass
class Skipped:
    """A question we do not import, with the GIFT type Moodle would give it."""

    line: int
    type: str
    text: str


@dataclass
class GiftFile:
    questions: list[GiftQuestion] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    #: (line, message): what an imported question lost on the way (e.g. partial credit).
    notes: list[tuple[int, str]] = field(default_factory=list)


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _plain(text: str) -> str:
    """Text without GIFT's format tag, escapes or HTML tags, on one line."""
    text = _FORMAT_RE.sub("", text.strip())
    for placeholder, char in _UNESCAPE.items():
        text = text.replace(placeholder, char)
    if "<" in text:
        parser = _TextOnly()
        parser.feed(text)
        parser.close()
        text = "".join(parser.parts)
    return " ".join(html.unescape(text).split())


def _blocks(source: str) -> list[tuple[int, list[str]]]:
    """(first line, lines) per question: blocks split at blank lines, comments left out."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(source.splitlines(), start=1):
        if not line.strip():
            if current:
                blocks.append((start, current))
            current = []
            continue
        if line.strip().startswith("//"):
            continue
        if not current:
            start = number
        current.append(line)
    if current:
        blocks.append((start, current))
    return blocks


def _escape(text: str) -> str:
    text = text.replace("\\\\", "\x07").replace("\\n", "\x08")
    for escaped, placeholder in _ESCAPES.items():
        text = text.replace(escaped, placeholder)
    return text


def _split_feedback(answer: str) -> tuple[str, str]:
    text, _, feedback = answer.partition("#")
    return _plain(text), _plain(feedback)


def _weight(answer: str) -> tuple[float | None, str]:
    match = _WEIGHT_RE.match(answer)
    if not match:
        return None, answer
    return float(match.group(1)), answer[match.end() :]


def parse_gift(source: str) -> GiftFile:
    """Reads a GIFT file; never raises on bad input: what cannot be read is listed as skipped."""
    result = GiftFile()
    category: str | None = None
    for line, lines in _blocks(source):
        text = _escape("\n".join(lines).strip())
        if text.startswith("$CATEGORY:"):
            category = text.removeprefix("$CATEGORY:").strip().rsplit("/", 1)[-1] or None
            continue
        question = _read_question(line, text, result)
        if question is not None:
            question.category = category
            result.questions.append(question)
    return result


def _read_question(line: int, text: str, result: GiftFile) -> GiftQuestion | None:
    name = None
    if text.startswith("::") and "::" in text[2:]:
        name, text = text[2:].split("::", 1)
        name = _plain(name)
        text = text.strip()
    start, finish = text.find("{"), text.find("}")
    if start == -1 and finish == -1:
        result.skipped.append(Skipped(line, "description", _plain(text)))
        return None
    if start == -1 or finish < start:
        result.skipped.append(Skipped(line, "unreadable (braces do not match)", _plain(text)))
        return None
    if _EMBEDDED_RE.search(text):
        result.skipped.append(Skipped(line, "cloze (embedded answers)", _plain(text)))
        return None
    answers = text[start + 1 : finish].strip()
    after = text[finish + 1 :].strip()
    # Text after the answers is Moodle's "missing word" format: the answers fill a blank.
    stem = text[:start] + (" _____ " + after if after else "")
    explanation = ""
    if "####" in answers:
        answers, explanation = answers.rsplit("####", 1)
        answers = answers.strip()
    question_text = _plain(stem)
    kind = _gift_type(answers)
    reader = _READERS.get(kind)
    if reader is None:
        result.skipped.append(Skipped(line, kind, question_text))
        return None
    question = GiftQuestion(line, kind, name, question_text, [], _plain(explanation))
    reader(question, answers, result.notes)
    return question


def _gift_type(answers: str) -> str:
    """Moodle's own order of tests (qformat_gift::readquestion)."""
    if not answers:
        return "essay"
    if answers.startswith("#"):
        return "numeric"
    if "~" in answers:
        return "single" if "=" in answers else "multiple"
    if "=" in answers and "->" in answers:
        return "match"
    if answers.split("#", 1)[0].strip() in TRUE_WORDS:
        return "true-false"
    return "short answer"


def _read_choices(question: GiftQuestion, answers: str, notes: list) -> None:
    for raw in answers.replace("=", "~=").split("~"):
        raw = raw.strip()
        if not raw:
            continue
        if raw.startswith("="):
            weight, raw = 100.0, raw[1:]
        else:
            weight, raw = _weight(raw)
        text, feedback = _split_feedback(raw)
        correct = weight is not None and weight > 0
        if question.type == "single" and weight is not None and 0 < weight < 100:
            # Our single choice has one right answer; a half-right one counts as wrong.
            correct = False
            notes.append((question.line, f'partial credit {weight:g}% for "{text}" not imported'))
        question.options.append(GiftOption(text, correct, feedback))


def _read_true_false(question: GiftQuestion, answers: str, notes: list) -> None:
    word, *feedback = answers.split("#", 2)
    truth = TRUE_WORDS[word.strip()]
    # Moodle: the first feedback is for a wrong answer, the second for the right one.
    wrong = _plain(feedback[0]) if feedback else ""
    right = _plain(feedback[1]) if len(feedback) > 1 else ""
    question.options = [
        GiftOption("Waar", truth, right if truth else wrong),
        GiftOption("Niet waar", not truth, wrong if truth else right),
    ]


def _read_pairs(question: GiftQuestion, answers: str, notes: list) -> None:
    for raw in answers.split("="):
        if not raw.strip():
            continue
        left, _, right = raw.partition("->")
        left, right = _plain(left), _plain(right)
        if not left:
            # A right-hand side without a left one is a distractor; our matching has none.
            notes.append((question.line, f'extra answer "{right}" (a distractor) not imported'))
            continue
        question.options.append(GiftOption(f"{left} = {right}", True))


_READERS = {
    "single": _read_choices,
    "multiple": _read_choices,
    "true-false": _read_true_false,
    "match": _read_pairs,
}


def to_markdown(
    gift: GiftFile,
    *,
    module: str,
    language: str,
    objectives: set[str],
    objective: str | None,
    pass_mark: int = 70,
) -> str:
    """The quiz file. A question's objective is its GIFT category when that names one of the
    module's objectives, else `objective`; without either the validator asks for one."""
    lines = [
        "---",
        f"module: {module}",
        f"language: {language}",
        f"pass_mark: {pass_mark}",
        f"draw: {max(1, len(gift.questions))}",
        "shuffle: true",
        "---",
        "",
    ]
    for question in gift.questions:
        lines += _question_markdown(question, objectives, objective, language)
    return "\n".join(lines).rstrip() + "\n"


def _question_markdown(
    question: GiftQuestion, objectives: set[str], objective: str | None, language: str
) -> list[str]:
    chosen = question.category if question.category in objectives else objective
    lines = [f"## {question.text}", "", f"type: {question.type}"]
    if chosen:
        lines.append(f"objective: {chosen}")
    if question.name:
        lines.append(f"id: {question_id(question.name)}")
    lines.append("")
    for option in question.options:
        if question.type == "match":
            lines.append(f"- {option.text}")
            continue
        text = (
            _true_false_label(option.text, language)
            if question.type == "true-false"
            else option.text
        )
        lines.append(f"- [{'x' if option.correct else ' '}] {text}")
        if option.feedback:
            lines.append(f"  {option.feedback}")
    lines.append("")
    if question.explanation:
        lines += [f"explanation: {question.explanation}", ""]
    return lines


def _true_false_label(label: str, language: str) -> str:
    if language == "en":
        return {"Waar": "True", "Niet waar": "False"}[label]
    return label


def check_quiz(display: str, markdown: str, objectives: set[str]) -> tuple[list, list]:
    """(problems, warnings) from our own validator, as `flask content validate` prints them."""
    from app.content.frontmatter import parse_document
    from app.content.loader import raw_html_problems
    from app.content.quizparse import parse_quiz

    document = parse_document(display, markdown)
    quiz = parse_quiz(document, objectives)
    problems = quiz.problems + raw_html_problems(display, document.body, document.body_line)
    return sorted(set(problems)), sorted(set(quiz.warnings))
