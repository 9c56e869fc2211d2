"""``tuireader suggest PATH``: a suggested tag for each sentence, with the reason in words.

The sentences are those ``tuireader sentences`` shows (the database's splits and joins, or
``--raw`` the segmenter's), numbered the same way."""

from __future__ import annotations

import argparse

from tuireader.cli import write_json, write_stdout
from tuireader.cli.sentences import add_arguments as add_arguments
from tuireader.cli.sentences import as_asked, load_argument, sentence_record
from tuireader.plural import counted
from tuireader.suggest import suggest_article
from tuireader.tags import DEFAULT_TAGS


def run(args: argparse.Namespace) -> int:
    article = load_argument(args.path)
    as_asked(article, args)
    sentences = article.sentences
    suggestions = suggest_article(article)
    if args.json:
        write_json(
            {
                "article": article.to_dict(),
                "sentences": [
                    {
                        **sentence_record(s),
                        "suggestion": suggestion.to_dict() if suggestion else None,
                    }
                    for s, suggestion in zip(sentences, suggestions, strict=True)
                ],
            }
        )
        return 0
    out: list[str] = [f"{article.title}\n"]
    made = sum(1 for s in suggestions if s is not None)
    out.append(f"{counted(len(sentences), 'sentence')}, {made:,} with a suggestion\n\n")
    width = len(str(len(sentences)))
    label_width = max(len(t.label) for t in DEFAULT_TAGS)
    for s, suggestion in zip(sentences, suggestions, strict=True):
        out.append(f"{s.index + 1:>{width}}  {s.text}\n")
        pad = " " * (width + 2)
        if suggestion is None:
            out.append(f"{pad}{'—':<{label_width}}  no suggestion\n")
        else:
            label = DEFAULT_TAGS.get(suggestion.tag).label
            out.append(
                f"{pad}{label:<{label_width}}  {suggestion.confidence:.2f}  {suggestion.reason}\n"
            )
    write_stdout("".join(out))
    return 0
