"""Property tests: no input crashes the parser, and every offset indexes the body exactly."""

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tuireader.articles import Article, from_text, load_article
from tuireader.errors import ArticleError

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

# Text that looks like articles: words, punctuation, quotes, abbreviations, blank lines, markup.
pieces = st.sampled_from(
    [
        "Dr.", "U.S.", "a.m.", "3.5%", "“quoted.”", "’", "word", "Word", "the", ".", "?", "!", "…",
        " ", " ", "  ", "\n", "\n\n", "\r\n", "\t", "date 2024-01-02 ", "# ", "---\n", "*em*",
        "[link](x)", "`c`", "[@click=app.quit]", "\x1b[31m", "\x00", "🎉", "é", "\u2028",
    ]
)  # fmt: skip
article_like = st.lists(st.one_of(pieces, st.text(max_size=8)), max_size=60).map("".join)


def check_offsets(article: Article) -> None:
    body = article.body
    assert not CONTROL.search(body)
    previous_end = 0
    for p_start, p_end in article.paragraphs:
        assert previous_end <= p_start < p_end <= len(body)
        assert body[p_start:p_end] == body[p_start:p_end].strip()
        previous_end = p_end
    last = -1
    for i, s in enumerate(article.sentences):
        assert s.index == i
        assert body[s.start : s.end] == s.text
        assert s.text and s.text == s.text.strip()
        assert s.start > last
        p_start, p_end = article.paragraphs[s.paragraph]
        assert p_start <= s.start < s.end <= p_end
        last = s.end - 1


@settings(max_examples=300, deadline=None)
@given(article_like, st.sampled_from([None, "a.txt", "a.md"]))
def test_any_text_gives_exact_offsets(text: str, name: str | None) -> None:
    from tuireader.decoding import clean

    article = from_text(clean(text), Path(name) if name else None)
    check_offsets(article)
    # Every non-whitespace character of every paragraph belongs to some sentence.
    covered = sum(len("".join(s.text.split())) for s in article.sentences)
    assert covered == sum(len("".join(article.body[a:b].split())) for a, b in article.paragraphs)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=400), st.sampled_from(["a.txt", "a.md"]))
def test_random_bytes_never_crash(tmp_path: Path, data: bytes, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    try:
        article = load_article(path)
    except ArticleError as exc:
        assert str(path) in str(exc) and "\n" not in str(exc)
        return
    check_offsets(article)
