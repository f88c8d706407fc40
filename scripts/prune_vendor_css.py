"""Prunes the NL Design System CSS to what Geletterd uses.

The full component library (about 400 KB) and the full example token set (about 200 KB) are kept
in assets/nlds/ (not served). This writes, under app/static/vendor:

- utrecht/component-library.css (406 KB -> 64 KB): only the rules whose selectors name classes
  the app uses (found in app/templates, app/static and the Python code; a class a template builds
  from literals, like `utrecht-button--{{ 'secondary' if x else 'primary' }}-action`, keeps those
  classes, and one built from a variable, like `utrecht-alert--{{ category }}`, every class with
  that start); less the rules for components inside rich text, which the Markdown sanitiser never
  lets through, and for states no template or script gives (`:disabled`, `:indeterminate`);
  less the library's own custom properties (`--_x`) nothing reads or sets any more; rules with the
  same declarations merged where that cannot change the cascade;
- voorbeeld-tokens/theme.css (208 KB -> 17 KB): only the design tokens those rules and
  app/static/css/app.css read, each with the tokens it refers to filled in.

Public tokens (`--utrecht-button-background-color`) are always read as the library reads them, so
an organisation's own theme (THEME_CSS_FILE) styles the pruned components as it would the full
ones. Run by scripts/refresh-vendor-css.sh; run it again (`python scripts/prune_vendor_css.py`)
after a template starts using a component, state or class it did not use before, and commit the
output (tests/test_static_files.py fails until then).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from css_rules import (  # scripts/css_rules.py: this script's folder is on the path
    CLASS,
    blocks,
    collect_rules,
    merge_identical_rules,
    minify,
    parse_tree,
    render_tree,
    replace_vars,
    share_contained_rules,
    split_declarations,
    split_selectors,
)

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "assets" / "nlds"
VENDOR = ROOT / "app" / "static" / "vendor"
VAR = re.compile(r"var\(\s*(--[\w-]+)")
COMMENT = re.compile(r"/\*.*?\*/", re.S)
#: A component inside rich text: Markdown's sanitiser lets no utrecht-* class through
#: (ALLOWED_CLASSES in app/content/markdown.py), so such a selector never matches.
INSIDE_RICH_TEXT = re.compile(r"\.utrecht-rich-text[\s>+~]+[^,]*\.utrecht-")
#: A class a template completes: `utrecht-button--{{ 'secondary' if x else 'primary' }}-action`.
BUILT_CLASS = re.compile(r"(utrecht-[\w-]*?)\{\{(.*?)\}\}([\w-]*)")
LITERAL = re.compile(r"""^\s*(?:'([\w-]*)'|"([\w-]*)")\s*$""")
WORD = re.compile(r"[\w-]+")
#: States only an attribute or a script gives; the templates and scripts name the attribute or
#: property when they use one (`disabled`, `indeterminate`), else such a selector never matches.
STATES = {
    ":disabled": "disabled",
    "[aria-disabled=true]": "aria-disabled",
    ":indeterminate": "indeterminate",
}
#: `:not(...)`: a class named in it need not be used for the selector to match.
NEGATION = re.compile(r":not\([^()]*(?:\([^()]*\)[^()]*)*\)")
CLASS_ATTRIBUTE = re.compile(r"""\bclass_?=\s*(?:"([^"]*)"|'([^']*)')""")


def used_classes() -> tuple[set[str], tuple[str, ...]]:
    """Every word in the app's templates, scripts, styles and code (a superset of the class
    names, which is what matters), and the class starts templates complete at run time."""
    words: set[str] = set()
    prefixes: set[str] = set()
    for pattern in ("templates/**/*.html", "static/js/*.js", "static/css/*.css", "**/*.py"):
        for path in (ROOT / "app").glob(pattern):
            text = path.read_text(encoding="utf-8")
            words.update(WORD.findall(text))
            for start, expression, end in BUILT_CLASS.findall(text):
                values = built_values(expression)
                if values is None:
                    prefixes.add(start)
                else:
                    words.update(start + value + end for value in values)
    return words, tuple(prefixes)


def markup() -> list[str]:
    """The templates and scripts: what gives an element its classes, attributes and states."""
    paths = [
        *(ROOT / "app" / "templates").glob("**/*.html"),
        *(ROOT / "app/static/js").glob("*.js"),
    ]
    return [path.read_text(encoding="utf-8") for path in sorted(paths)]


def classes_together(texts: list[str]) -> dict[str, set[str]]:
    """For each utrecht class in a class attribute, the classes it shares one with: the only
    classes one element can have together (no script or Python code sets a utrecht class)."""
    together: dict[str, set[str]] = {}
    for text in texts:
        for double, single in CLASS_ATTRIBUTE.findall(text):
            value = double or single
            names = set(re.findall(r"utrecht-[\w-]+", value))
            for start, expression, end in BUILT_CLASS.findall(value):
                names.update(start + v + end for v in built_values(expression) or [])
            for name in names:
                together.setdefault(name, set()).update(names)
    return together


def built_values(expression: str) -> list[str] | None:
    """The strings a Jinja expression can give when it only chooses between literals
    (`'a' if x else 'b'`), else None: then any class with the same start is kept."""
    outcomes = [part.split(" if ")[0] for part in expression.split(" else ")]
    matches = [LITERAL.match(outcome) for outcome in outcomes]
    if not all(matches):
        return None
    return [match.group(1) or match.group(2) or "" for match in matches]


def unused_state(selector: str, words: set[str]) -> bool:
    """Whether the selector needs a state (outside `:not()`) the app never gives an element."""
    positive = NEGATION.sub("", selector)
    return any(state in positive and word not in words for state, word in STATES.items())


def prune_rules(css: str, keep_class, words: set[str]) -> str:
    out = []
    for prelude, body in blocks(css):
        if body is None:
            out.append(prelude + ";")
        elif prelude.startswith(("@media", "@supports", "@layer", "@container")):
            inner = prune_rules(body, keep_class, words)
            if inner.strip():
                out.append(f"{prelude} {{\n{inner}\n}}")
        elif prelude.startswith("@"):
            out.append(f"{prelude} {{{body}}}")  # @keyframes, @font-face: small, kept whole
        else:
            kept = [
                selector
                for selector in split_selectors(prelude)
                if all(keep_class(name) for name in CLASS.findall(NEGATION.sub("", selector)))
                and not INSIDE_RICH_TEXT.search(selector)
                and not unused_state(selector, words)
            ]
            if kept:
                out.append(",\n".join(kept) + " {" + body + "}")
    return "\n".join(out)


def declared_properties(css: str) -> set[str]:
    return set(re.findall(r"(--[\w-]+)\s*:", css))


def inline_private_fallbacks(css: str, declared: set[str]) -> str:
    """`var(--_x, fallback)` becomes `fallback` when no kept rule sets `--_x`. Properties
    with a leading underscore are the library's own (a house style sets only public tokens), so
    once the variants that set one are pruned, the fallback is always what applies."""

    def replace(name: str, fallback: str | None) -> str | None:
        private_and_unset = name.startswith("--_") and name not in declared
        return fallback if private_and_unset and fallback and fallback.strip() else None

    return replace_vars(css, replace)


def prune_tokens(css: str, read: set[str]) -> str:
    """Keeps the custom properties in `read`, each with the token references in its value
    replaced by their values. All tokens sit in one block on the theme's class (the body), where
    the browser would resolve them just so; the intermediate tokens then need no bytes."""
    ((selector, body),) = blocks(css)
    definitions: dict[str, str] = {}
    for declaration in body.split(";"):
        name, _, value = declaration.partition(":")
        if name.strip().startswith("--"):
            definitions[name.strip()] = value.strip()
    resolved: dict[str, str] = {}

    def resolve(name: str, seen: tuple[str, ...] = ()) -> str | None:
        if name not in definitions or name in seen:
            return None  # undefined or a cycle: the reference stays
        if name not in resolved:
            resolved[name] = replace_vars(
                definitions[name], lambda inner, _fallback: resolve(inner, (*seen, name))
            )
        return resolved[name]

    wanted, todo = {}, sorted(read)
    while todo:
        name = todo.pop()
        if name in wanted or resolve(name) is None:
            continue
        wanted[name] = resolved[name]
        todo.extend(VAR.findall(wanted[name]))
    kept = [f"  {name}: {wanted[name]};" for name in definitions if name in wanted]
    return selector + " {\n" + "\n".join(kept) + "\n}"


def drop_unread_private(css: str, elsewhere: str) -> str:
    """Drops the library's own properties (`--_x`) that nothing reads any more, such as the
    disabled colours of a button once no rule for a disabled button is left; and then the
    tokens only they read are not kept either."""
    while True:
        read = set(VAR.findall(css)) | set(VAR.findall(elsewhere))
        tree = parse_tree(css)
        rules = []
        collect_rules(tree, rules)
        for rule in rules:
            rule[1] = ";".join(
                declaration
                for declaration in split_declarations(rule[1])
                if not (name := declaration.partition(":")[0].strip()).startswith("--_")
                or name in read
            )
        smaller = render_tree(tree)
        if smaller == css:
            return css
        css = smaller


def licence_header(css: str) -> str:
    return "\n".join(dict.fromkeys(re.findall(r"/\*\*?\s*\n \* @license.*?\*/", css, re.S)))


def build() -> dict[Path, str]:
    """The pruned files' paths and contents (main writes them; a test compares them)."""
    words, prefixes = used_classes()

    def keep_class(name: str) -> bool:
        return name in words or name.startswith(prefixes) if prefixes else name in words

    components = (SOURCE / "component-library.css").read_text(encoding="utf-8")
    texts = markup()
    markup_words = {word for text in texts for word in WORD.findall(text)}
    pruned = prune_rules(COMMENT.sub("", components), keep_class, markup_words)
    app_css = (ROOT / "app" / "static" / "css" / "app.css").read_text(encoding="utf-8")
    pruned = minify(pruned)
    while True:  # each step can leave more for the other
        smaller = inline_private_fallbacks(pruned, declared_properties(pruned + app_css))
        smaller = drop_unread_private(smaller, app_css)
        if smaller == pruned:
            break
        pruned = smaller
    together = classes_together(texts)
    pruned = share_contained_rules(merge_identical_rules(pruned, together), together)
    tokens = (SOURCE / "theme.css").read_text(encoding="utf-8")
    read = set(VAR.findall(pruned)) | set(VAR.findall(app_css))
    theme = minify(prune_tokens(COMMENT.sub("", tokens), read))
    note = "/* Pruned by scripts/prune_vendor_css.py from assets/nlds/: do not edit. */\n"
    return {
        VENDOR / "utrecht" / "component-library.css": (
            '@charset "UTF-8";\n' + licence_header(components) + "\n" + note + pruned + "\n"
        ),
        VENDOR / "voorbeeld-tokens" / "theme.css": note + theme + "\n",
    }


def main() -> None:
    for path, text in build().items():
        before = (SOURCE / path.name).stat().st_size  # the full file of the same name
        path.write_text(text, encoding="utf-8")
        print(f"{path.name}: {before:,} -> {len(text.encode()):,} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
