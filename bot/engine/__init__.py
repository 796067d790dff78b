"""Engines read a team's words and answer questions; the scoring rules live in bot.assess."""
