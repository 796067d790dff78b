"""The go/no-go gate: a production-readiness review of a registered pilot, its named sign-offs and
the steerco's decision record.

The service is `Gates` (bot.gate.service), built by the composition root (bot.factory); the policy
(roles, due dates, what each decision needs) is data in `knowledge/gate.yaml` (bot.gate.policy).
The adapters are bot.api.gate and bot.cli.portfolio_cmds."""
