"""The OpenAPI 3.1 description of /api/v1, kept beside the routes it describes."""

from typing import Any

MAX_PAGE = 1_000_000
PAGE_PARAMETERS = [
    {
        "name": "page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
    },
    {
        "name": "per_page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 100},
    },
    {
        "name": "unit",
        "in": "query",
        "description": "Unit code; includes every unit below it.",
        "schema": {"type": "string", "pattern": "^[^\\u0000-\\u001F]*$"},
    },
]
DATE_PARAMETERS = [
    {
        "name": "since",
        "in": "query",
        "description": "From this date (inclusive).",
        "schema": {"type": "string", "format": "date"},
    },
    {
        "name": "until",
        "in": "query",
        "description": "Up to this date (inclusive).",
        "schema": {"type": "string", "format": "date"},
    },
]
NULLABLE_STRING = {"type": ["string", "null"]}
NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}


def _page_of(item: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["items", "page", "per_page", "total", "next"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": f"#/components/schemas/{item}"}},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "total": {"type": "integer"},
            "next": {"type": ["string", "null"], "format": "uri"},
        },
    }


def _operation(summary: str, schema: str, parameters: list[dict]) -> dict[str, Any]:
    return {
        "get": {
            "summary": summary,
            "security": [{"bearer": []}],
            "parameters": parameters,
            "responses": {
                "200": {
                    "description": "A page of results",
                    "content": {
                        "application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}
                    },
                },
                "400": {"$ref": "#/components/responses/BadRequest"},
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "404": {"$ref": "#/components/responses/NotFound"},
            },
        }
    }


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def openapi_document(base_url: str) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Geletterd API",
            "version": "1.0.0",
            "description": "Read-only: employees' completion status, module completions and "
            "certificates of the token's organisation.",
        },
        "servers": [{"url": base_url.rstrip("/") + "/api/v1"}],
        "paths": {
            "/employees": _operation(
                "Employees with their assigned paths and status", "EmployeePage", PAGE_PARAMETERS
            ),
            "/completions": _operation(
                "Completed modules, with the version taken",
                "CompletionPage",
                PAGE_PARAMETERS + DATE_PARAMETERS,
            ),
            "/certificates": _operation(
                "Certificates and their status",
                "CertificatePage",
                PAGE_PARAMETERS + DATE_PARAMETERS,
            ),
        },
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token made by an admin.",
                }
            },
            "responses": {
                "BadRequest": _error("A parameter is not valid"),
                "Unauthorized": _error(
                    "No valid bearer token: missing, unknown, revoked or expired"
                ),
                "NotFound": _error("The unit does not exist"),
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error", "message", "status"],
                    "properties": {
                        "error": {"type": "string"},
                        "message": {"type": "string"},
                        "status": {"type": "integer"},
                    },
                },
                "Assignment": {
                    "type": "object",
                    "properties": {
                        "path": {"type": "string"},
                        "deadline": NULLABLE_DATE,
                        "status": {"enum": ["open", "valid", "expired", "revoked", "superseded"]},
                        "completed_on": NULLABLE_DATE,
                        "certificate_serial": NULLABLE_STRING,
                    },
                },
                "Employee": {
                    "type": "object",
                    "properties": {
                        "employee_number": NULLABLE_STRING,
                        "name": {"type": "string"},
                        "email": {"type": "string"},
                        "unit": NULLABLE_STRING,
                        "active": {"type": "boolean"},
                        "assignments": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/Assignment"},
                        },
                    },
                },
                "Completion": {
                    "type": "object",
                    "properties": {
                        "employee_number": NULLABLE_STRING,
                        "module": {"type": "string"},
                        "version": {"type": "string"},
                        "language": {"enum": ["nl", "en"]},
                        "completed_at": {"type": "string", "format": "date-time"},
                        "score": {"type": ["number", "null"]},
                    },
                },
                "Certificate": {
                    "type": "object",
                    "properties": {
                        "serial": {"type": "string"},
                        "employee_number": NULLABLE_STRING,
                        "kind": {"enum": ["module", "path"]},
                        "title": {"type": "string"},
                        "version": NULLABLE_STRING,
                        "issued_on": {"type": "string", "format": "date"},
                        "expires_on": NULLABLE_DATE,
                        "status": {"enum": ["valid", "expired", "revoked", "superseded"]},
                        "verify_url": {"type": "string", "format": "uri"},
                    },
                },
                "EmployeePage": _page_of("Employee"),
                "CompletionPage": _page_of("Completion"),
                "CertificatePage": _page_of("Certificate"),
            },
        },
    }
