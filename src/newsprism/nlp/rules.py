"""spaCy's rule-based components (the attribute ruler and the lemmatizer), applied with the same result at a
fraction of their cost.

The English pipeline's ``attribute_ruler`` runs a ``Matcher`` of ~180 token patterns over every token and then sets
attributes match by match; that cost as much as the tagger, parser and lemmatizer together. Its patterns are short
(one or two tokens) and look only at a token's own attributes, so which pattern positions a token satisfies is a
function of a handful of its attribute values: that is computed once per distinct combination (a few thousand in a
large corpus) and cached, and the resulting attributes are written with one ``Doc.from_array`` per doc.

The semantics are the ruler's: every pattern is matched against the attributes as they were before the ruler ran,
and the matched rules are applied in rule order (a later rule overrides an earlier one), each to its token
(``index``). A ruler with patterns outside the supported forms (operators, other attributes or predicates) is left
to spaCy's own implementation; ``tests/nlp/test_rules.py`` checks the outputs are identical.

The rule lemmatizer already caches its answer per (word, POS, morphology), but visits every token in Python to ask;
``FastLemmatizer`` reads those three columns in one array and asks the lemmatizer itself only for combinations it has
not answered yet.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import numpy
from spacy.attrs import DEP, IDS, LEMMA, MORPH, ORTH, POS, TAG
from spacy.language import Language
from spacy.pipeline import AttributeRuler, Lemmatizer
from spacy.tokens import Doc

# Token attributes a pattern may test, and those a rule may set, for the fast path.
_TESTED = ("ORTH", "LOWER", "NORM", "TAG", "DEP", "IS_SPACE", "IS_PUNCT", "IS_DIGIT", "IS_ALPHA", "LEMMA")
_SET = (POS, TAG, LEMMA, MORPH, DEP)
_STRING_ATTRS = {"ORTH", "LOWER", "NORM", "TAG", "DEP", "LEMMA"}


class Unsupported(ValueError):
    pass


def _predicate(vocab, attr: str, spec) -> Callable[[int], bool]:
    """A test on one attribute's value as ``Doc.to_array`` gives it (a string hash, or 0/1 for flags)."""
    if attr not in _STRING_ATTRS:  # a flag
        if isinstance(spec, bool):
            want = int(spec)
            return lambda v: v == want
        raise Unsupported(f"{attr}: {spec!r}")
    def sid(s: str) -> int:
        return vocab.strings.add(s)
    if isinstance(spec, str):
        want = sid(spec)
        return lambda v: v == want
    if isinstance(spec, dict) and len(spec) == 1:
        (op, arg), = spec.items()
        if op == "IN":
            ids = frozenset(sid(s) for s in arg)
            return lambda v: v in ids
        if op == "NOT_IN":
            ids = frozenset(sid(s) for s in arg)
            return lambda v: v not in ids
        if op == "REGEX":
            rx = re.compile(arg)
            return lambda v: bool(rx.search(vocab.strings[v]))
    raise Unsupported(f"{attr}: {spec!r}")


class FastAttributeRules:
    """The rules of an ``AttributeRuler``, matched through a per-value cache. Raises ``Unsupported`` for a ruler
    this does not cover."""

    def __init__(self, ruler: AttributeRuler):
        vocab = ruler.vocab
        self.vocab = vocab
        tested: list[str] = []
        # patterns: (rule number, [(attr, predicate) per token], index of the token the rule sets)
        raw = []
        for i in range(len(ruler.attrs)):
            for pattern in ruler.matcher.get(str(i))[1]:
                for tok in pattern:
                    for attr in tok:
                        if attr not in _TESTED:  # also "OP": a pattern of variable length
                            raise Unsupported(attr)
                        if attr not in tested:
                            tested.append(attr)
                raw.append((i, pattern, ruler.indices[i]))
            if any(a not in _SET for a in ruler.attrs[i]):
                raise Unsupported(f"rule {i} sets {sorted(ruler.attrs[i])}")
        self.tested = tested
        self.columns = [IDS[a] for a in tested]
        self.rules = [dict(a) for a in ruler.attrs]
        # one test per (pattern, position): does a token satisfy that position's predicates. A test holds when
        # each of its predicates holds, and a predicate reads one attribute: which predicates hold is cached per
        # attribute value (a few thousand words), which tests hold per combination of values.
        self.patterns: list[tuple[int, int, int]] = []  # (rule, length, index)
        self.tests: list[tuple[int, int]] = []  # (pattern, position)
        self.required: list[int] = []  # predicates per test
        self.preds: list[list[tuple[int, Callable[[int], bool]]]] = [[] for _ in tested]  # per column: (test, pred)
        for p, (rule, pattern, index) in enumerate(raw):
            self.patterns.append((rule, len(pattern), index))
            for pos, tok in enumerate(pattern):
                t = len(self.tests)
                self.tests.append((p, pos))
                self.required.append(len(tok))
                for a, spec in tok.items():
                    self.preds[tested.index(a)].append((t, _predicate(vocab, a, spec)))
        self.always = [t for t, k in enumerate(self.required) if k == 0]  # {} matches any token
        self._by_value: list[dict[int, tuple[int, ...]]] = [{} for _ in tested]
        self.single = {p for p, (_, n, _) in enumerate(self.patterns) if n == 1}
        self._sat: dict[tuple, tuple] = {}
        self.set_attrs = sorted({a for r in self.rules for a in r})

    def _satisfied(self, key: tuple) -> tuple:
        """For one combination of tested values: the pattern positions it satisfies, the longer patterns it may
        start, and what its single-token rules set (applied in rule order): a mask and the values per column."""
        hit = self._sat.get(key)
        if hit is None:
            count = dict.fromkeys(self.always, 0)
            for c, v in enumerate(key):
                held = self._by_value[c].get(v)
                if held is None:
                    held = self._by_value[c][v] = tuple(t for t, f in self.preds[c] if f(v))
                for t in held:
                    count[t] = count.get(t, 0) + 1
            sat = frozenset(self.tests[t] for t, k in count.items() if k == self.required[t])
            starts = tuple(p for p, pos in sat if pos == 0 and p not in self.single)
            rules = sorted({self.patterns[p][0] for p, pos in sat if p in self.single})
            hit = self._sat[key] = (sat, starts, rules) + self._fold(rules)
        return hit

    def _fold(self, rules: Iterable[int]) -> tuple[tuple[bool, ...], tuple[int, ...]]:
        vals: dict[int, int] = {}
        for r in rules:
            vals.update(self.rules[r])
        return (tuple(a in vals for a in self.set_attrs), tuple(vals.get(a, 0) for a in self.set_attrs))

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0:
            return doc
        sats = [self._satisfied(k) for k in map(tuple, doc.to_array(self.columns).tolist())]
        masks = [h[3] for h in sats]
        values = [h[4] for h in sats]
        # the longer patterns, matched from the tokens that can start them; their tokens get the rules re-folded
        extra: dict[int, set[int]] = {}
        for s, h in enumerate(sats):
            for p in h[1]:
                rule, length, index = self.patterns[p]
                if s + length <= n and all((p, j) in sats[s + j][0] for j in range(1, length)):
                    extra.setdefault(s + (index if index >= 0 else length + index), set()).add(rule)
        for t, rules in extra.items():
            masks[t], values[t] = self._fold(sorted(set(sats[t][2]) | rules))
        out = doc.to_array(self.set_attrs)
        out = numpy.where(numpy.array(masks, dtype=bool), numpy.array(values, dtype=numpy.uint64), out)
        doc.from_array(self.set_attrs, out)
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)


class FastLemmatizer:
    """A rule ``Lemmatizer`` (not overwriting) asked once per (word, POS, morphology) in its own cache."""

    def __init__(self, lemmatizer: Lemmatizer):
        if lemmatizer.mode != "rule" or lemmatizer.overwrite:
            raise Unsupported(f"lemmatizer mode {lemmatizer.mode}, overwrite {lemmatizer.overwrite}")
        self.lemmatizer = lemmatizer
        self._hash: dict[tuple[int, int, int], int] = {}
        self._indexed = False

    def _index_as_sets(self) -> None:
        """The lemmatizer's word index (known lemmas per part of speech) as sets: its rules only ask whether a
        candidate form is in it, and the English tables hold lists (57,000 nouns), so every lemmatisation scanned
        them, most of the cost of a new word. Membership, hence every lemma, is the same."""
        lem = self.lemmatizer
        if not lem._validated:
            lem._validate_tables()
        index = lem.lookups.get_table("lemma_index", {})
        for key in list(index.keys()):
            words = index[key]
            if isinstance(words, list):
                index[key] = frozenset(words)
        self._indexed = True

    def __call__(self, doc: Doc) -> Doc:
        lem = self.lemmatizer
        if not self._indexed:
            self._index_as_sets()
        arr = doc.to_array([ORTH, POS, MORPH, LEMMA])
        out = arr[:, 3].copy()
        strings = doc.vocab.strings
        for i, (orth, pos, morph, lemma) in enumerate(arr.tolist()):
            if lemma:  # set by the attribute ruler: kept, as the lemmatizer keeps it
                continue
            key = (orth, pos, morph)
            h = self._hash.get(key)
            if h is None:
                # the lemmatizer's own cache is keyed the same way; a miss there is a real lemmatisation
                h = self._hash[key] = strings.add(lem.lemmatize(doc[i])[0])
            out[i] = h
        doc.from_array([LEMMA], out.reshape(-1, 1))
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)


def speed_up_rule_components(nlp: Language) -> list[str]:
    """Swap the attribute ruler and the lemmatizer for their fast equivalents where they are covered; returns the
    names of the components swapped."""
    swapped = []
    candidates = [("attribute_ruler", FastAttributeRules, lambda pipe: True),
                  ("lemmatizer", FastLemmatizer, lambda pipe: isinstance(pipe, Lemmatizer))]
    for name, fast_kind, applies in candidates:
        if name not in nlp.pipe_names or not applies(nlp.get_pipe(name)):
            continue
        try:
            fast = fast_kind(nlp.get_pipe(name))
        except Unsupported:
            continue
        nlp.replace_pipe(name, "newsprism_fast_rules", config={})
        nlp.get_pipe(name).impl = fast
        swapped.append(name)
    return swapped


class _Component:
    """A pipeline component running a fast implementation (set by ``speed_up_rule_components``)."""

    def __init__(self) -> None:
        self.impl: Callable[[Doc], Doc] | None = None

    def __call__(self, doc: Doc) -> Doc:
        return self.impl(doc)

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        for doc in docs:
            yield self.impl(doc)


@Language.factory("newsprism_fast_rules", assigns=["token.pos", "token.tag", "token.lemma", "token.morph"],
                  requires=["token.tag", "token.dep"])
def make_fast_rules(nlp: Language, name: str) -> _Component:
    return _Component()
