"""What an import finds about the database besides the annotations it writes.

Before the annotations are written (``review``), the database is compared with the file:

* the file's sentence corrections are merged in (``correction_records.merge``), first, so the
  articles the import attaches get their corrected sentences;
* an annotation of the file that repeats one the database already holds in the same layer under
  another id (same article, place, quoted text, tag and note: a copy, not an edit; an orphan is
  never one) is not written twice (``Review.batches``), and is counted as skipped (copies
  within the file alone are written, and an attach orphans all but one, as any overlap in a
  layer);
* the annotations the database holds in the file's layers that the file does not have (deleted
  since the export? or never sent; one the file copies under another id, a tag made again, it
  has) are counted: an import never deletes, and says so; ``import --prune`` removes them, for a
  file that says what it holds whole (a json ``scope``) only. Only what existed when the file's
  copy of its layer was made counts (``prune_bounds``): a later one, and any of the annotator in
  force, is kept, and counted apart.

Which layers, articles and tags the file covers comes from a json export's ``scope`` (an
``--annotator bob`` export is all of bob's layer, so a tag bob cleared since shows as missing
even in an article the file no longer lists); without one (jsonl, csv, an older json), from the
annotators and articles the file holds. Comparing reads the database's records only of articles
where one of those layers has annotations: an import into an empty database costs nothing here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tuireader import sanitise
from tuireader.annotations import AnchorState
from tuireader.correction_records import Merge
from tuireader.plural import counted
from tuireader.prune_bounds import NEWER, OWN, PruneBounds
from tuireader.records import StoredRecord
from tuireader.store.imports import ArticleRecords

if TYPE_CHECKING:
    from tuireader.importing import StagedImport
    from tuireader.store import Store

Batch = list[StoredRecord | ArticleRecords]
_ORPHANED = str(AnchorState.ORPHANED)  # a plain str compares faster than the enum
ContentKey = tuple[Any, ...]


def content_key(record: Mapping[str, Any]) -> ContentKey | None:
    """What makes two annotations of one article the same tag: layer, place, the text quoted
    there, tag and note. None for an orphan: it has no place, so it copies nothing and nothing
    copies it (a placed tag is never dropped for an orphan at the same offsets)."""
    if record.get("anchor") == _ORPHANED:
        return None
    return (
        record["annotator"],
        record["start"],
        record["end"],
        hash(record["quote"]["exact"]),  # not the text: a re-import of 500,000 holds these
        record["tag"],
        record.get("note", ""),
    )


@dataclass
class Review:
    """The comparison of a staged import with the database (``review``)."""

    corrections: Merge = field(default_factory=Merge)
    copies: dict[str, set[str]] = field(default_factory=dict)
    """By article: ids of the file's annotations that copy one already there (not written)."""
    missing: dict[str, tuple[int, int]] = field(default_factory=dict)
    """By annotator: (annotations, articles) the database holds in the file's scope and the
    file lacks."""
    missing_ids: dict[str, dict[str, str]] = field(default_factory=dict)
    """Their ids, by article, each with its ``updated`` as reviewed (what ``prune`` removes, if
    it is still that record when the write holds the lock)."""
    pruned: bool = False
    """Whether ``prune`` removed them."""
    whole_layers: bool = False
    """Whether the file said it holds its layers whole (a json ``scope``)."""
    kept: dict[str, dict[str, int]] = field(default_factory=dict)
    """By annotator, by reason (``prune_bounds.OWN``, ``NEWER``): annotations the file lacks
    that are not in ``missing`` (it cannot have held them, or the layer is the importer's)."""
    bounds: PruneBounds | None = None

    @property
    def duplicates(self) -> int:
        return sum(map(len, self.copies.values()))

    def batches(self, batches: Iterable[Batch]) -> Iterator[Batch]:
        """``StagedImport.batches`` without the copies ``review`` found against the database.

        Copies within the file alone (into an article the database does not have) are written
        as the file has them, and an attach keeps one placed and the others orphaned, as any
        overlap within a layer: looking for them parsed every spooled run again and sent an
        article with any copy down the slow attach (a 500,000-annotation dense import went
        from 10.7 to 26.5 s CPU)."""
        if not self.copies:
            yield from batches
            return
        for batch in batches:
            kept: Batch = []
            for item in batch:
                if isinstance(item, ArticleRecords):
                    drop = self.copies.get(item.article_id)
                    if drop:
                        kept += [r for r in item.records() if r[0] not in drop]
                    else:
                        kept.append(item)
                elif item[0] not in self.copies.get(item[1]["article_id"], ()):
                    kept.append(item)
            if kept:
                yield kept

    def prune(self, store: Store) -> tuple[int, int]:
        """Remove what the database holds in the file's scope that the file lacks (``import
        --prune``: the annotator deleted it since), annotations and corrections, in one write."""
        self.pruned = True
        return store.prune(self.missing_ids, self.corrections.missing_ids)

    def lines(self) -> list[str]:
        """The report's lines after the counts (indented, as the import prints them)."""
        out: list[str] = []
        merged = self.corrections
        if merged.read:
            out.append(
                f"  sentence corrections (splits, joins): {merged.read} read, "
                f"{len(merged.added)} added, {merged.here} already here, "
                f"{len(merged.conflicts)} not taken"
            )
        out += [f"  not taken: {sanitise.line(line)}" for line in merged.conflicts]
        if self.duplicates:
            out.append(
                f"  {self.duplicates} skipped as copies of an annotation already in the same "
                "layer (same article, place, tag and note under another id)"
            )
        return out

    def warnings(self) -> list[str]:
        """What the database holds that the file lacks, one line per annotator (for stderr)."""
        out: list[str] = []
        scope = "in the layers this file holds whole" if self.whole_layers else "on its articles"
        if self.pruned:
            done = "removed (--prune)"
        elif self.whole_layers:
            done = "kept (import --prune removes them)"
        else:  # --prune is refused: the file may be a part (``cli.import_.PRUNE_NEEDS_SCOPE``)
            done = "kept (a json export says what it holds whole: import --prune takes that)"
        for name, (count, articles) in sorted(self.missing.items()):
            out.append(
                f"warning: the database holds {counted(count, 'annotation')} of "
                f"{sanitise.line(name)} ({counted(articles, 'article')}) {scope} "
                f"that this file does not have (deleted since it was exported?); {done}"
            )
        missing = (self.corrections.missing or {}).items()
        for name, count in sorted(missing):
            out.append(
                f"warning: the database holds {counted(count, 'sentence correction')} "
                f"by {sanitise.line(name)} on this file's articles that this file does not "
                f"have (taken back since it was exported?); {done}"
            )
        return out + self._kept_lines()

    def _kept_lines(self) -> list[str]:
        """What the file lacks that is kept even by ``--prune``, and why: one line per
        annotator and reason."""
        out: list[str] = []
        names = sorted(set(self.kept) | set(self.corrections.kept))
        for name in names:
            for why in (OWN, NEWER):
                tags = self.kept.get(name, {}).get(why, 0)
                splits = self.corrections.kept.get(name, {}).get(why, 0)
                if not tags and not splits:
                    continue
                what = " and ".join(
                    counted(n, noun)
                    for n, noun in ((tags, "annotation"), (splits, "sentence correction"))
                    if n
                )
                shown = sanitise.line(name)
                if why == OWN:
                    reason = f"your own layer ({shown}, the annotator in force) is never pruned"
                else:
                    reason = f"made or changed after {self._as_of(name)}, so not deleted before it"
                out.append(f"note: kept {what} of {shown} that this file does not have: {reason}")
        return out

    def _as_of(self, name: str) -> str:
        as_of = None if self.bounds is None else self.bounds.as_of(name)
        if as_of is None:
            return f"this file was written (it holds none of {sanitise.line(name)}'s)"
        when = as_of.isoformat(timespec="seconds").replace("+00:00", "Z")
        return f"this file's newest of {sanitise.line(name)}'s ({when})"


def review(store: Store, staged: StagedImport) -> Review:
    """Compare ``staged`` with the database and merge its corrections in (one write, only when
    it brings any)."""
    result = Review()
    existing = set(store.annotated_article_ids())
    corrections_here = bool(store.corrections_by_article())
    scope = staged.scope
    bounds = result.bounds = PruneBounds.of(scope, store.annotator)
    for b in staged.corrections:
        bounds.see(b.annotator, b.created)
    annotators: set[str] = set()
    articles: dict[str, dict[str, ContentKey | None]] = {}
    if existing or corrections_here:  # else nothing here to compare with: no pass over the file
        annotators, articles = _file_layers(staged, existing, bounds)
    if scope is not None and scope.get("annotators") is not None:
        annotators = set(scope["annotators"])
    whole = scope is not None and scope.get("articles") is None and bool(existing)
    result.whole_layers = scope is not None
    listed = set(articles) | {str(meta["id"]) for meta in staged.articles}
    if scope is not None and scope.get("articles") is not None:
        listed |= set(scope["articles"])
    if staged.corrections or corrections_here:
        corrected = listed | {b.article_id for b in staged.corrections}
        # Corrections missing from the file are looked for only in one that can carry them
        # (json version 2 has ``scope``, jsonl): a csv or version 1 json lacks them all.
        carries = scope is not None or staged.format == "jsonl"
        result.corrections = store.import_corrections(
            staged.corrections, corrected, annotators if carries else set()
        ).bounded(bounds.kept)
    if not existing:
        return result
    if scope is not None and scope.get("annotators") is None and not annotators:
        return result
    tags = None if scope is None or scope.get("tags") is None else set(scope["tags"])
    compared = existing if whole else existing & listed
    missing: dict[str, list[int]] = {}
    missing_ids: dict[str, dict[str, str]] = {}
    for article_id in sorted(compared):
        layers = store.article_counts(article_id)
        if not any(name in layers for name in annotators):
            continue
        here = store.stored_records(article_id)
        incoming = articles.get(article_id, {})
        matched = _copies(result, article_id, here, incoming)
        gone: dict[str, int] = {}
        for key, record in here.items():
            name = record["annotator"]
            if (
                name in annotators
                and key not in incoming
                and key not in matched  # the file has it, under another id (a tag made again)
                and (tags is None or record["tag"] in tags)
            ):
                updated = record.get("updated") or record["created"]
                why = bounds.kept(name, updated)
                if why is not None:
                    counts = result.kept.setdefault(name, {})
                    counts[why] = counts.get(why, 0) + 1
                    continue
                gone[name] = gone.get(name, 0) + 1
                missing_ids.setdefault(article_id, {})[key] = updated
        for name, count in gone.items():
            entry = missing.setdefault(name, [0, 0])
            entry[0] += count
            entry[1] += 1
    result.missing = {name: (n, a) for name, (n, a) in missing.items()}
    result.missing_ids = missing_ids
    return result


def _file_layers(
    staged: StagedImport, existing: AbstractSet[str], bounds: PruneBounds
) -> tuple[set[str], dict[str, dict[str, ContentKey | None]]]:
    """The file's annotators (of its annotations, done marks and corrections) and, for the
    articles the database has (``existing``), each one's annotations: id to ``content_key``
    (not the records: a re-import of 500,000 holds these alone), their times shown to
    ``bounds``: each layer's copy is as of its newest record there, one-layer exports too."""
    see = bounds.see
    names = {m.annotator for m in staged.done} | {b.annotator for b in staged.corrections}
    articles: dict[str, dict[str, ContentKey | None]] = {}
    for batch in staged.batches():
        for item in batch:
            if isinstance(item, ArticleRecords):
                names.update(count[0] for count in item.counts)
                if item.article_id in existing:
                    found = articles.setdefault(item.article_id, {})
                    records = item.records()  # parsed once a call
                    found.update((key, content_key(r)) for key, r in records)
                    for _key, r in records:
                        see(r["annotator"], r.get("updated") or r["created"])
            else:
                key, record = item
                names.add(record["annotator"])
                if record["article_id"] in existing:
                    articles.setdefault(record["article_id"], {})[key] = content_key(record)
                    see(record["annotator"], record.get("updated") or record["created"])
    return names, articles


def _copies(
    result: Review,
    article_id: str,
    here: Mapping[str, Mapping[str, Any]],
    incoming: Mapping[str, ContentKey | None],
) -> set[str]:
    """The file's annotations of the article that copy one already there, or an earlier one of
    the file, under another id (added to ``result.copies``); returns the ids of the database's
    annotations so copied: the file has them (a tag cleared and made again has a new id), so
    they are not missing from it."""
    seen: dict[ContentKey, str] = {}
    for key, r in here.items():
        found = content_key(r)
        if found is not None:
            seen[found] = key
    matched: set[str] = set()
    for key, found in incoming.items():
        if key in here or found is None:
            continue  # the same annotation (the usual merge: newer ``updated`` wins), an orphan
        if found in seen:
            result.copies.setdefault(article_id, set()).add(key)
            if seen[found] in here:
                matched.add(seen[found])
        else:
            seen[found] = key
    return matched
