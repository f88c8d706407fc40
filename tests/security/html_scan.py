"""Reads a page as a browser would and lists what could run script or load from elsewhere."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

#: Attributes whose URL the browser fetches by itself, without the reader choosing to follow it.
LOADING_ATTRIBUTES = {"src", "srcset", "data", "poster", "background", "action", "formaction"}
#: <link rel=...> values that make the browser fetch the href.
LOADING_LINK_RELS = {
    "stylesheet",
    "preload",
    "prefetch",
    "modulepreload",
    "icon",
    "apple-touch-icon",
    "manifest",
    "dns-prefetch",
    "preconnect",
}
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]*)\1\s*\)|@import\s+(['"])([^'"]+)\3""", re.I)
SCRIPT_URL = re.compile(r"^\s*(javascript|vbscript|data\s*:\s*text/html)", re.I)


def is_foreign(url: str) -> bool:
    """True for a URL on another host; paths, fragments and data: URIs stay on our side."""
    url = url.strip()
    if not url or url.startswith(("#", "data:")):
        return False
    parts = urlsplit(url)
    return bool(parts.netloc) or parts.scheme not in ("", "mailto")


def css_urls(css: str) -> list[str]:
    """Every url(...) and @import target in a piece of CSS."""
    return [match.group(2) or match.group(4) for match in CSS_URL.finditer(css)]


@dataclass
class PageScan:
    #: Script that runs from the page itself: <script> bodies, on*= handlers, javascript: URLs.
    inline_code: list[str] = field(default_factory=list)
    #: style="" attributes and <style> blocks (a strict CSP forbids both).
    inline_styles: list[str] = field(default_factory=list)
    #: Elements that load something from another host by themselves.
    foreign_loads: list[str] = field(default_factory=list)
    #: Elements a stored payload could only have created by escaping out of the text.
    injected_elements: list[str] = field(default_factory=list)


class _Scanner(HTMLParser):
    INJECTED = {"script", "svg", "math", "iframe", "object", "embed", "base", "frame", "frameset"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.result = PageScan()
        self._inside: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = self.result
        values = {name: value or "" for name, value in attrs}
        if tag in self.INJECTED:
            found.injected_elements.append(f"<{tag}>")
        if tag in ("script", "style"):
            self._inside = tag
        if tag == "style":
            found.inline_styles.append("<style> block")
        if tag == "script" and values.get("src") is None:
            found.inline_code.append("<script> without src")
        for name, value in values.items():
            if name.startswith("on"):
                found.inline_code.append(f"<{tag} {name}=...>")
            if name == "style":
                found.inline_styles.append(f'<{tag} style="{value}">')
                found.foreign_loads += [
                    f"<{tag} style=url({u})>" for u in css_urls(value) if is_foreign(u)
                ]
            if name in ("href", "src", "action", "formaction", "data") and SCRIPT_URL.match(value):
                found.inline_code.append(f"<{tag} {name}={value}>")
            if name in LOADING_ATTRIBUTES and self._loads_foreign(name, value):
                found.foreign_loads.append(f"<{tag} {name}={value}>")
        rels = set(values.get("rel", "").lower().split())
        if tag == "link" and rels & LOADING_LINK_RELS and is_foreign(values.get("href", "")):
            found.foreign_loads.append(f"<link rel={values['rel']} href={values['href']}>")
        # A refresh that goes somewhere (content="0;url=...") navigates like a script could;
        # one that only reloads the page (the job page's "2") does not.
        refresh = tag == "meta" and values.get("http-equiv", "").lower() == "refresh"
        if refresh and "url" in values.get("content", "").lower():
            found.inline_code.append(f"<meta http-equiv=refresh content={values.get('content')}>")

    @staticmethod
    def _loads_foreign(name: str, value: str) -> bool:
        if name == "srcset":
            return any(is_foreign(part.split()[0]) for part in value.split(",") if part.strip())
        return is_foreign(value)

    def handle_startendtag(self, tag, attrs) -> None:
        self.handle_starttag(tag, attrs)
        self._inside = None

    def handle_endtag(self, tag: str) -> None:
        if tag == self._inside:
            self._inside = None

    def handle_data(self, data: str) -> None:
        if self._inside == "style":
            self.result.foreign_loads += [
                f"<style> url({u})" for u in css_urls(data) if is_foreign(u)
            ]


def scan(html: str) -> PageScan:
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner.result
