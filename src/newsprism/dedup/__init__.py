"""Duplicates and syndication: exact, near and contained copies, and which outlet's copy is the origin.

Pure algorithm modules, no I/O:
  ``shingles``    words hashed from UTF-8 bytes in numpy, word k-gram shingle sets, exact keys
  ``minhash``     one-permutation and k-permutation MinHash signatures in bulk; an LSH index over datasketch
  ``similarity``  exact Jaccard / containment / coverage of two shingle sets
  ``detect``      candidate pairs (exact keys, LSH banding, content-defined anchors), furniture discount, verification
  ``groups``      agency names, origin order (credit, then time, then input order), union-find, ``syndication_groups``
``stage`` wires them to the pipeline's corpus (``DedupStage``).
"""
from newsprism.dedup.groups import syndication_groups

__all__ = ["syndication_groups"]
