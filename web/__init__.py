"""web: the finarchive web desk (server-rendered pages) and REST API over one archive."""

from web.app import create_app
from web.server import serve

__all__ = ["create_app", "serve"]
