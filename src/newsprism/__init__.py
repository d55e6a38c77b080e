"""newsprism: follow one news story across many outlets."""

__version__ = "0.1.0"
