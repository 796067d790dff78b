"""Several respondents: the lead names a person per area; each answers only their areas in an
interview of their own; their answers are shared into the lead's interview, attributed, and the
report comes once all of them are in (or whenever the lead types `report`).

Each respondent's interview is an ordinary session (same owner as the lead's) whose state carries a
`Part` (their areas, no opening questions, no report). After every stored turn of such a session the
coach calls `after_turn`, which copies that person's answers into the lead's state (`shared`), and
makes the lead's report when the last person finishes."""

from __future__ import annotations

import logging
import threading
import zlib
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from bot.errors import CoachError, Conflict, InvalidInput, NotFound
from bot.interview_state import InterviewState, Part
from bot.limits import clean_text
from bot.models import Statement, Turn, utcnow
from bot.redact import redact_secrets
from bot.respondents.records import (
    LINK_DAYS,
    Finished,
    Invitation,
    Link,
    Own,
    Person,
    Respondent,
    label,
    new_token,
    token_hash,
)
from bot.respondents.tables import RespondentRow
from bot.store.base import StoreBase
from bot.store.public_ids import Ref, row_by_ref, shown
from bot.store.store import locked_session, write_state

if TYPE_CHECKING:
    from bot.service import Coach

log = logging.getLogger(__name__)
Audit = Callable[[str, str, dict[str, Any], str | None], int]
Announce = Callable[[Finished], None]
SHARE_ATTEMPTS = 10  # the lead's state re-read when a turn (or another replica's share) committed in between
# Invitations and shares of one lead's interview queue on one of these (by session id) in this
# process, so that racing invitations never fight over the lead's state; across replicas the re-reads
# above settle it, and an invitation is never lost to a share that could not be saved.
_LEAD_LOCKS = tuple(threading.RLock() for _ in range(64))
LEAD_HOLD = (
    "That's all for your part. The report comes once everyone you named has answered their areas; "
    "type `report` to see it so far."
)
RESPONDENT_HOLD = "Thank you: that's all I need from you. Your answers go into one report with your colleagues'."
BAD_LINK = "This link is not valid (or no longer is): ask the person who sent it for a new one."


def _lead_lock(session_id: str) -> AbstractContextManager[bool]:
    """The lock that one lead's invitations and shares take in this process."""
    return _LEAD_LOCKS[zlib.crc32(session_id.encode()) % len(_LEAD_LOCKS)]


class Respondents(StoreBase):
    """Named respondents of split interviews; every public method checks who may do it."""

    def __init__(self, coach: Coach, audit: Audit) -> None:
        super().__init__(coach.store.engine, coach.settings)
        self.coach, self.rubric, self.audit = coach, coach.rubric, audit
        self.announcers: dict[str, Announce] = {}  # told when a lead's report is made (Slack posts it)

    # --- the lead ----------------------------------------------------------------------

    def invite(self, session_id: str, owner: str | None, people: Sequence[Person], caller: str) -> list[Invitation]:
        """Name people for areas of the lead's interview; each gets an interview of their own."""
        lead = self.coach.store.get_session(session_id, owner=owner)
        state = InterviewState.model_validate(lead.state)
        if state.part is not None and not state.part.reports:
            raise InvalidInput("This interview is one person's share: name people from the lead's interview.")
        people = [self._checked(p) for p in people]
        pilot = state.pilot_name or lead.pilot_name
        with _lead_lock(session_id):
            parts = [self._part_session(lead.owner, pilot, p) for p in people]
            made = self._name(session_id, lead.owner, people, parts)
        detail = {"respondents": [i.respondent.id for i in made], "areas": [a for p in people for a in p.areas]}
        self.audit("respondents.invited", f"session:{session_id}", detail, caller)  # ids only: no names in the log
        return made

    def named(self, session_id: str, owner: str | None) -> list[Respondent]:
        """The people named in the lead's interview, and how far each is."""
        self.coach.store.get_session(session_id, owner=owner)
        return [Respondent.of(r) for r in self._rows(session_id)]

    def remind(self, session_id: str, owner: str | None, caller: str) -> list[Respondent]:
        """The people whose areas are still open (stamped as reminded now): the adapters nudge them."""
        self.coach.store.get_session(session_id, owner=owner)
        with self._tx() as db:
            rows = db.scalars(select(RespondentRow).filter_by(session_id=session_id).order_by(RespondentRow.id))
            due = [r for r in rows if r.status != "done"]
            for row in due:
                row.reminded_at = utcnow()
        out = [Respondent.of(r, self.coach.store.get_session(r.part_session_id).external_key) for r in due]
        self.audit("respondents.reminded", f"session:{session_id}", {"respondents": [r.id for r in out]}, caller)
        return out

    def relink(self, session_id: str, owner: str | None, respondent: Ref, caller: str) -> Link:
        """A new link for someone named in the lead's interview (lost, leaked or expired): the old one
        stops working at once, and the new one's days count from now."""
        self.coach.store.get_session(session_id, owner=owner)
        token, digest = new_token()
        with self._tx() as db:
            row = row_by_ref(db, RespondentRow, respondent)
            if row is None or row.session_id != session_id:
                raise NotFound(f"No respondent {shown(respondent)} in this interview: list them to see their ids.")
            row.token_hash, row.linked_at = digest, utcnow()
            who = Respondent.of(row)
        self.audit("respondents.relinked", f"session:{session_id}", {"respondents": [who.id]}, caller)
        return Link(who, token)

    def areas_named(self, text: str) -> list[str]:
        """The areas a comma-separated list names ("data pipeline, governance"), by id or a unique
        part of their titles; an unknown one is InvalidInput naming them all."""
        out = []
        for chunk in (c.strip().lower() for c in text.split(",") if c.strip()):
            hits = [d.id for d in self.rubric.dimensions if chunk.replace(" ", "_") == d.id]
            hits = hits or [
                d.id for d in self.rubric.dimensions if chunk in f"{d.id} {d.title} {d.ready_title}".lower()
            ]
            if len(hits) != 1:
                names = ", ".join(d.ready_title.lower() for d in self.rubric.dimensions)
                raise InvalidInput(f"Which area is {chunk!r}? Name one of: {names}.")
            out.append(hits[0])
        return out

    def titles(self, areas: Sequence[str]) -> str:
        """The areas' readable names, for people: "Production data pipeline, Governance and guardrails in place"."""
        return ", ".join(self.rubric.dimension(a).ready_title for a in areas)

    # --- a respondent, through their link ----------------------------------------------

    def own(self, token: str) -> Own:
        """What the link's holder sees: their areas and their conversation so far."""
        row = self._by_token(token)
        view = self.coach.session_view(row.part_session_id)
        state = InterviewState.model_validate(self.coach.store.get_session(row.part_session_id).state)
        titles = {d.id: d.ready_title for d in self.rubric.dimensions}
        choices = self.coach.interview.choices(state)
        return Own(Respondent.of(row), titles, view.pilot_name, view.done, view.topic, view.messages, choices)

    def answer(self, token: str, text: str, idempotency_key: str | None = None) -> Turn:
        """One message from the link's holder, in their own interview (only their areas are asked)."""
        row = self._by_token(token)
        return self.coach.send_message(
            row.part_session_id, text, author=label(row.name, row.role), idempotency_key=idempotency_key
        )

    # --- after every stored turn -------------------------------------------------------

    def after_turn(self, session_id: str, state: InterviewState) -> None:
        """The coach's hook after every stored turn (again after a replayed one, and before a report): a
        respondent's turn updates their status and the lead's interview; a lead's interview catches up
        on what a crash between a respondent's turn and its share left undone."""
        if state.part is None:
            return  # nobody named: an invitation writes the lead's split in the transaction that names people
        lead_id = session_id if state.part.reports else self._answered(session_id, state)
        if lead_id is None:
            return
        try:
            with _lead_lock(lead_id):
                finished = self._share(lead_id)
        except CoachError as exc:  # the answer is stored; their next turn shares it again
            log.warning("respondents: could not share into the lead's interview: %s", type(exc).__name__)
            return
        for announce in list(self.announcers.values()) if finished else []:
            try:
                announce(finished)  # type: ignore[arg-type]
            except Exception as exc:  # the report is stored; only the notice failed
                log.warning("respondents: could not announce the report: %s", type(exc).__name__)

    # --- internals ---------------------------------------------------------------------

    def _checked(self, p: Person) -> Person:
        """The person as stored: cleaned, secrets masked (the name and role are shown in reports), and
        no email: it only names someone who gave no name, and a link's token exists only at the invitation."""
        name = clean_text(redact_secrets(p.name or p.email.partition("@")[0]), 200, "name")  # masked, then fits
        areas = list(dict.fromkeys(p.areas))
        if not areas:
            raise InvalidInput(f"Name at least one area for {name}.")
        known = {d.id for d in self.rubric.dimensions}
        if unknown := [a for a in areas if a not in known]:
            raise InvalidInput(f"Unknown area {unknown[0]!r}: use one of {', '.join(sorted(known))}.")
        role = clean_text(redact_secrets(p.role), 100, "role") if p.role.strip() else ""
        return Person(name, areas, role, "", p.slack_user, p.external_key, p.channel)

    def _part_session(self, owner: str, pilot: str | None, p: Person) -> Turn:
        """The person's own interview (only their areas, no report), and its first question."""
        part = Part(areas=p.areas, intro=False, hold=RESPONDENT_HOLD, reports=False)
        state, reply = self.coach.interview.start(pilot, part)
        rec = self.coach.store.create_session(
            owner, p.channel, pilot_name=pilot, external_key=p.external_key,
            state=state.model_dump(mode="json"), greeting=reply.text, greeting_meta={"topic": reply.topic},
        )  # fmt: skip
        return Turn(session_id=rec.id, reply=reply.text, message=reply.text, topic=reply.topic,
                    question_id=reply.question_id, options=self.coach.interview.options(state),
                    choices=reply.choices)  # fmt: skip

    def _name(self, session_id: str, owner: str, people: Sequence[Person], firsts: Sequence[Turn]) -> list[Invitation]:
        """The people's rows and the lead's split (their areas leave the lead's own part, which holds its
        report for them) in one transaction: a lead's state says whether anyone was named, so no turn asks."""
        tokens = [new_token() for _ in people]
        with self._tx() as db:
            lead = locked_session(db, session_id)  # first: a turn or another invitation of this lead waits
            rows = [RespondentRow(session_id=session_id, owner=owner, part_session_id=first.session_id,
                                  name=p.name, role=p.role or None, slack_user=p.slack_user or None, areas=p.areas,
                                  token_hash=digest, status="invited", created_at=utcnow())
                    for p, first, (_, digest) in zip(people, firsts, tokens, strict=True)]  # fmt: skip
            db.add_all(rows)
            db.flush()
            assigned = {a for areas in db.scalars(select(RespondentRow.areas).filter_by(session_id=session_id))
                        for a in areas}  # fmt: skip
            state = InterviewState.model_validate(lead.state)
            state.part = self._lead_part(state, assigned, waiting=True)
            write_state(lead, state.model_dump(mode="json"))
            named = [Respondent.of(r) for r in rows]
        return [Invitation(who, token, first) for who, (token, _), first in zip(named, tokens, firsts, strict=True)]

    def _lead_part(self, state: InterviewState, assigned: set[str], waiting: bool) -> Part:
        """The lead's own part: the areas nobody was named for, held at its end while others still answer."""
        part = state.part or Part(areas=[d.id for d in self.rubric.dimensions])
        own = [a for a in part.areas if a not in assigned]
        return part.model_copy(update={"areas": own, "hold": LEAD_HOLD if waiting else ""})

    def _rows(self, session_id: str) -> list[RespondentRow]:
        with self._read_tx() as db:
            return list(db.scalars(select(RespondentRow).filter_by(session_id=session_id).order_by(RespondentRow.id)))

    def _by_token(self, token: str) -> RespondentRow:
        if not token or len(token) > 200:
            raise NotFound(BAD_LINK)
        with self._read_tx() as db:
            row = db.scalars(select(RespondentRow).filter_by(token_hash=token_hash(token))).first()
        if row is None or (row.linked_at or row.created_at) + timedelta(days=LINK_DAYS) < utcnow():
            raise NotFound(BAD_LINK)  # an expired link says what a wrong one says: nothing to probe
        return row

    def _answered(self, session_id: str, state: InterviewState) -> str | None:
        """A respondent's turn: their status now; the lead's interview id (None: nobody's respondent)."""
        with self._tx() as db:
            row = db.scalars(select(RespondentRow).filter_by(part_session_id=session_id)).first()
            if row is None:
                return None
            row.status, row.answered_at = ("done" if state.done else "answering"), utcnow()
            return row.session_id

    def _parts(self, rows: list[RespondentRow]) -> dict[int, InterviewState]:
        """Each respondent's own interview as stored (what they said, and whether they are done), by row."""
        out = {r.id: InterviewState.model_validate(self.coach.store.get_session(r.part_session_id).state) for r in rows}
        if behind := [r.id for r in rows if out[r.id].done and r.status != "done"]:
            with self._tx() as db:  # a crash after their last turn, before its status: the turn is what counts
                for row in db.scalars(select(RespondentRow).where(RespondentRow.id.in_(behind))):
                    row.status = "done"
        return out

    @staticmethod
    def _answers(row: RespondentRow, part: InterviewState) -> list[Statement]:
        """A respondent's answers about their areas, attributed to them."""
        who = label(row.name, row.role)
        return [s.model_copy(update={"author": who}) for s in part.statements if s.topic in row.areas]

    def _share(self, lead_id: str) -> Finished | None:
        """Copy every respondent's answers into the lead's interview; make the report when the last is in.

        Run again after a crash (on a replayed turn, the lead's next turn or report), it completes what the
        crash cut short: statuses from the respondents' own interviews, the share, and the report when
        everyone is done and the lead's part too (held for them, or with no report made yet)."""
        for _ in range(SHARE_ATTEMPTS):
            rows = self._rows(lead_id)
            parts = self._parts(rows)
            shared = [s for r in rows for s in self._answers(r, parts[r.id])]
            lead = self.coach.store.get_session(lead_id)
            state = InterviewState.model_validate(lead.state)
            waiting, was_holding = any(not p.done for p in parts.values()), bool(state.part and state.part.hold)
            state.part = self._lead_part(state, {a for r in rows for a in r.areas}, waiting)
            state.shared = shared
            if (saved := state.model_dump(mode="json")) != lead.state:  # unchanged: nothing to write
                try:
                    self.coach.store.save_state(lead_id, saved, expected_version=lead.version)
                except Conflict:
                    continue  # the lead answered meanwhile: share again on the newer state
            if waiting or not state.done or not (was_holding or self.coach.store.latest_assessment(lead_id) is None):
                return None  # the lead's own last answer makes the report when they finish after everyone
            turn = self.coach.send_message(lead_id, "report")
            return Finished(lead_id, lead.external_key, lead.owner, turn)
        raise Conflict("The lead's interview kept changing while answers were shared; send the message again.")
