"""Small real-looking documents, one per supported format (Markdown as MkDocs, Docusaurus, pymdown
and GitBook write it, MDX, reStructuredText, AsciiDoc, a notebook, Markdown with HTML), each using
its family's callouts, includes and inline markup; and the raw markup that must never reach a
course. Shared by the parser unit tests and the corpus test of the whole offline course."""
from __future__ import annotations

import json

# The sentence every document holds in its own inline-code syntax: a course must show it with
# its code spans and the blanks before them.
SPACED_CODE_MARKDOWN = "you can send requests using `.get()`, `.post()`"
SPACED_CODE_HTML = "you can send requests using <code>.get()</code>, <code>.post()</code>"

# Raw constructs of every family: none may survive into the export, the site or the API.
RAW_MARKUP = ("!!!", "???", ":::", "///", "{% hint", "{% endhint", "{%", "--8<--", "{*", "*}",
              ".. note::", ".. warning::", ".. admonition::", ".. include::", ".. literalinclude::",
              "include::", "NOTE:", "[TIP]", "[!NOTE]", "{.", "{:", "{#")

MKDOCS = '''---
title: HTTPX
---
!!! note "TL;DR"
    HTTPX is a fully featured HTTP client for Python, and you can send requests using `.get()`, `.post()` and friends.

{.hide-header}
# HTTPX

{#intro .lead}
HTTPX builds on the **well-established** usability of *requests*, see [the quickstart](quickstart.md).

??? tip "Async support"
    The `AsyncClient` class sends requests concurrently.

    ```python
    --8<-- "docs_src/async_client.py"
    ```

--8<-- "docs/snippets/install.md"

{* ../../docs_src/first_steps/tutorial001.py hl[3] *}

## Clients

!!! warning
    A client holds a connection pool, so reuse one `Client` instead of creating many.

    ```python
    with httpx.Client() as client:
        client.get("https://example.org")
    ```
'''

QUICKSTART = '''# Quickstart

:::tip[Before you start]
Install the package with `pip install httpx` first.
:::

The `get()` function sends a GET request and returns a response object to you.

/// warning | Timeouts
Every request has a default timeout of five seconds, see `Timeout`.
///

{% hint style="info" %}
Responses keep the raw bytes in `response.content` for you.
{% endhint %}
'''

DOCUSAURUS_MDX = '''---
title: Streaming
---
import Tabs from '@theme/Tabs';

# Streaming

Streaming responses let you read the body lazily, and you can send requests using `.get()`, `.post()` with `stream=True`.

:::note Memory
A streamed body is never loaded into memory at once, which suits large downloads.
:::

:::danger
Always close a streamed response, or use it as a `with` block.
:::
'''

RST = '''Authentication
==============

The client supports several authentication schemes, and you can send requests using ``.get()``, ``.post()`` with an ``auth`` argument.

.. note:: Credentials are sent with every request made by the client.

.. admonition:: Digest authentication

   The ``DigestAuth`` class answers the server's challenge for you.

.. literalinclude:: ../examples/auth.py
   :language: python

.. include:: ../snippets/auth-footer.rst

Custom schemes
--------------

A custom scheme is a subclass of :class:`~httpx.Auth` that yields requests.

.. warning::

   Never log the *headers* of an authenticated request.
'''

ASCIIDOC = '''= Transports

Transports are the lowest layer of the client, and you can send requests using `.get()`, `.post()` through any of them.

NOTE: The default transport uses a connection pool shared by all requests.

.Mock transports
[TIP]
====
A `MockTransport` answers requests from a function, which is handy in tests.
====

include::partials/transport-options.adoc[]

== Custom transports

A custom transport implements `handle_request` and returns a response.
'''

NOTEBOOK = json.dumps({"cells": [
    {"cell_type": "markdown", "metadata": {}, "source": [
        "# Tutorial\n", "\n", "This notebook shows that you can send requests using `.get()`, `.post()` from Jupyter.\n",
        "\n", "!!! note \"Kernel\"\n", "    Restart the kernel after installing the package.\n"]},
    {"cell_type": "code", "metadata": {}, "execution_count": 1, "outputs": [],
     "source": ["import httpx\n", "response = httpx.get('https://example.org')\n"]},
    {"cell_type": "markdown", "metadata": {}, "source": [
        "## Responses\n", "\n", "> [!NOTE]\n", "> A response object holds the status code and the headers.\n"]},
], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})

HTML_IN_MARKDOWN = '''# Proxies

<p>A proxy forwards each request, and you can send requests using <code>.get()</code>, <code>.post()</code> through it.</p>

<div class="admonition note">
<p class="admonition-title">Note</p>
<p>Proxy settings are read from the environment variables by default.</p>
</div>

The `proxy` argument takes a URL such as `http://localhost:8030`.
'''

CORPUS = {
    "docs/index.md": MKDOCS,
    "docs/quickstart.md": QUICKSTART,
    "docs/streaming.mdx": DOCUSAURUS_MDX,
    "docs/auth.rst": RST,
    "docs/transports.adoc": ASCIIDOC,
    "docs/tutorial.ipynb": NOTEBOOK,
    "docs/proxies.md": HTML_IN_MARKDOWN,
}


def raw_markup_in(text: str) -> list[str]:
    """The raw constructs that `text` still holds."""
    return [construct for construct in RAW_MARKUP if construct in text]
