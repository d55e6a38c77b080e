"""Duplicates and syndication: exact, near and contained copies, and which outlet's copy is the origin.

Pure algorithm modules (``shingles``, ``minhash``, ``similarity``, ``detect``, ``groups``) do no I/O; ``stage`` wires
them to the pipeline's corpus.
"""
from newsprism.dedup.groups import syndication_groups

__all__ = ["syndication_groups"]
