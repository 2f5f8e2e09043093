"""Routes that read at most so many bytes of body, so that no larger upload is spooled to disk first."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, ClassVar

from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.types import Message

__all__ = ["BodyLimitRoute"]


class BodyLimitRoute(APIRoute):
    """A route that reads at most :attr:`max_body_bytes` of body: refused (413, in the app's one error shape) at
    once when the Content-Length says more, else as soon as the bytes received pass it — before parsing.

    FastAPI's own ``max_body_size`` answers a declared oversize body with Starlette's plain-text 413, whatever the
    app's error handlers say; this raises the 413 where those handlers render it. Subclasses set the limit.
    """

    max_body_bytes: ClassVar[int]

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        def too_large() -> HTTPException:
            return HTTPException(413, f"the request body is larger than {self.max_body_bytes:,} bytes")

        async def limited(request: Request) -> Response:
            limit = self.max_body_bytes
            declared = request.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise too_large()
            received = 0

            async def receive() -> Message:
                nonlocal received
                message = await request.receive()
                received += len(message.get("body", b""))
                if received > limit:
                    raise too_large()
                return message

            return await handler(Request(request.scope, receive))

        return limited
