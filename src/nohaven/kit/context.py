"""The request id of the work in hand, so audit rows can name it without threading it through."""

from __future__ import annotations

from contextvars import ContextVar

from nohaven.kit.ids import new_id

request_id_var: ContextVar[str | None] = ContextVar("nohaven_request_id", default=None)


def current_request_id() -> str:
    rid = request_id_var.get()
    if rid is None:
        rid = "cli-" + new_id()[:16]
        request_id_var.set(rid)
    return rid
