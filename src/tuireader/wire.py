"""Wire copy: datelines, bylines and sign-offs around a news story's text, kept as metadata.

``LOS ANGELES, Feb 26 (Reuters) - BankAmerica…``: the dateline names the place and the day; a
byline (``By …``, ``by …, Reuters``) names the writer; a sign-off (``Reuter``, ``(Reporting by …;
Editing by …)``) closes the story. None of them is a claim to tag, so they leave the text and
become fields of the article; the story's first sentence starts after the dash.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
_DASH = r"(?:--?|—|–)"
# A place in capitals ("LOS ANGELES", "ST. LOUIS", "SAN JOSE, Calif."), then an optional day and
# an optional agency, then the dash. A place alone needs the dash; "(CNN) --" needs no place.
_PLACE = (
    r"[A-Z][A-Z.'’\-]+(?:[\s/][A-Z][A-Z.'’\-]+){0,4}"  # "PARIS/BERLIN", "SAO PAULO/BRASILIA"
    r"(?:,\s[A-Z][A-Za-z.]+(?:\s[A-Z][A-Za-z.]+)?)?"
)
_DATELINE = re.compile(
    rf"(?P<place>{_PLACE})?"
    # "Nov 30", "Nov. 30", "30 November"; with no place the day opens the line ("Nov 30 (Reuters) -")
    rf"(?:(?:,?\s|(?<![\w,]))(?P<day>{_MONTH}\.?\s\d{{1,2}}|\d{{1,2}}\s{_MONTH}\.?)"
    r"(?:,\s(?P<year>\d{4}))?)?"
    # the agency as it writes itself: "(Reuters)", "(AP)", "(dpa)"
    r"\s?(?:\((?P<agency>[A-Za-z][\w&. -]{0,30})\))?"
    rf"\s*{_DASH}\s+(?=\S)"
)
# An agency's dateline as it writes it in its own language: the place need not be in capitals
# when a known agency follows it ("Paris (AFP) -", "Hamburg (dpa) -", "Valencia, 30 nov (EFE).-",
# "القاهرة (رويترز) -"); Kyodo's "【ロンドン共同】" and Xinhua's "新华社上海11月30日电（记者张明）"
# open the story with no dash.
_AGENCIES = (
    r"AFP|AP|Reuters|dpa|DPA|EFE|ANSA|Xinhua|Kyodo|APA|SDA|ATS|KNA|epd|AAP|PA|Belga|ANP|TT|NTB"
    r"|Lusa|Europa Press|Notimex|Télam|Yonhap|Anadolu|رويترز|أ ف ب|ا ف ب|د ب أ"
)
_AGENCY_DATELINE = re.compile(
    r"(?P<place>[^\W\d_][^\W\d_'’.-]*(?:[\s/-][^\W\d_][^\W\d_'’.-]*){0,3})"
    r"(?:,\s(?P<day>\d{1,2}\s[^\W\d_]{3,10}\.?|[^\W\d_]{3,10}\.?\s\d{1,2})(?:,\s(?P<year>\d{4}))?)?"
    rf"\s\((?P<agency>{_AGENCIES})\)\s*(?:\.-|\.?\s?{_DASH})\s*(?=\S)"
)
_CJK_DATELINE = re.compile(
    r"【(?P<place>[^】\s]{1,20}(?:共同|時事|电|電|讯|訊))】"
    r"|(?P<xinhua>(?:新华社|中新社|中新网|本报)[^\s，。（(电]{1,20}电)(?:[（(](?P<byline>[^）)]{1,30})[）)])?"
)
# An address may close it ("By Ruth Okafor, rokafor@gazette.example"): byline_name leaves it out.
_BYLINE_LINE = re.compile(
    r"(?:By|by|BY)\s+(?P<byline>[^\n.!?]{2,80}(?:[\w.+-]+@[\w-]+(?:\.[\w-]+)+)?)"
)
# "by Janie Gabbett, Reuters LOS ANGELES, Feb 26 - …" once hard wraps are joined.
_NAMED_BYLINE = (
    r"(?:By|by|BY)\s+(?P<byline>[A-Z][\w.'’-]*(?:\s(?:[A-Z][\w.'’-]*|and|de|van|von)){0,5}"
    r"(?:,\s[A-Z][\w&.]*(?:\s[A-Z][\w&.]*){0,3})?)"
)
_BYLINE_BEFORE_DATELINE = re.compile(_NAMED_BYLINE + r"\s+(?=[A-Z]{2,}|\()")
_NAMED_BYLINE_LINE = re.compile(_NAMED_BYLINE)
_CREDIT = (
    r"(?:(?:[Aa]dditional\s)?[Rr]eporting|[Ww]riting|[Ee]diting|[Cc]ompiled|[Rr]esearch"
    r"|[Ff]act-checking)\sby\s[^.;()]{1,120}"
)
_SIGN_OFF_BRACKET = (
    r"\((?:Reporting|Writing|Additional reporting|Editing|Compiled|Research)\s[^()]*\)"
)
_SIGN_OFF = re.compile(
    rf"Reuters?|REUTERS?|{_SIGN_OFF_BRACKET}|"
    # "Reporting by …; Writing by …; Editing by …" without brackets, one credit or several, after
    # a dash too ("-- Reporting by Ana Duarte in Fenwick")
    rf"(?:{_DASH}\s*)?{_CREDIT}(?:;\s*{_CREDIT}){{0,5}}\.?|"
    # agencies' desk codes: AFP's writers' initials ("ad/jm", "bur-sst/fz"), dpa's ("dpa ab xx")
    r"[a-z]{2,4}(?:-[a-z]{2,4})?(?:/[a-z]{2,4}){1,3}|dpa(?:\s[a-z]{2,3}){1,4}"
)
# The end of a release or a story file ("ENDS", "-ends-", "###", "-30-"): what follows it (contacts,
# notes to editors) is not the story.
_END_MARK = re.compile(
    r"\s*(?:ENDS?|Ends|[-–—]+\s*(?:ends?|ENDS?)\s*[-–—]+|\((?:ends|ENDS)\)|#{3}|-\s?30\s?-)\s*"
)
# An agency's or a paper's name on its own line: a few capitalised words, no sentence's end.
_SERVICE_LINE = re.compile(r"[^\W\d_][\w&'’.-]*(?:\s[\w&'’.-]+){0,5}")
# The same credits closing the story's last paragraph, after its last sentence.
_TRAILING_SIGN_OFF = re.compile(
    r"[.!?\"”’)]\s+(?P<sign_off>\((?:Reporting|Writing|Additional reporting|Editing|Compiled|Research)"
    rf"\s[^()]*\)|{_CREDIT}(?:;\s*{_CREDIT}){{0,5}}\.?)\s*$"
)
_CREDIT_NAMES = re.compile(r"\bby\s+([^;()]+?)\s*(?=[;()]|\.?$)")
# A rule between the story and its credits ("___", "* * *"), and a contributors' line: "Associated
# Press writer Tom Reyes in Portland contributed to this report.", "Ann Lee contributed reporting."
_RULE = re.compile(r"[_\-–—*=~#·•\s]{3,}")
_CONTRIBUTORS = re.compile(
    # the agency or paper, any capitalised name ("Valley Wire Service writer Omar Ruiz")
    r"(?:[A-Z][\w&.'’-]*(?:\s[A-Z][\w&.'’-]*){0,4}\s+)?(?:[Ss]taff\s+)?"
    r"(?:(?:[Ww]riters?|[Rr]eporters?|[Cc]orrespondents?|[Jj]ournalists?)\s+)?"
    r"(?P<names>[A-Z][^.;()]{1,150}?)\s+contributed(?:\s+(?:to\s+this\s+(?:report|story|article)"
    r"|reporting|research))?(?:\s+from\s+[^.;()]{1,60})?\."
)
# A note on which version of a story this is, above it: "(Adds chief executive's comment in
# paragraph 3)", "(Updates with closing prices)".
_VERSION_NOTE = re.compile(
    r"\((?:Adds|Updates|Recasts|Changes|Corrects|Rewrites|Refiles|Repeats|Fixes|Removes|Inserts"
    r"|Writes through|Releases|Moves|Clarifies|Overhauls|Tops)\b[^()]{0,200}\)"
)
_AFTER_END_MAX = 4
_END_MARK_MAX = 24
"""Characters an end mark has at most ("-ends-", "###"): a longer paragraph is not asked."""
"""Paragraphs after an end mark that are dropped with it; more, and the mark is text."""
_BYLINE_BLOCK_LINES = 4
_HEAD_FURNITURE_MAX = 3
# A copyright line closing a story: "(c) 2026 The Associated Press. All rights reserved.",
# "Copyright 2026 Reuters", "© Example News 2026". A sentence about copyright ("Copyright lawyers
# said…") has no year or sign right after the word.
COPYRIGHT_LINE = re.compile(
    r"(?:(?:copyright\s*(?:©|\(c\))?\s*\d{4}|©|\(c\)\s*\d{4})[^\n]{0,120}"
    r"|(?:[^\n.!?]{1,80}\.\s*)?all rights reserved\.?)",
    re.I,
)
# A copyright line's mark and years, its reservation, and what the rest splits into.
_COPYRIGHT_MARK = re.compile(
    r"\s*(?:copyright|©|\(c\))(?:\s*(?:copyright|©|\(c\)))*\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?)?\s*",
    re.I,
)
_ALL_RIGHTS_RESERVED = re.compile(r"\ball rights reserved\.?", re.I)
_HOLDER_PARTS = re.compile(r"\s*[.,;|]\s*")
# A name is capitalised words and a name's connectors ("Ana Duarte for the Fenwick Gazette"): a
# lowercase word besides them makes a clause of story ("By the time the ferry docked, …").
_NAME_WORDS = re.compile(r"[^\W\d_][\w'’.-]*")
_NAME_CONNECTORS = frozenset(
    (
        "and", "&", "of", "the", "for", "de", "da", "del", "der", "van", "von", "la", "le", "du",
        "y", "bin", "al", "via", "at", "in", "on", "with",
    )
)  # fmt: skip
_YEAR_STAMP = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_SIGN_OFF_MAX = 300
_BYLINE_MAX = 80
_CREDITS_BEFORE_COPYRIGHT = re.compile(
    rf"(?:{_DASH}\s*)?{_CREDIT}(?:;\s*{_CREDIT}){{0,5}}(?=\s*(?:©|\(c\)|copyright))", re.I
)
# What a credit may name besides people: "Compiled by the Fenwick desk".
_DESK_WORDS = frozenset(("desk", "staff", "newsroom", "bureau", "team", "reporters", "editors"))

# --- Furniture recognised by its own shape, around wire copy and pages alike -------------------

# A handle or an address after a byline's name: "By Ruth Okafor | @ruthokafor", "By Ana Duarte,
# ana@gazette.example", "By Jo Marsh · Twitter: @jomarsh".
_BYLINE_HANDLE = re.compile(
    r"\s*[|·•,;/–—-]?\s*(?:(?:twitter|x|email|e-mail|bluesky|threads|instagram)\s*:\s*)?"
    r"(?:@[\w.]{1,40}|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)\s*\Z",
    re.I,
)
_HANDLES_MAX = 3
# A published or updated stamp: "Published 3:14 PM EST, Mon March 2, 2026 Updated 4:02 PM EST",
# "Updated on 2 March 2026 at 09:10", "Posted 3 hours ago". It opens with its word; every other
# word is a day, a month, a time, a zone in capitals or a joining word, so "Published in 2019, the
# report ran to 400 pages." and "Updated figures showed a rise." are story.
_STAMP_START = re.compile(r"(?:first\s+|last\s+)?(?:published|updated|posted|modified)\b", re.I)
_STAMP_WORD = re.compile(
    r"\d{1,4}(?:am|pm|h\d\d)?|\d{1,2}(?:st|nd|rd|th)|(?:a\.m|p\.m)\.?|am|pm"
    rf"|{_MONTH}\.?|(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)(?:day|nesday|sday|rsday|urday)?\.?"
    r"|(?-i:[A-Z]{2,5})|first|last|published|updated|posted|modified|on|at|ago|and"
    r"|(?:minute|hour|day|week)s?|mins?|hrs?",
    re.I,
)
_STAMP_SEPARATORS = re.compile(r"[\s,|·•:/–—()-]+")
_STAMP_MAX = 160
# "Originally published in the Fenwick Gazette.", "This article was first published at
# gazette.example on March 2, 2026", "This story is republished from Harbour Notes under a
# Creative Commons licence.": where the piece appeared, a name, an address or a date after it.
_ORIGINALLY_PUBLISHED = re.compile(
    r"(?:(?P<det>this|the)\s+(?:article|story|piece|post|column|report|essay|interview|version)\s+"
    r"(?:was\s+|is\s+|has\s+been\s+)?)?"
    r"(?:(?:originally|first)\s+(?:published|appeared|ran|posted)|(?:republished|reproduced"
    r"|reprinted|adapted)(?:\s+here)?(?:\s+with\s+permission)?)\s+(?P<prep>in|at|on|by|from)\s+"
    r"(?P<where>[^\n]{1,160}?)[.!]?",
    re.I,
)
# The first word of a published stamp or of a note on where the piece first appeared: a set
# lookup tells a story's paragraph from them (a regex call costs five times as much, and every
# text's first and last paragraphs are asked).
_STAMP_OR_NOTE_WORDS = frozenset(
    (
        "published", "updated", "posted", "modified", "first", "last", "this", "originally",
        "republished", "reproduced", "reprinted", "adapted",
    )
)  # fmt: skip
_FIRST_WORD_MAX = 16
_ADDRESS = re.compile(r"(?:https?://)?[\w-]+(?:\.[\w-]+)+(?:/\S*)?|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_DATE_WORDS = re.compile(rf"\b(?:{_MONTH}\.?|\d{{1,4}}(?:st|nd|rd|th)?)(?!\w)")
_REPUBLICATION_TERMS = re.compile(
    r",?\s*(?:and\s+is\s+)?(?:republished|reproduced|reprinted)?\s*(?:here\s+)?"
    r"(?:with\s+(?:(?:the\s+)?permission|thanks)|under\s+(?:a\s+)?creative\s+commons\s+licen[cs]e"
    r"(?:\s+[\w.-]+){0,3})[.!]?\s*\Z",
    re.I,
)
# A writer's bio after the story: "Ruth Okafor is a reporter covering transport for the Fenwick
# Gazette. Contact: rokafor@example.com". A name, "is a/an/the" or "covers/writes about", in its
# first sentence; what follows it is contact details only.
_BIO_SENTENCE = re.compile(
    r"(?P<name>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3})\s+"
    r"(?:is\s+(?:a|an|the)\s+|(?P<verb>covers|writes\s+(?:about|on|for)|reports\s+on)\s+)"
    r"(?P<what>[^.!?]{1,250})[.!]"
)
_BIO_MAX = 500
_CONTACT_DETAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?<![\w@])@\w{2,40}")
# "Contact: x@example.com", "Email: x@example.com | Twitter: @x", "Follow her on X @rokafor.",
# "Reach her at x@example.com."
_CONTACT_LINE = re.compile(
    r"(?:(?:contact|email|e-mail|twitter|x|bluesky|threads|mastodon|instagram|signal)\s*:\s*"
    r"|(?:follow|reach|contact|email)\s+(?:her|him|them|me|us|[A-Z][\w'’-]*)\s+(?:on\s+\w+\s+)?"
    r"(?:at\s+|via\s+)?)"
    r"(?:[\w.+-]+@[\w-]+(?:\.[\w-]+)+|@\w{2,40})"
    r"(?:\s*(?:[|,;·•]|\s(?:or|and)\s)\s*(?:[\w ]{1,12}:\s*)?(?:[\w.+-]+@[\w-]+(?:\.[\w-]+)+|@\w{2,40})){0,3}"
    r"\s*[.]?",
    re.I,
)
_CONTACT_MAX = 200
# A share row: "Share this:", "Share this article Facebook Twitter Email", "Share | Facebook | X",
# or the networks alone ("Facebook Twitter WhatsApp"): its words are networks
# (lexicons/share_networks.txt), none is a sentence's.
_SHARE_START = re.compile(
    r"share\b(?:\s+(?:this|on|via|to))?(?:\s+(?:article|story|post|page|video|link|item))?"
    r"\s*[:|…»]?",
    re.I,
)
_SHARE_SEPARATORS = re.compile(r"[\s,|·•/]+")
_SHARE_MAX = 160
_SENTENCE_ENDS = frozenset('.!?"”’)')
_ROLE_WORD = re.compile(r"[^\W\d_][\w'’&.-]*")
_ROLE_WORDS_MAX = 5
# Words no role line holds before its role: a determiner, a number, a verb of a crosshead ("Meet
# the new editor", "Our film critic", "Three freelance photographers" are headings, not roles).
_NOT_IN_A_ROLE = frozenset(
    (
        "a", "an", "the", "our", "my", "your", "his", "her", "their", "its", "this", "that",
        "these", "those", "meet", "and", "or", "of", "two", "three", "four", "five", "six",
        "seven", "eight", "nine", "ten", "some", "many", "all", "young", "new", "more",
    )
)  # fmt: skip


@cache
def _lexicon(name: str) -> frozenset[str]:
    """The words of ``lexicons/<name>`` (one a line, ``#`` comments), read on first use."""
    from importlib import resources  # on first use: a text with no byline never needs it

    text = resources.files("tuireader").joinpath("lexicons", name).read_text(encoding="utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def byline_name(text: str) -> str | None:
    """The name in what follows "By" ("Ruth Okafor | @ruthokafor" gives "Ruth Okafor"), with
    any handle or address after it left out; None when it is no name ("the river")."""
    name = text.strip()
    for _ in range(_HANDLES_MAX):
        match = _BYLINE_HANDLE.search(name)
        if match is None:
            break
        name = name[: match.start()].rstrip(" |·•,;/–—-")
    return name if name and is_name(name.partition(",")[0]) else None


def is_role_line(line: str) -> bool:
    """ "Transport correspondent", "Associated Press Writer", "Staff reporter", "Senior reporter,
    Fenwick Gazette": a few words, the last one writer's role (lexicons/writer_roles.txt, not
    plural), with no determiner, number or verb before it (_NOT_IN_A_ROLE), an outlet after a
    comma allowed, as a line of its own under a byline; "Reporters were told to wait.", "Young
    Reporters" and "Meet the new editor" are story or headings."""
    text = line.strip()
    if len(text) > _BYLINE_MAX or text.endswith((".", "!", "?", ":", ";")):
        return False
    role, _, outlet = text.partition(",")
    words = role.split()
    if not 1 <= len(words) <= _ROLE_WORDS_MAX or (outlet and not is_name(outlet)):
        return False
    last = words[-1].casefold()
    if last not in _lexicon("writer_roles.txt"):
        return False
    return all(_ROLE_WORD.fullmatch(w) for w in words) and not any(
        w.casefold() in _NOT_IN_A_ROLE for w in words[:-1]
    )


def is_timestamp_line(line: str) -> bool:
    """ "Published 3:14 PM EST, Mon March 2, 2026 Updated 4:02 PM EST, Mon March 2, 2026": a
    published or updated stamp and nothing else (see _STAMP_WORD)."""
    if len(line) > _STAMP_MAX or _STAMP_START.match(line) is None:
        return False
    words = [w for w in _STAMP_SEPARATORS.split(line.strip().rstrip(".")) if w]
    return any(c.isdigit() for c in line) and all(_STAMP_WORD.fullmatch(w) for w in words)


def is_originally_published_line(line: str) -> bool:
    """ "Originally published in the Fenwick Gazette.", "This article was first published at
    gazette.example on March 2, 2026": where it appeared is a name, an address or a date ("First
    published in 1902, the map shows the old harbour." is story). The piece names itself ("this
    article") or not at all: after "the report", "the essay" only an address or a date makes it
    a note ("The essay was reprinted in The New Yorker." is story); and only the bare note says
    who published it ("Originally published by ProPublica"; "The report was first published by
    the Ministry of Health." is story)."""
    if len(line) > _SIGN_OFF_MAX:
        return False
    match = _ORIGINALLY_PUBLISHED.fullmatch(line.strip())
    if match is None:
        return False
    det = (match.group("det") or "").casefold()
    if match.group("prep").casefold() == "by" and det:
        return False
    where = _REPUBLICATION_TERMS.sub("", match.group("where"))
    if det == "the" and not (_ADDRESS.search(where) or _DATE_WORDS.search(where)):
        return False
    where = _DATE_WORDS.sub(" ", _ADDRESS.sub(" ", where))
    where = re.sub(r"[,;|()]", " ", where)
    return is_name(where, empty=True)


def is_writer_bio(paragraph: str, author: str | None = None) -> bool:
    """ "Ruth Okafor is a reporter covering transport. Contact: rokafor@example.com": one sentence
    saying who wrote the piece, the writer's (``author``) or one with contact details after it;
    "Ana Duarte is a nurse at the county hospital." is story."""
    if len(paragraph) > _BIO_MAX or not paragraph[:1].isupper():
        return False
    if not (
        " is " in paragraph
        or " covers " in paragraph
        or " writes " in paragraph
        or " reports " in paragraph
    ):
        return False  # the verbs of _BIO_SENTENCE: a substring test costs a fifth of a match
    match = _BIO_SENTENCE.match(paragraph)
    if match is None or not is_name(match.group("name")):
        return False
    name = match.group("name")
    roles = _lexicon("writer_roles.txt")
    about_writing = match.group("verb") is not None or any(
        w.casefold().rstrip(",;") in roles for w in match.group("what").split()
    )
    if not about_writing:
        return False
    rest = paragraph[match.end() :].strip()
    if rest and not is_contact_line(rest):
        return False
    return bool(rest) or (author is not None and byline_name(author) == name)


def is_contact_line(line: str) -> bool:
    """ "Contact: rokafor@example.com", "Email: x@example.com | Twitter: @x", "Follow her on X
    @rokafor": the writer's addresses, not a sentence of story."""
    return (
        len(line) <= _CONTACT_MAX
        and "@" in line
        and _CONTACT_LINE.fullmatch(line.strip()) is not None
    )


def is_share_row(line: str) -> bool:
    """ "Share this:", "Share this article Facebook Twitter Email", "Facebook | X | WhatsApp": a
    share bar's words; "Share prices fell." and "Print is not dead." are story."""
    if len(line) > _SHARE_MAX or _share_row_start().match(line) is None:
        return False
    match = _share_row().fullmatch(line)
    if match is None:
        return False
    return match.group("share") is not None or len(_SHARE_SEPARATORS.split(line.strip(" ."))) >= 2


@cache
def _share_row_start() -> re.Pattern[str]:
    """A paragraph's first word that a share row may open with: one search of a text's
    paragraphs joined tells whether any needs a closer look (most texts have none)."""
    words = {"share", *(name.split()[0] for name in _lexicon("share_networks.txt"))}
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"^[ \t]*(?:{alternatives})(?![\w-])", re.I | re.M)


@cache
def _share_row() -> re.Pattern[str]:
    """A share row's words as one pattern (lexicons/share_networks.txt): it fails at a story's
    first word, where splitting every short paragraph into words cost 12 us a file."""
    names = sorted(_lexicon("share_networks.txt"), key=len, reverse=True)
    network = "|".join(re.escape(name) for name in names)
    return re.compile(
        # "Share this:" over "Share this article Facebook Twitter Email" (one paragraph as a
        # page's share bar is copied): the opening words may come more than once.
        rf"\s*(?:(?P<share>{_SHARE_START.pattern})[\s,|·•/]*)*"
        rf"(?:(?:{network})(?![\w-])[\s,|·•/]*)*\.?\s*",
        re.I,
    )


def _is_head_furniture(line: str, byline: str | None) -> bool:
    """Above the story: a writer's role under its byline, a published stamp, where the piece
    first appeared."""
    if byline is not None and is_role_line(line):
        return True
    return _may_be_stamp_or_note(line) and (
        is_timestamp_line(line) or is_originally_published_line(line)
    )


def _is_tail_furniture(line: str, byline: str | None) -> bool:
    """Below the story: where the piece first appeared, the writer's bio and addresses, a
    published stamp, a share row. Cheap tests first: every text's last paragraph is asked."""
    if "@" in line and (is_contact_line(line) or is_writer_bio(line, byline)):
        return True  # an address or a handle: contact details, or a bio with them
    if line[-1:] not in _SENTENCE_ENDS and is_share_row(line):
        return True
    if byline is not None and is_writer_bio(line, byline):
        return True  # the bylined writer's bio needs no address
    return _may_be_stamp_or_note(line) and (
        is_timestamp_line(line) or is_originally_published_line(line)
    )


def _may_be_stamp_or_note(line: str) -> bool:
    """Whether ``line`` opens as a published stamp or an "Originally published" note may: by
    its first word ("The article was first published in …" by a verb of theirs in it)."""
    end = line.find(" ", 0, _FIRST_WORD_MAX)
    first = (line[:end] if end > 0 else line[:_FIRST_WORD_MAX]).rstrip(":,").casefold()
    if first == "the":  # "The article was first published in …": the verb in lower case
        return (
            "originally" in line
            or "first " in line
            or "republished" in line
            or "reproduced" in line
            or "reprinted" in line
            or "adapted" in line
        )
    return first in _STAMP_OR_NOTE_WORDS


def _sign_off_before_copyright(line: str) -> str | None:
    """The sign-off of "(Writing by A; editing by B) © 2026 Some Agency": credits and a copyright
    notice on one line."""
    if len(line) > _SIGN_OFF_MAX or " by " not in line:
        return None
    match = re.match(_SIGN_OFF_BRACKET, line) or _CREDITS_BEFORE_COPYRIGHT.match(line)
    if match is None or not is_copyright_line(line[match.end() :].strip()):
        return None
    sign_off = match.group().strip()
    return sign_off if _credits_name_people(sign_off) else None


def _credits_name_people(sign_off: str) -> bool:
    """Each "by …" of a credit names people or a desk ("Reporting by the committee found gaps."
    names none)."""
    names = _CREDIT_NAMES.findall(sign_off)
    return all(is_name(n) or n.split()[-1].casefold() in _DESK_WORDS for n in names)


@dataclass(frozen=True, slots=True)
class WireCopy:
    """A story's paragraphs with the wire furniture taken out, and what it said."""

    paragraphs: tuple[str, ...]
    dateline: str | None = None
    """The place, day and agency as written (``LOS ANGELES, Feb 26 (Reuters)``)."""
    byline: str | None = None
    date: str | None = None
    """ISO date from the dateline: ``1987-02-26`` with a year, ``--02-26`` without one."""
    sign_off: str | None = None
    service: str | None = None
    """The agency or paper named on its own line under the byline (``Valley Wire Service``)."""


def split_byline_block(block: str) -> list[str]:
    """A byline and the agency under it, on two lines of one block ("By Ruth Okafor" /
    "Valley Wire Service"): two paragraphs, so the agency is not read as part of the name."""
    lines = [line.strip() for line in block.strip().split("\n")]
    if (
        2 <= len(lines) <= _BYLINE_BLOCK_LINES
        and (match := _BYLINE_LINE.fullmatch(lines[0])) is not None
        and byline_name(match.group("byline")) is not None
        and all(_is_under_byline(line) for line in lines[1:])
    ):
        return lines
    return [block]


def _is_under_byline(line: str) -> bool:
    """An agency's name, the writer's role or a published stamp, on a line of a byline's block
    ("By Ruth Okafor" / "Transport correspondent")."""
    return (
        (_SERVICE_LINE.fullmatch(line) is not None and is_name(line))
        or is_role_line(line)
        or is_timestamp_line(line)
    )


def _is_service_line(line: str, following: str) -> bool:
    return (
        _SERVICE_LINE.fullmatch(line) is not None
        and is_name(line)
        and (_dateline(following, 0) is not None or _agency_dateline(following, 0) is not None)
    )


def take_wire_copy(paragraphs: tuple[str, ...], context: str = "") -> WireCopy:
    """Byline, dateline and sign-off out of ``paragraphs``; the year of a dateline's day comes
    from the dateline itself or from a year stamped in ``context`` (the file's header), never
    guessed."""
    paras = list(paragraphs)
    if len(paras) > 1 and _VERSION_NOTE.fullmatch(paras[0]):
        paras.pop(0)
    byline = None
    if (
        len(paras) > 1
        and (match := _BYLINE_LINE.fullmatch(paras[0]))
        and (name := byline_name(match.group("byline"))) is not None
    ):
        byline = name
        paras.pop(0)
    service = None
    for _ in range(_HEAD_FURNITURE_MAX):
        # A role line first: "Associated Press Writer" under a byline is the writer's role,
        # not the service the story came from.
        if len(paras) > 1 and _is_head_furniture(paras[0], byline):
            paras.pop(0)
        elif byline is not None and len(paras) > 1 and _is_service_line(paras[0], paras[1]):
            service = paras.pop(0)
        else:
            break
    dateline = date = None
    if paras:
        first = paras[0]
        offset = 0
        if byline is None and (match := _BYLINE_BEFORE_DATELINE.match(first)):
            found = _dateline(first, match.end())
            if found is not None:
                byline = match.group("byline")
                offset = match.end()
        found = _dateline(first, offset)
        if found is not None:
            dateline_match = found
            dateline = first[offset : dateline_match.end()].rstrip(" -—–").strip()
            date = _iso_day(dateline_match, context)
            paras[0] = first[dateline_match.end() :]
        elif (agency := _agency_dateline(first, offset)) is not None:
            dateline = first[offset : agency.end()].rstrip(" -—–").strip().removesuffix(".")
            date = _iso_day(agency, context)
            paras[0] = first[agency.end() :]
        elif (cjk := _CJK_DATELINE.match(first, offset)) is not None and cjk.end() < len(first):
            dateline = cjk.group("place") or cjk.group("xinhua")
            if byline is None and cjk.group("byline"):
                byline = cjk.group("byline")
            paras[0] = first[cjk.end() :]
        elif offset:
            paras[0] = first[offset:]
    sign_off = None
    _drop_after_end_mark(paras)
    # "Share this:" rows are short: a text of long paragraphs is not searched for one, and a
    # text of short ones by C's substring search, not a regex.
    if paras and min(map(len, paras)) <= _SHARE_MAX:
        joined = "\n".join(paras)
        if "hare" in joined or "HARE" in joined:
            paras = [p for p in paras if not is_share_row(p)] or paras
    # Credits, rules, copyright, the sign-off, the writer's bio and where the piece first
    # appeared close the story in any order ("___", a contributors' line, then the copyright):
    # peel them off the end until none is left.
    while len(paras) > 1:
        last = paras[-1]
        if (
            _RULE.fullmatch(last)
            or _is_contributors_line(last)
            or is_copyright_line(last)
            or _is_tail_furniture(last, byline)
        ):
            paras.pop()
        elif _is_sign_off(last):
            # "-- Reporting by …" over "(Writing by …; editing by …)": credits on two lines
            # are one sign-off, read top to bottom.
            sign_off = _joined_sign_off(paras.pop(), sign_off)
        elif (credits := _sign_off_before_copyright(last)) is not None:
            sign_off = _joined_sign_off(credits, sign_off)
            paras.pop()
        else:
            break
    if sign_off is None and paras and (tail := _trailing_sign_off(paras[-1])) is not None:
        sign_off = paras[-1][tail:].strip()
        paras[-1] = paras[-1][:tail].rstrip()
    return WireCopy(tuple(paras), dateline, byline, date, sign_off, service)


def _joined_sign_off(line: str, below: str | None) -> str:
    """The sign-off ``line`` over the sign-off ``below`` already taken (if any)."""
    line = line.lstrip("-–— ")
    return line if below is None else f"{line} {below}"


def is_byline_over_dateline(line: str, following: str) -> bool:
    """``line`` is a byline ("By Maria Lopez", "by Ann Lee, Reuters") and the paragraph after
    it opens with a dateline: wire copy's first paragraph, not a title. A line that only starts
    with "By" ("By the river") or one over ordinary text stays what it was."""
    return (
        _NAMED_BYLINE_LINE.fullmatch(line.strip()) is not None
        and _dateline(following, 0) is not None
    )


def is_marked_byline(line: str, following: str) -> bool:
    """``line`` is a byline that says so itself: a name with a handle or an address after it
    ("By Ruth Okafor | @ruthokafor"), or one over a role line or a published stamp ("By Ruth
    Okafor" / "Staff reporter"): not a title. "By the river" stays one."""
    match = _BYLINE_LINE.fullmatch(line.strip())
    if match is None or byline_name(match.group("byline")) is None:
        return False
    return (
        _BYLINE_HANDLE.search(match.group("byline")) is not None
        or is_role_line(following)
        or is_timestamp_line(following)
    )


def is_dateline(line: str) -> bool:
    """``line`` is a dateline and nothing else ("LONDON (Reuters) -"), as a page sets it in an
    element of its own before the story's first paragraph."""
    match = _dateline(line + " .", 0)
    return match is not None and match.end() == len(line) + 1


def _drop_after_end_mark(paras: list[str]) -> None:
    """An end mark near the end of the story, and the contacts or notes after it."""
    for index in range(len(paras) - 1, max(0, len(paras) - 1 - _AFTER_END_MAX) - 1, -1):
        if index > 0 and len(paras[index]) <= _END_MARK_MAX and _END_MARK.fullmatch(paras[index]):
            del paras[index:]
            return


def _is_sign_off(line: str) -> bool:
    """A sign-off on a line of its own ("Reuters", "(Reporting by …)", "-- Reporting by Ana Duarte
    in Fenwick", "ad/jm") whose credits name people."""
    return (
        len(line) <= _SIGN_OFF_MAX
        and _SIGN_OFF.fullmatch(line) is not None
        and _credits_name_people(line)
    )


def _trailing_sign_off(paragraph: str) -> int | None:
    """Where a sign-off set on the story's last line starts ("… freight. (Reporting by Ruth
    Okafor; Editing by Sam Hale)"): after a sentence's end, and naming people, so "… said.
    Reporting by the committee found gaps." stays story."""
    match = _TRAILING_SIGN_OFF.search(paragraph)
    if match is None or len(paragraph) - match.start() > _SIGN_OFF_MAX:
        return None
    names = _CREDIT_NAMES.findall(match.group("sign_off"))
    if not names or not all(is_name(n) for n in names):
        return None
    return match.start("sign_off")


def _is_contributors_line(line: str) -> bool:
    """ "Associated Press writer Tom Reyes in Portland contributed to this report.": names before
    "contributed" ("Three agencies contributed to the report." is story)."""
    if len(line) > _SIGN_OFF_MAX or "contributed" not in line:
        return False  # a substring test costs a fifth of the match: every text's end is asked
    match = _CONTRIBUTORS.fullmatch(line)
    return match is not None and is_name(match.group("names"))


def _drop_copyright(paras: list[str]) -> None:
    """Copyright lines closing the story (before or after its sign-off): not claims."""
    while len(paras) > 1 and is_copyright_line(paras[-1]):
        paras.pop()


def is_copyright_line(line: str) -> bool:
    """ "Copyright 2026 Fenwick Gazette. All rights reserved.", "(c) 2026 Fenwick Gazette, a
    Fenwick Media company": a holder's name after the year, no clause ("Copyright 2019 rules, the
    judge ruled, do not cover the timetable." and "© 2019 is the date …" are story)."""
    if len(line) > _SIGN_OFF_MAX or not _may_be_copyright(line):
        return False
    if COPYRIGHT_LINE.fullmatch(line) is None:
        return False
    holder = _ALL_RIGHTS_RESERVED.sub("", _COPYRIGHT_MARK.sub("", line, count=1))
    first, *others = _HOLDER_PARTS.split(holder.strip())
    return is_name(first, empty=True) and all(len(part.split()) <= 6 for part in others)


def _may_be_copyright(line: str) -> bool:
    """A word or sign every copyright line has (see COPYRIGHT_LINE), by substring tests that
    cost a fifth of the match: every text's last paragraph is asked."""
    return (
        "©" in line
        or "opyright" in line
        or "OPYRIGHT" in line
        or "(c)" in line
        or "(C)" in line
        or "eserved" in line
        or "ESERVED" in line
    )


def is_name(text: str, *, empty: bool = False) -> bool:
    """Capitalised words and a name's connectors only (see ``_NAME_WORDS``); ``empty``: whether
    text with no word in it is one."""
    words = _NAME_WORDS.findall(text)
    if not words:
        return empty
    return all(w[0].isupper() or w.casefold() in _NAME_CONNECTORS for w in words)


def _dateline(text: str, pos: int) -> re.Match[str] | None:
    match = _DATELINE.match(text, pos)
    if match is None or not (match.group("place") or match.group("agency")):
        return None
    place = match.group("place") or ""
    agency = match.group("agency") or ""
    if not place and not match.group("day") and not agency[:1].isupper():
        return None  # "(see below) - …" is text; "(dpa)" is an agency after a place or day
    # "WASHINGTON —" alone: the place must be a real capitalised name, not an acronym that
    # opens a sentence ("NATO - the alliance…" stays text).
    alone = bool(place) and not match.group("agency") and not match.group("day")
    if alone and (sum(c.isalpha() for c in place) < 4 or (" " not in place and len(place) < 5)):
        return None
    return match


def _agency_dateline(text: str, pos: int) -> re.Match[str] | None:
    """``Paris (AFP) -``: a place not in capitals, before a known agency (see _AGENCY_DATELINE);
    a word in lower case (but a name's connector: "Rio de Janeiro") is no place."""
    match = _AGENCY_DATELINE.match(text, pos)
    if match is None:
        return None
    words = re.split(r"[\s/-]", match.group("place"))
    if any(w[:1].islower() and w.casefold() not in _NAME_CONNECTORS for w in words):
        return None  # "Officials said (AP) - …" names no place
    return match


_YEARLESS_DATE = re.compile(r"--(\d\d)-(\d\d)")
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def shown_date(date: str | None) -> str | None:
    """``date`` as a reader sees it: a dateline's day with no year (kept as ``--03-05``, ISO
    8601's form for a day whose year is unknown) is "5 March"; any other date is shown as it
    is."""
    if date is None or not date.startswith("--"):
        return date
    match = _YEARLESS_DATE.fullmatch(date)
    if match is None or not 1 <= int(match.group(1)) <= len(_MONTH_NAMES):
        return date
    return f"{int(match.group(2))} {_MONTH_NAMES[int(match.group(1)) - 1]}"


def _iso_day(match: re.Match[str], context: str) -> str | None:
    day = match.group("day")
    if not day:
        return None
    month_name, number = day.replace(".", "").split()
    if month_name.isdigit():  # "30 November"
        month_name, number = number, month_name
    month = _MONTHS.get(month_name[:3].lower())
    if month is None:  # a month in another language ("30 dic"): no date rather than a guess
        return None
    year = match.group("year")
    if year is None and (stamp := _YEAR_STAMP.search(context)):
        year = stamp.group(1)
    try:
        if year is None:
            dt.date(2000, month, int(number))  # a leap year: Feb 29 is a real day
            return f"--{month:02d}-{int(number):02d}"
        return dt.date(int(year), month, int(number)).isoformat()
    except ValueError:
        return None
