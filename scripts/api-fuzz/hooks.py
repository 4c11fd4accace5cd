"""Schemathesis hooks of scripts/api-fuzz/run.sh (make test-api-fuzz).

GET /v1/search has constraints between parameters that OpenAPI 3.0 cannot
state and that internal/api/openapi.json states in its descriptions: a
cursor is "*" or a next_cursor the API made (a random token is refused),
page must be 1 with a cursor, group cannot be combined with a cursor, page times size may not pass 10000, and
price_min may not pass price_max. A generated case that breaks one of them
is dropped, so that such a refusal is not taken for a valid request
refused. Nothing else is filtered or changed.
"""

from decimal import Decimal, InvalidOperation

import schemathesis

MAX_RESULT_DEPTH = 10000


def _one(query, name):
    value = query.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    return value


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _decimal(value):
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def breaks_search_constraints(query):
    """True when a search query breaks a constraint between parameters."""
    if not query:
        return False
    cursor = _one(query, "cursor")
    page = _int(_one(query, "page"))
    size = _int(_one(query, "size"))
    if cursor is not None:
        if _one(query, "group") is not None:
            return True
        if cursor != "*":
            return True
        if page is not None and page != 1:
            return True
    if page is not None and page * (size if size is not None else 20) > MAX_RESULT_DEPTH:
        return True
    low, high = _decimal(_one(query, "price_min")), _decimal(_one(query, "price_max"))
    return low is not None and high is not None and low > high


@schemathesis.hook
def filter_case(ctx, case):
    if case.operation.method.upper() == "GET" and case.operation.path == "/v1/search":
        return not breaks_search_constraints(case.query)
    return True
