"""Stories: incremental clustering of articles into real-world events, and each story's timeline.

- ``evidence.py``: what in a text is evidence of the event (furniture lines, credits and archive stamps out) and
  the days it names (event dates resolved against the publication date). No I/O.
- ``features.py``: what one article looks like to the clusterer (words, name words and named days, title words,
  day); online document frequencies blended with general-English rarity. No I/O.
- ``online.py``: the online clusterer: inverted index of stories' heaviest words and names, scoring (body and title
  cosine, shared names, time proximity), joins decided by threshold or by contrast with the runner-up, copies
  scored as one unit, the repair passes (reassign, split, merge) and the re-examination of recent stories that make
  the result independent of how articles were batched. No I/O; its state is a JSON-able dict with one entry per
  story (the story's sums and, while it is recent, its members' compact records).
- ``pairs.py``: whether two groups of articles report one event: evidence features of a pair of groups (average
  link, core names missing, shared days, numbers) and a logistic model fitted on ECB+ train
  (``benchmarks/cluster_fit.py``); the split pass and the final merge pass of ``online.py`` decide with it. No I/O.
- ``titles.py``: story titles from real headlines or an extract of a reporting sentence. No I/O.
- ``timeline.py``: a story's developments per day, with the facts and quotes first reported then. No I/O.
- ``stage.py``: ``ClusterStage`` and ``TimelineStage``, the corpus stages the pipeline runs.
"""
