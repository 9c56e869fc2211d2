"""How each tag looks in a theme and a terminal's colour depth, and how well it reads.

Two looks, chosen so every tag stays readable (WCAG contrast of at least 3 against its text) and
tags stay apart from each other and from untagged text:

- **tint** (truecolor and 256-colour terminals, themes with RGB colours): the background takes a
  little of the tag's colour and the theme's text colour stays. In 256 colours the tint is picked
  from the terminal's palette here, with its hue, instead of letting the terminal round a faint
  tint to a grey that every tag would share.
- **block** (16-colour terminals, and the ``ansi-*`` themes, which draw in the terminal's own
  palette): the background is the tag's ANSI colour and the text black or white, whichever
  reads better. A faint tint cannot be shown there.

``shown`` says what RGB a colour ends up as on screen, assuming the terminal palette Textual
assumes for the theme (``App.ansi_theme``); the contrast test uses it for every built-in theme.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rich.color import Color as RichColor
from rich.color import ColorSystem, ColorType
from rich.color_triplet import ColorTriplet
from rich.palette import Palette
from rich.style import Style
from rich.terminal_theme import TerminalTheme
from textual.theme import Theme

from tuireader.tags import Tag

Triplet = tuple[int, int, int]
DEPTHS = ("truecolor", "256", "standard")
"""Rich's names for the colour systems a terminal may have (16 colours is "standard")."""
TINT_ALPHA = {True: 0.28, False: 0.30}
"""How much of a tag's colour tints the background on dark and light themes."""
MIN_TEXT_CONTRAST = 4.5
"""What the tint aims for (WCAG AA for body text); the test's floor is 3."""
BLOCK_TEXT = (0, 15, 7, 8)
"""ANSI colours tried for text on a block: black, bright white, white, bright black."""


@dataclass(frozen=True)
class Surface:
    """What a tag is drawn on: the theme's colours and the terminal's colour depth."""

    background: Triplet
    foreground: Triplet
    dark: bool
    depth: str
    ansi_theme: TerminalTheme
    native_ansi: bool
    """An ``ansi-*`` theme: colours are the terminal's own palette, never converted."""

    @property
    def block(self) -> bool:
        return self.native_ansi or self.depth not in ("truecolor", "256")


@dataclass(frozen=True)
class TagLook:
    style: Style
    """For the sentence text."""
    marker: Style
    """For the gutter letter."""
    suggestion: Style
    """For a suggested, not yet accepted, tag."""


# -- colour arithmetic -------------------------------------------------------------------------


def luminance(rgb: Sequence[int]) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: Sequence[int], b: Sequence[int]) -> float:
    """WCAG 2 contrast ratio, 1 to 21."""
    la, lb = luminance(a), luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def _lab(rgb: Sequence[int]) -> tuple[float, float, float]:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb[:3])
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def difference(a: Sequence[int], b: Sequence[int]) -> float:
    """CIEDE2000 colour difference: about 2 is just noticeable, 10 plainly different."""
    l1, a1, b1 = _lab(a)
    l2, a2, b2 = _lab(b)
    c1, c2 = math.hypot(a1, b1), math.hypot(a2, b2)
    c_mean = (c1 + c2) / 2
    g = 0.5 * (1 - math.sqrt(c_mean**7 / (c_mean**7 + 25**7)))
    a1p, a2p = a1 * (1 + g), a2 * (1 + g)
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360
    h2p = math.degrees(math.atan2(b2, a2p)) % 360
    dl, dc = l2 - l1, c2p - c1p
    dh = 0.0
    if c1p * c2p:
        dh = h2p - h1p
        if dh > 180:
            dh -= 360
        elif dh < -180:
            dh += 360
    dhh = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh / 2))
    l_mean, cp_mean = (l1 + l2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        h_mean = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        h_mean = (h1p + h2p) / 2
    else:
        h_mean = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else (h1p + h2p - 360) / 2
    t = (
        1
        - 0.17 * math.cos(math.radians(h_mean - 30))
        + 0.24 * math.cos(math.radians(2 * h_mean))
        + 0.32 * math.cos(math.radians(3 * h_mean + 6))
        - 0.20 * math.cos(math.radians(4 * h_mean - 63))
    )
    sl = 1 + 0.015 * (l_mean - 50) ** 2 / math.sqrt(20 + (l_mean - 50) ** 2)
    sc = 1 + 0.045 * cp_mean
    sh = 1 + 0.015 * cp_mean * t
    rt = (
        -2
        * math.sqrt(cp_mean**7 / (cp_mean**7 + 25**7))
        * math.sin(math.radians(60 * math.exp(-(((h_mean - 275) / 25) ** 2))))
    )
    return math.sqrt(
        (dl / sl) ** 2 + (dc / sc) ** 2 + (dhh / sh) ** 2 + rt * (dc / sc) * (dhh / sh)
    )


def blend(a: Sequence[int], b: Sequence[int], alpha: float) -> Triplet:
    r, g, bl = (round(x + (y - x) * alpha) for x, y in zip(a[:3], b[:3], strict=True))
    return (r, g, bl)


# -- what the terminal shows -------------------------------------------------------------------


def _palette_of(theme: TerminalTheme) -> list[Triplet]:
    return [tuple(theme.ansi_colors[i]) for i in range(16)]  # type: ignore[misc]


def shown(color: RichColor, surface: Surface) -> Triplet:
    """The RGB a colour ends up as: Textual turns ANSI colours into RGB through the theme's
    terminal palette (except in ``ansi-*`` themes), Rich rounds RGB to the terminal's depth,
    and the terminal shows an ANSI colour in its palette (assumed to be the theme's)."""
    theme = surface.ansi_theme
    if color.type in (ColorType.STANDARD, ColorType.EIGHT_BIT) and not surface.native_ansi:
        color = RichColor.from_triplet(color.get_truecolor(theme))
    if surface.depth == "256":
        color = color.downgrade(ColorSystem.EIGHT_BIT)
    elif surface.depth != "truecolor":
        color = color.downgrade(ColorSystem.STANDARD)
    r, g, b = color.get_truecolor(theme)
    return (r, g, b)


# -- the looks ---------------------------------------------------------------------------------

MIN_APART = 10.0
"""CIEDE2000 difference kept between any two tags' highlights where the palette allows."""
MIN_FROM_BACKGROUND = 6.0
"""... and between a highlight and the untagged background."""
BLOCK_ORDER = (2, 3, 6, 5, 4, 1, 10, 11, 14, 13, 12, 9, 8, 7, 0, 15)
"""ANSI colours to fall back on, in order, when two tags' colours round to the same one."""


def tag_looks(tags: Iterable[Tag], surface: Surface) -> dict[str, TagLook]:
    """Each tag's look, chosen together so that tags that round to one colour in a small
    palette get apart (the next free ANSI colour, the next 256-colour entry)."""
    return dict(_looks(tuple((t.id, t.color) for t in tags), surface))


@lru_cache(maxsize=64)
def _looks(tags: tuple[tuple[str, str], ...], surface: Surface) -> tuple[tuple[str, TagLook], ...]:
    taken: list[Triplet] = []
    looks: list[tuple[str, TagLook]] = []
    background = _shown_rgb(surface.background, surface)
    for tag_id, color in tags:
        rich = RichColor.parse(color)
        if surface.block:
            index = _block_index(rich, surface, background, taken)
            fill, block_text = _block_colors(index, surface)
            text: RichColor | None = block_text
            style = Style(bgcolor=fill, color=text)
            suggestion = Style(italic=True, underline=True)
        else:
            fill = _tint(rich, surface, background, taken)
            text = _text_on(fill, surface)
            style = Style(bgcolor=fill, color=text)
            faint = blend(surface.background, rich.get_truecolor(surface.ansi_theme), 0.1)
            suggestion = Style(bgcolor=RichColor.from_triplet(ColorTriplet(*faint)), italic=True)
        taken.append(shown(fill, surface))
        looks.append((tag_id, TagLook(style, style + Style(bold=True), suggestion)))
    return tuple(looks)


def _block_index(
    color: RichColor, surface: Surface, background: Triplet, taken: list[Triplet]
) -> int:
    palette = _palette_of(surface.ansi_theme)
    wanted = color.downgrade(ColorSystem.STANDARD).number or 0
    for index in (wanted, *BLOCK_ORDER):
        rgb = palette[index]
        if difference(rgb, background) >= MIN_APART and all(
            difference(rgb, other) >= MIN_APART for other in taken
        ):
            return index
    return wanted


def _block_colors(index: int, surface: Surface) -> tuple[RichColor, RichColor]:
    palette = _palette_of(surface.ansi_theme)
    text = max(BLOCK_TEXT, key=lambda i: contrast(palette[i], palette[index]))
    if surface.native_ansi:
        return RichColor.from_ansi(index), RichColor.from_ansi(text)
    # RGB values Rich rounds back to exactly these ANSI colours, not to a neighbour.
    from rich._palettes import STANDARD_PALETTE

    return (
        RichColor.from_triplet(STANDARD_PALETTE[index]),
        RichColor.from_triplet(STANDARD_PALETTE[text]),
    )


def _tint(
    color: RichColor, surface: Surface, background: Triplet, taken: list[Triplet]
) -> RichColor:
    """The background tinted with ``color``; in 256 colours the nearest palette entry that
    stays apart from the background and from the tags before it. Two tags whose colours
    come out alike (``magenta`` and ``bright_red`` are one pink in some palettes) are kept
    apart by tinting the later one with the next free palette colour instead."""
    palette = _palette_of(surface.ansi_theme)
    wanted = color.get_truecolor(surface.ansi_theme)
    first: RichColor | None = None
    for target in (wanted, *(palette[i] for i in BLOCK_ORDER)):
        tint = blend(surface.background, target, TINT_ALPHA[surface.dark])
        if surface.depth == "256":
            chosen = _nearest_eight_bit(tint, background, tuple(taken))
        else:
            chosen = RichColor.from_triplet(ColorTriplet(*tint))
        first = first or chosen
        rgb = shown(chosen, surface)
        if difference(rgb, background) >= MIN_FROM_BACKGROUND and all(
            difference(rgb, other) >= MIN_APART for other in taken
        ):
            return chosen
    assert first is not None
    return first


def _text_on(fill: RichColor, surface: Surface) -> RichColor | None:
    """The theme's text colour, or (on a theme whose text is faint) that colour moved toward
    white or black until it reads on the tint: None means the theme's own."""
    back = shown(fill, surface)
    text = surface.foreground
    if contrast(_shown_rgb(text, surface), back) >= MIN_TEXT_CONTRAST:
        return None
    toward = (255, 255, 255) if luminance(back) < 0.18 else (0, 0, 0)
    for step in range(1, 11):
        moved = blend(text, toward, step / 10)
        if contrast(_shown_rgb(moved, surface), back) >= MIN_TEXT_CONTRAST:
            break
    return RichColor.from_triplet(ColorTriplet(*moved))


def _shown_rgb(rgb: Triplet, surface: Surface) -> Triplet:
    return shown(RichColor.from_triplet(ColorTriplet(*rgb)), surface)


@lru_cache(maxsize=1024)
def _nearest_eight_bit(tint: Triplet, background: Triplet, taken: tuple[Triplet, ...]) -> RichColor:
    """The 256-colour palette entry closest to ``tint`` that is plainly not the background (a
    faint tint would otherwise vanish into it) nor another tag's."""
    from rich._palettes import EIGHT_BIT_PALETTE

    palette: Palette = EIGHT_BIT_PALETTE
    best, best_distance = 16, math.inf
    for index in range(16, 256):
        rgb = palette[index]
        if difference(rgb, background) < MIN_FROM_BACKGROUND or any(
            difference(rgb, other) < MIN_APART for other in taken
        ):
            continue
        distance = difference(rgb, tint)
        if distance < best_distance:
            best, best_distance = index, distance
    return RichColor.from_ansi(best)


def marker_style(looks: Mapping[str, TagLook], tag_id: str) -> Style:
    """How a tag's marker (or its count) is drawn beside text anywhere outside the pane: the
    list, the compare status, the statistics, the library, adjudication. Its look for the theme
    and terminal (readable everywhere), or bold while the looks are not known yet."""
    look = looks.get(tag_id)
    return look.marker if look is not None else Style(bold=True)


def bar_style(looks: Mapping[str, TagLook], tag_id: str) -> Style:
    """A bar drawn in a tag's colour (the statistics): the highlight's own colour as text, so
    the bar is the colour the tag's sentences are tinted with, apart from the other tags'."""
    look = looks.get(tag_id)
    if look is None or look.style.bgcolor is None:
        return Style(bold=True)
    return Style(color=look.style.bgcolor)


def surface_of(theme: Theme, depth: str, ansi_theme: TerminalTheme) -> Surface:
    """The surface a reading pane draws tags on, from the theme (as the app resolves its
    ``$background`` and ``$foreground``) and the console's colour system."""
    from textual.color import Color

    variables = theme.to_color_system().generate()

    def rgb(name: str, fallback: Sequence[int]) -> Triplet:
        color = Color.parse(variables[name])
        if color.ansi is not None:  # "ansi_default": the terminal's own, assumed its theme's
            return (fallback[0], fallback[1], fallback[2])
        return (color.r, color.g, color.b)

    return Surface(
        rgb("background", ansi_theme.background_color),
        rgb("foreground", ansi_theme.foreground_color),
        theme.dark,
        depth if depth in DEPTHS else "standard",
        ansi_theme,
        theme.ansi,
    )
