"""Local git repositories built by the tests."""
from __future__ import annotations

import subprocess
from pathlib import Path

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_CONFIG_NOSYSTEM": "1", "HOME": "/nonexistent"}


def git(repo: Path, *args: str) -> str:
    import os

    result = subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True,
                            env={**os.environ, **GIT_ENV})
    return result.stdout.strip()


def write_files(repo: Path, files: dict[str, str | bytes]) -> None:
    for path, content in files.items():
        target = repo / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content if isinstance(content, bytes) else content.encode())


def make_repo(repo: Path, files: dict[str, str | bytes], message: str = "initial") -> str:
    """A repository on branch main with `files` committed; returns the commit sha."""
    repo.mkdir(parents=True, exist_ok=True)
    git(repo, "init", "-q", "-b", "main")
    return commit(repo, files, message)


def commit(repo: Path, files: dict[str, str | bytes], message: str) -> str:
    write_files(repo, files)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


DOCS_REPO = {
    "README.md": "# Widget\n\nWidget makes widgets. Start with the [guide](docs/guide/install.md).\n",
    "mkdocs.yml": "site_name: Widget\nnav:\n  - Home: index.md\n  - Guide:\n    - guide/install.md\n"
                  "    - guide/usage.md\n  - Reference: reference/api.md\n",
    "docs/index.md": "# Widget documentation\n\nWelcome.\n",
    "docs/guide/install.md": "# Install\n\nRun `pip install widget`.\n",
    "docs/guide/usage.md": "# Usage\n\nCall `widget.make()`.\n",
    "docs/reference/api.md": "# API\n\n## make()\n\nMakes a widget.\n",
    "docs/reference/README.md": "# Reference\n",
    "src/widget.py": "def make():\n    return 'widget'\n",
}

# A small but realistic documentation set for the analysis and course stages.
COURSE_REPO = {
    "README.md": (
        "# Skyline\n\n[![build](https://ci.example/badge.svg)](https://ci.example)\n\n"
        "Skyline is a lightweight message broker for Python services.\n"
        "Read [Getting started](docs/getting-started.md) first, then the [architecture](docs/concepts/architecture.md).\n"),
    "mkdocs.yml": ("site_name: Skyline\nnav:\n  - Home: index.md\n  - Concepts: concepts/architecture.md\n"
                   "  - getting-started.md\n  - Guides: guides/publishing.md\n"
                   "  - Reference: reference/api.md\n"),
    "docs/index.md": "# Skyline documentation\n\nSkyline moves messages between Skyline services.\n",
    "docs/getting-started.md": (
        "# Getting started\n\nThis guide takes you from nothing to a running Skyline broker.\n\n"
        "Before you begin, read about the [architecture](concepts/architecture.md).\n\n"
        "## Install Skyline\n\nInstall the package with pip:\n\n```bash\npip install skyline\n```\n\n"
        "## Start the broker\n\nStart a broker on your machine:\n\n```bash\nskyline serve --port 7000\n```\n\n"
        "Check that the broker answers on port 7000.\n\n## Send your first message\n\n"
        "Create a producer and send a message to the `orders` topic.\n\n"
        "```python\nfrom skyline import Producer\nProducer('localhost:7000').send('orders', b'hi')\n```\n"),
    "docs/concepts/architecture.md": (
        "# Architecture\n\nSkyline has three parts: brokers, topics and consumer groups.\n\n"
        "## Brokers\n\nA broker is a server process that stores messages on disk and serves them to clients. "
        "Each broker owns a set of partitions.\n\n## Topics\n\nA topic is a named log of messages. "
        "Producers append to a topic; consumers read it in order.\n\n## Consumer groups\n\n"
        "A consumer group is a set of consumers that share the partitions of a topic, so each message "
        "is processed by one member of the group.\n"),
    "docs/guides/publishing.md": (
        "# Publishing messages\n\nThis guide shows how to publish messages reliably with acknowledgements.\n\n"
        "It assumes a running broker and a topic (see the [architecture](../concepts/architecture.md)).\n\n"
        "## Configure retries\n\nConfigure the producer to retry when a broker does not acknowledge a message:\n\n"
        "```python\nproducer = Producer('localhost:7000', retries=5, acks='all')\n```\n\n"
        "## Batch messages\n\nBatch small messages to raise throughput. Set `linger_ms` to wait for a batch "
        "to fill.\n\n## Handle failures\n\nCatch `DeliveryError` and log the partition and offset.\n"),
    "docs/reference/api.md": (
        "# API reference\n\n## Producer(address, retries=0, acks='leader')\n\nCreates a producer.\n\n"
        "| Parameter | Type | Description |\n| --- | --- | --- |\n| address | str | host:port of a broker |\n"
        "| retries | int | attempts before giving up |\n\n### Returns\n\nA `Producer`.\n\n"
        "## Producer.send(topic, value)\n\nSends `value` to `topic`.\n\n### Raises\n\n`DeliveryError` when no "
        "broker acknowledges the message.\n\n## Consumer(address, group)\n\nCreates a consumer in a consumer group.\n"),
    "docs/troubleshooting.rst": (
        "Troubleshooting\n===============\n\nWhen the broker does not start\n------------------------------\n\n"
        "Check the port. Run::\n\n    skyline doctor\n\nSee :doc:`getting-started` for the setup.\n\n"
        "Messages are lost\n-----------------\n\nEnable acknowledgements as shown in "
        "`the publishing guide <guides/publishing.md>`_.\n"),
    "CHANGELOG.md": "# Changelog\n\n## 1.2.0\n\n- Added batching.\n\n## 1.1.0\n\n- Fixed retries.\n",
    "src/skyline/__init__.py": "class Producer:\n    pass\n",
}


def loom_repository(documents: int, sentences: int, paragraphs: int) -> dict[str, str]:
    """A README and `documents` pages docs/stepNN.md, each of `paragraphs` paragraphs of `sentences`
    sentences: as much reading (and work for every stage) as a test needs."""
    files = {"README.md": "# Loom\n\nLoom weaves threads.\n"}
    for i in range(documents):
        paragraph = f"Thread {i} explains how the loom handles warp and weft in step {i}. " * sentences
        files[f"docs/step{i:02d}.md"] = f"# Step {i}\n\n" + "\n\n".join([paragraph] * paragraphs) + "\n"
    return files
