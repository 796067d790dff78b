"""Render what the fake Slack received as readable text (Block Kit flattened to lines)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

SKIP = {"auth.test", "files.getUploadURLExternal", "upload"}  # the upload's plumbing: its completion is shown


def _text(obj: Any) -> str:
    return obj.get("text", "") if isinstance(obj, dict) else str(obj or "")


def render_block(block: dict[str, Any]) -> list[str]:
    """One block as lines of text."""
    kind = block.get("type")
    if kind == "header":
        return [f"## {_text(block.get('text'))}"]
    if kind == "section":
        return _text(block.get("text")).splitlines() or [""]
    if kind == "context":
        return [f"  ({_text(e)})" for e in block.get("elements", [])]
    if kind == "divider":
        return ["  ----"]
    if kind == "actions":
        return ["  " + " ".join(_element(e) for e in block.get("elements", []))]
    if kind == "input":
        optional = " (optional)" if block.get("optional") else ""
        return [f"  {_text(block.get('label'))}{optional}: {_element(block.get('element') or {})}"]
    return [f"  <{kind} block>"]


def _element(e: dict[str, Any]) -> str:
    """A button, a picker (with what it shows) or a text field."""
    kind = e.get("type")
    if kind == "button":
        return f"[{_text(e.get('text'))}]"
    if kind == "plain_text_input":
        return f"[{e.get('initial_value') or ''}]"
    shown = e.get("initial_user") or e.get("initial_conversation")
    if shown:
        return f"[{'<@' if e.get('initial_user') else '<#'}{shown}> ▾]"
    return f"[{_text(e.get('placeholder')) or 'choose'} ▾]"


def render_message(args: dict[str, Any]) -> list[str]:
    """A posted message: its blocks, or its text when it has none."""
    blocks = args.get("blocks") or []
    if not blocks:
        return _text(args).splitlines()
    return [line for b in blocks for line in render_block(b)]


def _where(args: dict[str, Any]) -> str:
    channel = args.get("channel") or args.get("channel_id") or ""
    thread = args.get("thread_ts")
    return f"{channel}" + (f" thread {thread}" if thread else "")


def render_call(method: str, args: dict[str, Any]) -> list[str]:
    """One call as a heading line and indented content."""
    if method == "note":
        return [f"**<@{args.get('user')}>**: {args.get('text')}", ""]
    if method in ("chat.postMessage", "chat.update"):
        body = ["> " + line if line else ">" for line in render_message(args)]
        return [f"**coach** (`{method}` → {_where(args)}):", *body, ""]
    if method in ("views.open", "views.publish"):
        view = args.get("view") or {}
        where = f"Home tab of <@{args.get('user_id')}>" if method == "views.publish" else "modal"
        title = f" “{_text(view.get('title'))}”" if view.get("title") else ""
        body = ["> " + line if line else ">" for line in render_message(view)]
        return [f"**coach** (`{method}` → {where}{title}):", *body, ""]
    if method == "files.completeUploadExternal":
        titles = ", ".join(str(f.get("title")) for f in args.get("files") or [])
        return [f"`{method}` → {_where(args)}: attached {titles}", ""]
    if method == "assistant.threads.setStatus":
        return [f"_`{method}`: {args.get('status')}_", ""]
    return [f"`{method}` {_where(args)}".rstrip(), ""]


def render_transcript(calls: Iterable[Any], channel: str | None, thread_ts: str | None) -> str:
    """The calls (optionally one channel/thread) as Markdown-ish text."""
    out: list[str] = []
    for call in calls:
        if call.method in SKIP:
            continue
        args = call.args
        if channel and (args.get("channel") or args.get("channel_id")) not in (channel, None, ""):
            continue
        if thread_ts and args.get("thread_ts") not in (thread_ts, None, ""):
            continue
        out += render_call(call.method, args)
    return "\n".join(out)
