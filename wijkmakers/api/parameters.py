"""The query parameters of the JSON API, checked against the OpenAPI document itself.

The document (``openapi.py``) is the one description of what each operation accepts; ``query`` reads an
operation's parameters from it and refuses, with a Dutch 400, what the document does not admit: a
parameter it does not name, an empty or repeated one, a value outside its enum, pattern or bounds, and a
number that is not a whole number. So the document cannot promise less or more than the code accepts.
"""
import re
from functools import cache

from flask import request

from ..core.errors import DomainError
from . import openapi

_WHOLE_NUMBER = re.compile(r"-?[0-9]+")
_MAX_DIGITS = 30  # longer numbers are outside every bound; int() of thousands of digits is slow


class BadParameter(DomainError):
    """A query parameter the API does not accept: answered with 400 and the Dutch sentence as JSON."""

    status = 400


@cache
def _parameters(operation_id: str) -> dict[str, dict]:
    """name -> parameter object of the operation's query parameters (the document is built once)."""
    for operations in openapi.document("").get("paths", {}).values():
        for operation in operations.values():
            if operation.get("operationId") == operation_id:
                return {p["name"]: p for p in operation.get("parameters", ()) if p["in"] == "query"}
    raise KeyError(operation_id)


def query(operation_id: str, args=None) -> dict[str, object]:
    """The operation's query parameters from ``args`` (the request's by default), converted to their schema
    type, with the documented default (or None) for those not given. Raises BadParameter naming every
    problem at once."""
    args = request.args if args is None else args
    known = _parameters(operation_id)
    problems = []
    for name in args:
        if name not in known:
            allowed = ", ".join(known) if known else "geen"
            problems.append(f"Onbekende parameter '{name[:40]}'. Deze vraag kent: {allowed}.")
    values = {}
    for name, parameter in known.items():
        given = args.getlist(name)
        schema = parameter.get("schema", {})
        if not given:
            values[name] = schema.get("default")
            continue
        if len(given) > 1:
            problems.append(f"Geef '{name}' maar één keer mee.")
            continue
        value, problem = _check(name, given[0], schema, parameter.get("description"))
        if problem:
            problems.append(problem)
        values[name] = value
    if problems:
        raise BadParameter(" ".join(problems))
    return values


def _check(name: str, raw: str, schema: dict, description: str | None) -> tuple[object, str | None]:
    """(value, None) for a value the schema admits, (None, Dutch sentence) for one it does not."""
    shown = raw[:40]
    if raw == "":
        return None, f"'{name}' is leeg. Laat de parameter weg of geef een waarde."
    if schema.get("type") == "integer":
        if not _WHOLE_NUMBER.fullmatch(raw):
            return None, f"'{name}' moet een heel getal zijn, niet '{shown}'."
        value = int(raw) if len(raw) <= _MAX_DIGITS else (-1 if raw[0] == "-" else 1) * 10**_MAX_DIGITS
        low, high = schema.get("minimum"), schema.get("maximum")
        if (low is not None and value < low) or (high is not None and value > high):
            bounds = (f"van {low} tot en met {high}" if low is not None and high is not None
                      else f"van {low} of meer" if low is not None else f"tot en met {high}")
            return None, f"'{name}' moet een heel getal {bounds} zijn, niet {shown}."
        return value, None
    if "enum" in schema and raw not in schema["enum"]:
        return None, f"Onbekende waarde '{shown}' voor '{name}'. Kies uit: {', '.join(schema['enum'])}."
    if "pattern" in schema and not re.search(schema["pattern"], raw):
        return None, f"Ongeldige waarde '{shown}' voor '{name}'. {description or ''}".strip()
    return raw, None
