"""Defect 20: the status line never wraps. What the cursor is on is one row, cut with "…";
the legend is the row below it, whatever the length of a name, a note or a reason."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.content import Content

from tuireader.ui.status_line import StatusLine, others_status

LEGEND = "F Fact  S Speculation  E Expert opinion"


class StatusApp(App[None]):
    def compose(self) -> ComposeResult:
        yield StatusLine(id="status")


@pytest.mark.parametrize("width", [40, 80, 120])
async def test_a_long_status_is_one_row_cut_with_an_ellipsis(width: int) -> None:
    app = StatusApp()
    async with app.run_test(size=(width, 6)) as pilot:
        status = app.query_one(StatusLine)
        names = Content.assemble(*others_status(["A" * 5000, "bob"]))
        line = Content.assemble("[S] suggested Speculation: hedge word; a accepts", names)
        status.set_content(Content("\n").join([line, Content(LEGEND)]))
        await pilot.pause()
        rows = status.render().plain.split("\n")
        assert len(rows) == 2 and status.size.height == 2
        room = status.size.width - 2  # what the line has always used of its width
        assert rows[0].endswith("…") and len(rows[0]) == room
        assert rows[1] == (LEGEND if len(LEGEND) <= room else LEGEND[: room - 1] + "…")
        status.set_content(Content("\n").join([Content("1/7 untagged"), Content(LEGEND)]))
        await pilot.pause()
        assert status.render().plain.split("\n")[0] == "1/7 untagged"
