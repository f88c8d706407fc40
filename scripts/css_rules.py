"""Reading and rewriting CSS text, for scripts/prune_vendor_css.py: top-level blocks, selector
and declaration lists, `var()` references, minifying, and merging rules without changing the
cascade. Enough for the NL Design System's own CSS, not a general CSS parser."""

from __future__ import annotations

import re

CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")


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


def replace_vars(text: str, replace) -> str:
    """Rewrites each `var(--name[, fallback])` in `text`, innermost first: `replace(name,
    fallback)` gives the new text, or None to keep the reference (its fallback rewritten)."""
    out, i = [], 0
    while (start := text.find("var(", i)) != -1:
        depth, j = 1, start + 4
        while depth:
            depth += {"(": 1, ")": -1}.get(text[j], 0)
            j += 1
        inner = text[start + 4 : j - 1]
        name, comma, fallback = split_first_comma(inner)
        fallback = replace_vars(fallback, replace) if comma else None
        new = replace(name.strip(), fallback)
        if new is None:
            new = f"var({name}{comma}{fallback or ''})"
        out.append(text[i:start] + new)
        i = j
    return "".join(out) + text[i:]


def split_first_comma(text: str) -> tuple[str, str, str]:
    depth = 0
    for index, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            return text[:index], ",", text[index + 1 :]
    return text, "", ""


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


#: Pseudo-classes every browser the app supports knows; a selector with another one is never put
#: in a list with others, since a browser that does not know it drops the whole rule.
KNOWN_PSEUDO = re.compile(
    r"::?(?!(?:focus|focus-visible|hover|active|disabled|checked|invalid|read-only|placeholder"
    r"|not|is|where|first-child|last-child|before|after|indeterminate|visited|link)\b)[\w-]+"
)

GROUPS = ("@media", "@supports", "@layer", "@container")

#: Properties whose first words differ but which set the same thing: a shorthand and its
#: longhands (`font` and `line-height`), physical and logical names (`width`, `inline-size`).
SAME_FAMILY = {"top": "inset", "bottom": "inset", "left": "inset", "right": "inset"}
SAME_FAMILY |= {"width": "inline", "height": "block", "line": "font", "word": "overflow"}
SAME_FAMILY |= {"column": "gap", "row": "gap", "place": "align", "justify": "align"}
VENDOR_PREFIX = re.compile(r"^-(?:webkit|moz|ms|o)-")


def property_families(body: str) -> set[str]:
    """The families of the properties a rule sets: the first word of each name (`border` for
    `border-color` and `border-block-end-color`), mapped where another word sets the same thing.
    Two rules with no family in common set nothing in common, so their order does not matter.
    Custom properties count by their full name; `all` sets everything."""
    families = set()
    for declaration in split_declarations(body):
        name = declaration.partition(":")[0].strip()
        if name.startswith("--"):
            families.add(name)
        elif name:
            first = VENDOR_PREFIX.sub("", name).split("-")[0]
            families.add(SAME_FAMILY.get(first, first))
    return families


def overlap(first: set[str], second: set[str]) -> bool:
    return bool(first & second) or "all" in first or "all" in second


def split_declarations(body: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for index, char in enumerate(body):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == ";" and depth == 0:
            parts.append(body[start:index])
            start = index + 1
    return [*parts, body[start:]]


def merge_identical_rules(css: str, together: dict[str, set[str]]) -> str:
    """Gives one rule the selectors of later rules in the same block with the same declarations
    (the focus ring, a primary button and button link). Moving a rule up past another changes
    no cascade when the two set no common property or can never match one element. Empty rules
    go."""
    tree = parse_tree(css)
    rules = []  # every rule in document order: [selectors, body, group, words, kept]
    collect_rules(tree, rules)
    for later, rule in enumerate(rules):
        if not rule[1] or KNOWN_PSEUDO.search(rule[0]):
            rule[4] = bool(rule[1])
            continue
        other = partner(rules, later, together, lambda other, rule=rule: other[1] == rule[1])
        if other and not KNOWN_PSEUDO.search(other[0]):
            other[0] += "," + rule[0]
            rule[4] = False
    return render_tree(tree)


def partner(rules: list, later: int, together: dict[str, set[str]], fits) -> list | None:
    """The nearest earlier rule in the same block that `fits`, if the later rule can move up to
    it: no rule in between sets a property of the same family on an element both can match."""
    rule = rules[later]
    for other in reversed(rules[:later]):
        if other[4] and other[2] is rule[2] and fits(other):
            return other
        if other[4] and overlap(other[3], rule[3]) and not apart(other[0], rule[0], together):
            return None
    return None


def share_contained_rules(css: str, together: dict[str, set[str]]) -> str:
    """Where a later rule's declarations are all in an earlier rule of the same block (a button
    and a button link, which adds two), the earlier rule is split: the shared declarations under
    both selectors, then its own extra ones. Safe under the same conditions as merging, and when
    the extra declarations came after any shared one they overlap with."""
    tree = parse_tree(css)
    rules = []
    collect_rules(tree, rules)
    for later, rule in enumerate(rules):
        shared = split_declarations(rule[1])
        if not rule[4] or KNOWN_PSEUDO.search(rule[0]) or len(rule[1]) < 500:
            continue
        other = partner(
            rules, later, together, lambda o, s=set(shared): s < set(split_declarations(o[1]))
        )
        if other and not KNOWN_PSEUDO.search(other[0]):
            mine = split_declarations(other[1])
            extra = [d for d in mine if d not in shared]
            if extras_last(mine, extra):
                other[1] = f"{';'.join(shared)}}}{other[0]}{{{';'.join(extra)}"
                other[0] += "," + rule[0]
                rule[4] = False
    return render_tree(tree)


def extras_last(declarations: list[str], extra: list[str]) -> bool:
    """Whether each extra declaration comes after every other one setting a property it shares."""
    for index, declaration in enumerate(declarations):
        if declaration in extra:
            words = property_families(declaration)
            after = declarations[index + 1 :]
            if any(d not in extra and overlap(property_families(d), words) for d in after):
                return False
    return True


def apart(first: str, second: str, together: dict[str, set[str]]) -> bool:
    """Whether no element can match both selector lists: each pair of selectors asks of the
    element itself two classes that no class attribute in the templates holds together."""
    return all(
        any(
            a in together and b in together and b not in together[a]
            for a in subject_classes(one)
            for b in subject_classes(two)
        )
        for one in split_selectors(first)
        for two in split_selectors(second)
    )


def subject_classes(selector: str) -> set[str]:
    """The classes the selected element itself must have (its compound, less `:not()` and such)."""
    depth, start = 0, 0
    for index, char in enumerate(selector):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and char in " >+~":
            start = index + 1
    compound = re.sub(r":[\w-]+\((?:[^()]|\([^()]*\))*\)", "", selector[start:])
    return set(CLASS.findall(compound))


def parse_tree(css: str) -> list:
    items = []
    for prelude, body in blocks(css):
        if body is None:
            items.append([prelude + ";"])
        elif prelude.startswith(GROUPS):
            items.append([prelude, parse_tree(body)])
        else:
            items.append([prelude, body, None, property_families(body), True])
    return items


def collect_rules(items: list, rules: list) -> None:
    for item in items:
        if len(item) == 5:
            item[2] = items
            rules.append(item)
        elif len(item) == 2:
            collect_rules(item[1], rules)


def render_tree(items: list) -> str:
    out = []
    for item in items:
        if len(item) == 1:
            out.append(item[0])
        elif len(item) == 2:
            inner = render_tree(item[1])
            if inner:
                out.append(f"{item[0]}{{{inner}}}")
        elif item[4]:
            out.append(f"{item[0]}{{{item[1]}}}")
    return "".join(out)
