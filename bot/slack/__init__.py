"""The Slack adapter: a Bolt app over the coach (`create_slack_app`), mounted by `mount_slack`.

Nothing here runs unless Slack settings are present; importing it opens nothing.
"""
