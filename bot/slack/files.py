"""A file shared in an interview thread: download it (files:read) and read it as the team's evidence."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlparse

import httpx
from slack_bolt import App
from slack_sdk import WebClient

from bot.attachments import add_document
from bot.documents.errors import too_large
from bot.errors import InvalidInput
from bot.slack.conversation import Conversations, Thread
from bot.slack.listeners import done_marker, just_ack
from bot.slack.replies import Poster, run_reporting

log = logging.getLogger(__name__)
SLACK_FILES_HOST = "files.slack.com"
MAX_FILES = 3  # files read from one message; more is a bulk upload, not a conversation
TIMEOUT_S = 30.0
CANNOT_FETCH = "I could not download {name} from Slack: share it again, or check that I have the files:read scope."


def _allowed(url: str, client: WebClient) -> bool:
    """Only Slack's file host (or the Web API host the client talks to) gets the bot token."""
    host = urlparse(url).hostname
    return host in (SLACK_FILES_HOST, urlparse(client.base_url).hostname)


def download(client: WebClient, file: dict[str, Any], limit: int) -> bytes:
    """The file's bytes, read with the bot token; refused past `limit` bytes without reading it all."""
    name = str(file.get("name") or "the file")
    if int(file.get("size") or 0) > limit:
        raise too_large(name, int(file["size"]), limit)
    url = str(file.get("url_private_download") or file.get("url_private") or "")
    if not url or not _allowed(url, client):
        raise InvalidInput(CANNOT_FETCH.format(name=name))
    headers = {"Authorization": f"Bearer {client.token}"}
    try:
        with httpx.stream("GET", url, headers=headers, timeout=TIMEOUT_S, follow_redirects=False) as resp:
            if resp.status_code != 200:
                raise InvalidInput(CANNOT_FETCH.format(name=name))
            data = bytearray()
            for chunk in resp.iter_bytes():
                data += chunk
                if len(data) > limit:
                    raise too_large(name, len(data), limit)
    except httpx.HTTPError as exc:
        log.warning("slack: download of a shared file failed: %s", type(exc).__name__)
        raise InvalidInput(CANNOT_FETCH.format(name=name)) from exc
    return bytes(data)


def read_shared_files(convo: Conversations, client: WebClient, thread: Thread, event: dict[str, Any]) -> None:
    """Read each file shared in an interview thread into its session; one sentence per file."""
    session = convo.coach.find_session(thread.key)
    if session is None:
        return  # not an interview thread: a file is not ours to read
    poster: Poster = thread.poster(client)
    limit = convo.coach.max_upload_bytes()
    for file in (event.get("files") or [])[:MAX_FILES]:

        def work(file: dict[str, Any] = file) -> None:
            data = download(client, file, limit)
            shared = add_document(
                convo.coach, session.id, data, str(file.get("name") or "file"), thread.owner, event.get("user")
            )
            poster.text(shared.reply())

        run_reporting(poster, work)


def register_files(app: App, convo: Conversations) -> None:
    """Listen for `message` events of subtype `file_share`; register before the generic message listener."""
    claims = convo.coach.event_claims()

    def on_file_share(body: dict[str, Any], event: dict[str, Any], client: WebClient) -> None:
        stored = done_marker(claims, body)
        is_dm = event.get("channel_type") == "im"
        if event.get("bot_id") or not event.get("user") or not (event.get("thread_ts") or is_dm):
            stored()
            return
        thread = Thread(body["team_id"], event["channel"], event.get("thread_ts"), dm=is_dm)
        try:
            read_shared_files(convo, client, thread, event)
        finally:
            stored()

    app.event({"type": "message", "subtype": "file_share"})(ack=just_ack, lazy=[on_file_share])
