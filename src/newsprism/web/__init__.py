"""Server-rendered pages. Each page renders the same payload its JSON twin under /api returns."""
from newsprism.web.pages import mount_pages

__all__ = ["mount_pages"]
