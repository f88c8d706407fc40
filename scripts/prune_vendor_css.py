"""Prunes the NL Design System CSS to what Geletterd uses.

The full component library (about 400 KB) and the full example token set (about 200 KB) are kept
in assets/nlds/ (not served). This writes, under app/static/vendor/:

- utrecht/component-library.css: only the rules whose selectors name classes the app uses
  (found in app/templates, app/static and the Python code; a class a template builds, like
  `utrecht-alert--{{ category }}`, keeps every class with that start), less the rules for
  components inside rich text, which the Markdown sanitiser never lets through;
- voorbeeld-tokens/theme.css: only the design tokens (custom properties) those rules and
  app/static/css/app.css read, directly or through other tokens.

Run by scripts/refresh-vendor-css.sh; run it again (`python scripts/prune_vendor_css.py`) after
a template starts using a component it did not use before, and commit the output.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "assets" / "nlds"
VENDOR = ROOT / "app" / "static" / "vendor"
CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
VAR = re.compile(r"var\(\s*(--[\w-]+)")
COMMENT = re.compile(r"/\*.*?\*/", re.S)
#: A component inside rich text: Markdown's sanitiser lets no utrecht-* class through
#: (ALLOWED_CLASSES in app/content/markdown.py), so such a selector never matches.
INSIDE_RICH_TEXT = re.compile(r"\.utrecht-rich-text[\s>+~]+[^,]*\.utrecht-")
USED_PREFIX = re.compile(r"(utrecht-[\w-]*?)(?:\{\{|\{%)")
WORD = re.compile(r"[\w-]+")


def used_classes() -> tuple[set[str], tuple[str, ...]]:
    """Every word in the app's templates, scripts, styles and code (a superset of the class
    names, which is what matters), and the class starts templates complete at run time."""
    words: set[str] = set()
    prefixes: set[str] = set()
    for pattern in ("templates/**/*.html", "static/js/*.js", "static/css/*.css", "**/*.py"):
        for path in (ROOT / "app").glob(pattern):
            text = path.read_text(encoding="utf-8")
            words.update(WORD.findall(text))
            prefixes.update(USED_PREFIX.findall(text))
    return words, tuple(prefixes)


def blocks(css: str) -> list[tuple[str, str]]:
    """Top-level (prelude, body) pairs; an at-rule without a block has body None."""
    out, i, n = [], 0, len(css)
    while i < n:
        brace = css.find("{", i)
        semicolon = css.find(";", i)
        if brace == -1:
            break
        if css[i:].lstrip().startswith("@") and semicolon != -1 and semicolon < brace:
            out.append((css[i:semicolon].strip(), None))
            i = semicolon + 1
            continue
        depth, j = 1, brace + 1
        while depth and j < n:
            depth += {"{": 1, "}": -1}.get(css[j], 0)
            j += 1
        out.append((css[i:brace].strip(), css[brace + 1 : j - 1]))
        i = j
    return out


def split_selectors(prelude: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for index, char in enumerate(prelude):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(prelude[start:index].strip())
            start = index + 1
    parts.append(prelude[start:].strip())
    return parts


def prune_rules(css: str, keep_class) -> str:
    out = []
    for prelude, body in blocks(css):
        if body is None:
            out.append(prelude + ";")
        elif prelude.startswith(("@media", "@supports", "@layer", "@container")):
            inner = prune_rules(body, keep_class)
            if inner.strip():
                out.append(f"{prelude} {{\n{inner}\n}}")
        elif prelude.startswith("@"):
            out.append(f"{prelude} {{{body}}}")  # @keyframes, @font-face: small, kept whole
        else:
            kept = [
                selector
                for selector in split_selectors(prelude)
                if all(keep_class(name) for name in CLASS.findall(selector))
                and not INSIDE_RICH_TEXT.search(selector)
            ]
            if kept:
                out.append(",\n".join(kept) + " {" + body + "}")
    return "\n".join(out)


def prune_tokens(css: str, read: set[str]) -> str:
    """Keeps the custom properties in `read`, and those they read, transitively."""
    definitions: dict[str, str] = {}
    for _, body in blocks(css):
        for declaration in (body or "").split(";"):
            name, _, value = declaration.partition(":")
            if name.strip().startswith("--"):
                definitions[name.strip()] = value.strip()
    wanted, todo = set(), list(read)
    while todo:
        name = todo.pop()
        if name in wanted or name not in definitions:
            continue
        wanted.add(name)
        todo.extend(VAR.findall(definitions[name]))
    out = []
    for prelude, body in blocks(css):
        kept = [
            f"  {name.strip()}: {value.strip()};"
            for name, _, value in (d.partition(":") for d in (body or "").split(";"))
            if name.strip() in wanted
        ]
        if kept:
            out.append(prelude + " {\n" + "\n".join(kept) + "\n}")
    return "\n".join(out)


STRING = re.compile(r"""("(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*')""")


def minify(css: str) -> str:
    """Whitespace out, strings untouched: the vendor CSS is pretty-printed, nested var()
    fallbacks most of all."""
    parts = STRING.split(css)
    for index in range(0, len(parts), 2):  # the even parts are outside strings
        text = re.sub(r"\s+", " ", parts[index])
        text = re.sub(r"\s*([{};,>])\s*", r"\1", text)
        text = re.sub(r"\(\s+", "(", text)
        text = re.sub(r"\s+\)", ")", text)
        text = re.sub(r"(?<=[{;])\s*([-\w]+)\s*:\s*", r"\1:", text)
        parts[index] = text.replace(";}", "}")
    return "".join(parts)


def licence_header(css: str) -> str:
    return "\n".join(dict.fromkeys(re.findall(r"/\*\*?\s*\n \* @license.*?\*/", css, re.S)))


def main() -> None:
    words, prefixes = used_classes()

    def keep_class(name: str) -> bool:
        return name in words or name.startswith(prefixes) if prefixes else name in words

    components = (SOURCE / "component-library.css").read_text(encoding="utf-8")
    pruned = prune_rules(COMMENT.sub("", components), keep_class)
    tokens = (SOURCE / "theme.css").read_text(encoding="utf-8")
    app_css = (ROOT / "app" / "static" / "css" / "app.css").read_text(encoding="utf-8")
    read = set(VAR.findall(pruned)) | set(VAR.findall(app_css))
    theme = prune_tokens(COMMENT.sub("", tokens), read)
    note = "/* Pruned by scripts/prune_vendor_css.py from assets/nlds/: do not edit. */\n"
    pruned, theme = minify(pruned), minify(theme)
    (VENDOR / "utrecht" / "component-library.css").write_text(
        '@charset "UTF-8";\n' + licence_header(components) + "\n" + note + pruned + "\n"
    )
    (VENDOR / "voorbeeld-tokens" / "theme.css").write_text(note + theme + "\n")
    for name, before, after in (
        ("components", components, pruned),
        ("tokens", tokens, theme),
    ):
        print(f"{name}: {len(before.encode()):,} -> {len(after.encode()):,} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
