"""The gateway's background workers: the refresh manager, the janitor and the watchdog, on durable consumers."""
