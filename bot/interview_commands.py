"""The interview's commands: help, status, report, skip, back, restart."""

from __future__ import annotations

from collections.abc import Callable

from bot.interview_state import HELP, InterviewState, Reply, Steps


def cmd_help(iv: Steps, state: InterviewState) -> Reply:
    """List the commands, then repeat the current question."""
    return Reply(
        HELP + (f"\n\n{state.last_question}" if not state.done else ""),
        iv.topic(state),
        iv.question_id(state),
        done=state.done,
        choices=iv.choices(state),
    )


def cmd_status(iv: Steps, state: InterviewState) -> Reply:
    """Progress over the six areas."""
    marks = {"done": "✓", "skipped": "–", "current": "→", "pending": "·"}
    lines = [f"- {marks[v]} {iv.rubric.dimension(k).ready_title} ({v})" for k, v in iv.progress(state).items()]
    return Reply(
        "Progress:\n" + "\n".join(lines),
        iv.topic(state),
        iv.question_id(state),
        done=state.done,
    )


def cmd_report(iv: Steps, state: InterviewState) -> Reply:
    """Ask the caller for the gap list so far, saying it is partial while the interview runs."""
    if state.part is not None and not state.part.reports:
        text = "The report goes to the person who asked you, once everyone has answered their areas."
        return Reply(text, iv.topic(state), iv.question_id(state), done=state.done, choices=iv.choices(state))
    # how many areas are open is the report's to say (areas it cannot judge yet): an area the interview
    # has not reached may already be judged from earlier answers, so counting steps here would disagree
    text = "Here is your gap list."
    if any(v in ("current", "pending") for v in iv.progress(state).values()):
        text = (
            "Here is the gap list from what you've told me so far. The interview is not finished, so it is "
            "partial: answer on (or type `report` later) for the full list."
        )
    return Reply(
        text,
        iv.topic(state),
        iv.question_id(state),
        done=state.done,
        want_report=True,
        choices=iv.choices(state),
    )


def cmd_skip(iv: Steps, state: InterviewState) -> Reply:
    """Move on; a skipped area becomes an open question."""
    if state.done:
        return cmd_help(iv, state)
    kind, ident = iv.plan[state.step]
    if kind == "dim":
        state.skipped.append(ident)
    return iv.advance(state, "Skipped. ")


def cmd_back(iv: Steps, state: InterviewState) -> Reply:
    """Return to the previous question and forget the answers given since."""
    if not state.history:
        return Reply(
            "We're at the first question already. " + state.last_question,
            iv.topic(state),
            iv.question_id(state),
        )
    snap = state.history.pop()
    ident = iv.plan[snap.step][1]
    state.skipped = [s for s in state.skipped if s != ident]
    state.covered = [c for c in state.covered if iv.plan.index(("dim", c)) < snap.step]
    state.step, state.question_idx, state.follow_ups = snap.step, snap.question_idx, snap.follow_ups
    state.confirming, state.confirm_quote = snap.confirming, snap.confirm_quote
    state.confirm_status = snap.confirm_status
    del state.statements[snap.n_statements :]
    state.done = False
    reply = iv.ask_current(state)
    reply.text = "Going back. " + reply.text
    return reply


def cmd_restart(iv: Steps, state: InterviewState) -> Reply:
    """Start the interview over, keeping the pilot's name."""
    fresh, reply = iv.start(state.pilot_name, state.part)
    fresh.shared = state.shared  # the other respondents' answers are theirs to restart
    for name in InterviewState.model_fields:
        setattr(state, name, getattr(fresh, name))
    return reply


HANDLERS: dict[str, Callable[[Steps, InterviewState], Reply]] = {
    "help": cmd_help,
    "status": cmd_status,
    "report": cmd_report,
    "skip": cmd_skip,
    "back": cmd_back,
    "restart": cmd_restart,
}
