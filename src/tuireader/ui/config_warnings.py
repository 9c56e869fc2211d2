"""What a config may set but is warned about, not refused: tag colours too close to tell apart
and user themes whose text does not read on their background. Measured as the built-in themes
are held to it (``tests/test_tag_colors.py``): CIEDE2000 difference between tags, WCAG contrast
for text."""

from __future__ import annotations

import itertools

from rich.color import Color as RichColor
from rich.terminal_theme import DEFAULT_TERMINAL_THEME

from tuireader.config import Config, ThemeSpec
from tuireader.ui.tag_colors import contrast, difference, surface_of

TAGS_APART = 7.0
"""The least CIEDE2000 difference between two tags' colours (the built-in themes' floor for
their highlights; about 2 is just noticeable)."""
TEXT_CONTRAST = 4.5
"""The least WCAG contrast of a theme's text on its background (WCAG AA, the built-in themes'
floor)."""


def config_warnings(config: Config) -> list[str]:
    """One line each, naming the file, for the tag colours and themes of ``config`` that are
    valid but do not read apart."""
    return [
        *_close_tag_colours(config),
        *(w for spec in config.themes for w in _theme(config, spec)),
    ]


def _close_tag_colours(config: Config) -> list[str]:
    where = config.located("tags")
    source = f"{where.path}: " if where is not None else ""
    rgb = {
        tag.id: RichColor.parse(tag.color).get_truecolor(DEFAULT_TERMINAL_THEME)
        for tag in config.tags
    }
    found = []
    for a, b in itertools.combinations(config.tags, 2):
        apart = difference(rgb[a.id], rgb[b.id])
        if apart < TAGS_APART:
            found.append(
                f"{source}tags {a.id} and {b.id} have colours too close to tell apart "
                f"({a.color!r} and {b.color!r}: {apart:.1f} apart, under {TAGS_APART:g}); "
                "the reader tints the later one differently: give one another colour"
            )
    return found


def _theme(config: Config, spec: ThemeSpec) -> list[str]:
    from tuireader.ui.app import theme_of

    where = config.located(f"themes.{spec.name}")
    source = f"{where.path}: " if where is not None else ""
    surface = surface_of(theme_of(spec), "truecolor", DEFAULT_TERMINAL_THEME)
    ratio = contrast(surface.foreground, surface.background)
    if ratio >= TEXT_CONTRAST:
        return []
    shown = "#{:02x}{:02x}{:02x}"
    return [
        f"{source}theme {spec.name}: text {shown.format(*surface.foreground)} on background "
        f"{shown.format(*surface.background)} has a contrast of {ratio:.1f}, under "
        f"{TEXT_CONTRAST:g}: text will be hard or impossible to read"
    ]
