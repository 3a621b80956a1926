"""The gateway's edge, what a request meets before a route answers it: the ASGI layer (rate limit, body size,
metrics, server span), bearer-token auth, and the quotas a route checks before a run."""
