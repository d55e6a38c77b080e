"""Small word lists the rules share: titles, pronouns, organisation head nouns, months; countries come from the gazetteer."""
from __future__ import annotations

from newsprism.knowledge import countries as _countries

# Words that, written before a capitalised name, make it a person's name ("Vice-Premier He", "Sen. Warren").
TITLE_WORDS = frozenset("""
president vice premier prime secretary minister senator sen sen. rep rep. representative congressman congresswoman
governor gov gov. mayor mr mr. mrs mrs. ms ms. dr dr. miss chairman chairwoman chair director spokesman spokeswoman
spokesperson judge justice general gen gen. chancellor ambassador speaker leader ceo chief professor prof prof.
commissioner attorney sheriff coach king queen prince princess pope rev rev. sgt sgt. lt lt. col col. capt capt.
adm adm. gen. lieutenant colonel captain admiral sergeant officer detective inspector superintendent candidate
nominee founder chairperson deputy envoy negotiator representative economist analyst dean professor lawmaker
councilman councilwoman councillor delegate diplomat executive manager president-elect governor-elect senator-elect
sir lady lord dame emperor sultan ayatollah sheikh rabbi bishop cardinal father pastor imam trustee treasurer
""".split())

# Titles that say "person" so strongly that even a pronoun-looking word after them is a name ("Vice-Premier He").
STRONG_TITLES = frozenset("""
president premier vice-premier secretary minister senator sen sen. rep rep. governor gov gov. mayor mr mr. mrs mrs.
ms ms. dr dr. chairman chancellor ambassador professor prof prof. judge justice general gen gen. pope king queen
""".split())

PRONOUNS = frozenset("he she him her his hers they them their it its we us our i me my you your".split())
PERSON_PRONOUNS = frozenset("he she him her".split())
PLURAL_PRONOUNS = frozenset("they them".split())

# Lower-case head nouns by which a text refers back to an organisation it named before ("the ministry warned").
ORG_HEADS = frozenset("""
ministry department agency commission committee company firm bank government administration office council court
party campaign group organization organisation union association institute university board bureau embassy
newspaper paper network agency service fund foundation authority regulator court army police
""".split())

MONTHS = frozenset("""january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec""".split())
WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())


def country_of(text: str) -> str | None:
    """The canonical country for a name, short form, nationality word or capital (the gazetteer in
    ``newsprism.knowledge.countries``), or the international body a name denotes; else None."""
    return _countries.country_of(text) or _countries.capital_of(text) or _countries.body_of(text)


# ----------------------------------------------------------------------------------------------------------------
# What kind of act a cue verb reports (Quote.act). A reader asking "who said what" counts speech; the others stay in
# the records, labelled. Classes follow the verb's meaning, not a story: communication verbs (Levin's "say", "tell",
# "manner of speaking", "judgement" and "complain" classes) are speech; verbs of thinking and expecting are belief;
# verbs of aiming and wanting are intention; every other verb (allow, ensure, include, support, signal, show ...)
# reports an action.
SPEECH_CUES = frozenset("""
say tell add state claim announce confirm deny insist warn caution urge call describe label term dub brand accuse
blame condemn denounce criticise criticize slam blast lash assail praise hail welcome applaud thank
congratulate commend laud mock ridicule deride ask answer reply retort counter explain note observe remark
comment point stress emphasise emphasize underline highlight reiterate repeat affirm reaffirm assert declare
proclaim allege acknowledge admit concede agree disagree argue contend maintain suggest propose recommend advise
report inform brief notify disclose reveal announce publish post tweet write quote cite mention recall recount
describe characterise characterize portray dismiss reject refute rebut dispute question challenge demand request
appeal plead implore beg invite promise pledge vow swear threaten assure reassure predict forecast estimate
speak talk testify tout boast complain lament decry deplore regret apologise apologize protest object concur
express voice convey reiterate instruct order command direct tell recount narrate clarify specify detail outline
summarise summarize conclude continue joke quip muse chime interject exclaim shout yell whisper mutter groan
encourage discourage caution remind flag spell tout insist hint imply acknowledge release issue
""".split())
BELIEF_CUES = frozenset("""
believe think expect fear hope feel doubt suspect assume presume consider regard view see know understand realise
realize recognise recognize reckon guess imagine worry trust anticipate foresee suppose deem judge find sense
""".split())
INTENTION_CUES = frozenset("""
aim seek plan intend want wish try attempt strive endeavour endeavor prepare decide choose resolve mean look push
work focus desire crave need pursue move
""".split())

# Verbs that report speech only when what follows is a clause or a quotation ("responded that ...", '"...," he
# responded'), and an action otherwise ("responded to the attack", "attacked the border posts").
CLAUSE_ONLY_SPEECH = frozenset("respond attack counter".split())
_CLAUSE_RULES = ("ccomp", "parataxis", "orphan", "colon")

SPEECH, BELIEF, INTENTION, ACTION = "speech", "belief", "intention", "action"


def act_of_cue(lemma: str | None, direct: bool = False, rule: str = "") -> str:
    """The act a cue reports: ``speech``, ``belief``, ``intention`` or ``action``.

    ``lemma`` is the cue verb's lemma (None for a cue-less quotation, "according" for "according to"); ``direct``
    says the content is in quotation marks: words in quotation marks were spoken or written, whatever verb
    introduces them ('"We will respond," he vowed'), except that a belief or aim stays one
    ("they hope to 'restore calm'")."""
    if lemma is None or lemma in ("according", ":"):
        return SPEECH
    lemma = lemma.lower()
    if lemma in CLAUSE_ONLY_SPEECH:
        return SPEECH if direct or any(r in rule for r in _CLAUSE_RULES) else ACTION
    if lemma in BELIEF_CUES:
        return BELIEF
    if lemma in INTENTION_CUES:
        return INTENTION
    if lemma in SPEECH_CUES or direct:
        return SPEECH
    return ACTION


# ----------------------------------------------------------------------------------------------------------------
# Which nouns can be speakers. A speaker is an agent: a person, an organisation, a government or a group of people.
# Named agents are recognised by the actors component; for a common-noun subject ("officials said", "the schedule
# says") the head noun decides. These are the English role and collective nouns that denote people or bodies of
# people; event, document and thing nouns (attack, talks, schedule, statement, report, map) are not among them.
AGENT_NOUNS = frozenset("""
official officials source sources spokesman spokeswoman spokesperson spokespeople spokesmen spokeswomen
minister ministers secretary president premier leader leaders chief chiefs head director officer officers
commander commanders general generals colonel admiral diplomat diplomats envoy envoys ambassador ambassadors
negotiator negotiators analyst analysts expert experts economist economists observer observers
researcher researchers scholar scholars academic academics professor professors strategist strategists
resident residents witness witnesses villager villagers survivor survivors victim victims relative relatives
family families neighbour neighbours neighbor neighbors citizen citizens people person man men woman women
student students worker workers farmer farmers doctor doctors nurse nurses medic medics teacher teachers
journalist journalists reporter reporters correspondent correspondents editor editors columnist columnists
lawmaker lawmakers legislator legislators senator senators congressman congresswoman representative representatives
mp mps politician politicians candidate candidates governor governors mayor mayors councillor councillors
aide aides adviser advisers advisor advisors counsellor staff staffer staffers insider insiders investor investors
trader traders executive executives manager managers founder ceo ceos chairman chairwoman chair board
lawyer lawyers attorney attorneys prosecutor prosecutors judge judges court courts activist activists protester
protesters campaigner campaigners organiser organisers organizer organizers critic critics supporter supporters
opponent opponents voter voters member members delegate delegates delegation delegations
police policeman policemen army military navy forces troops soldier soldiers militant militants rebel rebels
government governments administration ministry ministries department departments agency agencies office
commission committee council cabinet parliament congress senate regime authorities authority embassy
company companies firm firms bank banks union unions group groups party parties campaign organization
organisation organizations organisations association institute university foundation fund regulator regulators
broadcaster newspaper network media press agency
""".split())


def is_common_word(word: str, threshold: float = 4.0) -> bool:
    """Whether a capitalised word is an everyday English word rather than a name ("Read", "Talks", "Map",
    "Download"): its Zipf frequency in ``wordfreq``'s packaged English list is at least ``threshold`` (4.0: about
    once in 10,000 words; "Trump" and "Dawn" pass too, so callers apply this only to words no name recogniser took)."""
    try:
        from wordfreq import zipf_frequency
    except ImportError:  # pragma: no cover - the package is a dependency
        return word.lower() in AGENT_NOUNS
    return zipf_frequency(word.lower(), "en") >= threshold

# Head words of named events and operations, which the small model tags as organisations ("Operation Sindoor",
# "the Pahalgam Attack"): names of things that happened, not of agents.
EVENT_HEADS = frozenset("""
operation attack attacks war strike strikes crisis conflict incident massacre ceasefire summit talks conference
accord agreement treaty deal festival games cup election campaign protest protests riot riots uprising revolution
offensive invasion siege battle express
""".split())
