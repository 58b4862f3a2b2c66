"""The request body limit, enforced while the body is read: a request declaring more than the limit is
answered 413 before a byte of it is read, and one that sends more than it declared (or streams without a
length) is cut off at the limit, the application's half-read request dropped and 413 answered instead.
Nothing of it is kept: the form parser closes its temporary files when the read fails, and the upload is
only written under the archive's home after the whole form has been read."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MB = 1024 * 1024
DEFAULT_MAX_BODY_MB = 100


class BodyTooLarge(Exception):
    """Raised into the application when its request body passes the limit."""


def _message(limit: int) -> str:
    return (f"запрос больше {limit // MB} МБ: файл не принят / the request is larger than {limit // MB} MB: "
            "nothing was stored")


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def _refuse(self, scope: Scope, send: Send) -> None:
        text = _message(self.max_bytes)
        if scope["path"].startswith("/api/"):
            body = json.dumps({"error": "RequestTooLarge", "message": text}, ensure_ascii=False).encode()
            kind = b"application/json"
        else:
            body, kind = text.encode(), b"text/plain; charset=utf-8"
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        try:
            too_long = declared is not None and int(declared) > self.max_bytes
        except ValueError:
            too_long = False
        if too_long:
            await self._refuse(scope, send)
            return
        seen = 0
        exceeded = False
        started = False

        async def limited_receive() -> Message:
            nonlocal seen, exceeded
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    exceeded = True
                    raise BodyTooLarge(_message(self.max_bytes))
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded:  # whatever the application made of the cut-off body, the answer is 413
                return
            started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except BodyTooLarge:
            pass
        except Exception:
            if not exceeded:
                raise
        if exceeded and not started:
            await self._refuse(scope, send)
