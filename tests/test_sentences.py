import itertools
import json
from pathlib import Path

import pytest

from tuireader.articles import from_text
from tuireader.sentences import CHUNK, chunks, sentence_at, split_paragraph

from conftest import SHARED


def spans(text: str) -> list[str]:
    return [text[a:b] for a, b in split_paragraph(text)]


def test_abbreviations_and_decimals() -> None:
    assert spans("Dr. Smith paid $3.50 in the U.S. yesterday. Then he left.") == [
        "Dr. Smith paid $3.50 in the U.S. yesterday.",
        "Then he left.",
    ]


def test_offsets_are_code_points_with_astral_characters() -> None:
    text = "Party 🎉🎉 now. Math 𝔘 too. End."
    assert spans(text) == ["Party 🎉🎉 now.", "Math 𝔘 too.", "End."]


def test_no_sentence_crosses_a_paragraph() -> None:
    article = from_text("Title\n\nFirst para without a full stop\n\nSecond para. Two sentences.")
    assert [s.text for s in article.sentences] == [
        "First para without a full stop",
        "Second para.",
        "Two sentences.",
    ]
    assert [s.paragraph for s in article.sentences] == [0, 1, 1]
    for s in article.sentences:
        start, end = article.paragraphs[s.paragraph]
        assert start <= s.start < s.end <= end


def test_sentence_at() -> None:
    article = from_text("Title\n\nOne. Two.\n\nThree.")
    sentences = article.sentences
    assert sentence_at(sentences, 0) == 0
    assert sentence_at(sentences, sentences[1].start) == 1
    assert sentence_at(sentences, sentences[1].end) == 2  # the gap belongs to the next sentence
    assert sentence_at(sentences, len(article.body)) is None


GOLDEN = SHARED / "bench" / "golden-rules-en.json"


@pytest.mark.skipif(not GOLDEN.exists(), reason="shared benchmark data not present")
def test_golden_rules_score_does_not_regress() -> None:
    cases = json.loads(Path(GOLDEN).read_text(encoding="utf-8"))["cases"]
    passed = 0
    for case in cases:
        if not case["in_pysbd48"]:
            continue
        got = [s.text for s in from_text(case["text"]).sentences]
        passed += got == [e.strip() for e in case["expected"]]
    assert passed >= 43


def test_short_quote_stays_one_claim_long_quoted_passage_is_split() -> None:
    short = "“The bridge is unsafe. We had no choice,” said Dr. Marsh."
    assert spans(short) == [short]
    inner = " ".join(
        f"Sentence number {i} speaks of Mr. Brown and the U.S. Navy at length." for i in range(12)
    )
    long = f"“{inner}” he said."
    pieces = spans(long)
    assert len(pieces) == 12
    assert pieces[0] == "“Sentence number 0 speaks of Mr. Brown and the U.S. Navy at length."
    assert pieces[-1].endswith("at length.” he said.")


def _sentencex_alone(text: str) -> list[str]:
    from sentencex import get_sentence_boundaries

    return [
        text[s["start_index"] : s["end_index"]].strip()
        for s in get_sentence_boundaries("en", text)
        if text[s["start_index"] : s["end_index"]].strip()
    ]


def test_long_unspaced_cjk_paragraph_is_cut_at_sentence_ends_before_segmenting() -> None:
    # sentencex is quadratic on a run without spaces: 200,000 characters took 7.8 s.
    sentence = "市场今天小幅上涨，投资者等待央行的决定。"
    text = sentence * 10_000
    pieces = chunks(text)
    assert len(pieces) >= len(text) // CHUNK
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    for (_, end), (start, _) in itertools.pairwise(pieces):
        assert end == start and text[end - 1] == "。"
    assert all(end - start <= CHUNK for start, end in pieces)
    assert spans(text) == [sentence] * 10_000


def test_cuts_never_fall_inside_brackets_and_give_sentencex_own_answer() -> None:
    text = "记者说：「会议推迟了。原因不明。」随后离开。" * 300 + "最后一句。"
    pieces = chunks(text)
    assert len(pieces) > 1
    for _, end in pieces[:-1]:
        assert text[:end].count("「") == text[:end].count("」")
    assert spans(text) == _sentencex_alone(text)


def test_short_and_spaced_paragraphs_are_one_chunk() -> None:
    english = "The sky is clear today. " * 500
    assert chunks("短い。文。") == [(0, 5)]
    assert chunks(english) == [(0, len(english))]


def test_a_title_is_found_from_the_opening_of_a_huge_paragraph(monkeypatch) -> None:
    # A 1.9 MB unspaced paragraph kept the reader from drawing for 45 s: its title was derived
    # by segmenting it whole at library load.
    import tuireader.articles as articles

    seen: list[int] = []
    real = articles.split_paragraph

    def recording(text: str) -> list[tuple[int, int]]:
        seen.append(len(text))
        return real(text)

    monkeypatch.setattr(articles, "split_paragraph", recording)
    article = from_text("市场今天小幅上涨，投资者等待央行的决定。" * 20_000)
    assert article.title.startswith("市场今天小幅上涨")
    assert seen and max(seen) <= articles.TITLE_SCAN_CHARS
