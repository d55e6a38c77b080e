"""Framing: charged words an outlet uses in its own voice versus words it only reports inside quotations.

The word list is small and deliberate (loaded verbs of saying, evaluative adjectives, conflict metaphors); counts
are per outlet and per 1,000 words of the outlet's own voice so long and short articles compare.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping

from newsprism.model import Article

from .text import word_count

CHARGED = frozenset("""
slam slams slammed blast blasted lash lashed rip ripped bash bashed decry decried denounce denounced condemn condemned
claimed insist insisted admit admitted concede conceded boast boasted vow vowed threaten threatened
bully bullying bullied coercion coerce coercive aggressive aggression hostile hostility provocative provocation
unilateral hegemony hegemonic regime propaganda radical extremist extremists terrorist terrorists militant militants
thug thugs crackdown draconian brutal brutality ruthless reckless disastrous catastrophic shocking outrageous
controversial notorious infamous so-called alleged allegedly scandal chaos chaotic crisis dead-end hard-won
historic landmark unprecedented sweeping massive crushing devastating fierce furious mounting tensions defiant
contradictory hypocritical hypocrisy illegal illegitimate unjust bullish dire grave
""".split())
_QUOTE = re.compile(r"“[^”]{1,2000}”|\"[^\"\n]{1,2000}\"")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")


def _quoted_spans(art: Article) -> list[tuple[int, int]]:
    spans = [(q.start, q.end) for q in art.quotes if q.kind != "indirect"]
    spans += [m.span() for m in _QUOTE.finditer(art.text)]
    return spans


def framing(arts: Mapping[str, Article], outlet_by_article: Mapping[str, str]) -> dict:
    own: dict[str, Counter] = defaultdict(Counter)
    quoted: dict[str, Counter] = defaultdict(Counter)
    own_words: Counter = Counter()
    evidence: dict[str, list] = defaultdict(list)
    for aid, outlet in sorted(outlet_by_article.items()):
        art = arts[aid]
        spans = sorted(_quoted_spans(art))
        inside_total = 0
        for m in _WORD.finditer(art.text):
            w = m.group().lower().replace("’", "'")
            is_in = any(s <= m.start() < e for s, e in spans)
            if w in CHARGED:
                (quoted if is_in else own)[outlet][w] += 1
                if not is_in and len(evidence[outlet]) < 20:
                    evidence[outlet].append({"article": aid, "start": m.start(), "end": m.end(), "text": m.group()})
            inside_total += is_in
        own_words[outlet] += max(0, word_count(art.text) - inside_total)
    out = {}
    for outlet in sorted(set(outlet_by_article.values())):
        n = sum(own[outlet].values())
        out[outlet] = {"own_voice": dict(own[outlet].most_common()), "quoted": dict(quoted[outlet].most_common()),
                       "own_voice_per_1000_words": round(1000 * n / own_words[outlet], 2) if own_words[outlet] else 0.0,
                       "evidence": evidence[outlet]}
    return out
