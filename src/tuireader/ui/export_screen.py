"""The export dialog (``x``, ``X``): which format, the same list as ``tuireader export``, and
where; the last choice is remembered in the database's UI state.

The export itself runs in a thread: the selection is taken from the store on the UI thread, then
rendering and the atomic write (seconds for a tagged book as parquet) never freeze the reader.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tuireader import sanitise
from tuireader.export import (
    FORMATS,
    SENTENCE_FORMATS,
    ExportData,
    ExportError,
    default_export_path,
    extent,
    render_chunks,
    write_export,
)
from tuireader.export_target import name_problem
from tuireader.plural import counted
from tuireader.store import StoreError
from tuireader.ui.dialog import Dialog

STATE_EXPORT = "export"
"""UI state key: the last format, whether it was by sentence, and the folder."""

DESCRIPTIONS: dict[str, str] = {
    "json": "one document with articles; import reads it back",
    "jsonl": "one annotation per line with its article and sentences",
    "csv": "one annotation per row, for spreadsheets and pandas",
    "w3c": "W3C Web Annotation collection (JSON-LD)",
    "markdown": "a report to read, grouped by article and tag",
    "spacy-jsonl": "article text with labelled spans (spaCy, Prodigy)",
    "parquet": "one annotation per row, typed columns",
}


@dataclass(frozen=True)
class ExportChoice:
    format: str
    by_sentence: bool
    path: Path

    @property
    def key(self) -> str:
        return choice_key(self.format, self.by_sentence)


def choice_key(fmt: str, by_sentence: bool) -> str:
    return f"sentences:{fmt}" if by_sentence else fmt


def choices() -> list[tuple[str, str, bool, str]]:
    """(option id, format, by sentence, label) in the order the dialog lists them."""
    out = [(fmt, fmt, False, f"{fmt:<12} {DESCRIPTIONS.get(fmt, '')}") for fmt in FORMATS]
    for fmt in SENTENCE_FORMATS:
        label = f"{fmt:<12} one row per sentence, tagged or not (--by-sentence)"
        out.append((choice_key(fmt, True), fmt, True, label))
    return out


def file_name(fmt: str, by_sentence: bool, title: str | None, now: dt.datetime) -> str:
    name = default_export_path(fmt, Path(), title, now).name
    return name.replace("tuireader-", "tuireader-sentences-", 1) if by_sentence else name


class ExportScreen(Dialog[ExportChoice | None]):
    """Enter in the list exports with the path shown; Tab moves to the path to change it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="export.cancel"),
    ]

    DEFAULT_CSS = """
    ExportScreen {
        align: center middle;
    }
    #export-box {
        width: 84;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $accent;
        padding: 0 1;
        background: $surface;
    }
    #export-formats {
        height: auto;
        max-height: 12;
        margin: 1 0;
    }
    """

    def __init__(
        self,
        scope: str,
        title: str | None,
        remembered: Mapping[str, Any],
        folder: Path,
        refuse: Callable[[Path], str | None] = lambda path: None,
        *,
        served: bool = False,
    ) -> None:
        """``refuse`` says why a path must never be written (a file of the database, an
        article: ``export_target.refusal``), or None. ``served`` (``tuireader serve``): the
        browser's user names a file in ``folder``, never a path (the server's files are not
        theirs to write)."""
        super().__init__()
        self._refuse = refuse
        self._served = served
        self._scope = scope
        self._title = title
        self._now = dt.datetime.now()
        self._choices = {key: (fmt, by) for key, fmt, by, _ in choices()}
        key = choice_key(str(remembered.get("format")), bool(remembered.get("by_sentence")))
        self._key = key if key in self._choices else "json"
        saved = remembered.get("folder")
        usable = isinstance(saved, str) and saved and not served
        self._folder = Path(saved) if usable and isinstance(saved, str) else folder
        self._auto_path = ""
        # The field shows the folder as every other line does (``sanitise.path``): a control
        # character in its name (an escape sequence) would blank the rest of the field. What is
        # written keeps the real name: the shown folder at the start of the field stands for it.
        self._shown_folder = sanitise.path(self._folder)

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box"):
            yield Static(Content("Export " + self._scope).stylize("bold"), markup=False)
            if self._served:
                where = f"Exports go to the folder {sanitise.path(self._folder)} on the server."
                yield Static(Content(where), markup=False, id="export-folder")
                how = "Enter exports to the file named below · Tab edits the name · Esc cancels"
            else:
                how = "Enter exports to the path below · Tab edits the path · Esc cancels"
            yield Static(how, markup=False)
            yield OptionList(
                *(Option(Content(label), id=key) for key, _, _, label in choices()),
                id="export-formats",
            )
            placeholder = "file name" if self._served else "file to write"
            yield Input(self._path_for(self._key), placeholder=placeholder, id="export-path")

    def on_mount(self) -> None:
        formats = self.query_one(OptionList)
        formats.highlighted = formats.get_option_index(self._key)
        formats.focus()

    def _path_for(self, key: str) -> str:
        fmt, by_sentence = self._choices[key]
        name = file_name(fmt, by_sentence, self._title, self._now)
        self._auto_path = name if self._served else os.path.join(self._shown_folder, name)
        return self._auto_path

    def _typed_path(self, value: str) -> Path:
        """The path the field names: its start, when it is the folder as shown, is the folder
        itself (the name it really has, control characters and all)."""
        shown, real = self._shown_folder, str(self._folder)
        if shown != real and (value == shown or value.startswith(shown.rstrip(os.sep) + os.sep)):
            value = real + value[len(shown) :]
        return Path(value).expanduser()

    @on(OptionList.OptionHighlighted, "#export-formats")
    def _format_changed(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_id is None:
            return
        self._key = event.option_id
        path = self.query_one("#export-path", Input)
        if path.value == self._auto_path:  # a path the user typed is kept
            path.value = self._path_for(self._key)
        else:  # but its suffix follows the format
            fmt, _ = self._choices[self._key]
            typed = Path(path.value)
            for suffix in sorted(FORMATS.values(), key=len, reverse=True):
                if typed.name.endswith(suffix):
                    path.value = str(typed.with_name(typed.name[: -len(suffix)] + FORMATS[fmt]))
                    break

    @on(OptionList.OptionSelected, "#export-formats")
    @on(Input.Submitted, "#export-path")
    def _export(self) -> None:
        if not self.is_active:  # a second Enter queued behind the question to replace a file
            return
        value = self.query_one("#export-path", Input).value.strip()
        if not value:
            self.notify("Give a file to write.", severity="warning")
            return
        fmt, by_sentence = self._choices[self._key]
        if self._served:
            problem = name_problem(value)
            if problem is not None:
                self._refused(f"{value}: {problem}; exports go to {self._folder}")
                return
            path = self._folder / value
        else:
            path = self._typed_path(value)
        if path.is_dir():
            if self._served:
                self._refused(
                    f"{value}: is a folder; give a file name (exports go to {self._folder})"
                )
                return
            path = path / file_name(fmt, by_sentence, self._title, self._now)
        choice = ExportChoice(fmt, by_sentence, path.absolute())
        problem = self._refuse(choice.path)
        if problem is not None:
            self._refused(f"{choice.path}: {problem}; choose another file")
            return
        if choice.path.exists() or choice.path.is_symlink():

            def answered(replace: bool | None) -> None:
                if replace:
                    self.close(choice)
                else:
                    self.query_one("#export-path", Input).focus()

            self.app.push_screen(ReplaceScreen(choice.path), answered)
            return
        self.close(choice)

    def _refused(self, why: str) -> None:
        self.notify(sanitise.message(why), title="Not exported", severity="error", markup=False)
        self.query_one("#export-path", Input).focus()

    def action_cancel(self) -> None:
        self.close(None)


class ReplaceScreen(Dialog[bool]):
    """Asks before an export replaces a file that exists: y replaces it, n or Esc goes back to
    the export dialog to choose another path."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Replace", id="export.replace"),
        Binding("n", "answer(False)", "Keep it", id="export.keep"),
        Binding("escape", "answer(False)", "Keep it", id="export.keep_escape", show=False),
    ]

    DEFAULT_CSS = """
    ReplaceScreen {
        align: center middle;
    }
    #replace-box {
        width: 84;
        max-width: 100%;
        height: auto;
        border: round $warning;
        padding: 0 1;
        background: $surface;
    }
    """

    def __init__(self, path: Path) -> None:
        """Only for a file an export may replace: what must never be replaced (an article,
        another database's files: ``export_target``) is refused before this asks."""
        super().__init__()
        self._path = path

    def compose(self) -> ComposeResult:
        with Vertical(id="replace-box"):
            yield Static(Content("Replace an existing file?").stylize("bold"), markup=False)
            yield Static(Content(sanitise.path(self._path)), markup=False, id="replace-path")
            yield Static("y replaces it · n or Esc keeps it and goes back", markup=False)

    def action_answer(self, replace: bool) -> None:
        self.close(replace)


def remembered_state(choice: ExportChoice) -> dict[str, Any]:
    return {
        "format": choice.format,
        "by_sentence": choice.by_sentence,
        "folder": str(choice.path.parent),
    }


def export_in_background(
    app: App[Any],
    read: Callable[[], ExportData],
    choice: ExportChoice,
    done: Callable[[str], None],
) -> None:
    """Read the selection (``read``: every annotation of it, seconds for a big database, so
    never on the event loop), render and write it in a thread; notify the result (warnings too)
    on the app."""

    def job() -> None:
        warnings: list[str] = []
        try:
            data = read()
            chunks = render_chunks(
                data, choice.format, by_sentence=choice.by_sentence, warn=warnings.append
            )
            write_export(chunks, choice.path)
        except (ExportError, StoreError, OSError) as exc:
            app.call_from_thread(
                app.notify, str(exc), title="Not exported", severity="error", markup=False
            )
            return
        for warning in warnings[:5]:
            app.call_from_thread(
                app.notify, warning, title="Export", severity="warning", markup=False, timeout=8
            )
        if len(warnings) > 5:
            more = (
                f"{counted(len(warnings) - 5, 'more article')} left out or without sentence numbers"
            )
            app.call_from_thread(app.notify, more, severity="warning", markup=False)
        how = "by sentence as" if choice.by_sentence else "as"
        what = f"{extent(data, choice.by_sentence)} {how} {choice.format}"
        app.call_from_thread(done, f"Exported {what} to {choice.path}")

    app.run_worker(job, thread=True, group="export", name="export")
