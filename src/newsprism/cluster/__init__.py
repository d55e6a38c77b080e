"""Stories: incremental clustering of articles into real-world events, and each story's timeline.

- ``features.py``: what one article looks like to the clusterer (words, name words, title words, day); online
  document frequencies. No I/O.
- ``online.py``: the online clusterer: inverted index of stories' heaviest words and names, scoring (body and title
  cosine, shared names, time proximity), and the repair passes that make the result independent of arrival order
  (reassign, split a story holding two events, merge). No I/O; its whole state is a JSON-able dict.
- ``timeline.py``: a story's developments per day, with the facts and quotes first reported then. No I/O.
- ``stage.py``: ``ClusterStage`` and ``TimelineStage``, the corpus stages the pipeline runs.
"""
