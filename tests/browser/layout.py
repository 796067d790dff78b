"""Helpers for browser tests: viewports, what is on screen, and the contrast of rendered text."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

DESKTOP = {"width": 1100, "height": 900}
PHONE = {"width": 375, "height": 667}
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}


@contextmanager
def page_at(browser: Any, name: str) -> Iterator[Any]:
    """A fresh page (empty storage) at the named viewport; a phone is a touch device."""
    phone = name == "phone"
    context = browser.new_context(viewport=VIEWPORTS[name], is_mobile=phone, has_touch=phone, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.console_errors = []
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    try:
        yield page
    finally:
        context.close()


def pane_gap(page: Any) -> float:
    """How far the conversation pane is from showing its last line (0: at the bottom)."""
    return float(page.evaluate("(() => { const b = document.getElementById('messages');"
                               " return b.scrollHeight - b.scrollTop - b.clientHeight; })()"))  # fmt: skip


def in_viewport(page: Any, selector: str) -> bool:
    """True when the element is wholly inside the visible window."""
    return bool(page.eval_on_selector(
        selector,
        "e => { const r = e.getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0; }",
    ))  # fmt: skip


# Every visible element with its own text: its colour against the first opaque background behind it.
CONTRAST_JS = """
() => {
  const parse = (c) => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const lum = ([r, g, b]) => {
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const ratio = (a, b) => { const [h, l] = [lum(a), lum(b)].sort((x, y) => y - x); return (h + 0.05) / (l + 0.05); };
  const background = (el) => {
    for (let n = el; n && n.nodeType === 1; n = n.parentElement) {
      const bg = parse(getComputedStyle(n).backgroundColor);
      if (bg && bg[3] >= 1) return bg;
    }
    return [255, 255, 255, 1];
  };
  const hidden = (el) => { for (let n = el; n && n.nodeType === 1; n = n.parentElement) {
      const s = getComputedStyle(n);
      if (s.display === 'none' || s.visibility === 'hidden' || Number(s.opacity) < 1 || n.disabled) return true;
      if (s.position === 'absolute' && parseFloat(s.width) <= 1) return true; } return false; };
  const out = [];
  let checked = 0;
  for (const el of document.body.querySelectorAll('*')) {
    const own = [...el.childNodes].some((c) => c.nodeType === 3 && c.textContent.trim());
    if (!own || hidden(el) || el.closest('script, style, title')) continue;
    const s = getComputedStyle(el);
    const fg = parse(el instanceof SVGElement ? s.fill : s.color);
    if (!fg) continue;
    const size = parseFloat(s.fontSize), bold = Number(s.fontWeight) >= 700;
    const need = size >= 24 || (size >= 18.66 && bold) ? 3 : 4.5;
    const r = ratio(fg, background(el));
    checked += 1;
    if (r < need) out.push(`${el.tagName.toLowerCase()}.${el.className.baseVal ?? el.className}: `
      + `"${el.textContent.trim().slice(0, 30)}" ${r.toFixed(2)} < ${need}`);
  }
  return { checked, failures: out };
}
"""


def contrast(page: Any) -> dict[str, Any]:
    """{'checked': n, 'failures': [...]} over the page as rendered now."""
    return dict(page.evaluate(CONTRAST_JS))
