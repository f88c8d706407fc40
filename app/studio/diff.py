"""What changed between two versions of a module, for a reader who is no programmer: per file
(lesson, introduction, quiz) the words added and the words removed, in the running text.

Files are matched by what they are, not by their number: a lesson moved from 02 to 03 is still
the same lesson.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")
_NUMBER_PREFIX = re.compile(r"/\d+-([^/]+)$")


@dataclass(frozen=True)
class Segment:
    #: "same", "added" or "removed".
    kind: str
    text: str


@dataclass
class FileChange:
    #: The file's name without its number, e.g. "inleiding.md", "module.md", "quiz".
    name: str
    segments: list[Segment]

    @property
    def added(self) -> int:
        return sum(len(s.text.split()) for s in self.segments if s.kind == "added")

    @property
    def removed(self) -> int:
        return sum(len(s.text.split()) for s in self.segments if s.kind == "removed")

    @property
    def changed(self) -> bool:
        return any(s.kind != "same" for s in self.segments)


def word_diff(old: str, new: str) -> list[Segment]:
    """The new text with removed words put back where they were, neighbouring tokens of one
    kind joined into one segment."""
    before, after = _TOKENS.findall(old), _TOKENS.findall(new)
    segments: list[Segment] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _append(segments, "same", "".join(after[j1:j2]))
            continue
        if tag in ("delete", "replace"):
            _append(segments, "removed", "".join(before[i1:i2]))
        if tag in ("insert", "replace"):
            _append(segments, "added", "".join(after[j1:j2]))
    return segments


def _append(segments: list[Segment], kind: str, text: str) -> None:
    if not text:
        return
    if segments and segments[-1].kind == kind:
        segments[-1] = Segment(kind, segments[-1].text + text)
    else:
        segments.append(Segment(kind, text))


def file_key(path: str) -> str:
    """ "modules/x/nl/02-inleiding.md" -> "inleiding.md"; the quiz file -> "quiz"."""
    if path.startswith("quizzes/"):
        return "quiz"
    match = _NUMBER_PREFIX.search(path)
    return match.group(1) if match else path.rsplit("/", 1)[-1]


def compare(old_files: dict[str, str], new_files: dict[str, str]) -> list[FileChange]:
    """Per file in either version, in the newer version's order, the words changed."""
    old = {file_key(path): text for path, text in old_files.items()}
    new = {file_key(path): text for path, text in new_files.items()}
    order = [file_key(path) for path in sorted(new_files)]
    order += [key for key in (file_key(path) for path in sorted(old_files)) if key not in new]
    order.sort(key=lambda key: (key != "module.md", key == "quiz"))
    return [FileChange(key, word_diff(old.get(key, ""), new.get(key, ""))) for key in order]
