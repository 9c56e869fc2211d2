"""Sentence splitting on the patterns published news shows: wire, broadcast and magazine copy.

Every case is written here, in the shape of real copy (times with zones, contract months, titles
and ranks, company names, datelines' neighbours, quotations running over paragraphs), not taken
from any article.
"""

import pytest

from tuireader.articles import from_text
from tuireader.sentences import split_paragraph

ONE = "one sentence"
CASES: list[tuple[str, str, list[str] | str]] = [
    # Times and time zones
    (
        "time-zone-after-am",
        "The final has a 9 a.m. ET scheduled start. Tickets sold out in an hour.",
        ["The final has a 9 a.m. ET scheduled start.", "Tickets sold out in an hour."],
    ),
    (
        "pm-ends-sentence",
        "Polls close at 8 p.m. Officials expect results by midnight.",
        ["Polls close at 8 p.m.", "Officials expect results by midnight."],
    ),
    ("am-weekday", "Crews will begin at 6 a.m. Tuesday and finish by noon.", ONE),
    (
        "am-est-then-sentence",
        "The vote is at 10:30 a.m. EST on Monday. Delegates arrive Sunday.",
        ["The vote is at 10:30 a.m. EST on Monday.", "Delegates arrive Sunday."],
    ),
    ("am-local-time", "Flights resume at 7 a.m. local time, the airline said.", ONE),
    ("pm-on-friday", "It happened at about 3 p.m. on Friday, police said.", ONE),
    ("pm-gmt", "Trading halted at 4:15 p.m. GMT after the statement.", ONE),
    (
        "pm-pt-ends",
        "The launch slipped to 11 p.m. PT. Engineers blamed a valve.",
        ["The launch slipped to 11 p.m. PT.", "Engineers blamed a valve."],
    ),
    # Markets and contract months
    (
        "slash-months",
        "Traders quoted 112 cents for Oct/Dec. Buyers were scarce all week.",
        ["Traders quoted 112 cents for Oct/Dec.", "Buyers were scarce all week."],
    ),
    (
        "month-then-capital",
        "Output peaked in Nov. Exports then slowed sharply.",
        ["Output peaked in Nov.", "Exports then slowed sharply."],
    ),
    ("month-day", "The hearing is set for Dec. 5 in the federal court.", ONE),
    (
        "month-delivery",
        "Wheat for Mar. delivery rose. Corn was flat.",
        ["Wheat for Mar. delivery rose.", "Corn was flat."],
    ),
    ("month-comma", "The talks, which began in Jan., are due to end soon.", ONE),
    ("two-months", "Prices rose 2.1% in Sept. from Aug., the agency said.", ONE),
    (
        "percent-decimal",
        "Inflation eased to 3.4 percent in May from 3.9 percent. Rates held.",
        ["Inflation eased to 3.4 percent in May from 3.9 percent.", "Rates held."],
    ),
    ("money-decimal", "He paid $1.5 billion, or 3.5 percent of the total.", ONE),
    ("cents-per-share", "Earnings were 41 cents a share vs. 38 cents a year earlier.", ONE),
    (
        "temperature",
        "Temperatures reached 41 C. Schools closed early.",
        ["Temperatures reached 41 C.", "Schools closed early."],
    ),
    (
        "fahrenheit",
        "The low was 12 F. Roads iced over by dawn.",
        ["The low was 12 F.", "Roads iced over by dawn."],
    ),
    # Titles, ranks and names
    ("ranks", "Gov. Ana Ruiz and Sen. Paul Hart met Lt. Gen. Omar Reid on Monday.", ONE),
    (
        "rev",
        "Rev. Martin Dale led the service. Mourners filled the church.",
        ["Rev. Martin Dale led the service.", "Mourners filled the church."],
    ),
    ("dr-and-prof", "Dr. Lena Ortiz and Prof. Ian Moss wrote the study.", ONE),
    (
        "initials",
        "The firm was founded by J.R. Hale in 1952. It employs 300 people.",
        ["The firm was founded by J.R. Hale in 1952.", "It employs 300 people."],
    ),
    (
        "middle-initial",
        "George W. Bush spoke first. Then the crowd left.",
        ["George W. Bush spoke first.", "Then the crowd left."],
    ),
    ("jr", "Martin Cole Jr. won the seat by 400 votes.", ONE),
    ("mr-mrs", "Mr. and Mrs. Okoye declined to comment.", ONE),
    ("rep", "Rep. Dana Fry, a Democrat, voted against the bill.", ONE),
    # Companies and organisations
    ("inc-mid", "Shares of Halvard Inc. rose 4 percent after the report.", ONE),
    ("corp-co", "Acme Corp. and Brandt Co. signed the deal.", ONE),
    ("un", "The U.N. Security Council meets today.", ONE),
    ("us-mid", "The storm hit the U.S. East Coast late on Sunday.", ONE),
    (
        "us-end",
        "The company is based in the U.S. Its rival is in Japan.",
        ["The company is based in the U.S.", "Its rival is in Japan."],
    ),
    (
        "ltd-end",
        "The mine is run by Kestrel Ltd. It employs 900 workers.",
        ["The mine is run by Kestrel Ltd.", "It employs 900 workers."],
    ),
    # Numbered references
    (
        "no-seed",
        "The team is the No. 2 seed. It plays on Friday.",
        ["The team is the No. 2 seed.", "It plays on Friday."],
    ),
    ("vol", "Vol. 2 of the report is due out in March.", ONE),
    ("fig", "Output fell (see Fig. 3) for the second month.", ONE),
    ("approx", "He earned approx. 40,000 dollars a year, i.e. less than his rival.", ONE),
    (
        "art",
        "The court cited Art. 5 of the charter. The appeal failed.",
        ["The court cited Art. 5 of the charter.", "The appeal failed."],
    ),
    # Places
    ("st-louis", "St. Louis and Ft. Worth both bid for the games.", ONE),
    ("mt", "Climbers reached Mt. Kenya's summit at dawn.", ONE),
    (
        "domain",
        "Visit the site at news.example.com for updates. Comments are closed.",
        ["Visit the site at news.example.com for updates.", "Comments are closed."],
    ),
    # Scores and figures
    (
        "score",
        "The final score was 3-1. The coach praised the defence.",
        ["The final score was 3-1.", "The coach praised the defence."],
    ),
    (
        "year-end",
        "The bridge opened in 1962. It carries 30,000 cars a day.",
        ["The bridge opened in 1962.", "It carries 30,000 cars a day."],
    ),
    # Quotations
    (
        "question-said",
        "“Why now?” she asked. Nobody answered.",
        ["“Why now?” she asked.", "Nobody answered."],
    ),
    ("exclaim-said", "“Get out!” the guard shouted, and the crowd ran.", ONE),
    ("short-quote-one-claim", "“The bridge is unsafe. We had no choice,” said Ms. Marsh.", ONE),
    (
        "three-sentence-quote-one-claim",
        "“Some firms will cope. Others will not. We cannot say which,” he said.",
        ONE,
    ),
    (
        "seven-sentence-quote",
        "“We acted fast. We saved lives. We will do it again. We have the money. We have the staff. "
        "We have the plan. Nothing will stop us,” the mayor said.",
        [
            "“We acted fast.",
            "We saved lives.",
            "We will do it again.",
            "We have the money.",
            "We have the staff.",
            "We have the plan.",
            "Nothing will stop us,” the mayor said.",
        ],
    ),
    (
        "long-quote-with-abbreviation",
        "“Mr. Hale signed at 9 a.m. ET. The bank agreed. The board agreed. Then the state agreed,” "
        "she said.",
        [
            "“Mr. Hale signed at 9 a.m. ET.",
            "The bank agreed.",
            "The board agreed.",
            "Then the state agreed,” she said.",
        ],
    ),
    (
        "straight-quotes-long",
        '"Crops failed. Wells ran dry. Families left. Schools shut," the report said.',
        ['"Crops failed.', "Wells ran dry.", "Families left.", 'Schools shut," the report said.'],
    ),
    (
        "unclosed-quote-paragraph",
        "“The plan is sound. We expect approval by spring. The council has the votes.",
        ["“The plan is sound.", "We expect approval by spring.", "The council has the votes."],
    ),
    (
        "quote-then-attribution-sentence",
        "Ruiz was blunt. “It failed,” she said. “We start again.”",
        ["Ruiz was blunt.", "“It failed,” she said.", "“We start again.”"],
    ),
    # Abbreviations that end sentences
    (
        "etc-end",
        "They sold tents, stoves, lamps, etc. Sales doubled.",
        ["They sold tents, stoves, lamps, etc.", "Sales doubled."],
    ),
    ("vs-mid", "It was Kent vs. Surrey in the final.", ONE),
    ("eg-mid", "Some fruit, e.g. apples and pears, was spared.", ONE),
    # Ellipses, dashes, parentheses
    ("ellipsis-mid", "He paused … then carried on reading.", ONE),
    (
        "dash-aside",
        "The vote — held at night — passed by two votes. Critics objected.",
        ["The vote — held at night — passed by two votes.", "Critics objected."],
    ),
    (
        "parenthetical-sentence",
        "The plant closed. (It reopened a year later.) Jobs were lost.",
        ["The plant closed.", "(It reopened a year later.)", "Jobs were lost."],
    ),
    # Broadcast style
    (
        "question-headline-style",
        "Will rates rise? Most economists think so.",
        ["Will rates rise?", "Most economists think so."],
    ),
    (
        "number-start",
        "Forty-two people were hurt. Nine are in hospital.",
        ["Forty-two people were hurt.", "Nine are in hospital."],
    ),
    (
        "lower-after-colon",
        "The rule is simple: no phones in class. Teachers agree.",
        ["The rule is simple: no phones in class.", "Teachers agree."],
    ),
]


@pytest.mark.parametrize(("name", "text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_news_sentence(name: str, text: str, expected: list[str] | str) -> None:
    got = [text[a:b] for a, b in split_paragraph(text)]
    assert got == ([text] if expected == ONE else expected)


def test_case_count() -> None:
    assert len(CASES) + len(PARAGRAPH_CASES) >= 60


PARAGRAPH_CASES: list[tuple[str, str, list[str]]] = [
    (
        "multi-paragraph-quote-no-closing-mark",
        "“We will not close the school. The parents want it open.\n\n"
        "“The teachers agree,” the head said. The vote is on Friday.",
        [
            "“We will not close the school.",
            "The parents want it open.",
            "“The teachers agree,” the head said.",
            "The vote is on Friday.",
        ],
    ),
    (
        "paragraph-per-item",
        "The board listed three steps:\n\n1. Raise fares.\n\n2. Cut late crossings.\n\n3. Sell a ferry.",
        [
            "The board listed three steps:",
            "1. Raise fares.",
            "2. Cut late crossings.",
            "3. Sell a ferry.",
        ],
    ),
    (
        "wrapped-numbered-items",
        "Officials gave two reasons:\n1) higher fuel costs,\n2) fewer passengers.",
        ["Officials gave two reasons:", "1) higher fuel costs,", "2) fewer passengers."],
    ),
]


@pytest.mark.parametrize(
    ("name", "text", "expected"), PARAGRAPH_CASES, ids=[c[0] for c in PARAGRAPH_CASES]
)
def test_news_article(name: str, text: str, expected: list[str]) -> None:
    assert [s.text for s in from_text(text).sentences] == expected
