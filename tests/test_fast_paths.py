"""The fast paths of reading an article file give exactly what the plain code gives.

Each fast path (clean text returned as it is, the suffix check's set look-up, sentences built
through their slots) is switched off with monkeypatch to get the plain result, and the public
functions (``decode``, ``load_article``, ``segment``) must return the same thing both ways on
randomly generated files: BOMs, UTF-16, Latin-1, CRLF, curly quotes, the date header,
abbreviations, control characters, no final newline.
"""

from __future__ import annotations

import codecs
import random
import sys
from pathlib import Path

import pytest

from tuireader import decoding, sanitise, sentences
from tuireader.articles import Article, load_article
from tuireader.decoding import _LINE_ENDS, decode
from tuireader.sanitise import CONTROL_CHARS, ESCAPE_SEQUENCES, INVISIBLE
from tuireader.sentences import Sentence, segment

_WORDS = (
    "harbour", "crane", "council", "the", "pier", "Mr.", "Dr.", "Ms.", "No.", "approx.", "a.m.",
    "p.m.", "Oct.", "etc.", "St.", "vs.", "U.S.", "café", "naïve", "Zürich", "fiancée", "41",
    "9", "1.", "(it", "reopened.)", "works.", "Sen.", "est.", "C.", "ET", "Monday", "façade",
)  # fmt: skip
_ENDS = (".", ".", ".", "?", "!", "…", ".”", '."', "?”", ".)")
_ODD = ("\t", "\r", "\x0b", "\x0c", "\x85", "\u2028", "\u2029", "\x07", "\x7f", "\x9b", "\u202e")


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(1, 14))]
    words[0] = words[0].capitalize()
    if rng.random() < 0.15:
        words.insert(0, rng.choice(("“", '"')))
    text = " ".join(words) + rng.choice(_ENDS)
    if rng.random() < 0.1:
        text += rng.choice(_ODD)
    return text


def _article_text(rng: random.Random) -> str:
    paragraphs = [
        " ".join(_sentence(rng) for _ in range(rng.randint(1, 12)))
        for _ in range(rng.randint(1, 5))
    ]
    if rng.random() < 0.3:  # a quotation long enough to be split into its sentences
        quote = " ".join(_sentence(rng).strip('“"') for _ in range(5))
        paragraphs.append(f"“{quote}” she said.")
    if rng.random() < 0.4:
        paragraphs.insert(0, rng.choice(("Harbour notes", "The pier works go on")))
    text = "\n\n".join(paragraphs)
    if rng.random() < 0.3:
        text = f" date 2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} \n\n{text}"
    if rng.random() < 0.6:
        text += "\n"
    if rng.random() < 0.3:
        text = text.replace("\n", "\r\n")
    return text


def _encoded(text: str, rng: random.Random) -> bytes:
    encoding = rng.choice(("utf-8", "utf-8", "utf-8-sig", "utf-16", "utf-16-be-bom", "cp1252"))
    if encoding == "utf-16-be-bom":
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    if encoding == "cp1252":
        return text.encode("cp1252", errors="replace")
    return text.encode(encoding)


def _plain_clean(text: str) -> str:
    for pattern, replacement in ((_LINE_ENDS, "\n"), (ESCAPE_SEQUENCES, ""), (CONTROL_CHARS, "")):
        text = pattern.sub(replacement, text)
    return INVISIBLE.sub(lambda m: m.group() if sanitise._shapes(m) else "", text)


def _plain_goes_on(text: str, start: int, end: int) -> bool:
    return text.endswith(sentences._GOES_ON_SUFFIXES, start, end)


def _plain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(decoding, "clean", _plain_clean)
    monkeypatch.setattr(sentences, "_goes_on_suffix", _plain_goes_on)
    monkeypatch.setattr(sentences, "_sentence", Sentence)


def _seen(article: Article) -> tuple[object, ...]:
    return (
        article.id,
        article.title,
        article.body,
        article.paragraphs,
        article.date,
        article.format,
        article.source,
        article.author,
        article.dateline,
        [(s.index, s.start, s.end, s.paragraph, s.text) for s in article.sentences],
    )


def test_cleaning_removes_only_unprintable_characters_other_than_tab_and_newline() -> None:
    # What makes returning "printable but for tabs and newlines" text as it is exact.
    printable = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isprintable())
    for pattern in (_LINE_ENDS, ESCAPE_SEQUENCES, CONTROL_CHARS, INVISIBLE):
        assert pattern.search(printable + "\n\t") is None


def test_random_files_load_the_same_with_and_without_the_fast_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(20261130)
    files: list[Path] = []
    datas: list[bytes] = []
    for number in range(300):
        data = _encoded(_article_text(rng), rng)
        path = tmp_path / f"article_{number}.txt"
        path.write_bytes(data)
        files.append(path)
        datas.append(data)
    fast_text = [decode(data) for data in datas]
    articles = [load_article(path) for path in files]
    # a title taken from the first sentence keeps the first paragraph's spans for segmenting
    derived = sum(1 for a in articles if vars(a).get("_first_paragraph_spans") is not None)
    assert 30 < derived < len(articles)
    fast = [_seen(article) for article in articles]
    for article in articles:
        assert article.sentences == segment(article.body, article.paragraphs)
    with monkeypatch.context() as patched:
        _plain(patched)
        assert decoding.clean is _plain_clean
        plain_text = [decode(data) for data in datas]
        plain = [_seen(load_article(path)) for path in files]
    assert fast_text == plain_text
    for path, got, expected in zip(files, fast, plain, strict=True):
        assert got == expected, path.name
    # the generator reaches the cases the fast paths skip and the ones they take
    assert any("\r" in decoding._decode_bytes(data) for data in datas)
    assert sum(len(s[-1]) for s in fast) > 3000  # type: ignore[arg-type]


def test_suffix_look_up_agrees_with_endswith_at_every_end() -> None:
    rng = random.Random(7)
    for _ in range(200):
        text = " ".join(_sentence(rng) for _ in range(4))
        for start in range(0, len(text), 7):
            for end in range(start, len(text) + 1):
                assert sentences._goes_on_suffix(text, start, end) == _plain_goes_on(
                    text, start, end
                )


def test_segment_builds_the_same_sentences(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(11)
    body = "\n\n".join(" ".join(_sentence(rng) for _ in range(9)) for _ in range(40))
    spans = []
    pos = 0
    for para in body.split("\n\n"):
        spans.append((pos, pos + len(para)))
        pos += len(para) + 2
    got = segment(body, spans)
    with monkeypatch.context() as patched:
        _plain(patched)
        expected = segment(body, spans)
    assert got == expected
    assert [hash(s) for s in got] == [hash(s) for s in expected]
    assert all(type(s) is Sentence for s in got)
    with pytest.raises(AttributeError):
        got[0].start = 3  # type: ignore[misc]


@pytest.mark.parametrize("repeat", [3, 60])
def test_a_title_from_the_first_sentence_leaves_the_same_sentences(
    tmp_path: Path, repeat: int
) -> None:
    # 60 repeats make a first paragraph longer than the title's scan (2,000 characters)
    first = " ".join(f"Crane {n} moved to the pier at 9 a.m. Monday." for n in range(repeat))
    path = tmp_path / "x.txt"
    path.write_text(f" date 2025-03-04 \n\n{first}\n\nThe works go on. Mr. Hale said so.\n")
    article = load_article(path)
    assert article.title == "Crane 0 moved to the pier at 9 a.m. Monday."
    assert article.sentences == segment(article.body, article.paragraphs)
    assert len(article.sentences) == repeat + 2
