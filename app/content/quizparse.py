"""Reads a quiz file (quizzes/<slug>.<language>.md) into question dicts, with problems per line."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from app.content.cues import cue_warnings
from app.content.frontmatter import Document
from app.content.markdown import RenderContext, render_markdown
from app.content.problems import Problem, did_you_mean
from app.content.questions import (
    QUESTION_TYPES,
    RawOption,
    RawQuestion,
    infer_type,
)
from app.content.schema import QUIZ_KEYS, check_keys

TASK_RE = re.compile(r"^[-*] \[([ xX])\]\s+(.*)$")
NUMBERED_RE = re.compile(r"^\d+[.)]\s+(.*)$")
PAIR_RE = re.compile(r"^[-*] (.+?)\s+=\s+(.+)$")
PLAIN_RE = re.compile(r"^[-*] (.*)$")
META_RE = re.compile(r"^([A-Za-z_-]+):\s*(.*)$")
# Keys may be written in English or in Dutch.
META_KEYS = {
    "type": "type",
    "soort": "type",
    "objective": "objective",
    "leerdoel": "objective",
    "id": "id",
}
EXPLANATION_KEYS = ("explanation:", "uitleg:")


@dataclass
class ParsedQuiz:
    path: str
    module: str
    language: str
    settings: dict[str, Any]
    questions: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: Cues a guesser could use (app/content/cues.py): shown, but they block nothing.
    warnings: list[Problem] = field(default_factory=list)


def question_id(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "vraag"


def _split_questions(
    doc: Document,
) -> tuple[list[tuple[int, str, list[tuple[int, str]]]], list[Problem]]:
    """[(heading line, heading text, [(line, text), ...]), ...] and stray text before the first."""
    blocks: list[tuple[int, str, list[tuple[int, str]]]] = []
    problems = []
    for offset, line in enumerate(doc.body.split("\n")):
        number = doc.body_line + offset
        if line.startswith("## "):
            blocks.append((number, line[3:].strip(), []))
        elif blocks:
            blocks[-1][2].append((number, line))
        elif line.strip() and not problems:
            problems.append(
                Problem(
                    doc.path,
                    number,
                    'text before the first question: start each question with a heading "## "',
                )
            )
    return blocks, problems


def _read_block(
    path: str, line: int, text: str, body: list[tuple[int, str]]
) -> tuple[RawQuestion, list[Problem]]:
    problems: list[Problem] = []
    meta: dict[str, str] = {}
    stem: list[str] = []
    options: list[RawOption] = []
    explanation: list[str] = []
    section = "meta"
    for number, content in body:
        stripped = content.strip()
        if section == "explanation":
            explanation.append(content)
            continue
        if stripped.lower().startswith(EXPLANATION_KEYS):
            section = "explanation"
            explanation.append(stripped.split(":", 1)[1].strip())
            continue
        if section == "meta":
            match = META_RE.match(stripped)
            if match and match.group(1).lower() in META_KEYS:
                meta[META_KEYS[match.group(1).lower()]] = match.group(2).strip()
                continue
            if (
                match
                and " " not in match.group(1)
                and did_you_mean(match.group(1).lower(), META_KEYS)
            ):
                problems.append(
                    Problem(
                        path,
                        number,
                        f'unknown key "{match.group(1)}"'
                        f"{did_you_mean(match.group(1).lower(), META_KEYS)}",
                    )
                )
                continue
            if not stripped:
                continue
            section = "stem"
        option = _option(number, content)
        if option is not None:
            section = "options"
            options.append(option)
        elif section == "options" and content.startswith(("  ", "\t")) and stripped:
            options[-1].feedback.append(stripped)
        elif section == "options" and stripped:
            problems.append(
                Problem(
                    path,
                    number,
                    "text after the options: indent feedback under "
                    "its option with two spaces, or start the explanation with "
                    '"explanation:"',
                )
            )
        else:
            stem.append(content)
    raw = RawQuestion(
        path=path,
        line=line,
        id=meta.get("id") or question_id(text),
        text=text,
        type=meta.get("type"),
        objective=meta.get("objective"),
        stem="\n".join(stem).strip(),
        options=options,
        explanation="\n".join(explanation).strip(),
    )
    return raw, problems


def _option(number: int, content: str) -> RawOption | None:
    if content.startswith((" ", "\t")):
        return None
    if match := TASK_RE.match(content):
        return RawOption(number, "task", match.group(2).strip(), match.group(1) in "xX")
    if match := NUMBERED_RE.match(content):
        return RawOption(number, "numbered", match.group(1).strip())
    if match := PAIR_RE.match(content):
        return RawOption(number, "pair", f"{match.group(1).strip()} = {match.group(2).strip()}")
    if match := PLAIN_RE.match(content):
        return RawOption(number, "plain", match.group(1).strip())
    return None


def _inline(text: str, language: str) -> str:
    html = render_markdown(text, RenderContext(language=language))
    # A one-paragraph option reads better without its <p> wrapper.
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return html[3:-4]
    return html


def _question_dict(raw: RawQuestion, type_name: str, language: str) -> dict[str, Any]:
    options = []
    for option in raw.options:
        entry: dict[str, Any] = {
            "correct": option.checked,
            "feedback_html": _inline(" ".join(option.feedback), language)
            if option.feedback
            else "",
        }
        if option.kind == "pair":
            left, right = option.text.split(" = ", 1)
            entry.update(
                left_html=_inline(left, language),
                right_html=_inline(right, language),
                html=_inline(right, language),
            )
        else:
            entry["html"] = _inline(option.text, language)
        options.append(entry)
    return {
        "id": raw.id,
        "type": type_name,
        "objective": raw.objective,
        "text": raw.text,
        "line": raw.line,
        "stem_html": render_markdown(raw.stem, RenderContext(language=language))
        if raw.stem
        else "",
        "options": options,
        "explanation_html": render_markdown(raw.explanation, RenderContext(language=language)),
    }


def parse_quiz(doc: Document, objectives: set[str] | None) -> ParsedQuiz:
    """Parses the questions; `objectives` (the module's) are checked when known."""
    problems = list(doc.problems) or check_keys(doc, QUIZ_KEYS)
    meta = doc.meta
    quiz = ParsedQuiz(
        doc.path,
        str(meta.get("module", "")),
        str(meta.get("language", "")),
        {
            "pass_mark": meta.get("pass_mark", 70),
            "draw": meta.get("draw", 1),
            "shuffle": meta.get("shuffle", True),
            "max_attempts": meta.get("max_attempts", 0),
            "wait_minutes": meta.get("wait_minutes", 0),
            "wait_after_failures": meta.get("wait_after_failures", 1),
        },
    )
    typed: list[tuple[str, RawQuestion]] = []
    blocks, stray = _split_questions(doc)
    problems += stray
    seen_ids: dict[str, int] = {}
    for line, text, body in blocks:
        raw, block_problems = _read_block(doc.path, line, text, body)
        problems += block_problems
        type_name = raw.type or infer_type(raw)
        if type_name not in QUESTION_TYPES:
            problems.append(
                Problem(
                    doc.path,
                    line,
                    f'unknown question type "{type_name}"'
                    f"{did_you_mean(type_name, QUESTION_TYPES)}; types: "
                    f"{', '.join(QUESTION_TYPES)}",
                )
            )
            continue
        problems += QUESTION_TYPES[type_name].check(raw)
        if not raw.text:
            problems.append(Problem(doc.path, line, "the question heading is empty"))
        if not raw.objective:
            problems.append(
                Problem(
                    doc.path,
                    line,
                    'the question lacks "objective: <key>", the learning objective it tests',
                )
            )
        elif objectives is not None and raw.objective not in objectives:
            problems.append(
                Problem(
                    doc.path,
                    line,
                    f'objective "{raw.objective}" is not in the '
                    f"module's objectives{did_you_mean(raw.objective, objectives)}",
                )
            )
        if not raw.explanation:
            problems.append(
                Problem(
                    doc.path,
                    line,
                    'the question lacks an explanation: add "explanation: ..." after the options',
                )
            )
        if raw.id in seen_ids:
            problems.append(
                Problem(
                    doc.path,
                    line,
                    f'two questions have the id "{raw.id}" (see line '
                    f'{seen_ids[raw.id]}): change a heading or add "id: ..."',
                )
            )
        seen_ids[raw.id] = line
        typed.append((type_name, raw))
        quiz.questions.append(_question_dict(raw, type_name, quiz.language or "nl"))
    if not blocks and not doc.problems:
        problems.append(
            Problem(doc.path, doc.body_line, 'the quiz has no questions; start each with "## "')
        )
    draw = meta.get("draw")
    if isinstance(draw, int) and blocks and draw > len(blocks):
        problems.append(
            Problem(
                doc.path,
                doc.line_of("draw"),
                f"draw is {draw} but the pool has "
                f"only {len(blocks)} questions: lower draw or add questions",
            )
        )
    quiz.problems = problems
    quiz.warnings = cue_warnings(doc.path, typed, quiz.language)
    return quiz
