"""A story sentence is never dropped as furniture, though it starts with or holds a furniture
word ("Share", "Photo by", "Copyright", "By", the author's name), first, in the middle or last
in the story: furniture is a short line with no sentence of story in it."""

import pytest

from tuireader.formats import parse_html

HEADLINE = "Ferry timetable cut for the winter"
AUTHOR = '<meta name="author" content="Ana Duarte">'
STORY = (
    "The ferry company cut its winter timetable to four sailings a day on Monday.",
    "Passengers on the early crossing said the change would cost them their jobs.",
    "The council said it would ask the company to restore the first sailing.",
)
MIDDLE = (
    "Photo by photo, the archive was rebuilt over ten years.",
    "Picture by picture, the coastguard rebuilt the night of the storm.",
    "Image: a blurred photo of the harbour was all the coastguard had to go on.",
    "Sign up numbers for the council's newsletter fell by half last year.",
    "Related.",
    "Comments?",
    "Share prices in the ferry company fell by a tenth on the news.",
    "Advertisement boards on the promenade will come down in spring.",
    "Read more than half of the letters and a pattern emerges, the clerk said.",
    "Subscribe, the mayor joked, and you will hear about the next closure first.",
    "Follow the money, the auditor told the committee.",
    "Credit unions in the town lent more than the banks did last year.",
    "Getty, the ferry company's old owner, sold the fleet in 2019.",
    "Updated figures put the cost of the repairs at four million pounds.",
    "Listen to the harbour master and you hear a man tired of storms.",
    "Watch the tide tables, fishermen warned visitors on Sunday.",
    "Sign in sheets at the library show that visits doubled.",
    "Log in figures for the council's website rose after the vote.",
    "Cookie sales at the school fair raised three hundred pounds for the lifeboat.",
    "Newsletter readers were the first to hear of the cut.",
    "Topics: the fares, the timetable and the harbour wall, in that order.",
    "Video: the only footage of the crossing was shot on a phone.",
)
LAST = (
    "Copyright 2019 rules, the judge ruled, do not cover the ferry timetable.",
    "© 2019 is the date printed on the timetable still pinned to the office door.",
    "By the end of the week, the ferries were running late again (see below)",
    "“We will sail on Friday,” said Ana Duarte",
    "Ana Duarte said she would appeal, and that she would win",
    "By Friday the ferries were running late again, and nobody knew why",
    "Copyright lawyers for the company said the timetable was theirs to change.",
    "Published or not, the figures show the crossing loses money",
    "Updated timetables were posted on the pier on Tuesday",
)
FIRST = (
    "Published 4 November 2025, the report runs to 400 pages",
    "LONDON CALLING",
    "Updated 09:10 GMT was the time on the last message from the ferry",
    "By the time the ferry docked, the passengers had been at sea for nine hours",
    "Ana Duarte, who has run the ferry for a decade, will retire in March",
    "Share this story with your neighbours, the council urged in its letter",
    "November 30, 2026 will be the last day of the winter timetable, the company said",
)

# Story sentences with no closing stop (a subhead, a caption-like opening), where the rules for
# short lines are tried.
UNSTOPPED = (
    "Follow-up inspections found the wall had moved again",
    "Credit: the coastguard, who found the boat",
    "Getty Images photographers were barred from the pier",
    "Listen: the harbour master's warning was clear",
    "Watch out for the tide, the sign says",
    "Advertisement: a word the council's posters avoided",
    "Subscribe to the view that the ferry is doomed and you will be disappointed",
    "Sign up for the ferry's winter pass closed on Friday",
    "Log in problems kept the booking site down all week",
    "Cookie cutter housing was blamed for the flooding",
    "Published by the council, the report blames the weather",
    "Updated on Monday, the forecast warned of gales",
    "By Ana Duarte's count, forty boats were lost",
    "Read more: the council's report is online",
    "Share and share alike, the fishermen said of the catch",
    "Related to the storm, the closures will last a week",
    "Photo: the council released one image of the wall, and it was blurred",
    "Posted on the pier, the notice was torn down within an hour",
    "3 hours ago the ferry left without its passengers",
    "© the council, said the caption under the photo, though nobody believed it",
    "Copyright 2026 is stamped on every page of the timetable",
    "Tags: hung on every crate, they showed the catch came from Norway",
    "Topics: none, the chair said, were off the table",
    "— Ana Duarte said nothing more",
    "Sign in to the harbour office is now required for every skipper",
)


def page(body: str) -> str:
    return (
        f"<!DOCTYPE html><html><head><title>{HEADLINE}</title>{AUTHOR}</head>"
        f"<body><article><h1>{HEADLINE}</h1>{body}</article></body></html>"
    )


def kept(story: tuple[str, ...]) -> tuple[str, ...]:
    return parse_html(page("".join(f"<p>{p}</p>" for p in story))).paragraphs


@pytest.mark.parametrize("sentence", MIDDLE + LAST + FIRST + UNSTOPPED)
def test_a_story_sentence_in_the_middle_is_kept(sentence: str) -> None:
    story = (STORY[0], sentence, *STORY[1:])
    assert kept(story) == story


@pytest.mark.parametrize("sentence", LAST + MIDDLE + UNSTOPPED)
def test_a_story_sentence_at_the_end_is_kept(sentence: str) -> None:
    story = (*STORY, sentence)
    assert kept(story) == story


@pytest.mark.parametrize("sentence", FIRST + MIDDLE + UNSTOPPED)
def test_a_story_sentence_at_the_top_is_kept(sentence: str) -> None:
    story = (sentence, *STORY)
    assert kept(story) == story


FURNITURE_ON_TOP = (
    "By Tamsin Orr, Transport correspondent | 4 min read",
    "By TAMSIN ORR",
    "By Ana Duarte and Tomas Reyes | Fenwick Gazette",
    "Fenwick Gazette | By Ana Duarte",
    "Words by Ana Duarte",
    "by Ana Duarte · 30 November 2026",
    "Ana Duarte",
    "Ana Duarte, Transport correspondent",
    "— Ana Duarte",
    "Published: 4 November 2025",
    "Updated 30 November 2026, 09:10 GMT",
    "First published on Mon 30 Nov 2026 09.41 GMT",
    "3 hours ago",
    "LONDON",
    "BREAKING NEWS",
)
FURNITURE_INSIDE = (
    "Photo: Ana Duarte for the Fenwick Gazette",
    "Image: Getty Images",
    "Image: Getty Images.",
    "(Picture by Ana Duarte/Fenwick Gazette)",
    "Illustration by Tomas Reyes",
    "Video: Fenwick Gazette",
    "Tags: pools, council",
    "Topics: Transport",
    "Sign up to our newsletter",
    "Sign up for the Fenwick Gazette newsletter",
    "Subscribe to our daily newsletter.",
    "Subscribe to keep reading. Already a subscriber? Log in.",
    "Related stories",
    "Read more",
    "Advertisement",
    "Share this article",
    "Comments",
)
FURNITURE_AT_THE_END = (
    "Copyright 2026 Fenwick Gazette. All rights reserved.",
    "© 2026 Fenwick Gazette",
    "(c) 2026 Fenwick Media Ltd",
    "© Fenwick Gazette 2026. All rights reserved.",
    "Copyright © 2026 Fenwick Gazette, a Fenwick Media company.",
    "Ana Duarte",
    "By Ana Duarte",
    "— Ana Duarte",
    "Published 4 November 2025",
    "Updated 09:10 GMT",
)


@pytest.mark.parametrize("line", FURNITURE_ON_TOP)
def test_a_byline_date_or_kicker_on_top_still_goes(line: str) -> None:
    assert kept((line, *STORY)) == STORY


@pytest.mark.parametrize("line", FURNITURE_INSIDE)
def test_a_credit_prompt_or_heading_inside_the_story_still_goes(line: str) -> None:
    assert kept((STORY[0], line, *STORY[1:])) == STORY


@pytest.mark.parametrize("line", FURNITURE_AT_THE_END)
def test_a_copyright_byline_or_date_line_at_the_end_still_goes(line: str) -> None:
    assert kept((*STORY, line)) == STORY
