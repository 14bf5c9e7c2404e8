"""JSON answers an endpoint serialises itself, once.

A sync endpoint that returns a pydantic model has FastAPI check it against the route's
``response_model`` again, in a trip to a worker thread of its own, before pydantic writes the
JSON. For the hottest endpoints (a match, the lists) that trip cost about as much as a small
query (docs/request-path.md, "Fewer trips to a thread"): they build their model, which
validates it, and answer with its JSON here. The route keeps ``response_model=`` for the
OpenAPI document; a Response returned by the endpoint is sent as it is.
"""

from __future__ import annotations

from typing import Any

from fastapi.responses import Response
from pydantic import BaseModel, TypeAdapter


def model_json(model: BaseModel, *, status_code: int = 200) -> Response:
    return Response(
        model.model_dump_json(by_alias=True), status_code=status_code, media_type="application/json"
    )


def many_json(adapter: TypeAdapter[Any], items: Any, *, status_code: int = 200) -> Response:
    """``items`` as the JSON of ``adapter``'s type (a module-level TypeAdapter(list[X]))."""
    return Response(
        adapter.dump_json(items, by_alias=True),
        status_code=status_code,
        media_type="application/json",
    )
