"""The portfolio: every registered pilot of one owner on one page, with aggregates.

The service is `Portfolio` (bot.portfolio.service), built by the composition root (bot.factory).
It reads the check-in tables in bulk (a handful of queries for any number of pilots) and judges
stalls with the check-ins' own rules (bot.checkins.stall). The adapters are bot.api.portfolio and
bot.cli.portfolio_cmds; the page is bot/web/portfolio.html."""
