"""Running the app with uvicorn (``finarchive serve``)."""

from __future__ import annotations


def serve(archive, *, host: str = "127.0.0.1", port: int = 8000, log_level: str = "info") -> None:
    """Serve ``archive`` until interrupted."""
    import uvicorn

    from web.app import create_app

    uvicorn.run(create_app(archive), host=host, port=port, log_level=log_level,
                # the app reads X-Forwarded-For itself, from [web] trusted_proxies only (web/_auth.py)
                proxy_headers=False)
