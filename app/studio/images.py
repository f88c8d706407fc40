"""Images uploaded into a draft: the type read from the bytes, the size bounded, the name made safe.

SVG is refused: it is a document that can carry scripts and links, and no allow-list sanitiser
for it is part of this project. PNG, JPEG, GIF and WebP are recognised by their first bytes, not
by the name or the browser's content type, which anyone can set.
"""

from __future__ import annotations

import re
import unicodedata

from app.content.loader import MAX_ASSET_BYTES

#: (first bytes, extension); WebP is "RIFF" ... "WEBP".
SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
)
MAX_NAME_LENGTH = 60


class ImageRefused(ValueError):
    """Why an upload is not accepted: "too-big", "svg", "empty" or "not-an-image"."""


def image_type(data: bytes) -> str | None:
    """The extension belonging to the bytes, or None when they are no image we accept."""
    for signature, extension in SIGNATURES:
        if data.startswith(signature):
            return extension
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def looks_like_svg(name: str, data: bytes) -> bool:
    head = data[:1024].lstrip().lower()
    return name.lower().endswith(".svg") or head.startswith((b"<svg", b"<?xml"))


def safe_name(original: str, extension: str) -> str:
    """A file name of lower-case letters, digits and hyphens with the real extension:
    "Schéma 1 (def).PNG" becomes "schema-1-def.png"."""
    stem = original.rsplit("/", 1)[-1].rsplit("\\", 1)[-1].rsplit(".", 1)[0]
    stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode().lower()
    stem = re.sub(r"[^a-z0-9]+", "-", stem).strip("-")[:MAX_NAME_LENGTH].strip("-")
    return f"{stem or 'afbeelding'}.{extension}"


def checked_image(original_name: str, data: bytes) -> str:
    """The safe name for the upload; raises ImageRefused when it is not accepted."""
    if not data:
        raise ImageRefused("empty")
    if len(data) > MAX_ASSET_BYTES:
        raise ImageRefused("too-big")
    if looks_like_svg(original_name, data):
        raise ImageRefused("svg")
    extension = image_type(data)
    if extension is None:
        raise ImageRefused("not-an-image")
    return safe_name(original_name, extension)
