"""The API's error body, also for requests under /api/ that no route matched (404, 405)."""

from flask import Response, jsonify
from werkzeug.exceptions import HTTPException

API_PREFIX = "/api/"


def json_error(error: HTTPException) -> Response:
    response = jsonify({"error": error.name, "message": error.description, "status": error.code})
    response.status_code = error.code or 500
    for name, value in error.get_headers():
        if name.lower() != "content-type":  # e.g. Allow on a 405 (RFC 9110)
            response.headers[name] = value
    if error.code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="geletterd"'
    return response
