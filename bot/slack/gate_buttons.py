"""Sign-off buttons for the go/no-go gate: each Slack user named for a role gets a DM with Sign and
Decline. A click signs as that Slack user through the gate service, which refuses (and audits)
anyone but the person named, exactly as for an API key."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.errors import CoachError
from bot.gate.records import Gate, Signer
from bot.gate.service import Gates
from bot.slack import blocks as bk
from bot.slack.actions import public_ref, team_of
from bot.slack.conversation import workspace_owner

log = logging.getLogger(__name__)
SIGN, DECLINE = "gate_sign", "gate_decline"
ANSWERS = {SIGN: "approve", DECLINE: "reject"}
SHOWN_ITEMS = 5


def slack_user(identity: str) -> str | None:
    """The Slack user id an identity names (`slack:TEAM:USER`), else None."""
    kind, _, rest = identity.partition(":")
    return rest.partition(":")[2] or None if kind == "slack" else None


def _items(gate: Gate) -> str:
    lines = [f"• [{i.severity}] {bk.escape(i.criterion)} ({bk.escape(i.owner)}, due {i.due_at:%d %b})"
             for i in gate.open_items[:SHOWN_ITEMS]]  # fmt: skip
    more = len(gate.open_items) - SHOWN_ITEMS
    return "\n".join(lines + ([f"…and {more} more"] if more > 0 else [])) or "No open items."


def request_blocks(gate: Gate, signer: Signer) -> list[bk.Block]:
    """The message a named signer gets: the review's open items, then Sign and Decline."""
    value = f"{gate.pilot_id}:{signer.role}"

    def button(action_id: str, text: str, style: str) -> dict[str, Any]:
        return {"type": "button", "action_id": action_id, "value": value, "style": style,
                "text": {"type": "plain_text", "text": text}}  # fmt: skip

    head = (f"*Go/no-go review: {bk.escape(gate.pilot_name)}*\nYou are named to sign for *{bk.escape(signer.title)}*. "
            f"{len(gate.open_items)} open item(s):")  # fmt: skip
    return [*bk.sections(head + "\n" + _items(gate)),
            {"type": "actions", "block_id": f"gate:{value}",
             "elements": [button(SIGN, "Sign", "primary"), button(DECLINE, "Decline", "danger")]}]  # fmt: skip


def send_requests(client: WebClient, gate: Gate) -> int:
    """DM every Slack user named in the review who has not signed yet; how many were sent."""
    sent = 0
    for signer in gate.signers:
        user = slack_user(signer.identity)
        if user is None or signer.signoff is not None:
            continue
        channel = client.conversations_open(users=user)["channel"]["id"]
        text = f"Go/no-go review of {gate.pilot_name}: please sign for {signer.title}."
        client.chat_postMessage(channel=channel, text=bk.fallback(text), blocks=request_blocks(gate, signer))
        sent += 1
    return sent


def _signed(gate: Gate, role: str) -> list[bk.Block]:
    signer = next(s for s in gate.signers if s.role == role)
    when = f"{signer.signed_at:%d %b %Y %H:%M} UTC" if signer.signed_at else ""
    answer = "Signed" if signer.signoff != "reject" else "Declined"
    text = f"*Go/no-go review: {bk.escape(gate.pilot_name)}*\n{answer} for *{bk.escape(signer.title)}* {when}."
    return bk.sections(text)


def register_gate_buttons(app: App, gates: Gates) -> None:
    """Send sign-off requests when a review is opened; handle the Sign and Decline clicks."""

    def notify(gate: Gate) -> None:
        send_requests(app.client, gate)

    gates.on_open["slack"] = notify

    def click(body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        team, user = team_of(body), body["user"]["id"]
        channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id", "")
        pilot, _, role = str(action.get("value") or "").partition(":")
        signoff = ANSWERS[action["action_id"]]
        try:
            gate = gates.sign(public_ref(pilot, "pilot"), role, signoff, f"slack:{team}:{user}", workspace_owner(team))
        except CoachError as exc:  # refused (and audited by the service), or the review moved on
            client.chat_postEphemeral(channel=channel, user=user, text=str(exc))
            return
        ts = (body.get("message") or {}).get("ts")
        if ts:
            client.chat_update(channel=channel, ts=ts, blocks=_signed(gate, role), text=f"Signed: {signoff}")

    app.action(SIGN)(ack=_ack, lazy=[click])
    app.action(DECLINE)(ack=_ack, lazy=[click])


def _ack(ack: Ack) -> None:
    ack()
