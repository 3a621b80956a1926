"""Operating coursegen: the `coursegen` command, `coursegen run` (launcher, supervisor, data lock, tied
children), the local servers it starts (local/), the operator commands that talk to a running gateway, and
the writer of what is generated from the event catalogue (contracts). No stage service or gateway module
imports this package."""
