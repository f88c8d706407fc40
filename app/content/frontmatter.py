"""Splits a Markdown file into YAML front matter and body, keeping line numbers for messages."""

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from app.content.problems import Problem

DATE_RE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@dataclass
class Document:
    path: str
    meta: dict[str, Any]
    #: Line number of each top-level front-matter key.
    key_lines: dict[str, int]
    body: str
    #: Line number (1-based) of the body's first line in the file.
    body_line: int
    problems: list[Problem] = field(default_factory=list)

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, 1)


def _key_lines(text: str) -> dict[str, int]:
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {
        key.value: key.start_mark.line + 2  # +1 for 1-based, +1 for the opening "---" line
        for key, _ in node.value
        if isinstance(key, yaml.ScalarNode)
    }


def _impossible_date_line(lines: list[str]) -> int:
    """1-based line (within the front matter) of the first YYYY-MM-DD that is no real date."""
    for number, line in enumerate(lines, start=1):
        for match in DATE_RE.finditer(line):
            try:
                dt.date.fromisoformat(match.group(0))
            except ValueError:
                return number
    return 0


def parse_document(path: str, text: str, *, front_matter_required: bool = True) -> Document:
    """Reads `text`; YAML errors and a missing front matter become problems, never exceptions."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        problems = []
        if front_matter_required:
            problems.append(
                Problem(
                    path,
                    1,
                    'the file must start with front matter: a line "---", '
                    'then "key: value" lines, then "---"',
                )
            )
        return Document(path, {}, {}, text, 1, problems)
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        return Document(
            path,
            {},
            {},
            "",
            len(lines),
            [
                Problem(
                    path, 1, 'the front matter is not closed: add a line "---" after the last key'
                )
            ],
        )
    yaml_text = "\n".join(lines[1:end])
    body = "\n".join(lines[end + 1 :])
    try:
        meta = yaml.safe_load(yaml_text)
        key_lines = _key_lines(yaml_text)
    except ValueError as error:  # YAML reads 2026-13-01 as a date, and fails
        line = _impossible_date_line(lines[1:end]) + 1
        return Document(
            path,
            {},
            {},
            body,
            end + 2,
            [Problem(path, line, f"a date that does not exist ({error}): write YYYY-MM-DD")],
        )
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        reason = getattr(error, "problem", None) or "it is not valid YAML"
        return Document(
            path,
            {},
            {},
            body,
            end + 2,
            [
                Problem(
                    path,
                    line,
                    f"the front matter cannot be read: {reason}; check the "
                    "indentation and put text containing ':' or '#' in quotes",
                )
            ],
        )
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        return Document(
            path,
            {},
            {},
            body,
            end + 2,
            [Problem(path, 2, 'the front matter must be "key: value" lines')],
        )
    return Document(path, meta, key_lines, body, end + 2)
