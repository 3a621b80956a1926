"""The event backbone: NATS connection, stream provisioning, the event store, consumers."""
