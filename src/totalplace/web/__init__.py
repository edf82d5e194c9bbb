"""The place dashboard: the count, the spending, the money between bodies and the estate, in a browser."""

from .app import create_app

__all__ = ["create_app"]
