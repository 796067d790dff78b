"""Weekly check-ins on registered pilots: schedules, answers, stalls, escalations, trends.

The service is `Checkins` (bot.checkins.pilots), built by the composition root (bot.factory);
`Runner` (bot.checkins.runner) sends what is due. The adapters are bot.api.pilots,
bot.slack.checkins and bot.slack.notifier, and bot.cli.pilot_cmds."""
