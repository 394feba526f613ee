"""The web front door: ``create_app()`` builds the ASGI app that ``convscope serve`` runs."""

from .app import create_app

__all__ = ["create_app"]
