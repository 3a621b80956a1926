"""What the gateway keeps between requests: answers, course histories, verified tokens."""
