"""Billy's answers on the wire: JSON responses and the error envelope."""

from __future__ import annotations

import datetime
import json

from werkzeug.exceptions import BadRequest
from werkzeug.wrappers import Request, Response

from .resources.validation import VALIDATION_ERROR_CODE, ValidationFailed

HELP_URL = "https://www.billy.dk/support/"


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, extra: dict | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra or {}


def not_allowed(method: str, path: str) -> ApiError:
    return ApiError(405, "METHOD_NOT_ALLOWED", f"The method {method} is not allowed on {path}.")


def json_response(body: dict, status: int = 200, headers: dict | None = None) -> Response:
    return Response(
        json.dumps(body, separators=(",", ":"), ensure_ascii=False),
        status=status,
        mimetype="application/json",
        headers=headers,
    )


def error_body(status: int, code: str, message: str, extra: dict | None = None) -> dict:
    """Billy's error envelope: meta, errorMessage, errorCode, helpUrl, errorTime."""
    body = {
        "meta": {"statusCode": status, "success": False},
        "errorMessage": message,
        "errorCode": code,
        "helpUrl": HELP_URL,
        "errorTime": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S"),
    }
    body.update(extra or {})
    return body


def error_response(status, code, message, extra=None, headers=None) -> Response:
    return json_response(error_body(status, code, message, extra), status, headers)


def validation_response(exc: ValidationFailed, as_400: bool = False) -> Response:
    """422 (Billy's own data layer expects it), or 400 ``INVALID_RECORD`` (quirk validation-400,
    the form one public client's fixture shows)."""
    extra = {"validationErrors": exc.errors}
    if as_400:
        return error_response(400, "INVALID_RECORD", exc.message, extra)
    return error_response(422, VALIDATION_ERROR_CODE, exc.message, extra)


def json_object(request: Request, invalid: ApiError, empty: str = "null") -> dict:
    """The request's JSON body, which must be an object (else ``invalid`` is raised)."""
    try:
        data = json.loads(request.get_data(as_text=True) or empty)
    except (ValueError, BadRequest) as exc:
        raise invalid from exc
    if not isinstance(data, dict):
        raise invalid
    return data
