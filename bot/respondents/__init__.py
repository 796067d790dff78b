"""Several respondents: an interview split by area between named people (see docs/respondents.md)."""
