"""The agreement report as text and JSON."""

from __future__ import annotations

from tuireader.agreement import NO_TAG, agreement
from tuireader.agreement_report import report_json, report_lines
from tuireader.tags import DEFAULT_TAGS

UNITS = [
    ("fact", "fact"),
    ("fact", "speculation"),
    (NO_TAG, NO_TAG),
    (NO_TAG, NO_TAG),
    ("speculation", "speculation"),
]


def test_text_report_has_figures_per_tag_and_the_confusion_table() -> None:
    result = agreement(["ann", "bob"], UNITS, DEFAULT_TAGS.ids)
    lines = report_lines(result, DEFAULT_TAGS, articles=2)
    assert lines[0] == "Agreement of ann, bob over 2 articles: 5 sentences"
    text = "\n".join(lines)
    all_tags = next(line for line in lines if line.startswith("All tags"))
    assert "80.0%" in all_tags and all_tags.split()[-1] == "5"
    assert "  Expert opinion" in text  # listed even though nobody used it
    assert "rows ann, columns bob" in text
    fact_row = next(line for line in lines if line.startswith("F Fact"))
    assert fact_row.split()[2:] == ["1", "1", "0"]  # F, S, · columns
    assert "n/a: not defined" in text  # expert opinion: nobody used it
    assert max(map(len, lines)) <= 76  # fits the stats box


def test_names_from_data_are_cleaned_in_text() -> None:
    result = agreement(["a\x1b[2Jnn", "bob\n"], UNITS, DEFAULT_TAGS.ids)
    assert report_lines(result, DEFAULT_TAGS)[0].startswith("Agreement of ann, bob:")


def test_json_report_keys() -> None:
    result = agreement(["ann", "bob", "cat"], [(*u, u[0]) for u in UNITS], DEFAULT_TAGS.ids)
    doc = report_json(result, ["a1"])
    for key in (
        "annotators",
        "articles",
        "units",
        "percent_agreement",
        "cohen_kappa",
        "fleiss_kappa",
        "krippendorff_alpha",
        "per_tag",
    ):
        assert key in doc
    assert doc["cohen_kappa"] is None  # three annotators
    assert doc["confusion"] is None
    assert set(doc["per_tag"]) == {"fact", "speculation", "expert_opinion"}
    assert doc["per_tag"]["expert_opinion"]["krippendorff_alpha"] is None
    assert isinstance(doc["fleiss_kappa"], float)


def test_the_heading_names_eight_annotators_and_counts_the_rest() -> None:
    from tuireader.agreement import agreement
    from tuireader.agreement_report import report_lines
    from tuireader.tags import DEFAULT_TAGS

    names = [f"u{i:05}" for i in range(10_000)]
    result = agreement(names, [tuple("fact" for _ in names)], DEFAULT_TAGS.ids)
    heading = report_lines(result, DEFAULT_TAGS)[0]
    assert heading.startswith("Agreement of u00000, u00001,") and "u00008" not in heading
    assert "(9,992 more not shown)" in heading and len(heading) < 200
