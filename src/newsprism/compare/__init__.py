"""Compare the outlets of a story: facts aligned across outlets (agreed, differs, single-source), voices, framing."""
from .stage import CompareStage, compare_story

__all__ = ["CompareStage", "compare_story"]
