"""Metrics, health, traces and log context shared by the gateway and every stage service.
Nothing here acts at import: registries, servers and tracer providers are made when asked."""
