"""Pages and wire files in the shapes real news comes in (benchmarks/page_shapes.py, written
here): each gives its story's sentences, in order, and nothing else."""

import pytest

from tuireader.formats import parse_html, parse_text
from tuireader.sentences import split_paragraph
from tuireader.wire import take_wire_copy

from conftest import load_benchmark

page_shapes = load_benchmark("page_shapes")
bench = load_benchmark("bench_page_shapes")


@pytest.mark.parametrize("shape", page_shapes.SHAPES, ids=lambda s: s.name)
def test_each_shape_gives_its_story_sentences_and_nothing_else(shape, tmp_path) -> None:
    result = bench.score(shape, tmp_path)
    assert result.missing == () and result.extra == (), result
    assert result.in_order and result.dateline_right, result


def test_there_are_thirty_shapes_or_more() -> None:
    assert len(page_shapes.SHAPES) >= 30
    assert len({s.name for s in page_shapes.SHAPES}) == len(page_shapes.SHAPES)


P1 = "The council voted on Tuesday to close the old ferry terminal by the end of next year."
P2 = "Officials said the move would save money."


def story(*middle: str) -> tuple[str, ...]:
    html = "".join(f"<p>{m}</p>" for m in (P1, *middle, P2))
    page = f"<html><head><title>T</title></head><body><article>{html}</article></body></html>"
    return parse_html(page).paragraphs


@pytest.mark.parametrize(
    "teaser",
    [
        "Read more: Rail fares to rise by 4%",
        "READ MORE: Five bus routes to be cut in spring",
        "See also: Council tax to rise | Parking charges frozen",
        "Related: Is the ferry safe?",
        "WATCH: Ferry crash caught on camera",
        "Read more » Pier to close for repairs",
    ],
)
def test_a_teaser_for_another_story_is_not_a_sentence(teaser: str) -> None:
    assert story(teaser) == (P1, P2)


@pytest.mark.parametrize(
    "line",
    [
        "Read more: the report runs to 400 pages and is worth the time.",
        "Listen: the harbour master's warning was clear",
        "Watch: a crash caught on camera shows why the pier closed.",
        "See also the council's own figures, which tell a different story.",
    ],
)
def test_a_story_line_with_a_teaser_word_stays(line: str) -> None:
    assert story(line) == (P1, line, P2)


def test_footnote_markers_go_and_superscripts_that_are_not_stay() -> None:
    paragraphs = story(
        "The pier is 40 m<sup>2</sup> larger than the old one.<sup><a href='#n1'>1</a></sup> "
        "It opened on the 1<sup>st</sup> of May.<sup>[2]</sup>"
    )
    assert (
        paragraphs[1] == "The pier is 40 m2 larger than the old one. It opened on the 1st of May."
    )


def test_list_items_lose_the_extractors_dash_only() -> None:
    html = (
        "<html><head><title>T</title></head><body><article>"
        f"<p>{P1}</p><ul><li>a new roof</li><li>- a dash the writer typed</li></ul>"
        "<p>– En dash dialogue stays as written.</p></article></body></html>"
    )
    assert parse_html(html).paragraphs == (
        P1,
        "a new roof",
        "- a dash the writer typed",
        "– En dash dialogue stays as written.",
    )


@pytest.mark.parametrize("heading", ["Comments (2)", "42 comments", "Join the conversation"])
def test_a_comment_thread_with_no_class_is_not_the_story(heading: str) -> None:
    html = (
        f"<html><head><title>T</title></head><body><div><p>{P1}</p><p>{P2}</p></div>"
        f"<div><h3>{heading}</h3><div><p><b>Maud</b> wrote:</p>"
        "<p>Sunday opening will help students revise before exams.</p></div></div></body></html>"
    )
    assert parse_html(html).paragraphs == (P1, P2)


def test_a_section_headed_comments_that_holds_the_story_stays() -> None:
    html = (
        "<html><head><title>T</title></head><body><div><h2>Comments</h2>"
        f"<p>{P1}</p><p>{P2}</p></div></body></html>"
    )
    assert parse_html(html).paragraphs == (P1, P2)


@pytest.mark.parametrize("mark", ["ENDS", "-ends-", "###", "-30-", "(ENDS)", "— ENDS —"])
def test_an_end_mark_and_what_follows_it_leave_wire_copy(mark: str) -> None:
    wire = take_wire_copy((P1, P2, mark, "Notes to editors: call 01234 567890."))
    assert wire.paragraphs == (P1, P2)


@pytest.mark.parametrize("line", ["The end.", "End.", "30", "ends", "Ends."])
def test_a_last_line_that_is_story_stays(line: str) -> None:
    assert take_wire_copy((P1, line)).paragraphs == (P1, line)


def test_an_end_mark_far_from_the_end_is_text() -> None:
    paras = (P1, "ENDS", *(P2,) * 5)
    assert take_wire_copy(paras).paragraphs == paras


@pytest.mark.parametrize("code", ["ad/jm", "bur-sst/fz", "dpa ab xx", "dpa kre"])
def test_agency_desk_codes_are_sign_offs(code: str) -> None:
    wire = take_wire_copy((P1, code))
    assert (wire.paragraphs, wire.sign_off) == ((P1,), code)


def test_plain_text_ids_stay_when_wire_furniture_leaves() -> None:
    from tuireader.articles import article_id, from_text

    text = f"Title here\n\n{P1}\n\n{P2}\n\nENDS\n\nContact: press@example.org\n"
    article = from_text(text)
    assert [s.text for s in article.sentences] == [P1, P2]
    assert article.id == article_id(f"{P1} {P2} ENDS Contact: press@example.org")
    assert parse_text(text).paragraphs == (P1, P2)


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        (
            "Die Fähre fährt ab dem 1. März nur noch zweimal am Tag. Pendler sind verärgert.",
            ["Die Fähre fährt ab dem 1. März nur noch zweimal am Tag.", "Pendler sind verärgert."],
        ),
        (
            "Am 3. Oktober 2026 war Feiertag. Alle Geschäfte blieben zu.",
            ["Am 3. Oktober 2026 war Feiertag.", "Alle Geschäfte blieben zu."],
        ),
        (
            "Die Quote lag bei 12. März brachte die Wende.",  # no article before the number
            ["Die Quote lag bei 12.", "März brachte die Wende."],
        ),
        (
            "¡Por fin! exclamaron los vecinos. La piscina reabre.",
            ["¡Por fin! exclamaron los vecinos.", "La piscina reabre."],
        ),
        (
            "¿Quién paga? preguntó la concejala. Nadie respondió.",
            ["¿Quién paga? preguntó la concejala.", "Nadie respondió."],
        ),
        (
            "¡Basta! Los vecinos protestaron.",
            ["¡Basta!", "Los vecinos protestaron."],
        ),
        (
            "Ah! from suffering there is no refuge. Why now? asked the minister.",
            ["Ah!", "from suffering there is no refuge.", "Why now?", "asked the minister."],
        ),  # English keeps sentencex's split: plain-text boundaries already read stay
    ],
)
def test_german_days_and_spanish_exclamations(text: str, sentences: list[str]) -> None:
    assert [text[a:b] for a, b in split_paragraph(text)] == sentences


@pytest.mark.parametrize(
    "line",
    [
        "Par exemple, la ville a dépensé trois millions d’euros",
        "Von Montag an gilt der neue Fahrplan",
        "Por la mañana, los vecinos protestaron frente al ayuntamiento",
        "Email the council at info@council.example, officials urged residents.",
        "Stand: the council's position has not changed",
        "30.11.2026 war ein schwarzer Tag für die Werft",
        "12 de marzo de 2026 fue el día más frío del año",
        "记者：这是一个艰难的决定。",
        "Lire aussi : le rapport de 400 pages est sévère",
        "Refresh.",
        "Three agencies contributed to the report.",
        "4 minutes later, the ferry sank",
    ],
)
@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_story_lines_like_the_new_furniture_stay(line: str, where: str) -> None:
    lines = {"first": (line, P1, P2), "middle": (P1, line, P2), "last": (P1, P2, line)}[where]
    html = "".join(f"<p>{x}</p>" for x in lines)
    page = f"<html><head><title>T</title></head><body><article>{html}</article></body></html>"
    assert parse_html(page).paragraphs == lines


@pytest.mark.parametrize(
    "line",
    [
        "Follow Ana Duarte on X @anaduarte",
        "Have a story? Email tips@gazette.example",
        "Story continues below advertisement",
        "Lesen Sie auch: Hafen bekommt neue Fähre",
        "Lea también: El puerto amplía su horario",
        "اقرأ أيضا: الميناء يوسع ساعات العمل",
        "קראו עוד: הנמל מאריך את שעות הפעילות",
        "分享到：微信 微博",
        "责任编辑：王明",
        "相关新闻",
        "この記事をシェア",
        "Partager",
        "Teilen",
    ],
)
def test_furniture_of_other_sites_and_languages_goes(line: str) -> None:
    assert story(line) == (P1, P2)


def test_wordpress_entry_parts_keep_their_classes() -> None:
    html = (
        "<html><head><title>T</title></head><body><div class='post'>"
        "<header class='entry-header'><h2>T</h2></header>"
        f"<div class='entry-content'><p>{P1}</p><p>{P2}</p></div>"
        "<footer class='entry-footer'>Posted in News</footer></div></body></html>"
    )
    assert parse_html(html).paragraphs == (P1, P2)


def test_wire_version_note_contributors_and_rules_leave() -> None:
    wire = take_wire_copy(
        (
            "(Updates with closing prices)",
            "By Ana Duarte",
            f"LONDON, Nov 30 (Reuters) - {P1}",
            P2,
            "___",
            "Associated Press writer Tom Reyes in Portland contributed to this report.",
        )
    )
    assert (wire.paragraphs, wire.byline, wire.dateline) == (
        (P1, P2),
        "Ana Duarte",
        "LONDON, Nov 30 (Reuters)",
    )


@pytest.mark.parametrize(
    ("first", "dateline", "rest"),
    [
        ("Paris (AFP) - Les tarifs gèlent.", "Paris (AFP)", "Les tarifs gèlent."),
        ("Rio de Janeiro (Reuters) - Fares rose.", "Rio de Janeiro (Reuters)", "Fares rose."),
        ("Valencia, 30 nov (EFE).- El puerto abre.", "Valencia, 30 nov (EFE)", "El puerto abre."),
        ("Hamburg, 30. Nov (dpa) - Der Streik endet.", None, None),  # German day form: unknown
        ("القاهرة (رويترز) - قالت الهيئة.", "القاهرة (رويترز)", "قالت الهيئة."),
        ("【ロンドン共同】英政府は発表した。", "ロンドン共同", "英政府は発表した。"),
        ("新华社上海11月30日电（记者张明）航线开通。", "新华社上海11月30日电", "航线开通。"),
    ],
)
def test_agency_datelines_in_their_own_languages(
    first: str, dateline: str | None, rest: str | None
) -> None:
    wire = take_wire_copy((first, P2))
    if dateline is None:
        assert wire.paragraphs[0] == first
    else:
        assert (wire.dateline, wire.paragraphs) == (dateline, (rest, P2))


def test_a_xinhua_reporter_is_the_byline() -> None:
    wire = take_wire_copy(("新华社上海11月30日电（记者张明）航线开通。", P2))
    assert wire.byline == "记者张明"


@pytest.mark.parametrize(
    "first",
    [
        "Officials said (AP) - the figures were wrong.",
        "the port (AFP) - closed on Monday.",
        "Prices rose (see chart) - by a fifth.",
        "【注】本文有删节",  # a note in brackets with nothing after it is not a dateline
    ],
)
def test_what_is_not_an_agency_dateline_stays(first: str) -> None:
    assert take_wire_copy((first, P2)).paragraphs == (first, P2)


def test_a_signature_and_a_bio_close_an_opinion_piece() -> None:
    html = (
        "<html><head><title>T</title><meta name='author' content='Ana Duarte'></head><body>"
        f"<article><p>{P1}</p><p>{P2}</p><p>— Ana Duarte</p>"
        "<p>Ana Duarte is a councillor for the harbour ward.</p></article></body></html>"
    )
    assert parse_html(html).paragraphs == (P1, P2)


@pytest.mark.parametrize(
    "last",
    [
        "Ana Duarte is a councillor, and she says the vote was rigged. Others disagree.",
        "— and then the lights went out.",
        "Ana Duarte was the first to leave the meeting",
        "Ana Duarte was the first to leave the meeting.",
    ],
)
def test_story_lines_about_the_author_at_the_end_stay(last: str) -> None:
    html = (
        "<html><head><title>T</title><meta name='author' content='Ana Duarte'></head><body>"
        f"<article><p>{P1}</p><p>{P2}</p><p>{last}</p></article></body></html>"
    )
    assert parse_html(html).paragraphs == (P1, P2, last)


def test_typed_bullets_go_from_list_like_paragraphs() -> None:
    assert story("• Lessons move to the school pool.") == (
        P1,
        "Lessons move to the school pool.",
        P2,
    )


def test_a_plain_text_agency_dateline_keeps_the_files_id() -> None:
    from tuireader.articles import article_id, from_text

    text = f"Les tarifs gèlent\n\nParis (AFP) - {P1}\n\n{P2}\n"
    article = from_text(text)
    assert (article.dateline, [s.text for s in article.sentences]) == ("Paris (AFP)", [P1, P2])
    assert article.id == article_id(f"Paris (AFP) - {P1} {P2}")


@pytest.mark.parametrize(
    "credit",
    [
        "Getty Images",
        "Supplied",
        "Tomas Reyes/AFP via Getty Images",
        "AP Photo/Ana Duarte",
        "(Reuters)",
    ],
)
def test_a_bare_photo_credit_is_not_a_sentence(credit: str) -> None:
    assert story(credit) == (P1, P2)


@pytest.mark.parametrize(
    "line",
    [
        "Courtesy of the mayor, the ferry ran late all week.",
        "Shares in Getty fell by a tenth.",
        "Reuters reported the figures first.",
        "Supplied.",
    ],
)
def test_story_lines_with_a_credit_word_stay(line: str) -> None:
    assert story(line) == (P1, line, P2)


def test_ruby_readings_go_and_the_base_text_joins_its_sentence() -> None:
    html = (
        "<html><head><title>T</title></head><body><article><p><ruby>新橋<rp>(</rp><rt>しんばし"
        "</rt><rp>)</rp></ruby>が開通した。<ruby>市長<rt>しちょう</rt></ruby>は喜んだ。</p>"
        f"<p>{P1}</p></article></body></html>"
    )
    assert parse_html(html).paragraphs == ("新橋が開通した。市長は喜んだ。", P1)


def test_a_chinese_story_beside_story_cards_is_not_a_list_of_stories() -> None:
    cards = "".join(
        f"<li><h3><a href='/s/{n}'>{h}</a></h3></li>"
        for n, h in enumerate(("护士投票", "新诊所开业", "流感上升"))
    )
    html = (
        "<html><head><title>T</title></head><body><main><div>"
        "<p>卫生部门周一宣布，明年春季前将新增四十辆救护车。</p><p>首批十辆将于一月投入使用。</p></div>"
        f"<ul>{cards}</ul></main></body></html>"
    )
    assert parse_html(html).paragraphs == (
        "卫生部门周一宣布，明年春季前将新增四十辆救护车。",
        "首批十辆将于一月投入使用。",
    )


def test_a_teaser_with_a_full_width_colon_goes() -> None:
    assert story("相关阅读：候诊名单创新高") == (P1, P2)


@pytest.mark.parametrize(
    "line",
    [
        "Follow-up questions were posted on Facebook.",
        "Follow the money on X, the auditor joked",
        "Email addresses of 300 voters were leaked, including jo@example.org",
        "Message boards on Facebook filled with complaints.",
        "Contact with the ferry was lost at 9 pm.",
    ],
)
def test_story_lines_about_email_and_social_media_stay(line: str) -> None:
    assert story(line) == (P1, line, P2)


@pytest.mark.parametrize(
    "line",
    [
        "Follow us on Facebook",
        "Follow Ana Duarte on X @anaduarte",
        "Follow Ana Duarte on Bluesky, at @anaduarte.example",
        "Email the reporter at ana.duarte@gazette.example",
        "Send your photos to pictures@gazette.example",
        "Got a tip? Contact us at tips@gazette.example.",
    ],
)
def test_calls_to_follow_or_write_go(line: str) -> None:
    assert story(line) == (P1, P2)


def test_a_story_section_headed_like_furniture_stays() -> None:
    comments = "The minister's comments on Monday drew criticism from all sides of the chamber."
    related = "A related inquiry into the ferry contract will report in the spring, officials said."
    html = (
        "<html><head><title>T</title></head><body><div>"
        + "".join(f"<p>{P1} {n}</p>" for n in range(6))
        + f"<section><h2>Comments</h2><p>{comments}</p></section>"
        + f"<section><h2>Related</h2><p>{related}</p></section>"
        + f"<p>{P2}</p></div></body></html>"
    )
    paragraphs = parse_html(html).paragraphs
    assert comments in paragraphs and related in paragraphs and paragraphs[-1] == P2


def test_a_story_among_thousands_of_small_blocks_is_read_whole() -> None:
    """Above webpage._FAST_ELEMENTS trafilatura runs without its quadratic fallbacks
    (benchmarks/bench_many_blocks.py measures it); the story is the same."""
    many = load_benchmark("bench_many_blocks")
    doc = parse_html(many.page(3000))
    assert len(doc.paragraphs) == 12
    assert doc.paragraphs[0].startswith("Paragraph 0 of the story")
