"""The check-in service: register pilots, list them, pause/snooze/skip, trends and stalls."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.checkins import queries as q
from bot.checkins.answers import AnswersMixin
from bot.checkins.questions import copy_questions
from bot.checkins.records import OWNER_GAP, OWNER_GAP_TITLE, AnswerResult, Pilot
from bot.checkins.schedule import FIRST_AFTER, SNOOZE_DAYS, check_interval, next_due, validate
from bot.checkins.tables import (
    DEFAULT_CRON,
    DimensionLevelRow,
    PilotGapRow,
    PilotRow,
)
from bot.errors import InvalidInput
from bot.limits import clean_text
from bot.models import Report
from bot.redact import scrub
from bot.store.public_ids import Ref
from bot.store.scrub import scrub_evidence

STATUS_BY_RESULT = {"gap": "open", "ready": "resolved", "unknown": "unknown"}
PERSON_CHARS = 200  # the column's width


def _person(raw: str, what: str) -> str:
    """Someone named on a pilot, cleaned like any input and redacted before storage."""
    return scrub(clean_text(raw, PERSON_CHARS, what))[:PERSON_CHARS]


def _maybe_person(raw: str | None, what: str) -> str:
    """An optional person: "" when not given (or blank), stored like `_person` otherwise."""
    return _person(raw, what) if raw is not None and raw.strip() else ""


class Checkins(AnswersMixin):
    """Pilots followed week by week; every method is one short transaction."""

    # --- registration ----------------------------------------------------------------

    def register_from_assessment(
        self,
        assessment_id: Ref,
        name: str,
        business_owner: str | None,
        sponsor: str,
        people: list[str] | None = None,
        channel: str | None = None,
        timezone: str = "UTC",
        cron: str | None = None,
        owner: str = "local",
    ) -> Pilot:
        """Follow a pilot from a finished assessment; its gaps and open questions are copied over.

        Without a business owner the missing owner is the pilot's first tracked gap, and
        escalations go to the sponsor until one is named (`set_business_owner`)."""
        cron = cron or DEFAULT_CRON
        self._check_schedule(cron, timezone)
        name = scrub(clean_text(name, 300, "pilot name"))[:300]  # masking can lengthen it past the column
        # stored redacted, like the name: names, emails and phones never reach the table (Slack ids stay)
        business_owner = _maybe_person(business_owner, "business owner")
        sponsor = _person(sponsor, "sponsor")
        people = [_person(p, "person") for p in people or []]
        assessment = self._assessments().get_assessment(assessment_id, owner=owner)  # another owner's: NotFound
        report = assessment.report
        with self._tx() as db:
            found = db.scalars(select(PilotRow).filter_by(owner=owner, assessment_id=assessment.id)).first()
            if found is not None:  # a second click on "Start weekly check-ins"
                return Pilot.of(found)
            row = PilotRow(
                owner=owner,
                name=name,
                business_owner=business_owner,
                sponsor=sponsor,
                people=people,
                channel=channel,
                timezone=timezone,
                cron=cron,
                assessment_id=assessment.id,
                created_at=self.clock.now(),
            )
            db.add(row)
            db.flush()
            self._copy_report(db, row, report)
            copy_questions(db, row.id, report, row.created_at)
            q.schedule_after(db, row, row.created_at + FIRST_AFTER)  # not minutes after the assessment
            return Pilot.of(row)

    def follow_from_chat(
        self,
        assessment_id: Ref,
        channel: str,
        started_by: str,
        owner: str,
        *,
        business_owner: str | None = None,
        sponsor: str | None = None,
        timezone: str = "UTC",
    ) -> Pilot:
        """Start check-ins in a chat channel: the people asked are those who answered in the assessed
        interview. The business owner is optional (missing, it is a tracked gap); the sponsor is
        whoever started it unless named."""
        found = self._assessments().get_assessment(assessment_id, owner=owner)  # another owner's: NotFound
        people = self._interviewees(found.session_id) or [started_by]
        pilot = self.register_from_assessment(
            assessment_id, found.report.pilot_name or "Untitled pilot", business_owner=business_owner,
            sponsor=sponsor or started_by, people=people, channel=channel, timezone=timezone, owner=owner,
        )  # fmt: skip
        self._assessments().audit("slack.checkins_started", f"assessment:{found.public_id}",
                         {"channel": channel, "pilot_id": pilot.public_id}, actor=started_by)  # fmt: skip
        return pilot

    def _interviewees(self, session_id: str | None) -> list[str]:
        """Who answered in a session, in order of first answer."""
        if session_id is None:
            return []
        authors = [m.author for m in self._assessments().list_messages(session_id) if m.role == "user"]
        return list(dict.fromkeys(a for a in authors if a))

    def _copy_report(self, db: Session, pilot: PilotRow, report: Report) -> None:
        now = pilot.created_at
        if not pilot.business_owner:  # the first gap: nobody from the business owns the outcome
            quote = {"quote": "registered without a business owner", "at": now.isoformat()}
            db.add(PilotGapRow(pilot_id=pilot.id, dimension=OWNER_GAP, title=OWNER_GAP_TITLE, severity="critical",
                               status="open", evidence=[quote], updated_at=now))  # fmt: skip
        for gap in report.gaps:
            evidence = scrub_evidence([e.model_dump(mode="json") for e in gap.evidence])
            db.add(
                PilotGapRow(
                    pilot_id=pilot.id,
                    dimension=gap.dimension,
                    title=gap.title,
                    severity=gap.severity,
                    status="open",
                    evidence=evidence,
                    updated_at=now,
                )
            )
        for dim in report.dimensions:
            status = STATUS_BY_RESULT.get(dim.status, "unknown")
            db.add(
                DimensionLevelRow(
                    pilot_id=pilot.id,
                    checkin_id=None,
                    dimension=dim.id,
                    level=dim.level,
                    status=status,
                    at=now,
                )
            )

    def set_business_owner(self, pilot_id: Ref, business_owner: str, owner: str | None = None) -> Pilot:
        """Name the business owner: the missing-owner gap closes and escalations reach them too."""
        person = _person(business_owner, "business owner")
        now = self.clock.now()
        with self._tx() as db:
            row = q.pilot_row(db, pilot_id, owner)
            row.business_owner = person
            for gap in q.gap_rows(db, row.id):
                if gap.dimension == OWNER_GAP and gap.status != "resolved":
                    gap.status, gap.closed_at, gap.updated_at = "resolved", now, now
                    gap.evidence = [*gap.evidence, {"quote": f"business owner named: {person}", "at": now.isoformat()}]
            return Pilot.of(row)

    # --- schedule controls -----------------------------------------------------------

    def pause(self, pilot_id: Ref, owner: str | None = None) -> Pilot:
        """Stop sending check-ins until resumed."""
        with self._tx() as db:
            row = q.pilot_row(db, pilot_id, owner)
            row.paused = True
            return Pilot.of(row)

    def resume(self, pilot_id: Ref, owner: str | None = None) -> Pilot:
        """Undo pause, snooze and skip; a check-in missed while paused moves to the next slot."""
        now = self.clock.now()
        with self._tx() as db:
            row = q.pilot_row(db, pilot_id, owner)
            row.paused, row.snoozed_until, row.skip_next = False, None, False
            waiting = q.scheduled(db, row.id)
            if waiting is not None and waiting.due_at < now:
                waiting.due_at = next_due(row.cron, row.timezone, now)
            elif waiting is None:
                q.schedule_after(db, row, now)
            return Pilot.of(row)

    def snooze(self, pilot_id: Ref, owner: str | None = None) -> Pilot:
        """No check-in for one week: the next one goes out at the first slot after that."""
        until = self.clock.now() + timedelta(days=SNOOZE_DAYS)
        with self._tx() as db:
            row = q.pilot_row(db, pilot_id, owner)
            row.snoozed_until = until
            waiting = q.scheduled(db, row.id)
            if waiting is not None and waiting.due_at < until:
                waiting.due_at = next_due(row.cron, row.timezone, until)
            return Pilot.of(row)

    def skip(self, pilot_id: Ref, owner: str | None = None) -> Pilot:
        """Skip the next scheduled check-in (it is recorded as skipped when it falls due)."""
        with self._tx() as db:
            row = q.pilot_row(db, pilot_id, owner)
            row.skip_next = True
            return Pilot.of(row)

    def set_schedule(self, pilot_id: Ref, cron: str, timezone: str, owner: str | None = None) -> Pilot:
        """Change the cron expression and zone; the waiting check-in moves to the new slot."""
        self._check_schedule(cron, timezone)
        with self._tx() as db:
            row = q.pilot_row(db, pilot_id, owner)
            row.cron, row.timezone = cron, timezone
            waiting = q.scheduled(db, row.id)
            if waiting is not None:
                waiting.due_at = next_due(cron, timezone, self.clock.now())
            return Pilot.of(row)

    def control(self, action: str, pilot_id: Ref, owner: str | None = None) -> Pilot:
        """pause, resume, snooze or skip, by name (the adapters offer all four the same way)."""
        controls = {"pause": self.pause, "resume": self.resume, "snooze": self.snooze, "skip": self.skip}
        if action not in controls:
            raise InvalidInput(f"Unknown action {action!r}: use one of {', '.join(controls)}.")
        return controls[action](pilot_id, owner)

    def _check_schedule(self, cron: str, timezone: str) -> None:
        """A valid cron and zone, firing at most as often as the settings allow (hourly by default)."""
        validate(cron, timezone)
        check_interval(cron, self.settings.checkin_min_interval_minutes)

    def answer_in_thread(
        self, channel: str, thread_ts: str, text: str, author: str | None, owner: str
    ) -> AnswerResult | None:
        """If the chat thread is a check-in's, record the answer to that check-in; else None."""
        found = self.find_by_thread(channel, thread_ts)
        if found is None:
            return None
        pilot, checkin_id = found
        return self.answer_checkin(pilot.id, text, author, owner=owner, checkin_id=checkin_id)
