"""The JSON API (FastAPI). The web pages in ``newsprism.web`` render exactly these payloads."""
from newsprism.api.app import create_app

__all__ = ["create_app"]
