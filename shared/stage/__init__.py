"""The stage kit: what every stage service shares around its own work. `runs` folds a course's
stage runs (the gateway uses it too), `emitter` speaks for a stage (started, progress, result,
failed, given up, still current), `app` wires a handler to its durable consumer, `service`
declares a stage service so its `main.py` is one line."""
