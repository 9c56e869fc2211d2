"""Cue lists for tag suggestions, kept apart from the rules so each list can cite where it comes from.

Sources (docs/suggestions.md has the full story):

- Hedge cues: the CoNLL-2010 shared task on hedge detection (Farkas et al. 2010) and the BioScope
  corpus guidelines (Vincze et al. 2008), which sort cues into modal auxiliaries, speculative verbs,
  adjectives, adverbs, nouns and multiword phrases. News adds a few forecast verbs (expect, hope,
  fear) that BioScope's science text rarely needs.
- Attribution cues: the Penn Attribution Relations Corpus, PARC 3.0 (Pareti 2016): the cue verbs
  most often found in its news attributions, plus "according to" and "in X's view".
- Expert markers: the source-role words news style guides use to present a source as expert
  (titles, academic and analytic professions, research institutions).
- Checkable-fact cues: the "check-worthy" claim features of ClaimBuster (Hassan et al. 2017):
  numbers, dates and references to official records.

Every list holds lower-case words; the rules match them on word boundaries.
"""

from __future__ import annotations

from importlib import resources


def _lexicon(name: str) -> tuple[str, ...]:
    """The words of a list shipped in ``tuireader/lexicons`` (one a line, ``#`` comments)."""
    text = resources.files("tuireader").joinpath("lexicons", name).read_text(encoding="utf-8")
    return tuple(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


# --- Hedges (CoNLL-2010 / BioScope categories) -------------------------------------------------

# Epistemic modals. "can" and "would" are left out on purpose: in news copy "can" is mostly ability
# or general truth ("measles can incubate for 21 days") and "would" mostly reported speech ("said
# the road would reopen"), so counting them produced more false hits than hedges.
HEDGE_MODALS: tuple[str, ...] = ("may", "might", "could", "should")

# Speculative verbs (BioScope "speculative verbs", plus news forecast verbs).
HEDGE_VERBS: tuple[str, ...] = (
    "suggest",
    "suggests",
    "suggested",
    "speculate",
    "speculates",
    "speculated",
    "suspect",
    "suspects",
    "suspected",
    "believe",
    "believes",
    "believed",
    "think",
    "thinks",
    "presume",
    "presumes",
    "assume",
    "assumes",
    "hypothesise",
    "hypothesize",
    "doubt",
    "doubts",
    "expect",
    "expects",
    "expected",
    "hope",
    "hopes",
    "hoped",
    "fear",
    "fears",
    "predict",
    "predicts",
    "predicted",
    "project",
    "projects",
    "projected",
    "seem",
    "seems",
    "seemed",
)

# Speculative adjectives. "likely" is a phrase (see HEDGE_PHRASES) because
# "likely sequences of words" is not a hedge. "potential" is left out: in news it is mostly a
# description ("55 million potential customers"), not a hedge on the claim.
HEDGE_ADJECTIVES: tuple[str, ...] = (
    "possible",
    "unlikely",
    "probable",
    "putative",
    "conceivable",
    "plausible",
    "unclear",
    "uncertain",
    "speculative",
    "hypothetical",
)

HEDGE_ADVERBS: tuple[str, ...] = (
    "perhaps",
    "possibly",
    "probably",
    "potentially",
    "presumably",
    "apparently",
    "seemingly",
    "maybe",
    "arguably",
    "conceivably",
    "reportedly",
    "allegedly",
    "supposedly",
)

HEDGE_NOUNS: tuple[str, ...] = (
    "possibility",
    "possibilities",
    "speculation",
    "hypothesis",
    "likelihood",
    "prospect",
    "prospects",
    "rumour",
    "rumours",
    "rumor",
    "rumors",
    "uncertainty",
    "allegation",
    "allegations",
    "suspicion",
    "suspicions",
)

# Conditions (Szeged "condition") and open questions: "if", "unless", "whether". A claim that holds
# only under a condition is not asserted as a fact.
HEDGE_CONDITIONS: tuple[str, ...] = ("if", "unless", "whether")

# More doxastic and epistemic words found in news and encyclopaedic text (Szeged Uncertainty Corpus
# cue categories; the words are common English, listed here by hand).
HEDGE_MORE: tuple[str, ...] = (
    "alleged",
    "rumoured",
    "rumored",
    "purported",
    "purportedly",
    "sceptical",
    "skeptical",
    "doubtful",
    "unconfirmed",
    "unproven",
    "presumed",
    "reputed",
    "reputedly",
    "estimates",
    "supposed",
    "worry",
    "worries",
    "worried",
    "consider",
    "considers",
)

# Multiword hedges, as regular expressions over lower-cased text.
_BELIEF = "considered|regarded|seen|viewed|thought|believed|rumou?red|alleged|presumed|reputed|understood|suspected"

# Multiword hedges, as regular expressions over the text (case-insensitive), each with the words one
# of which it needs: the pattern only runs on a sentence that holds one of them.
HEDGE_PHRASES: tuple[tuple[tuple[str, ...], str], ...] = (
    # Doxastic passives (Szeged "doxastic"): a belief reported without its holder.
    (
        tuple(_BELIEF.replace("rumou?red", "rumoured|rumored").split("|")),
        rf"(?:is|are|was|were|be|been|being)\s+(?:\w+ly\s+)?(?:{_BELIEF})\s+(?:to|as|that)\b"
        r"|(?:widely|generally|often|commonly|traditionally|long)\s+(?:considered|regarded|seen|viewed|thought|believed)"
        r"|(?:^(?:\w+\s+)?|(?<=,\s))considered\s+(?:to\s+be|as|one\s+of|the|a|an)\b",
    ),
    (("said", "reported"), r"(?:is|was|are|were)\s+(?:said|reported)\s+to"),
    # Investigation (Szeged "investigation"): an open question being looked into.
    (("questions", "question"), r"raise[sd]?\s+(?:new\s+|serious\s+)?questions?"),
    (("clear", "known", "certain"), r"not\s+(?:yet\s+)?(?:clear|known|certain)"),
    (
        ("seen", "unclear", "uncertain", "mystery"),
        r"remains?\s+(?:to\s+be\s+seen|unclear|uncertain|a\s+mystery)",
    ),
    (("yet",), r"(?:are|is)\s+yet\s+to\s+be"),
    (("early",), r"too\s+early\s+to\s+(?:say|tell)"),
    (("ruled",), r"(?:cannot|can[’']t|could\s+not|couldn[’']t)\s+be\s+ruled\s+out"),
    (("question", "possibility"), r"raises?\s+the\s+(?:question|possibility)"),
    (("accused",), r"accused\s+(?:\w+\s+){0,3}?of"),
    (("called",), r"so-called"),
    (("whether",), r"whether\s+or\s+not"),
    (("possible", "conceivable", "likely"), r"it\s+is\s+(?:possible|conceivable|likely)\s+that"),
    (("theory", "principle"), r"in\s+(?:theory|principle)"),
    (
        ("potential",),
        r"(?:the|a|its|their)\s+potential\s+(?:for|to|of)\b|potential\s+(?:threat|risk|danger|impact|effect|conflict|war|deal|buyer|bidder|candidate)s?\b",
    ),
    # "appear" is a hedge only before "to"/"that" ("appears to have"), not in "appeared in court".
    (("appear", "appears", "appeared"), r"appear(?:s|ed)?\s+(?:to|that)"),
    # "likely sequences of words" is not a hedge.
    (
        ("likely",),
        r"(?:(?:is|are|was|were|be|been|seems?|most|more|very|quite)\s+)likely|likely\s+(?:to|that)",
    ),
)

# Negated ability is a plain statement, not a hedge: "the company could not say", "cannot park".
NEGATED_MODAL = r"(?:could\s+not|couldn[’']t|cannot|can[’']t|could\s+never)"

# Words before "will"/"might"/"may" that make it a noun: "her will", "the might of the navy".
NOUN_DETERMINERS: tuple[str, ...] = (
    "a",
    "the",
    "her",
    "his",
    "their",
    "its",
    "our",
    "my",
    "your",
    "political",
    "free",
    "good",
    "ill",
    "military",
    "all",
    "with",
    "of",
)

# --- Attribution (PARC 3.0 cue verbs) ----------------------------------------------------------

# Verbs that only report speech: the claim's status depends on the content and the source.
SAY_VERBS: tuple[str, ...] = (
    "said",
    "says",
    "say",
    "told",
    "tells",
    "added",
    "adds",
    "noted",
    "notes",
    "wrote",
    "writes",
    "explained",
    "explains",
    "stated",
    "states",
    "replied",
    "acknowledged",
    "acknowledges",
    "pointed out",
    "points out",
    "called",
    "calls",
    "described",
    "describes",
)

# Verbs that mark the content as the source's view, not a record.
OPINION_VERBS: tuple[str, ...] = (
    "argue",
    "argues",
    "argued",
    "warn",
    "warns",
    "warned",
    "insist",
    "insists",
    "insisted",
    "claim",
    "claims",
    "claimed",
    "caution",
    "cautions",
    "cautioned",
    "urge",
    "urges",
    "urged",
    "stress",
    "stressed",
    "stresses",
    "contend",
    "contends",
    "maintain",
    "maintains",
    "point to",
    "points to",
    "place more weight",
    "places more weight",
    "estimate",
    "estimates",
    "estimated",
    # Speculative verbs are attribution cues too when a source is their subject.
    "suggest",
    "suggests",
    "suggested",
    "believe",
    "believes",
    "believed",
    "think",
    "thinks",
    "suspect",
    "suspects",
    "expect",
    "expects",
    "predict",
    "predicts",
    "fear",
    "fears",
    "hope",
    "hopes",
)

# --- Sources -----------------------------------------------------------------------------------

# Person titles (case-sensitive in the rules) that make a source an expert.
EXPERT_TITLES: tuple[str, ...] = ("Dr", "Prof", "Professor")

EXPERT_NOUNS: tuple[str, ...] = (
    "expert",
    "experts",
    "professor",
    "professors",
    "researcher",
    "researchers",
    "scientist",
    "scientists",
    "economist",
    "economists",
    "analyst",
    "analysts",
    "academic",
    "academics",
    "scholar",
    "scholars",
    "engineer",
    "engineers",
    "consultant",
    "consultants",
    "specialist",
    "specialists",
    "epidemiologist",
    "epidemiologists",
    "microbiologist",
    "biologist",
    "biologists",
    "historian",
    "historians",
    "physician",
    "physicians",
    "lead author",
    "study's lead author",
    "who studies",
    "who researches",
    "who has studied",
    "who has researched",
)

# Capitalised words that name a research body in "at the X Institute", "of Tallinn University".
INSTITUTION_WORDS: tuple[str, ...] = (
    "University",
    "Institute",
    "Institution",
    "College",
    "Polytechnic",
    "Endowment",
    "Observatory",
    "Laboratory",
    "Academy",
    "School of",
    "Met Office",
    "Research",
    "Centre for",
    "Center for",
)

# Sources that speak for an organisation or for themselves, not from expertise. A figure they
# announce is still a fact; their judgement is not expert opinion.
NON_EXPERT_NOUNS: tuple[str, ...] = (
    "spokesperson",
    "spokesman",
    "spokeswoman",
    "official",
    "officials",
    "minister",
    "ministry",
    "mayor",
    "councillor",
    "councillors",
    "council",
    "police",
    "government",
    "department",
    "agency",
    "company",
    "board",
    "chairman",
    "chair",
    "manager",
    "director",
    "residents",
    "traders",
    "parents",
    "critics",
    "others",
    "observers",
    "respondent",
    "white house",
    "kremlin",
)

# "according to" + one of these is sourcing to a record, not to a person's view.
RECORD_NOUNS: tuple[str, ...] = (
    "record",
    "records",
    "report",
    "reports",
    "audit",
    "census",
    "survey",
    "figures",
    "data",
    "statistics",
    "filing",
    "filings",
    "minutes",
    "register",
    "documents",
    "court",
    "study",
    "analysis",
)

# --- Checkable facts (ClaimBuster-style features) ----------------------------------------------

MONTHS: tuple[str, ...] = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

WEEKDAYS: tuple[str, ...] = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)

# "one" and "two" are left out: "one of the few things", "the two leaders" are not figures.
NUMBER_WORDS: tuple[str, ...] = (
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "twenty",
    "thirty",
    "hundred",
    "thousand",
    "million",
    "billion",
    "a third",
    "a quarter",
    "a fifth",
    "half",
)

# Words that mark an official record or a completed, checkable event.
RECORD_WORDS: tuple[str, ...] = (
    "audit",
    "census",
    "report",
    "survey",
    "official record",
    "official records",
    "court records",
    "published",
    "confirmed",
    "announced",
    "voted",
    "passed",
    "awarded",
    "admitted",
    "identified",
    "reported",
    "recorded",
    "built",
    "launched",
    "elected",
)

# --- Speculation without a hedge word ----------------------------------------------------------
#
# FactBank (Saurí & Pustejovsky 2009) marks a future event as uncommitted unless it is scheduled or
# announced, and subjectivity work (Wiebe et al. 2004; the MPQA subjectivity lexicon, Wilson,
# Wiebe & Hoffmann 2005) finds judgements mostly in evaluative predicates ("the plan is the best",
# "the ruling is a setback"). These lists hold the news-copy forms of both.

# Prospective phrases: a forecast whatever the tense ("is certain to fail", "on course for a title").
PREDICTION_PHRASES: tuple[str, ...] = (
    r"(?:is|are|was|were|looks?|seems?)\s+(?:almost\s+)?(?:certain|sure|destined|doomed)\s+to",
    r"on\s+(?:course|track)\s+(?:to|for)",
    r"(?:is|are)\s+going\s+to",
)

# An intention is not yet a fact ("intends to", "is determined to"); an announced plan with a date
# or figure is ("plans to cut 1,200 jobs by March").
INTENTION_PHRASES: tuple[str, ...] = (
    r"intends?\s+to",
    r"intended\s+to",
    r"(?:is|are|was|were)\s+(?:\w+\s+)?(?:determined|keen|eager|desperate)\s+to",
    r"vow(?:s|ed)?\s+to",
    r"wants?\s+to",
)

# Verbs after "will" that announce a scheduled or planned act (an organisation's plan is a fact to
# check); any other verb after "will" with no date or figure is read as a forecast.
SCHEDULE_VERBS: tuple[str, ...] = (
    "open",
    "reopen",
    "close",
    "shut",
    "start",
    "begin",
    "end",
    "run",
    "take",
    "sit",
    "meet",
    "sign",
    "vote",
    "attend",
    "be",
    "stop",
    "move",
    "remove",
    "replace",
    "introduce",
    "launch",
    "hire",
    "cut",
    "pay",
    "receive",
    "provide",
    "offer",
    "continue",
    "resume",
    "go",
    "hold",
    "host",
    "publish",
    "release",
    "announce",
    "examine",
    "review",
    "visit",
    "travel",
    "return",
    "appear",
    "use",
    "cost",
    "need",
    "have",
    "get",
    "apply",
    "charge",
    "require",
    "allow",
    "ask",
    "stay",
    "remain",
    "switch",
    "join",
    "leave",
    "retire",
    "step",
)

# Evaluative adjectives and nouns (MPQA strong-subjective clues common in news), counted only as a
# predicate ("was a mistake", "is too slow", "were wrong to"), never as a modifier ("a landmark
# meeting"), so a description of an event is not read as a judgement.
EVALUATIVE_ADJECTIVES: tuple[str, ...] = (
    "best",
    "worst",
    "perfect",
    "ideal",
    "ambitious",
    "fair",
    "unfair",
    "responsible",
    "irresponsible",
    "wrong",
    "right",
    "crucial",
    "vital",
    "serious",
    "excellent",
    "terrible",
    "awful",
    "shameful",
    "disgraceful",
    "outrageous",
    "ridiculous",
    "absurd",
    "reckless",
    "naive",
    "misguided",
    "flawed",
    "unacceptable",
    "overdue",
    "unjust",
    "pointless",
    "wise",
    "unwise",
    "brave",
    "foolish",
    "remarkable",
    "impressive",
    "disappointing",
    "inadequate",
    "complacent",
    "misleading",
)

EVALUATIVE_NOUNS: tuple[str, ...] = (
    "mistake",
    "disaster",
    "failure",
    "success",
    "triumph",
    "setback",
    "turning point",
    "scandal",
    "betrayal",
    "step forward",
    "step backwards",
    "step in the right direction",
    "waste",
    "mess",
    "gamble",
    "victory",
    "defeat",
    "milestone",
    "wake-up call",
    "game changer",
    "game-changer",
)

# Verbs by which a writer interprets rather than reports.
EVALUATIVE_VERBS: tuple[str, ...] = (
    "underscores",
    "underlines",
    "highlights",
    "signals",
    "epitomises",
    "exemplifies",
)

# Roles that make a "Dr." source an official speaking for an organisation, not an expert.
OFFICIAL_ROLES: tuple[str, ...] = (
    "superintendent",
    "mayor",
    "minister",
    "spokesperson",
    "spokesman",
    "spokeswoman",
    "official",
    "chief executive",
    "president",
    "governor",
    "commissioner",
    "councillor",
    "chairman",
    "chairwoman",
    "chair",
    "senator",
    "MP",
    "secretary",
    "judge",
    "lawyer",
    "manager",
)

# --- The writer's own view (subjectivity) -------------------------------------------------------
#
# Opinion writing rarely hedges; it judges. No single word tells, so the rule counts several kinds of
# cue outside quotation and needs enough of them (see ``suggest._writer_view``). The evaluative
# adjectives and adverbs come from the VADER sentiment lexicon (MIT licence; the derived list and
# its licence are in ``lexicons/vader_evaluative.txt``); the other lists are written here.

# Evaluative words VADER lacks or whose ending hides them ("crass", "rancid", "sham").
EVALUATIVE_WORDS: tuple[str, ...] = (
    "good",
    "bad",
    "great",
    "poor",
    "wrong",
    "worse",
    "worst",
    "better",
    "best",
    "smart",
    "stupid",
    "silly",
    "dumb",
    "crass",
    "rancid",
    "absurd",
    "nonsense",
    "sham",
    "farce",
    "hypocrisy",
    "hypocritical",
    "shameless",
    "foolish",
    "naive",
    "reckless",
    "mistake",
    "mistakes",
    "disgrace",
    "insult",
    "folly",
    "woke",
    "elite",
    "elites",
    "propaganda",
    "rhetoric",
    "nice",
    "fine",
    "brilliant",
    "wise",
    "deserve",
    "deserves",
    "shriek",
    "whine",
    "whined",
    "wail",
    "wailing",
    "parroted",
    "mugged",
    "slander",
    "betray",
    "betrays",
    "excoriating",
    "vaunted",
    "lofty",
    "belated",
    "crumbling",
    "fatal",
    "utter",
    "sheer",
    "mere",
    "blind",
    "ignorant",
    "ignorance",
    "cheap",
    "genuine",
    "obvious",
    "amazing",
    "stunning",
    "shocking",
    "staggering",
    "astonishing",
    "breathtaking",
    "jaw-dropping",
    "heartbreaking",
    "horrifying",
    "terrifying",
    "disgusting",
    "appalling",
    "baffling",
    "bewildering",
    "compelling",
    "damning",
    "dazzling",
    "devastating",
    "disappointing",
    "embarrassing",
    "exhausting",
    "frustrating",
    "galling",
    "harrowing",
    "humiliating",
    "infuriating",
    "inspiring",
    "insulting",
    "intriguing",
    "mesmerising",
    "outstanding",
    "refreshing",
    "riveting",
    "sickening",
    "sobering",
    "startling",
    "surprising",
    "thrilling",
    "troubling",
    "unconvincing",
    "underwhelming",
    "unsettling",
    "worrying",
    "charming",
    "alarming",
    "annoying",
    "boring",
    "fascinating",
    "incredible",
    "whopping",
    "chic",
    "cute",
    "racy",
    "brutal",
    "tremendous",
    "callous",
    "decadent",
    "grotty",
    "quintessential",
    "hysteria",
    "gorgeous",
    "iconic",
    "legendary",
    "sublime",
    "superb",
    "splendid",
    "fabulous",
    "lavish",
    "luxurious",
    "stylish",
    "hilarious",
    "bizarre",
    "weird",
    "crazy",
    "insane",
    "pathetic",
    "dire",
    "grim",
    "bleak",
    "woeful",
    "abysmal",
    "dismal",
    "lousy",
    "shoddy",
    "sloppy",
    "lazy",
    "cynical",
    "smug",
    "arrogant",
    "pompous",
    "petty",
    "vile",
    "nasty",
    "toxic",
    "dodgy",
    "disastrous",
    "spectacular",
    "stunner",
)

VADER_EVALUATIVE: tuple[str, ...] = _lexicon("vader_evaluative.txt")

# Words that turn up the strength of a judgement.
INTENSIFIERS: tuple[str, ...] = (
    "very",
    "so",
    "such",
    "extremely",
    "truly",
    "really",
    "utterly",
    "totally",
    "completely",
    "absolutely",
    "deeply",
    "incredibly",
    "remarkably",
    "simply",
    "merely",
    "hugely",
    "vastly",
    "massively",
    "fundamentally",
    "entirely",
    "wholly",
    "thoroughly",
    "genuinely",
    "exactly",
    "too",
    "quite",
    "rather",
    "especially",
    "particularly",
)

# The writer's attitude to what they say.
ATTITUDE_ADVERBS: tuple[str, ...] = (
    "clearly",
    "obviously",
    "of course",
    "indeed",
    "in fact",
    "surely",
    "certainly",
    "undoubtedly",
    "undeniably",
    "plainly",
    "evidently",
    "no doubt",
    "needless to say",
    "frankly",
    "honestly",
    "admittedly",
    "ironically",
    "sadly",
    "unfortunately",
    "fortunately",
    "thankfully",
    "predictably",
    "tellingly",
    "curiously",
    "oddly",
    "strangely",
    "bizarrely",
    "laughably",
    "shamelessly",
    "conveniently",
    "rightly",
    "wrongly",
    "mercifully",
    "alas",
    "yes",
    "funny",
)

# What ought to be: the writer's prescription.
NORMATIVE_PHRASES: tuple[str, ...] = (
    r"must",
    r"mustn[’']t",
    r"needs?\s+to",
    r"ought\s+to",
    r"(?:we|they|you)\s+(?:have|need)\s+to",
    r"it\s+is\s+time",
    r"let[’']s",
    r"let\s+us",
    r"let\s+it\s+be",
)

# Sweeping words: the writer generalises.
ABSOLUTES: tuple[str, ...] = (
    "never",
    "always",
    "nothing",
    "everything",
    "everyone",
    "nobody",
    "no one",
    "none",
)
