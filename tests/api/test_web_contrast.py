"""Every text colour pair the web pages' CSS declares reads at WCAG AA (4.5:1), and the trend lines
stand out from their lanes (3:1): checked from bot/web/app.css itself, so no browser is needed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[2] / "bot" / "web"
TEXT_MIN, GRAPHIC_MIN = 4.5, 3.0
# SVG text draws with `fill`; shapes' fills are graphics, not text
SVG_TEXT = re.compile(r"\.(label|value|tick|lane-label|lane-value)\b")
SURFACE_LUMINANCE = 0.6  # lighter than this: a surface text may sit on
Rule = tuple[str, dict[str, str]]
# The badge as issue 13 found it: white on #c25e00 is 4.29:1
OLD_HIGH_BADGE = (
    ":root { --card: #fff; --bg: #fff; --high: #c25e00; } "
    ".badge { color: #fff; } .badge.high { background: var(--high); }"
)


def luminance(hex_colour: str) -> float:
    """WCAG relative luminance of #rgb or #rrggbb."""
    h = hex_colour.lstrip("#")
    h = "".join(c * 2 for c in h) if len(h) == 3 else h
    channels = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def ratio(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def rules(css: str) -> list[Rule]:
    """(selector, declarations) for every screen rule, @media screen blocks included, print skipped."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    out: list[Rule] = []
    depth, start, skip_depth, prelude = 0, 0, None, ""
    for i, ch in enumerate(css):
        if ch == "{":
            prelude = css[start:i].strip()
            depth += 1
            if skip_depth is None and (prelude.startswith("@media print") or prelude.startswith("@keyframes")):
                skip_depth = depth
            start = i + 1
        elif ch == "}":
            if skip_depth is None and not prelude.startswith("@"):
                decls = dict(
                    (k.strip(), v.strip()) for k, _, v in (d.partition(":") for d in css[start:i].split(";")) if v
                )
                for selector in prelude.split(","):
                    out.append((selector.strip(), decls))
            if skip_depth == depth:
                skip_depth = None
            depth -= 1
            start, prelude = i + 1, ""
    return out


def resolve(value: str, variables: dict[str, str]) -> str | None:
    """A declaration's colour as #hex (after var()), or None when it is not one plain colour."""
    value = re.sub(r"/\*.*", "", value).strip()
    value = re.sub(r"var\((--[\w-]+)\)", lambda m: variables.get(m.group(1), m.group(0)), value)
    value = value.split()[0] if value.startswith("#") else value
    return value if re.fullmatch(r"#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}", value) else None


def colour_pairs(css: str) -> list[tuple[str, str, str]]:
    """(selector, text colour, background) for every text the CSS colours or every surface it paints.

    A rule's own background is its text's; a text colour with no background of its own is checked
    on every light surface the CSS paints (cards, bubbles, table heads: where it lands is not known
    from CSS alone; dark fills, badges and buttons, always set their own text colour); a fill with no
    text colour of its own takes the colour of the rule it refines (`.badge` for `.badge.high`)."""
    parsed = rules(css)
    variables = {k: v for sel, d in parsed if sel == ":root" for k, v in d.items() if k.startswith("--")}
    colour_of = {sel: resolve(d.get("color", ""), variables) for sel, d in parsed}
    surfaces = {variables["--card"], variables["--bg"]}
    pairs: list[tuple[str, str, str]] = []
    for sel, d in parsed:
        bg = resolve(d.get("background", d.get("background-color", "")), variables)
        if bg and luminance(bg) >= SURFACE_LUMINANCE and not sel.startswith((".chart", ".trend")):
            surfaces.add(bg)
    for sel, d in parsed:
        text = colour_of.get(sel) or (resolve(d.get("fill", ""), variables) if SVG_TEXT.search(sel) else None)
        bg = resolve(d.get("background", d.get("background-color", "")), variables)
        if bg and not text and "::" not in sel:
            base = max((s for s in colour_of if colour_of[s] and sel.startswith(s) and s != sel), key=len, default="")
            text = colour_of.get(base)
        if text and bg:
            pairs.append((sel, text, bg))
        elif text:
            pairs += [(sel, text, surface) for surface in sorted(surfaces)]
    return pairs


def failures(css: str) -> list[str]:
    """Every pair under 4.5:1, as 'selector: text on background = ratio'."""
    return [
        f"{sel}: {fg} on {bg} = {ratio(fg, bg):.2f}"
        for sel, fg, bg in colour_pairs(css)
        if fg.lower() != bg.lower() and ratio(fg, bg) < TEXT_MIN
    ]


def test_every_text_colour_pair_in_the_css_reads_at_aa() -> None:
    css = (WEB / "app.css").read_text(encoding="utf-8")
    pairs = colour_pairs(css)
    assert len(pairs) > 40  # the parser saw the stylesheet, not an empty subset
    assert failures(css) == []


def test_the_high_badge_reads_at_aa() -> None:
    css = (WEB / "app.css").read_text(encoding="utf-8")
    badge = [(fg, bg) for sel, fg, bg in colour_pairs(css) if sel == ".badge.high"]
    assert badge and all(ratio(fg, bg) >= TEXT_MIN for fg, bg in badge)


@pytest.mark.parametrize(
    ("css", "flagged"),
    [
        (OLD_HIGH_BADGE, ".badge.high"),
        (":root { --card: #fff; --bg: #f6f7f9; } .hint { color: #8a94a3; }", ".hint"),
        (":root { --card: #fff; --bg: #fff; } .chart .tick { fill: #aaaaaa; }", ".chart .tick"),
    ],
)
def test_the_check_finds_a_pair_that_fails(css: str, flagged: str) -> None:
    found = failures(css)
    assert found and all(f.startswith(flagged) for f in found), found


def test_print_rules_are_not_screen_colours() -> None:
    css = ":root { --card: #fff; --bg: #fff; } @media print { .x { color: #eeeeee; } } .y { color: #111; }"
    assert failures(css) == []
    assert [sel for sel, _, _ in colour_pairs(css)] == [".y"]


def test_trend_lines_stand_out_from_their_lanes() -> None:
    script = (WEB / "pilots-draw.js").read_text(encoding="utf-8")
    colours = re.findall(r"#[0-9a-fA-F]{6}", re.search(r"LANE_COLOURS = \[(.*?)\]", script).group(1))  # type: ignore[union-attr]
    css = (WEB / "app.css").read_text(encoding="utf-8")
    lane = re.search(r"\.trend \.lane-bg \{ fill: (#[0-9a-fA-F]{6})", css).group(1)  # type: ignore[union-attr]
    assert len(set(colours)) == 6
    assert all(ratio(c, lane) >= GRAPHIC_MIN and ratio(c, "#ffffff") >= GRAPHIC_MIN for c in colours)
