"""Pages and wire files in the shapes real news comes in, each with the sentences of its story.

Every story, name and quote is invented and written for this project; only the shapes follow
what sites and agencies publish: live blogs, AMP pages, comment threads, photo galleries,
corrections boxes, "Read more" teasers, pull quotes, footnotes, tables, lists, ``<br>``-separated
paragraphs, pages in French, German, Spanish, Arabic, Hebrew, Chinese and Japanese, and plain-text
wire copy. ``SHAPES`` lists them; ``benchmarks/bench_page_shapes.py`` scores what tuireader makes
of them and ``tests/test_page_shapes.py`` holds the result.

A shape's ``sentences`` are the story's sentences in order, as a reader would tag them; its
``neutral`` lines (subheadings, a live post's time) may come out as sentences or not.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Shape:
    name: str
    source: str
    sentences: tuple[str, ...]
    suffix: str = ".html"
    neutral: tuple[str, ...] = ()
    dateline: str | None = None


def page(title: str, body: str, head: str = "", lang: str = "en", direction: str = "") -> str:
    attrs = f' lang="{lang}"' + (f' dir="{direction}"' if direction else "")
    return (
        f"<!DOCTYPE html><html{attrs}><head><meta charset='utf-8'><title>{title}</title>{head}"
        f"</head><body>{body}</body></html>"
    )


def paras(*texts: str) -> str:
    return "".join(f"<p>{t}</p>" for t in texts)


NAV = (
    "<header><a href='/'>Fenwick Gazette</a><nav><a href='/news'>News</a>"
    "<a href='/sport'>Sport</a><a href='/weather'>Weather</a></nav></header>"
)
FOOT = "<footer><p>© 2026 Fenwick Gazette. All rights reserved.</p><a href='/privacy'>Privacy</a></footer>"

S: dict[str, tuple[str, ...]] = {}


def _shapes() -> list[Shape]:
    shapes: list[Shape] = []

    # 1. Live blog: posts with times and headings, newest first, a summary on top.
    summary = "The ferry strike entered its third day on Wednesday with no sailings on any route."
    posts = [
        (
            "14:05",
            "Union to meet on Thursday",
            "The union said its members would meet on Thursday to vote on the new offer.",
        ),
        (
            "12:40",
            "Pier reopens to foot traffic",
            "The east pier reopened to people on foot shortly after noon. Cars are still barred.",
        ),
        (
            "09:15",
            "Company makes fresh offer",
            "The ferry company offered a pay rise of six per cent over two years.",
        ),
    ]
    body = (
        NAV
        + "<main><h1>Ferry strike live: day three</h1>"
        + f"<p class='summary'>{summary}</p>"
        + "<div class='live-posts'>"
        + "".join(
            f"<article id='post-{n}'><time>{t}</time><h2><a href='#post-{n}'>{h}</a></h2>"
            f"<p>{p}</p><div class='share'>Share this post</div></article>"
            for n, (t, h, p) in enumerate(posts)
        )
        + "</div></main>"
        + FOOT
    )
    shapes.append(
        Shape(
            "live blog",
            page("Ferry strike live: day three", body),
            (
                summary,
                "The union said its members would meet on Thursday to vote on the new offer.",
                "The east pier reopened to people on foot shortly after noon.",
                "Cars are still barred.",
                "The ferry company offered a pay rise of six per cent over two years.",
            ),
            neutral=tuple(t for t, _, _ in posts) + tuple(h for _, h, _ in posts),
        )
    )

    # 2. AMP page: amp-img with a caption, amp-ad, amp-social-share, amp-sidebar.
    story = (
        "Orchard owners in the valley lost up to a third of their blossom to a late frost.",
        "Growers said the cold snap on Sunday night was the worst in a decade. "
        "Insurers have been asked to visit 40 farms.",
        "“We lit fires between the rows all night,” said grower Lena Park.",
    )
    body = (
        "<amp-sidebar id='menu' layout='nodisplay'><ul><li>Home</li><li>Farming</li></ul>"
        "</amp-sidebar><article><h1>Frost costs orchards a third of blossom</h1>"
        "<amp-img src='a.jpg' width='600' height='400'></amp-img>"
        "<figure><figcaption>Frost on apple blossom near Fenwick. Photo: Ola Berg</figcaption></figure>"
        + paras(story[0])
        + "<amp-ad width='300' height='250' type='doubleclick'><div>Advertisement</div></amp-ad>"
        + paras(*story[1:])
        + "<amp-social-share type='twitter'></amp-social-share></article>"
    )
    shapes.append(
        Shape(
            "AMP page",
            "<!doctype html><html ⚡ lang='en'><head><meta charset='utf-8'>"
            "<title>Frost costs orchards a third of blossom</title></head><body>"
            + body
            + "</body></html>",
            (
                story[0],
                "Growers said the cold snap on Sunday night was the worst in a decade.",
                "Insurers have been asked to visit 40 farms.",
                story[2],
            ),
        )
    )

    # 3. Comments under the story, with a class; 4. comments with no class names.
    story = (
        "The library will open on Sundays from next month, the council said on Friday.",
        "The change costs 80,000 pounds a year and is paid for by a bequest.",
    )
    comments = (
        "<section class='comments'><h2>42 comments</h2><ol>"
        "<li><b>harbourwatcher</b><p>About time. The library is the only warm place on a Sunday.</p></li>"
        "<li><b>Ken_F</b><p>Who pays when the bequest runs out? Nobody has said.</p></li></ol></section>"
    )
    shapes.append(
        Shape(
            "comments (class)",
            page(
                "Library to open on Sundays",
                NAV
                + f"<article><h1>Library to open on Sundays</h1>{paras(*story)}</article>{comments}{FOOT}",
            ),
            story,
        )
    )
    bare_comments = (
        "<div><h3>Comments (2)</h3>"
        "<div><p><b>Maud</b> wrote:</p><p>Sunday opening will help students revise before exams.</p></div>"
        "<div><p><b>Pete R.</b> wrote:</p><p>Open it on Mondays instead, it is shut then.</p></div>"
        "<form><textarea>Add a comment</textarea><button>Post</button></form></div>"
    )
    shapes.append(
        Shape(
            "comments (no class)",
            page(
                "Library to open on Sundays",
                f"<h1>Library to open on Sundays</h1><div>{paras(*story)}</div>{bare_comments}",
            ),
            story,
        )
    )

    # 5. Photo gallery: slides with captions and counters, then the story.
    story = (
        "Thousands lined the promenade on Saturday for the first tall-ships race in 20 years.",
        "Eleven ships took part. The Dutch brig Zeemeeuw finished first, two hours ahead of the "
        "fleet.",
    )
    slides = "".join(
        f"<li class='slide'><img src='{n}.jpg' alt=''><p class='counter'>{n} of 3</p>"
        f"<p class='caption'>{c} (Photo: Ines Moreau)</p></li>"
        for n, c in enumerate(
            (
                "Crowds on the promenade",
                "The Zeemeeuw under full sail",
                "Crews at the prize-giving",
            ),
            start=1,
        )
    )
    shapes.append(
        Shape(
            "photo gallery",
            page(
                "Tall ships return to Fenwick",
                NAV
                + f"<article><h1>Tall ships return to Fenwick</h1><ul class='gallery'>{slides}</ul>{paras(*story)}</article>",
            ),
            (
                story[0],
                "Eleven ships took part.",
                "The Dutch brig Zeemeeuw finished first, two hours ahead of the fleet.",
            ),
        )
    )

    # 6. Correction box above the story; 7. editor's note below it.
    story = (
        "The hospital's new wing will open in May, six months late, its board said on Monday.",
        "The delay added 12 million pounds to the cost.",
    )
    correction = (
        "Correction: An earlier version of this article said the wing would open in March. "
        "It will open in May."
    )
    shapes.append(
        Shape(
            "correction box",
            page(
                "Hospital wing delayed to May",
                f"<article><h1>Hospital wing delayed to May</h1><div class='correction'><p>{correction}</p></div>{paras(*story)}</article>",
            ),
            (
                "Correction: An earlier version of this article said the wing would open in March.",
                "It will open in May.",
                *story,
            ),
        )
    )
    note = "Editor's note: This story was updated on Tuesday to add the board's response."
    shapes.append(
        Shape(
            "editor's note",
            page(
                "Hospital wing delayed to May",
                f"<article><h1>Hospital wing delayed to May</h1>{paras(*story)}<p><em>{note}</em></p></article>",
            ),
            (*story, note),
        )
    )

    # 8. "Read more" teasers in the middle of the story.
    story = (
        "Bus fares in the county will be capped at two pounds from April.",
        "The cap will cost the county 3 million pounds in its first year.",
        "Operators said they would not cut routes as a result.",
    )
    body = (
        f"<article><h1>Bus fares capped at two pounds</h1>{paras(story[0])}"
        "<p><strong>Read more:</strong> <a href='/news/rail-fares'>Rail fares to rise by 4%</a></p>"
        f"{paras(story[1])}"
        "<p>READ MORE: <a href='/news/bus-routes'>Five bus routes to be cut in spring</a></p>"
        "<p><b>Read more:</b> <a href='/a'>Council tax to rise</a> | <a href='/b'>Parking charges frozen</a></p>"
        f"{paras(story[2])}</article>"
    )
    shapes.append(Shape("read more teasers", page("Bus fares capped at two pounds", body), story))

    # 9. Pull quote repeated from the text, with and without a class.
    quote = "“Nobody should have to choose between heating and eating,” said Ruth Alder."
    story = (
        "The food bank handed out 900 parcels in November, twice as many as a year ago.",
        quote,
        "The food bank's director, Ruth Alder, said demand rose after energy bills went up.",
    )
    shapes.append(
        Shape(
            "pull quote (class)",
            page(
                "Food bank demand doubles",
                f"<article><h1>Food bank demand doubles</h1>{paras(story[0], story[1])}<aside class='pullquote'><p>{quote}</p></aside>{paras(story[2])}</article>",
            ),
            story,
        )
    )
    shapes.append(
        Shape(
            "pull quote (blockquote)",
            page(
                "Food bank demand doubles",
                f"<article><h1>Food bank demand doubles</h1>{paras(story[0], story[1])}<blockquote><p>{quote}</p></blockquote>{paras(story[2])}</article>",
            ),
            story,
        )
    )

    # 10. Footnotes with superscript markers.
    body = (
        "<article><h1>River cleaner than in 1990</h1>"
        "<p>The river's oxygen levels are the highest since records began.<sup><a href='#fn1'>1</a></sup> "
        "Salmon have returned to the upper reaches.</p>"
        "<p>Farm run-off is still the main source of pollution.<sup><a href='#fn2'>2</a></sup></p>"
        "<hr><ol class='footnotes'><li id='fn1'>Environment Agency data, 1990 to 2026.</li>"
        "<li id='fn2'>Fenwick Rivers Trust survey, 2025.</li></ol></article>"
    )
    shapes.append(
        Shape(
            "footnotes",
            page("River cleaner than in 1990", body),
            (
                "The river's oxygen levels are the highest since records began.",
                "Salmon have returned to the upper reaches.",
                "Farm run-off is still the main source of pollution.",
            ),
            neutral=(
                "Environment Agency data, 1990 to 2026.",
                "Fenwick Rivers Trust survey, 2025.",
            ),
        )
    )

    # 11. A table of figures inside the story.
    story = (
        "House prices in the town rose by 4 per cent last year, the land registry said.",
        "Flats rose fastest, as the table shows.",
        "Agents expect prices to level off in the spring.",
    )
    table = (
        "<table><tr><th>Type</th><th>Price</th><th>Change</th></tr>"
        "<tr><td>Flat</td><td>182,000</td><td>+6%</td></tr>"
        "<tr><td>Terraced</td><td>221,000</td><td>+3%</td></tr></table>"
    )
    shapes.append(
        Shape(
            "table",
            page(
                "House prices up 4%",
                f"<article><h1>House prices up 4%</h1>{paras(*story[:2])}{table}{paras(story[2])}</article>",
            ),
            story,
        )
    )

    # 12. A list of key points, then the story; 13. a list in the middle.
    points = (
        "The pool will close for a year from January.",
        "Swimming lessons move to the school pool.",
        "The refit costs 2.4 million pounds.",
    )
    story = (
        "The town's only public pool will shut for a year while its roof is replaced, the council confirmed.",
    )
    shapes.append(
        Shape(
            "key points list",
            page(
                "Pool to close for a year",
                f"<article><h1>Pool to close for a year</h1><div class='key-points'><h2>Key points</h2><ul>{''.join(f'<li>{p}</li>' for p in points)}</ul></div>{paras(*story)}</article>",
            ),
            (*points, *story),
            neutral=("Key points",),
        )
    )
    items = ("a new roof", "new changing rooms", "a learner pool")
    shapes.append(
        Shape(
            "list in the story",
            page(
                "Pool to close for a year",
                f"<article><h1>Pool to close for a year</h1>{paras(story[0], 'The refit will pay for:')}<ul>{''.join(f'<li>{i}</li>' for i in items)}</ul>{paras('The pool will reopen in January 2028.')}</article>",
            ),
            (story[0], "The refit will pay for:", *items, "The pool will reopen in January 2028."),
        )
    )

    # 14. Paragraphs separated by <br> in one block, no <p>.
    story = (
        "A fire at the recycling plant was put out early on Tuesday.",
        "Nobody was hurt. Residents were told to keep windows shut overnight.",
        "The cause is not yet known.",
    )
    shapes.append(
        Shape(
            "br paragraphs",
            page(
                "Fire at recycling plant",
                f"<h1>Fire at recycling plant</h1><div class='story'>{'<br><br>'.join(story)}</div>",
            ),
            (
                story[0],
                "Nobody was hurt.",
                "Residents were told to keep windows shut overnight.",
                story[2],
            ),
        )
    )
    shapes.append(
        Shape(
            "br paragraphs (single br)",
            page(
                "Fire at recycling plant",
                f"<h1>Fire at recycling plant</h1><div class='content'>{'<br>'.join(story)}</div>",
            ),
            (
                story[0],
                "Nobody was hurt.",
                "Residents were told to keep windows shut overnight.",
                story[2],
            ),
        )
    )

    # 15. French: « » quotes with narrow no-break spaces, abbreviations.
    fr = (
        "Le conseil municipal a voté mardi la fermeture du vieux terminal des ferries.",
        "« C’est une décision difficile mais nécessaire », a déclaré le maire, M. Durand.",
        "Les travaux coûteront environ 4,5 millions d’euros. Ils commenceront en mars.",
        "Faut-il s’inquiéter ? Pas selon l’opposition.",
    )
    shapes.append(
        Shape(
            "French page",
            page(
                "Le terminal des ferries va fermer",
                NAV
                + f"<article><h1>Le terminal des ferries va fermer</h1><p class='byline'>Par Claire Vidal</p>{paras(*fr)}</article>",
                lang="fr",
            ),
            (
                fr[0],
                fr[1],
                "Les travaux coûteront environ 4,5 millions d’euros.",
                "Ils commenceront en mars.",
                "Faut-il s’inquiéter ?",
                "Pas selon l’opposition.",
            ),
        )
    )

    # 16. German: „…“ quotes, "z. B.", "Nr.", "Dr.", ordinal dates.
    de = (
        "Die Fähre nach Nordholm fährt ab dem 1. März nur noch zweimal am Tag.",
        "„Wir haben keine andere Wahl“, sagte Geschäftsführerin Dr. Anke Lorenz am Montag.",
        "Betroffen sind z. B. Pendler auf der Linie Nr. 4. Sie müssen künftig früher aufstehen.",
    )
    shapes.append(
        Shape(
            "German page",
            page(
                "Weniger Fähren nach Nordholm",
                f"<article><h1>Weniger Fähren nach Nordholm</h1>{paras(*de)}<p>Mehr zum Thema</p></article>",
                lang="de",
            ),
            (
                de[0],
                de[1],
                "Betroffen sind z. B. Pendler auf der Linie Nr. 4.",
                "Sie müssen künftig früher aufstehen.",
            ),
            neutral=("Mehr zum Thema",),
        )
    )

    # 17. Spanish: ¿…? ¡…! and «…».
    es = (
        "El ayuntamiento cerrará la piscina municipal durante un año.",
        "¿Dónde nadarán los niños? El colegio ofrecerá su piscina los sábados.",
        "«Es una pena, pero hay que hacerlo», dijo la concejala Marta Ruiz.",
        "¡Por fin! exclamaron los vecinos al conocer la fecha de reapertura.",
    )
    shapes.append(
        Shape(
            "Spanish page",
            page(
                "La piscina municipal cierra un año",
                f"<article><h1>La piscina municipal cierra un año</h1>{paras(*es)}</article>",
                lang="es",
            ),
            (
                es[0],
                "¿Dónde nadarán los niños?",
                "El colegio ofrecerá su piscina los sábados.",
                es[2],
                es[3],
            ),
        )
    )

    # 18. Arabic, right to left.
    ar = (
        "أعلن المجلس البلدي يوم الثلاثاء إغلاق محطة العبارات القديمة.",
        "وقال رئيس البلدية إن القرار صعب لكنه ضروري. هل سيتأثر السكان؟ نعم، بحسب المعارضة.",
    )
    shapes.append(
        Shape(
            "Arabic page",
            page(
                "إغلاق محطة العبارات",
                f"<article><h1>إغلاق محطة العبارات</h1>{paras(*ar)}</article>",
                lang="ar",
                direction="rtl",
            ),
            (
                ar[0],
                "وقال رئيس البلدية إن القرار صعب لكنه ضروري.",
                "هل سيتأثر السكان؟",
                "نعم، بحسب المعارضة.",
            ),
        )
    )

    # 19. Hebrew, right to left.
    he = (
        "מועצת העיר החליטה ביום שלישי לסגור את מסוף המעבורות הישן.",
        "ראש העיר אמר כי ההחלטה קשה אך הכרחית. העבודות יחלו במרץ.",
    )
    shapes.append(
        Shape(
            "Hebrew page",
            page(
                "מסוף המעבורות ייסגר",
                f"<article><h1>מסוף המעבורות ייסגר</h1>{paras(*he)}</article>",
                lang="he",
                direction="rtl",
            ),
            (he[0], "ראש העיר אמר כי ההחלטה קשה אך הכרחית.", "העבודות יחלו במרץ."),
        )
    )

    # 20. Chinese: no spaces between sentences.
    zh = (
        "市议会周二投票决定关闭旧渡轮码头。新码头将于明年启用。",
        "市长表示：“这是一个艰难但必要的决定。”反对派则批评成本过高。",
    )
    shapes.append(
        Shape(
            "Chinese page",
            page(
                "旧渡轮码头将关闭",
                f"<article><h1>旧渡轮码头将关闭</h1>{paras(*zh)}</article>",
                lang="zh",
            ),
            (
                "市议会周二投票决定关闭旧渡轮码头。",
                "新码头将于明年启用。",
                "市长表示：“这是一个艰难但必要的决定。”",
                "反对派则批评成本过高。",
            ),
        )
    )

    # 21. Japanese: 「」 quotes, no spaces.
    ja = (
        "市議会は火曜日、古いフェリーターミナルの閉鎖を決めた。新しいターミナルは来年開業する。",
        "市長は「難しいが必要な決断だ」と述べた。工事は三月に始まる。",
    )
    shapes.append(
        Shape(
            "Japanese page",
            page(
                "旧フェリーターミナル閉鎖へ",
                f"<article><h1>旧フェリーターミナル閉鎖へ</h1>{paras(*ja)}</article>",
                lang="ja",
            ),
            (
                "市議会は火曜日、古いフェリーターミナルの閉鎖を決めた。",
                "新しいターミナルは来年開業する。",
                "市長は「難しいが必要な決断だ」と述べた。",
                "工事は三月に始まる。",
            ),
        )
    )

    # 22. Author bio box and tags at the end, breadcrumbs on top.
    story = (
        "The council will plant 5,000 trees along the ring road this winter.",
        "Residents can ask for a tree outside their home until the end of the month.",
    )
    body = (
        "<div class='breadcrumbs'><a href='/'>Home</a> › <a href='/news'>News</a> › Environment</div>"
        f"<article><h1>Five thousand trees for the ring road</h1>{paras(*story)}"
        "<div class='tags'><a href='/t/trees'>Trees</a><a href='/t/council'>Council</a></div>"
        "<div class='author-bio'><p>Ana Duarte is the Gazette's environment reporter. "
        "She has covered the town since 2015.</p></div></article>"
    )
    shapes.append(
        Shape("author bio and tags", page("Five thousand trees for the ring road", body), story)
    )

    # 23. A newsletter box without class names in the middle of the story.
    story = (
        "The old cinema on Quay Street will reopen as a music venue in June.",
        "The new owners have spent a year restoring its art deco front.",
    )
    body = (
        f"<h1>Old cinema to reopen as music venue</h1>{paras(story[0])}"
        "<div><h4>Get the Gazette's morning briefing</h4><p>Sign up for our free daily newsletter</p>"
        "<input type='email'><button>Sign up</button></div>"
        f"{paras(story[1])}"
    )
    shapes.append(
        Shape("inline newsletter", page("Old cinema to reopen as music venue", body), story)
    )

    # 24. A story with subheadings and an "Advertisement" slot between paragraphs.
    story = (
        "The harbour's new flood wall was finished on Friday, a month early.",
        "The wall is 1.2 km long and 2 m high.",
        "Engineers say it will protect 400 homes from a once-in-a-century storm.",
    )
    body = (
        f"<div itemprop='articleBody'><h1>Flood wall finished early</h1>{paras(story[0])}"
        "<h2>How big is it?</h2>"
        f"{paras(story[1])}<div class='ad-slot'>Advertisement</div><p>ADVERTISEMENT</p>"
        "<h2>What does it protect?</h2>"
        f"{paras(story[2])}</div>"
    )
    shapes.append(
        Shape(
            "subheadings and ad slots",
            page("Flood wall finished early", body),
            story,
            neutral=("How big is it?", "What does it protect?"),
        )
    )

    # 25. Q&A interview with bold speakers.
    body = (
        "<article><h1>Five minutes with the harbour master</h1>"
        "<p>Tom Reyes has run the harbour for 12 years. He retires on Friday.</p>"
        "<p><strong>Q: What will you miss most?</strong></p>"
        "<p><strong>A:</strong> The early mornings. The harbour is quiet before six.</p>"
        "<p><strong>Q: And least?</strong></p>"
        "<p><strong>A:</strong> The paperwork, without a doubt.</p></article>"
    )
    shapes.append(
        Shape(
            "Q&A interview",
            page("Five minutes with the harbour master", body),
            (
                "Tom Reyes has run the harbour for 12 years.",
                "He retires on Friday.",
                "Q: What will you miss most?",
                "A: The early mornings.",
                "The harbour is quiet before six.",
                "Q: And least?",
                "A: The paperwork, without a doubt.",
            ),
        )
    )

    # 26. An embedded post with its author line, inside the story.
    story = (
        "The council's website was down for most of Monday after a power cut.",
        "Residents complained on social media.",
        "The council said the site was back by 6 pm.",
    )
    embed = (
        "<blockquote class='social-embed'><p>Tried to pay my council tax three times today. "
        "Website still down.</p>— Jo Marsh (@jomarsh) November 30, 2026</blockquote>"
    )
    shapes.append(
        Shape(
            "embedded post",
            page(
                "Council website down for a day",
                f"<article><h1>Council website down for a day</h1>{paras(*story[:2])}{embed}{paras(story[2])}</article>",
            ),
            story,
            neutral=("Tried to pay my council tax three times today.", "Website still down."),
        )
    )

    # 27. A dateline on a line of its own, Title case, and photo credit lines.
    story = (
        "Thousands of people marched through the city centre on Sunday to protest against water cuts.",
        "The water board said supplies would be restored by Wednesday.",
    )
    body = (
        "<article><h1>Thousands march over water cuts</h1><p>Mexico City</p>"
        f"{paras(story[0])}<p>Image: Reuters</p>{paras(story[1])}</article>"
    )
    shapes.append(
        Shape(
            "dateline line",
            page("Thousands march over water cuts", body),
            story,
            dateline="Mexico City",
        )
    )

    # 28-32. Wire copy in plain text.
    shapes.append(
        Shape(
            "wire AP style",
            "Fenwick ferry strike ends after six weeks\n\n"
            "By ANA DUARTE Associated Press\n\n"
            "FENWICK, Maine (AP) — Ferry workers voted on Tuesday to end a six-week strike, "
            "the union said.\n\n"
            "The first sailings will leave on Thursday. The company said timetables would be "
            "back to normal by Monday.\n\n"
            "Copyright 2026 The Associated Press. All rights reserved.\n",
            (
                "Ferry workers voted on Tuesday to end a six-week strike, the union said.",
                "The first sailings will leave on Thursday.",
                "The company said timetables would be back to normal by Monday.",
            ),
            suffix=".txt",
            dateline="FENWICK, Maine (AP)",
        )
    )
    shapes.append(
        Shape(
            "wire Reuters style",
            "UPDATE 2-Fenwick port operator cuts forecast as volumes slide\n\n"
            "LONDON, Nov 30 (Reuters) - Fenwick Ports cut its full-year profit forecast on "
            "Monday after container volumes fell for a third month.\n"
            "    The company now expects operating profit of 210 million pounds, down from 240 "
            "million. Its shares fell 6%.\n"
            '    "Volumes have not recovered as we hoped," chief executive Sam Okafor said.\n'
            " (Reporting by Ana Duarte; Editing by Tom Reyes)\n",
            (
                "Fenwick Ports cut its full-year profit forecast on Monday after container "
                "volumes fell for a third month.",
                "The company now expects operating profit of 210 million pounds, down from 240 "
                "million.",
                "Its shares fell 6%.",
                '"Volumes have not recovered as we hoped," chief executive Sam Okafor said.',
            ),
            suffix=".txt",
            dateline="LONDON, Nov 30 (Reuters)",
        )
    )
    shapes.append(
        Shape(
            "wire hard-wrapped",
            "Harbour dredging to start in spring\n\n"
            "PORTSMOUTH, Nov 30 -\n"
            "Dredging of the inner harbour will start in April and\n"
            "take four months, the port authority said on Monday.\n\n"
            "The work will deepen the channel by 2 m so that larger\n"
            "cruise ships can dock. It costs 9 million pounds.\n\n"
            "Reporting by Ana Duarte; Editing by Tom Reyes\n",
            (
                "Dredging of the inner harbour will start in April and take four months, the "
                "port authority said on Monday.",
                "The work will deepen the channel by 2 m so that larger cruise ships can dock.",
                "It costs 9 million pounds.",
            ),
            suffix=".txt",
            dateline="PORTSMOUTH, Nov 30",
        )
    )
    shapes.append(
        Shape(
            "wire AFP style",
            "Paris metro fares frozen for 2027\n\n"
            "PARIS (AFP) - Metro fares in Paris will not rise next year, the regional transport "
            "authority said on Monday.\n\n"
            "A single ticket will stay at 2.50 euros. Season tickets are also frozen.\n\n"
            "ad/jm\n",
            (
                "Metro fares in Paris will not rise next year, the regional transport authority "
                "said on Monday.",
                "A single ticket will stay at 2.50 euros.",
                "Season tickets are also frozen.",
            ),
            suffix=".txt",
            dateline="PARIS (AFP)",
        )
    )
    shapes.append(
        Shape(
            "wire dpa style",
            "Hamburg port strike called off\n\n"
            "HAMBURG (dpa) - Dock workers in Hamburg called off a planned strike on Monday "
            "after a late pay offer.\n\n"
            "The union said members would vote on the offer next week.\n\n"
            "dpa ab xx\n",
            (
                "Dock workers in Hamburg called off a planned strike on Monday after a late pay "
                "offer.",
                "The union said members would vote on the offer next week.",
            ),
            suffix=".txt",
            dateline="HAMBURG (dpa)",
        )
    )
    shapes.append(
        Shape(
            "wire with ENDS and contacts",
            "Ferry company names new chief executive\n\n"
            "FENWICK, Nov 30 - The Fenwick Ferry Company named Ruth Alder as chief executive on "
            "Monday. She starts in January.\n\n"
            "Alder ran the town's bus company for eight years.\n\n"
            "ENDS\n\n"
            "For more information contact press@fenwick-ferries.example or call 01234 567890.\n",
            (
                "The Fenwick Ferry Company named Ruth Alder as chief executive on Monday.",
                "She starts in January.",
                "Alder ran the town's bus company for eight years.",
            ),
            suffix=".txt",
            dateline="FENWICK, Nov 30",
        )
    )
    shapes.extend(_more_shapes())
    shapes.extend(_third_round())
    shapes.extend(_fourth_round())
    shapes.extend(_whole_pages())
    shapes.extend(_sixth_round())
    shapes.extend(_seventh_round())
    shapes.extend(_eighth_round())
    return shapes


def _more_shapes() -> list[Shape]:
    """The second round: the furniture of sites in other languages, live blogs without
    ``<article>``, pagination, calls to follow and tip lines, a real blockquote, timelines."""
    shapes: list[Shape] = []

    # Live blog whose posts are divs, with buttons and pinned labels.
    posts = (
        ("11:20", "Roads reopen in the north of the county after the snow."),
        ("10:05", "Schools in Fenwick will open at 10 am. Buses are running late."),
    )
    body = (
        "<h1>Snow live: roads reopen</h1><div><button>Show key events only</button>"
        "<button>Refresh</button></div><div class='liveblog'>"
        "<div class='post pinned'><span>Pinned post</span><p>Heavy snow closed 40 roads overnight.</p></div>"
        + "".join(
            f"<div class='post'><time>{t}</time><span class='label'>Key event</span><p>{p}</p></div>"
            for t, p in posts
        )
        + "<button>Load more</button></div>"
    )
    shapes.append(
        Shape(
            "live blog (divs)",
            page("Snow live: roads reopen", body),
            (
                "Heavy snow closed 40 roads overnight.",
                "Roads reopen in the north of the county after the snow.",
                "Schools in Fenwick will open at 10 am.",
                "Buses are running late.",
            ),
            neutral=("11:20", "10:05"),
        )
    )

    # Advertisement markers inside the story text.
    story = (
        "The town's Christmas market will run for five weeks this year, one more than last.",
        "Stallholders pay 300 pounds a week for a pitch.",
        "The market opens on Friday at noon.",
    )
    body = (
        f"<article><h1>Christmas market to run five weeks</h1>{paras(story[0])}"
        "<p>Story continues below advertisement</p><div>ADVERTISEMENT</div>"
        f"{paras(story[1])}<p>Advertisement - scroll to continue</p><p>Continue reading below</p>"
        f"{paras(story[2])}</article>"
    )
    shapes.append(
        Shape("ad markers in text", page("Christmas market to run five weeks", body), story)
    )

    # French site furniture.
    fr = (
        "Le prix de la baguette augmentera de dix centimes en janvier, ont annoncé les boulangers.",
        "« Nous n’avons pas le choix », explique Jeanne Roux, boulangère à Lyon.",
    )
    body = (
        "<article><h1>La baguette va augmenter</h1><p>Par Claire Vidal</p>"
        "<p>Publié le 30 novembre 2026 à 10h15</p>"
        f"{paras(fr[0])}<p>Lire aussi : Le prix du beurre s’envole</p>{paras(fr[1])}"
        "<p>Partager</p><p>Sur le même sujet</p></article>"
    )
    shapes.append(Shape("French furniture", page("La baguette va augmenter", body, lang="fr"), fr))

    # German site furniture.
    de = (
        "Die Stadt Nordholm baut bis 2028 eine neue Brücke über den Hafen.",
        "Die Kosten liegen bei 30 Millionen Euro.",
    )
    body = (
        "<article><h1>Neue Brücke für Nordholm</h1><p>Von Anke Lorenz</p>"
        "<p>Stand: 30.11.2026 10:15 Uhr</p>"
        f"{paras(de[0])}<p>Lesen Sie auch: Hafen bekommt neue Fähre</p>{paras(de[1])}"
        "<p>Teilen</p><p>Mehr zum Thema</p><p>dpa/lno</p></article>"
    )
    shapes.append(
        Shape(
            "German furniture",
            page("Neue Brücke für Nordholm", body, lang="de"),
            de,
            neutral=("Mehr zum Thema",),
        )
    )

    # Spanish site furniture.
    es = (
        "La ciudad abrirá un nuevo carril bici junto al puerto en primavera.",
        "El proyecto cuesta dos millones de euros.",
    )
    body = (
        "<article><h1>Nuevo carril bici en el puerto</h1><p>Por Marta Ruiz</p>"
        "<p>Actualizado: 30/11/2026 10:15</p>"
        f"{paras(es[0])}<p>Lea también: El puerto amplía su horario</p>{paras(es[1])}"
        "<p>Compartir</p><p>Noticias relacionadas</p></article>"
    )
    shapes.append(
        Shape("Spanish furniture", page("Nuevo carril bici en el puerto", body, lang="es"), es)
    )

    # Chinese site furniture.
    zh = ("市政府宣布新桥将于明年通车。", "工程总投资约三亿元。")
    body = (
        "<div class='article'><h1>新桥明年通车</h1><p>来源：新华社</p><p>2026-11-30 10:15</p>"
        f"{paras(zh[0] + zh[1])}<p>相关新闻</p><p>分享到：微信 微博</p><p>责任编辑：王明</p></div>"
    )
    shapes.append(Shape("Chinese furniture", page("新桥明年通车", body, lang="zh"), zh))

    # Japanese site furniture.
    ja = ("市は新しい橋を来年開通させると発表した。", "総工費は約三十億円。")
    body = (
        f"<article><h1>新橋、来年開通へ</h1>{paras(ja[0] + ja[1])}"
        "<p>関連記事</p><p>この記事をシェア</p></article>"
    )
    shapes.append(Shape("Japanese furniture", page("新橋、来年開通へ", body, lang="ja"), ja))

    # Arabic and Hebrew "read also".
    ar = ("افتتحت البلدية جسرا جديدا فوق الميناء.", "بلغت تكلفة المشروع ثلاثين مليون دولار.")
    body = (
        f"<article><h1>جسر جديد فوق الميناء</h1>{paras(ar[0])}<p>اقرأ أيضا: الميناء يوسع ساعات العمل</p>"
        f"{paras(ar[1])}<p>شارك</p></article>"
    )
    shapes.append(
        Shape(
            "Arabic furniture", page("جسر جديد فوق الميناء", body, lang="ar", direction="rtl"), ar
        )
    )
    he = ("העירייה פתחה גשר חדש מעל הנמל.", "עלות הפרויקט הגיעה לשלושים מיליון שקל.")
    body = (
        f"<article><h1>גשר חדש מעל הנמל</h1>{paras(he[0])}<p>קראו עוד: הנמל מאריך את שעות הפעילות</p>"
        f"{paras(he[1])}<p>שתפו</p></article>"
    )
    shapes.append(
        Shape("Hebrew furniture", page("גשר חדש מעל הנמל", body, lang="he", direction="rtl"), he)
    )

    # Pagination, a call to follow, a tip line.
    story = (
        "The port authority will spend 12 million pounds on new cranes.",
        "The first two cranes arrive from Rotterdam in March.",
    )
    body = (
        f"<article><h1>New cranes for the port</h1>{paras(*story)}"
        "<p>Follow Ana Duarte on X @anaduarte</p>"
        "<p>Have a story? Email tips@gazette.example</p>"
        "<div><a href='?page=1'>1</a> <a href='?page=2'>2</a> <a href='?page=2'>Next ›</a></div>"
        "</article>"
    )
    shapes.append(Shape("pagination and follow", page("New cranes for the port", body), story))

    # A real blockquote: a letter quoted in the story.
    letter = "We regret that the service cannot continue after March."
    story = (
        "Residents of Nordholm received a letter from the ferry company on Monday.",
        letter,
        "The company would not say how many jobs would go.",
    )
    body = (
        f"<article><h1>Ferry service to end in March</h1>{paras(story[0])}"
        f"<blockquote><p>{letter}</p></blockquote>{paras(story[2])}</article>"
    )
    shapes.append(
        Shape("letter in a blockquote", page("Ferry service to end in March", body), story)
    )

    # A timeline and a key facts box that are story.
    body = (
        "<article><h1>The pier through the years</h1>"
        "<p>The pier closes for good on Sunday after 120 years.</p><h2>Timeline</h2><ul>"
        "<li>1906: The pier opens with a theatre at its end.</li>"
        "<li>1987: A storm destroys the theatre.</li>"
        "<li>2026: The council votes to close the pier.</li></ul></article>"
    )
    shapes.append(
        Shape(
            "timeline list",
            page("The pier through the years", body),
            (
                "The pier closes for good on Sunday after 120 years.",
                "1906: The pier opens with a theatre at its end.",
                "1987: A storm destroys the theatre.",
                "2026: The council votes to close the pier.",
            ),
            neutral=("Timeline",),
        )
    )

    # A dateline in bold at the start of the first paragraph, and an audio player.
    body = (
        "<article><h1>Council freezes parking charges</h1>"
        "<div class='audio'><button>Listen to this article</button><span>4 min</span></div>"
        "<p><strong>FENWICK —</strong> The council froze parking charges for another year on "
        "Tuesday.</p><p>The freeze costs 200,000 pounds.</p></article>"
    )
    shapes.append(
        Shape(
            "bold dateline and audio",
            page("Council freezes parking charges", body),
            (
                "The council froze parking charges for another year on Tuesday.",
                "The freeze costs 200,000 pounds.",
            ),
            dateline="FENWICK",
        )
    )

    # A trending list with no class after the story.
    story = (
        "A new bakery opened on Market Street on Saturday.",
        "Queues stretched round the corner by 8 am.",
    )
    body = (
        f"<h1>Bakery opens to queues</h1><div>{paras(*story)}</div>"
        "<div><h3>Trending now</h3><ul><li><a href='/a'>Ferry strike ends</a></li>"
        "<li><a href='/b'>Pier to close</a></li><li><a href='/c'>Snow closes roads</a></li></ul></div>"
    )
    shapes.append(Shape("trending list", page("Bakery opens to queues", body), story))

    # Wire: AP contributors' line and separators.
    shapes.append(
        Shape(
            "wire contributors line",
            "Storm cuts power to 20,000 homes\n\n"
            "FENWICK, Maine (AP) — A storm cut power to 20,000 homes on Monday, the utility said."
            "\n\nCrews expect to restore most supplies by Wednesday.\n\n___\n\n"
            "Associated Press writer Tom Reyes in Portland contributed to this report.\n",
            (
                "A storm cut power to 20,000 homes on Monday, the utility said.",
                "Crews expect to restore most supplies by Wednesday.",
            ),
            suffix=".txt",
            dateline="FENWICK, Maine (AP)",
        )
    )
    shapes.append(
        Shape(
            "wire update slug and byline",
            "UPDATE 1-Fenwick Ports wins crane contract\n\n"
            "(Adds chief executive's comment in paragraph 3)\n\n"
            "By Ana Duarte\n\n"
            "LONDON, Nov 30 (Reuters) - Fenwick Ports won a contract to run the city's container "
            "terminal, it said on Monday.\n\n"
            "The deal runs for 10 years.\n\n"
            '"It is our biggest contract," chief executive Sam Okafor said.\n\n'
            "(Editing by Tom Reyes)\n",
            (
                "Fenwick Ports won a contract to run the city's container terminal, it said on "
                "Monday.",
                "The deal runs for 10 years.",
                '"It is our biggest contract," chief executive Sam Okafor said.',
            ),
            suffix=".txt",
            dateline="LONDON, Nov 30 (Reuters)",
        )
    )
    return shapes


def _third_round() -> list[Shape]:
    """Round three: agencies' datelines as they write them in their own languages, bullets and
    drop caps in the markup, empty paragraphs, a credit line on a web page."""
    shapes: list[Shape] = []

    shapes.append(
        Shape(
            "wire AFP in French",
            "Les tarifs du métro gelés en 2027\n\n"
            "Paris (AFP) - Les tarifs du métro parisien n'augmenteront pas l'an prochain, a annoncé "
            "lundi l'autorité régionale des transports.\n\n"
            "Le ticket restera à 2,50 euros.\n",
            (
                "Les tarifs du métro parisien n'augmenteront pas l'an prochain, a annoncé lundi "
                "l'autorité régionale des transports.",
                "Le ticket restera à 2,50 euros.",
            ),
            suffix=".txt",
            dateline="Paris (AFP)",
        )
    )
    shapes.append(
        Shape(
            "wire dpa in German",
            "Hafenstreik in Hamburg abgesagt\n\n"
            "Hamburg (dpa) - Die Hafenarbeiter in Hamburg haben einen geplanten Streik am Montag "
            "abgesagt.\n\n"
            "Die Gewerkschaft will in der kommenden Woche über das Angebot abstimmen.\n",
            (
                "Die Hafenarbeiter in Hamburg haben einen geplanten Streik am Montag abgesagt.",
                "Die Gewerkschaft will in der kommenden Woche über das Angebot abstimmen.",
            ),
            suffix=".txt",
            dateline="Hamburg (dpa)",
        )
    )
    shapes.append(
        Shape(
            "wire EFE in Spanish",
            "El puerto de Valencia amplía su horario\n\n"
            "Valencia, 30 nov (EFE).- El puerto de Valencia abrirá las 24 horas a partir de "
            "enero, informó este lunes la autoridad portuaria.\n\n"
            "La medida busca reducir las colas de camiones.\n",
            (
                "El puerto de Valencia abrirá las 24 horas a partir de enero, informó este lunes "
                "la autoridad portuaria.",
                "La medida busca reducir las colas de camiones.",
            ),
            suffix=".txt",
            dateline="Valencia, 30 nov (EFE)",
        )
    )
    shapes.append(
        Shape(
            "wire Kyodo in Japanese",
            "英政府、フェリー補助金を延長\n\n"
            "【ロンドン共同】英政府は三十日、離島フェリーへの補助金を二年間延長すると発表した。"
            "対象は十二航路。\n",
            (
                "英政府は三十日、離島フェリーへの補助金を二年間延長すると発表した。",
                "対象は十二航路。",
            ),
            suffix=".txt",
            dateline="ロンドン共同",
        )
    )
    shapes.append(
        Shape(
            "wire Xinhua in Chinese",
            "新渡轮航线开通\n\n"
            "新华社上海11月30日电（记者张明）上海至舟山的新渡轮航线30日正式开通。"
            "每天往返四班。\n",
            ("上海至舟山的新渡轮航线30日正式开通。", "每天往返四班。"),
            suffix=".txt",
            dateline="新华社上海11月30日电",
        )
    )
    shapes.append(
        Shape(
            "wire Reuters in Arabic",
            "مصر تمدد ساعات عمل الميناء\n\n"
            "القاهرة (رويترز) - قالت هيئة الموانئ يوم الاثنين إن الميناء سيعمل على مدار الساعة.\n\n"
            "ويبدأ العمل بالقرار في يناير.\n",
            (
                "قالت هيئة الموانئ يوم الاثنين إن الميناء سيعمل على مدار الساعة.",
                "ويبدأ العمل بالقرار في يناير.",
            ),
            suffix=".txt",
            dateline="القاهرة (رويترز)",
        )
    )

    # Bullets typed into paragraphs, a drop cap, empty paragraphs, a credit line.
    body = (
        "<article><h1>Pool to close for a year</h1>"
        "<p><span class='dropcap'>T</span>he town's only public pool will shut for a year.</p>"
        "<p>&nbsp;</p><p>• Lessons move to the school pool.</p><p>• The refit costs 2.4 million "
        "pounds.</p><p></p><p><em>Additional reporting by Tom Reyes</em></p></article>"
    )
    shapes.append(
        Shape(
            "bullets, drop cap, credit",
            page("Pool to close for a year", body),
            (
                "The town's only public pool will shut for a year.",
                "Lessons move to the school pool.",
                "The refit costs 2.4 million pounds.",
            ),
        )
    )

    # Paragraphs as <div>s, no <p>.
    story = (
        "The bridge will close for repairs for six weeks from Monday.",
        "Buses will run every ten minutes while it is shut.",
        "The repairs cost 1.1 million pounds.",
    )
    body = (
        "<h1>Bridge to close for six weeks</h1><div class='body'>"
        + "".join(f"<div>{t}</div>" for t in story)
        + "</div>"
    )
    shapes.append(Shape("div paragraphs", page("Bridge to close for six weeks", body), story))

    # An opinion piece signed at the end.
    story = (
        "The town needs its ferry more than it needs another car park.",
        "Every winter the road floods, and every winter the ferry is what keeps us connected.",
    )
    body = (
        f"<article><h1>Keep the ferry</h1>{paras(*story)}<p>— Ana Duarte</p>"
        "<p><i>Ana Duarte is a councillor for the harbour ward.</i></p></article>"
    )
    shapes.append(
        Shape(
            "opinion signed at the end",
            page("Keep the ferry", body, head="<meta name='author' content='Ana Duarte'>"),
            story,
            neutral=("Ana Duarte is a councillor for the harbour ward.",),
        )
    )
    return shapes


def _fourth_round() -> list[Shape]:
    """Round four: ruby readings, Hindi's danda, a standfirst, a story in several bodies between
    ads, credits in spans, paragraphs joined by <br><br> inside one <p>."""
    shapes: list[Shape] = []
    body = (
        "<article><h1>新橋開通</h1><p><ruby>新橋<rp>(</rp><rt>しんばし</rt><rp>)</rp></ruby>が"
        "開通した。<ruby>市長<rt>しちょう</rt></ruby>は喜んだ。</p></article>"
    )
    shapes.append(
        Shape(
            "Japanese ruby",
            page("新橋開通", body, lang="ja"),
            ("新橋が開通した。", "市長は喜んだ。"),
        )
    )
    hi = ("दिल्ली में सोमवार को भारी बारिश हुई।", "कई स्कूल बंद रहे।", "क्या कल भी बारिश होगी?")
    shapes.append(
        Shape(
            "Hindi page",
            page(
                "दिल्ली में बारिश",
                f"<article><h1>दिल्ली में बारिश</h1>{paras(' '.join(hi))}</article>",
                lang="hi",
            ),
            hi,
        )
    )
    standfirst = "The council says the savings will pay for two new libraries."
    story = ("Street lights in the town will be dimmed after midnight from January.",)
    shapes.append(
        Shape(
            "standfirst",
            page(
                "Street lights to be dimmed",
                f"<article><h1>Street lights to be dimmed</h1><h2 class='standfirst'>{standfirst}</h2>"
                f"{paras(*story)}</article>",
            ),
            (standfirst, *story),
        )
    )
    story = (
        "The harbour's new lifeboat arrived on Saturday after a two-day trip from the yard.",
        "It can reach 25 knots, twice the speed of the old boat.",
        "The crew will train on it for a month before it goes into service.",
    )
    body = (
        "<article><h1>New lifeboat arrives</h1>"
        f"<div class='article-body'>{paras(story[0])}</div><div class='ad'>Advertisement</div>"
        f"<div class='article-body'>{paras(story[1])}</div><div class='ad'>Advertisement</div>"
        f"<div class='article-body'>{paras(story[2])}</div></article>"
    )
    shapes.append(Shape("story in several bodies", page("New lifeboat arrives", body), story))
    story = (
        "The old lighthouse will be turned into a museum, the trust said.",
        "It opens to visitors in the summer.",
    )
    body = (
        "<article><h1>Lighthouse to become a museum</h1>"
        "<figure><img src='l.jpg'><span class='credit'>Getty Images</span></figure>"
        f"{paras(story[0])}<p><img src='x.jpg'> <span>Supplied</span></p>{paras(story[1])}</article>"
    )
    shapes.append(Shape("credits in spans", page("Lighthouse to become a museum", body), story))
    story = (
        "The market hall will close at 4 pm on Saturdays from next month.",
        "Traders say they lose money in the last hour.",
        "The council will review the change in the summer.",
    )
    body = (
        f"<article><h1>Market hall to close early</h1><p>{story[0]}<br><br>{story[1]}</p>"
        f"<p>{story[2]}</p></article>"
    )
    shapes.append(Shape("br br inside a p", page("Market hall to close early", body), story))
    return shapes


def _whole_pages() -> list[Shape]:
    """Round five: whole pages with everything around a longer story at once, as sites serve
    them: banner, menus, JSON-LD, breadcrumbs, byline and date, a share bar, a caption, a teaser,
    an ad slot, a newsletter box, related cards, tags, comments and a footer."""

    def whole(title: str, lang: str, story: tuple[str, ...], extras: dict[str, str]) -> str:
        ld = (
            '<script type="application/ld+json">{"@type":"NewsArticle","headline":"'
            + title
            + '","author":{"@type":"Person","name":"Ana Duarte"},"datePublished":"2026-11-30"}'
            "</script>"
        )
        cards = "".join(
            f"<li><h3><a href='/story/{n}'>{h}</a></h3><p>{h}.</p></li>"
            for n, h in enumerate(extras["cards"].split("|"))
        )
        half = len(story) // 2
        body = (
            "<header class='site-header'><a href='/'>Logo</a><nav><ul><li><a href='/'>"
            + extras["home"]
            + "</a></li><li><a href='/w'>World</a></li></ul></nav></header>"
            "<div class='cookie-banner'><p>" + extras["cookies"] + "</p><button>OK</button></div>"
            "<main><div class='breadcrumb'><a href='/'>" + extras["home"] + "</a> › News</div>"
            f"<article><h1>{title}</h1><div class='byline'>{extras['by']}</div>"
            f"<time datetime='2026-11-30'>{extras['date']}</time>"
            f"<div class='share-bar'><a>Facebook</a><a>X</a><a>Email</a></div>"
            f"<figure><img src='a.jpg'><figcaption>{extras['caption']}</figcaption></figure>"
            + paras(*story[:half])
            + f"<p><strong>{extras['teaser']}</strong></p>"
            "<div class='ad-container'><span>Advertisement</span></div>"
            + paras(*story[half:])
            + f"<div class='newsletter-signup'><h3>{extras['newsletter']}</h3><input></div>"
            f"<div class='tags'><a>{extras['tag']}</a></div></article>"
            f"<section class='related'><h2>{extras['related']}</h2><ul>{cards}</ul></section>"
            f"<section id='comments'><h2>{extras['comments']}</h2><p>{extras['comment']}</p></section>"
            "</main><footer><p>" + extras["footer"] + "</p></footer>"
        )
        return page(title, body, head=ld, lang=lang)

    shapes: list[Shape] = []
    en = (
        "The county's hospitals will get 40 new ambulances by the spring, the health board said "
        "on Monday.",
        "Crews have waited up to four hours outside emergency departments this winter.",
        "“The new vehicles will help, but only if patients can be handed over quickly,” said "
        "paramedic Jo Marsh.",
        "The board said it would also open 30 more beds at the county hospital.",
        "Unions welcomed the news but warned that staff shortages remained the main problem.",
        "The first ten ambulances are due in January.",
    )
    shapes.append(
        Shape(
            "whole page (English)",
            whole(
                "County to get 40 new ambulances",
                "en",
                en,
                {
                    "home": "Home",
                    "cookies": "We use cookies to improve your experience.",
                    "by": "By Ana Duarte, Health correspondent",
                    "date": "30 November 2026",
                    "caption": "An ambulance outside the county hospital. Photo: Tom Reyes",
                    "teaser": "Read more: Hospital waiting lists at record high",
                    "newsletter": "Sign up for our morning briefing",
                    "tag": "Health",
                    "related": "Related stories",
                    "cards": "Nurses vote on pay offer|New clinic opens in Fenwick|Flu cases rise",
                    "comments": "Comments (12)",
                    "comment": "About time we got more ambulances round here.",
                    "footer": "© 2026 Fenwick Gazette. All rights reserved.",
                },
            ),
            en,
        )
    )
    fr = (
        "La région va financer 40 nouvelles ambulances d’ici au printemps, a annoncé lundi "
        "l’agence de santé.",
        "Les équipages ont attendu jusqu’à quatre heures devant les urgences cet hiver.",
        "« Ces véhicules vont aider, mais seulement si les patients sont pris en charge "
        "rapidement », estime Jo Marsh, ambulancière.",
        "L’agence ouvrira aussi 30 lits supplémentaires à l’hôpital départemental.",
    )
    shapes.append(
        Shape(
            "whole page (French)",
            whole(
                "40 nouvelles ambulances pour la région",
                "fr",
                fr,
                {
                    "home": "Accueil",
                    "cookies": "Nous utilisons des cookies pour améliorer votre expérience.",
                    "by": "Par Claire Vidal",
                    "date": "Publié le 30 novembre 2026 à 10h15",
                    "caption": "Une ambulance devant l’hôpital. Photo : Tom Reyes",
                    "teaser": "Lire aussi : Les listes d’attente au plus haut",
                    "newsletter": "Inscrivez-vous à notre newsletter",
                    "tag": "Santé",
                    "related": "Sur le même sujet",
                    "cards": "Les infirmières votent|Une clinique ouvre|La grippe progresse",
                    "comments": "Commentaires (12)",
                    "comment": "Enfin des ambulances dans notre région.",
                    "footer": "© 2026 Le Courrier de Fenwick. Tous droits réservés.",
                },
            ),
            fr,
        )
    )
    de = (
        "Die Region bekommt bis zum Frühjahr 40 neue Rettungswagen, teilte die Gesundheitsbehörde "
        "am Montag mit.",
        "Die Besatzungen warteten in diesem Winter bis zu vier Stunden vor den Notaufnahmen.",
        "„Die neuen Fahrzeuge helfen, aber nur, wenn die Patienten schnell übergeben werden“, "
        "sagte die Sanitäterin Jo Marsh.",
        "Die ersten zehn Wagen sollen ab dem 4. Januar fahren.",
    )
    shapes.append(
        Shape(
            "whole page (German)",
            whole(
                "40 neue Rettungswagen für die Region",
                "de",
                de,
                {
                    "home": "Startseite",
                    "cookies": "Wir verwenden Cookies, um Ihr Erlebnis zu verbessern.",
                    "by": "Von Anke Lorenz",
                    "date": "30.11.2026, 10:15 Uhr",
                    "caption": "Ein Rettungswagen vor der Klinik. Foto: Tom Reyes",
                    "teaser": "Lesen Sie auch: Wartelisten so lang wie nie",
                    "newsletter": "Jetzt den Newsletter abonnieren",
                    "tag": "Gesundheit",
                    "related": "Mehr zum Thema",
                    "cards": "Pflegekräfte stimmen ab|Neue Klinik eröffnet|Grippewelle rollt",
                    "comments": "Kommentare (12)",
                    "comment": "Endlich mehr Rettungswagen bei uns.",
                    "footer": "© 2026 Fenwicker Zeitung. Alle Rechte vorbehalten.",
                },
            ),
            de,
        )
    )
    zh = (
        "卫生部门周一宣布，明年春季前将为本地区新增40辆救护车。",
        "今年冬天，救护人员在急诊室外最长等待了四个小时。",
        "急救员马乔说：“新车会有帮助，但前提是病人能尽快交接。”",
        "首批十辆救护车将于一月投入使用。",
    )
    shapes.append(
        Shape(
            "whole page (Chinese)",
            whole(
                "本地区将新增40辆救护车",
                "zh",
                zh,
                {
                    "home": "首页",
                    "cookies": "本网站使用Cookie以改善您的体验。",
                    "by": "记者 王明",
                    "date": "2026-11-30 10:15",
                    "caption": "医院外的一辆救护车。摄影：张三",
                    "teaser": "相关阅读：候诊名单创新高",
                    "newsletter": "订阅我们的新闻简报",
                    "tag": "健康",
                    "related": "相关新闻",
                    "cards": "护士投票|新诊所开业|流感病例上升",
                    "comments": "评论（12）",
                    "comment": "终于有更多救护车了。",
                    "footer": "© 2026 芬威克日报 版权所有",
                },
            ),
            zh,
        )
    )
    return shapes


def _sixth_round() -> list[Shape]:
    """Round six (tester report 3): a meta line above a story of ``<br><br>`` lines, a writer's
    contact tagline, a sign-off on the story's last line, an agency line under the byline, a
    rule and a contributors' line above the copyright, section breaks in plain text."""
    story = (
        "The harbour board approved a new cycle path along the quay on Thursday.",
        "Work is expected to start in April, a board spokesman said.",
        "The path could cost up to three million pounds, according to a board paper.",
    )
    body = (
        "<div id='main'><h1>Board approves quay cycle path</h1>"
        "<div class='meta'>BY TAMSIN ORR | PUBLISHED 9:30 AM GMT, APRIL 7, 2026 | UPDATED 3 HOURS"
        f" AGO</div><div class='story'>{story[0]}<br><br>{story[1]}<br><br>READ MORE: Ferry fares"
        f" to rise in May<br><br>{story[2]}<br><br>Tamsin Orr can be reached at"
        " torr@gazette.example.</div><div class='tags'>Tags: harbour, cycling</div></div>"
    )
    shapes = [
        Shape("meta line above br story", page("Board approves quay cycle path", body), story)
    ]
    shapes.append(
        Shape(
            "wire sign-off on the last line",
            "QUAY STRIKE CALLED OFF\n\nBy Ana Duarte\nFenwick Wire Service\n\n"
            "FENWICK, April 7 (FWS) - Crane drivers called off a strike on Monday, the union said."
            "\n\nThe port moves about a third of the county's grain. (Reporting by Ana Duarte; "
            "Editing by Tom Reyes)\n",
            (
                "Crane drivers called off a strike on Monday, the union said.",
                "The port moves about a third of the county's grain.",
            ),
            suffix=".txt",
            dateline="FENWICK, April 7 (FWS)",
        )
    )
    shapes.append(
        Shape(
            "wire sign-off without brackets",
            "FENWICK, April 7 (FWS) - Crane drivers called off a strike. The union said so.\n\n"
            "The port moves grain. Reporting by Ana Duarte; Editing by Tom Reyes\n",
            ("Crane drivers called off a strike.", "The union said so.", "The port moves grain."),
            suffix=".txt",
            dateline="FENWICK, April 7 (FWS)",
        )
    )
    shapes.append(
        Shape(
            "wire rule and contributors above the copyright",
            "Quay vote put off\n\nFENWICK (FWS) — The harbour board put off a vote on the quay "
            "on Monday, citing the weather.\n\nBoard chair Ben Hale said the plan might "
            "shrink.\n\n___\n\nFenwick Wire Service writer Jo Marsh contributed to this "
            "report.\n\nCopyright 2026 Fenwick Wire Service. All rights reserved. This "
            "material may not be published, broadcast, rewritten or redistributed.\n",
            (
                "The harbour board put off a vote on the quay on Monday, citing the weather.",
                "Board chair Ben Hale said the plan might shrink.",
            ),
            suffix=".txt",
            dateline="FENWICK (FWS)",
        )
    )
    shapes.append(
        Shape(
            "section breaks in plain text",
            "Quay notes\n\nThe quay reopens on Monday.\n\n* * *\n\n---\n\n...\n\n"
            "The cafe stays shut until May.\n",
            ("The quay reopens on Monday.", "The cafe stays shut until May."),
            suffix=".txt",
        )
    )
    return shapes


def _seventh_round() -> list[Shape]:
    """Round seven (tester report N3, N7, N10): a writer's role under the byline, a handle after
    it and a published stamp under it, credits and a copyright on one line, a dashed credit
    line, "Originally published" notes, a writer's bio with contact details, share rows, and
    Markdown's code blocks and images."""
    story = (
        "The lighthouse on Gull Point will be lit again from June, the trust said on Friday.",
        "It has been dark since a storm broke its lamp in 2019.",
        "Volunteers raised most of the cost at summer fairs.",
    )
    shapes = [
        Shape(
            "byline, role line, stamp (text)",
            "Gull Point light to shine again\n\nBy Ruth Okafor | @ruthokafor\nCoast "
            "correspondent\n\nPublished 3:14 PM EST, Mon March 2, 2026 Updated 4:02 PM EST, "
            "Mon March 2, 2026\n\n" + "\n\n".join(story) + "\n",
            story,
            suffix=".txt",
        ),
        Shape(
            "byline with a handle opening the file (text)",
            "By Ruth Okafor | @ruthokafor\n\nUpdated on 2 March 2026 at 09:10\n\n"
            + "\n\n".join(story)
            + "\n",
            story,
            suffix=".txt",
        ),
        Shape(
            "byline over an agency role (text)",
            "Gull Point light to shine again\n\nBy Ruth Okafor\n\nValley Press Writer\n\n"
            + "\n\n".join(story)
            + "\n",
            story,
            suffix=".txt",
        ),
        Shape(
            "byline, role, handle, stamp (page)",
            page(
                "Gull Point light to shine again",
                "<article><h1>Gull Point light to shine again</h1>"
                + paras(
                    "By Ruth Okafor | @ruthokafor",
                    "Staff reporter",
                    "Published 3:14 PM EST, Mon March 2, 2026 Updated 4:02 PM EST, Mon March 2, "
                    "2026",
                    *story,
                )
                + "</article>",
            ),
            story,
        ),
        Shape(
            "credits and copyright on one line",
            "FENWICK, April 7 (FWS) - The lighthouse on Gull Point will be lit again from June."
            "\n\nIt has been dark since a storm broke its lamp in 2019.\n\n(Writing by Ana "
            "Duarte; editing by Tom Reyes) © 2026 Fenwick Wire Service\n",
            (
                "The lighthouse on Gull Point will be lit again from June.",
                "It has been dark since a storm broke its lamp in 2019.",
            ),
            suffix=".txt",
            dateline="FENWICK, April 7 (FWS)",
        ),
        Shape(
            "dashed credit line",
            "FENWICK, April 7 (FWS) - The lighthouse on Gull Point will be lit again from June."
            "\n\nReporting by the trust found the lamp beyond repair.\n\n-- Reporting by Ana "
            "Duarte in Fenwick\n",
            (
                "The lighthouse on Gull Point will be lit again from June.",
                "Reporting by the trust found the lamp beyond repair.",
            ),
            suffix=".txt",
            dateline="FENWICK, April 7 (FWS)",
        ),
        Shape(
            "originally published notes",
            "Gull Point light to shine again\n\nThis article was first published at "
            "gullpoint.example on March 2, 2026\n\nFirst published in 1851, the chart shows "
            "the old light.\n\n"
            + "\n\n".join(story)
            + "\n\nOriginally published in the Fenwick Gazette.\n",
            ("First published in 1851, the chart shows the old light.", *story),
            suffix=".txt",
        ),
        Shape(
            "writer bio with contact details (page)",
            page(
                "Gull Point light to shine again",
                NAV
                + "<main><article><h1>Gull Point light to shine again</h1>"
                + paras(
                    *story,
                    "Ruth Okafor is a reporter covering the coast for the Fenwick Gazette. "
                    "Contact: rokafor@example.com",
                )
                + "</article></main>",
            ),
            story,
        ),
        Shape(
            "writer bio with contact details (text)",
            "Gull Point light to shine again\n\nAna Duarte is a nurse who keeps the light's "
            "log.\n\n"
            + "\n\n".join(story)
            + "\n\nRuth Okafor covers the coast for the Fenwick Gazette. Follow her on X "
            "@rokafor.\n",
            ("Ana Duarte is a nurse who keeps the light's log.", *story),
            suffix=".txt",
        ),
        Shape(
            "share rows (text)",
            "Gull Point light to shine again\n\n"
            + story[0]
            + "\n\nShare this:\n\nShare prices in the trust's shop rose.\n\n"
            + "\n\n".join(story[1:])
            + "\n\nShare this article Facebook Twitter Email\n",
            (story[0], "Share prices in the trust's shop rose.", *story[1:]),
            suffix=".txt",
        ),
        Shape(
            "share rows (page)",
            page(
                "Gull Point light to shine again",
                "<article><h1>Gull Point light to shine again</h1>"
                + paras(story[0], "Share: Facebook, X, WhatsApp, Copy link", *story[1:])
                + "<p>Facebook | X | Email</p></article>",
            ),
            story,
        ),
        Shape(
            "Markdown code block and image",
            "# Gull Point light to shine again\n\n"
            + story[0]
            + "\n\n![The lighthouse at dusk](light.jpg)\n\n```\nlamp = 'on'\nprint(lamp)\n```"
            "\n\n~~~python\nhours = 12\n~~~\n\n" + "\n\n".join(story[1:]) + "\n",
            story,
            suffix=".md",
        ),
    ]
    return shapes


def _eighth_round() -> list[Shape]:
    """Round eight (tester report B3, A15): furniture stacked at the end (a dashed credit line
    over a sign-off with a copyright; a two-line share bar under a bio and a note), a role line
    that is no service, a page's code and sub-headings, Markdown tables, footnotes, headings."""
    story = (
        "The ferry to Gull Point will run twice a day from June, the operator said on Friday.",
        "It has run once a day since the old boat was sold in 2021.",
        "Islanders asked for the second crossing at a meeting in March.",
    )
    wire = "FENWICK, April 7 (FWS) - " + story[0]
    return [
        Shape(
            "dashed credit line over a sign-off and copyright (text)",
            "Second ferry for Gull Point\n\n"
            + "\n\n".join((wire, *story[1:]))
            + "\n\n-- Reporting by Jane Holt in Fenwick\n\n"
            "(Writing by Sam Lee; editing by Kim Park) (c) 2026 Wirecorp\n",
            story,
            suffix=".txt",
            dateline="FENWICK, April 7 (FWS)",
        ),
        Shape(
            "two-line share bar under a bio and a note (text)",
            "Second ferry for Gull Point\n\n"
            + "\n\n".join(story)
            + "\n\nOriginally published in the Valley Herald.\n\nMaria Ortiz is a reporter "
            "covering the islands.\nContact: mortiz@example.com\n\nShare this:\nShare this "
            "article Facebook Twitter Email\n",
            story,
            suffix=".txt",
        ),
        Shape(
            "page with code and sub-headings",
            page(
                "Second ferry for Gull Point",
                "<article><h1>Second ferry for Gull Point</h1>"
                + paras(story[0])
                + "<h2>What happens next</h2>"
                + paras(story[1])
                + "<pre><code>crossings = 2\nprint(crossings)</code></pre>"
                + "<h2>Will the fares rise?</h2>"
                + paras(story[2])
                + "</article>",
            ),
            (story[0], story[1], "Will the fares rise?", story[2]),
        ),
        Shape(
            "Markdown table, footnote and heading",
            "# Second ferry for Gull Point\n\n"
            + story[0]
            + "[^1]\n\n## Background\n\n"
            + story[1]
            + "\n\n| Crossing | Time |\n|---|---|\n| First | 08:00 |\n\n"
            + story[2]
            + "\n\n[^1]: The operator's notice of 3 April.\n",
            story,
            suffix=".md",
        ),
    ]


SHAPES: tuple[Shape, ...] = tuple(_shapes())
