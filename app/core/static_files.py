"""Static files with fingerprinted URLs, a year's caching and gzip.

`url_for("static", filename=...)` gets `?v=<hash of the file>`: a changed file gets a new URL,
so browsers may keep each version for a year (Cache-Control: immutable) and never ask again.
CSS and JavaScript go out gzip-compressed to browsers that accept it (our CSS shrinks to about
a fifth). Behind nginx, its gzip does the same; this serves the app well without it too.

The hash and the compressed bytes are kept per process, keyed by the file's modification time:
every server computes the same from the same files.
"""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

from flask import Flask, Response, request

ONE_YEAR = 365 * 24 * 60 * 60
COMPRESSED_TYPES = {"text/css", "text/javascript", "application/javascript"}


def init_static_files(app: Flask) -> None:
    folder = Path(app.static_folder)
    fingerprints: dict[str, tuple[float, str]] = {}
    compressed: dict[str, tuple[float, bytes]] = {}

    def fingerprint(filename: str) -> str | None:
        path = folder / filename
        try:
            modified = path.stat().st_mtime
        except OSError:
            return None
        known = fingerprints.get(filename)
        if known is None or known[0] != modified:
            known = (modified, hashlib.sha256(path.read_bytes()).hexdigest()[:12])
            fingerprints[filename] = known
        return known[1]

    @app.url_defaults
    def add_fingerprint(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values:
            version = fingerprint(values["filename"])
            if version:
                values["v"] = version

    @app.after_request
    def cache_and_compress(response: Response) -> Response:
        if request.endpoint != "static" or response.status_code != 200:
            return response
        if request.args.get("v"):
            response.cache_control.public = True
            response.cache_control.max_age = ONE_YEAR
            response.cache_control.immutable = True
        if response.mimetype in COMPRESSED_TYPES and "gzip" in request.headers.get(
            "Accept-Encoding", ""
        ):
            filename = request.view_args["filename"]
            path = folder / filename
            modified = path.stat().st_mtime
            known = compressed.get(filename)
            if known is None or known[0] != modified:
                known = (modified, gzip.compress(path.read_bytes(), compresslevel=9, mtime=0))
                compressed[filename] = known
            sent_file = response.response
            if hasattr(sent_file, "close"):
                sent_file.close()  # the file Flask opened to send: we send the bytes instead
            response.direct_passthrough = False
            response.set_data(known[1])
            response.headers["Content-Encoding"] = "gzip"
            response.set_etag(f"{fingerprint(filename)}-gzip")
        response.vary.add("Accept-Encoding")
        return response
