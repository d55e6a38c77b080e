"""Server-rendered pages. Each page renders the same payload its JSON twin under /api returns."""
from typing import Any


def mount_pages(*args: Any, **kwargs: Any) -> None:
    # Imported when called: ``web.pages`` needs ``newsprism.api``, whose app imports ``web.cache``; importing pages
    # here would make ``python -m newsprism.web.prerender`` (this package first) run into that cycle.
    from newsprism.web.pages import mount_pages as mount

    mount(*args, **kwargs)


__all__ = ["mount_pages"]
