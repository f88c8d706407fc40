"""The front-matter keys of modules, quizzes and learning paths, and their checks."""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.content.frontmatter import Document
from app.content.problems import Problem, did_you_mean

LANGUAGES = ("nl", "en")
AUDIENCES = ("everyone", "policy", "management", "procurement", "data-it")
COMPLETION_RULES = ("lessons-and-quiz", "lessons", "quiz")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
VERSION_RE = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")

Check = Callable[[Any], str | None]  # returns an error message, or None when the value is fine


def is_text(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return "must be text"
    return None


def is_slug(value: Any) -> str | None:
    if not isinstance(value, str) or not SLUG_RE.match(value):
        return "must be lower-case letters, digits and hyphens, e.g. wat-is-ai"
    return None


def is_language(value: Any) -> str | None:
    if value not in LANGUAGES:
        return f"must be one of {', '.join(LANGUAGES)}, not {value!r}"
    return None


def is_version(value: Any) -> str | None:
    if not isinstance(value, str) or not VERSION_RE.match(value):
        return "must be MAJOR.MINOR.PATCH, e.g. 1.0.0"
    return None


def is_int_between(low: int, high: int) -> Check:
    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            return f"must be a whole number from {low} to {high}"
        return None

    return check


def is_bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def is_date(value: Any) -> str | None:
    return None if isinstance(value, dt.date) else "must be a date written as YYYY-MM-DD"


def is_text_mapping(value: Any) -> str | None:
    if not isinstance(value, dict) or not value:
        return 'must be a list of "key: text" lines, indented under the key'
    for key, text in value.items():
        if not isinstance(key, str) or not isinstance(text, str) or not text.strip():
            return f'entry "{key}" must be "key: text"'
    return None


def is_list_of(allowed: tuple[str, ...] | None = None, *, slugs: bool = False) -> Check:
    def check(value: Any) -> str | None:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            return "must be a list, e.g. [a, b]"
        for item in value:
            if allowed is not None and item not in allowed:
                return f'"{item}" is not one of {", ".join(allowed)}{did_you_mean(item, allowed)}'
            if slugs and is_slug(item):
                return f'"{item}" is not a slug'
        return None

    return check


def is_non_empty_list_of(allowed: tuple[str, ...]) -> Check:
    inner = is_list_of(allowed)

    def check(value: Any) -> str | None:
        return inner(value) or (None if value else "must name at least one")

    return check


def is_sources(value: Any) -> str | None:
    if not isinstance(value, list) or not value:
        return "must be a list of sources, each with title and url"
    for index, source in enumerate(value, start=1):
        if not isinstance(source, dict) or not isinstance(source.get("title"), str):
            return f"entry {index} needs a title"
        url = source.get("url")
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            return f"entry {index} needs a url starting with https://"
    return None


def is_completion(value: Any) -> str | None:
    if value not in COMPLETION_RULES:
        return f"must be one of {', '.join(COMPLETION_RULES)}"
    return None


@dataclass(frozen=True)
class Key:
    check: Check
    required: bool = True


MODULE_KEYS = {
    "slug": Key(is_slug),
    "title": Key(is_text),
    "summary": Key(is_text),
    "language": Key(is_language),
    "version": Key(is_version),
    "minutes": Key(is_int_between(1, 600)),
    "objectives": Key(is_text_mapping),
    "audience": Key(is_non_empty_list_of(AUDIENCES)),
    "prerequisites": Key(is_list_of(slugs=True), required=False),
    "tags": Key(is_list_of(), required=False),
    "sources": Key(is_sources),
    "reviewed": Key(is_date),
    "glossary": Key(is_text_mapping, required=False),
    "completion": Key(is_completion, required=False),
}

QUIZ_KEYS = {
    "module": Key(is_slug),
    "language": Key(is_language),
    "pass_mark": Key(is_int_between(1, 100)),
    "draw": Key(is_int_between(1, 500)),
    "shuffle": Key(is_bool, required=False),
    "max_attempts": Key(is_int_between(0, 100), required=False),
    "wait_minutes": Key(is_int_between(0, 10080), required=False),
    "wait_after_failures": Key(is_int_between(1, 100), required=False),
}

PATH_KEYS = {
    "slug": Key(is_slug),
    "title": Key(is_text),
    "language": Key(is_language),
    "audience": Key(is_non_empty_list_of(AUDIENCES)),
    "modules": Key(is_list_of(slugs=True)),
    "deadline_days": Key(is_int_between(1, 3650)),
    "validity_months": Key(is_int_between(1, 240)),
}


def check_keys(doc: Document, keys: dict[str, Key]) -> list[Problem]:
    """Unknown, missing and mistyped keys of a document's front matter."""
    problems = []
    for name, value in doc.meta.items():
        line = doc.line_of(str(name))
        if name not in keys:
            hint = did_you_mean(str(name), keys) or f"; known keys: {', '.join(keys)}"
            problems.append(Problem(doc.path, line, f'unknown key "{name}"{hint}'))
            continue
        error = keys[name].check(value)
        if error:
            problems.append(Problem(doc.path, line, f"{name} {error}"))
    for name, key in keys.items():
        if key.required and name not in doc.meta:
            problems.append(Problem(doc.path, 1, f'the front matter lacks the key "{name}"'))
    return problems


def major_of(version: str) -> int:
    match = VERSION_RE.match(version)
    return int(match.group(1)) if match else 0


def version_tuple(version: str) -> tuple[int, int, int]:
    match = VERSION_RE.match(version)
    return (int(match.group(1)), int(match.group(2)), int(match.group(3))) if match else (0, 0, 0)
