"""Words one story's outlets use for one concept, folded to one term with WordNet.

Outlets paraphrase: one writes "no military facilities were targeted", another "no military installation was
targeted"; one says three jets "crashed", another that three planes "fell". Lexical matching sees different words.
WordNet (``knowledge.wordnet``) relates them when their common senses meet (``wordnet.related_pairs``); within one
story, the terms it relates are folded to one term. The fold is a star clustering: terms in order of how many
outlets use them, each term not yet folded becomes a centre and takes the related terms not yet folded. Every
folded term is related to its centre directly, so no chain of related words ("facility" - "installation" -
"installing" - "beginning") joins unrelated ones.

Only the story's own vocabulary is looked up, so a story costs a few thousand index lookups. Without the WordNet
data package nothing is folded.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from newsprism.knowledge import wordnet

from .text import content_words

# Clause words are folded as nouns, synonyms only (measured on the dev story, see the README): a word's part of
# speech is not known here and the verb senses of nouns relate too much ("place" and "put"); a noun's hypernym is
# often a word of its own in a story ("the dead" are "people", a "missile" a "weapon").
TERM_POS = ("noun",)
TERM_HYPERNYMS: tuple[str, ...] = ()
# Predicates of one counted thing are verbs (or event nouns) as the parse gives them, lemmatised: synonyms, and a
# direct hypernym among the other's common senses ("crash" is a way to "fall").
EVENT_POS = ("verb", "noun")
EVENT_HYPERNYMS = ("verb", "noun")


def star(weight: Mapping[str, tuple], linked: Mapping[str, set[str]]) -> dict[str, str]:
    """Star clustering of linked items: by ``weight`` (highest first, then the item), each item not yet folded is
    a centre and takes its linked items not yet folded or centres. Returns item -> centre for folded items."""
    fold: dict[str, str] = {}
    centres: set[str] = set()
    for key in sorted(linked, key=lambda k: (tuple(-x for x in weight[k]), k)):
        if key in fold:
            continue
        centres.add(key)
        for other in sorted(linked[key]):
            if other not in fold and other not in centres:
                fold[other] = key
    return fold


def _links(key_of: Mapping[str, str], pairs: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    """Related words as related keys (two words of one key are one term already)."""
    linked: dict[str, set[str]] = defaultdict(set)
    for a, b in pairs:
        ka, kb = key_of[a], key_of[b]
        if ka != kb:
            linked[ka].add(kb)
            linked[kb].add(ka)
    return linked


def story_fold(texts: Iterable[tuple[str, str]], wn: wordnet.WordNet | None = None) -> dict[str, str]:
    """For (outlet, text) pairs of one story, a map from term (``text.content_terms``' keys) to the term it is
    folded into; terms that stay themselves are left out."""
    wn = wn if wn is not None else wordnet.default()
    if wn is None:
        return {}
    key_of: dict[str, str] = {}
    outlets: dict[str, set[str]] = defaultdict(set)
    uses: Counter = Counter()
    for outlet, text in texts:
        for key, word in content_words(text):
            if word is None or not word.isalpha():
                continue
            key_of[word] = key
            outlets[key].add(outlet)
            uses[key] += 1
    pairs = wordnet.related_pairs(wn, key_of, pos=TERM_POS, hypernyms=TERM_HYPERNYMS)
    return star({k: (len(outlets[k]), uses[k]) for k in uses}, _links(key_of, pairs))


def event_fold(predicates: Mapping[str, int], wn: wordnet.WordNet | None = None) -> dict[str, str]:
    """For the predicates of one counted thing with their uses ({"fall": 2, "crash": 1}), a map from predicate
    to the predicate it is folded into."""
    wn = wn if wn is not None else wordnet.default()
    if wn is None or len(predicates) < 2:
        return {}
    key_of = {p.replace(" ", "_"): p for p in predicates}
    pairs = wordnet.related_pairs(wn, key_of, pos=EVENT_POS, hypernyms=EVENT_HYPERNYMS)
    return star({p: (n,) for p, n in predicates.items()}, _links(key_of, pairs))


def lexical_predicate(pred: str, wn: wordnet.WordNet | None = None) -> str:
    """A verb with a particle the parse attached ("crash in" in "jets crashed in Kashmir") is the verb alone,
    unless the lexicon lists the phrasal verb ("shoot down") or does not know the verb."""
    wn = wn if wn is not None else wordnet.default()
    if wn is None or " " not in pred:
        return pred
    verb = pred.split()[0]
    if wn.senses(pred.replace(" ", "_"), "verb") or not wn.lemmas(verb, "verb"):
        return pred
    return verb
