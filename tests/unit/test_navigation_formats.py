"""Every navigation format stage 1 reads (issue 50): each on a real documentation tree of that
format (../shared/corpora, read in place), asserting the first pages the nav file plainly lists and
how many it lists, and each format's fallbacks on a small tree written here in its documented
syntax. No configuration is executed: JavaScript/TypeScript is parsed, YAML safely loaded."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from services.repo_clone.navigation import NAVIGATION_FILE_PATTERNS, READERS, navigation
from services.repo_clone.navigation.javascript import MOST_CONFIG_BYTES, Call, read_config, unwrap
from shared.docs.formats import is_document

CORPORA = Path(__file__).resolve().parents[2].parent / "shared" / "corpora"


def corpus(name: str) -> tuple[Path, set[str]]:
    root = CORPORA / name
    if not root.is_dir():
        pytest.skip(f"corpus {name} is absent: the real trees live in {CORPORA} (see its MANIFEST.md)")
    docs = {os.path.relpath(os.path.join(folder, file), root) for folder, _, files in os.walk(root)
            for file in files if is_document(file)}
    return root, docs


def write(root: Path, files: dict[str, str]) -> set[str]:
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    return {path for path in files if is_document(path)}


# (corpus, the nav file the order must come from, its first pages as the nav file lists them, pages listed)
REAL_TREES = [
    ("vite", "docs/.vitepress/config.ts",
     ["docs/guide/index.md", "docs/guide/philosophy.md", "docs/guide/why.md", "docs/guide/features.md",
      "docs/guide/cli.md", "docs/guide/using-plugins.md"], 38),
    ("pinia", "packages/docs/.vitepress/config/index.ts",  # sidebar in config/en.ts, imported
     ["packages/docs/introduction.md", "packages/docs/getting-started.md", "packages/docs/core-concepts/index.md",
      "packages/docs/core-concepts/state.md", "packages/docs/core-concepts/getters.md"], 22),
    ("react-native-gesture-handler", "packages/docs-gesture-handler/sidebars.js",
     ["packages/docs-gesture-handler/docs/fundamentals/getting-started.mdx",
      "packages/docs-gesture-handler/docs/fundamentals/callbacks-events.mdx",
      "packages/docs-gesture-handler/docs/fundamentals/reanimated-interactions.mdx",
      "packages/docs-gesture-handler/docs/fundamentals/animated-interactions.mdx"], 53),
    ("testing-library-docs", "sidebars.js",
     ["docs/recipes.mdx", "docs/example-codesandbox.mdx", "docs/example-external.mdx",
      "docs/example-findByText.md"], 113),  # pages named by their front-matter `id` included
    ("tauri-docs", "astro.config.mjs",
     ["src/content/docs/start/index.mdx", "src/content/docs/start/prerequisites.mdx",
      "src/content/docs/start/create-project.mdx"], 138),  # `_sections/` partials are no pages
    ("partykit", "apps/docs/astro.config.mjs",
     ["apps/docs/src/content/docs/quickstart.md", "apps/docs/src/content/docs/add-to-existing-project.md",
      "apps/docs/src/content/docs/index.mdx", "apps/docs/src/content/docs/how-partykit-works.md"], 56),
    ("mermaid", "docs/_sidebar.md",
     ["docs/README.md", "docs/n00b-gettingStarted.md", "docs/n00b-syntaxReference.md", "docs/flowchart.md"],
     30),  # the stale docs/SUMMARY.md, which docsify does not use, adds nothing
    ("undici", "docs/docsify/sidebar.md",
     ["docs/README.md", "docs/docs/GettingStarted.md", "docs/docs/api/Dispatcher.md", "docs/docs/api/Client.md"], 44),
    ("xarray-tutorial", "_toc.yml",
     ["intro.md", "overview/get-started.md", "overview/xarray-in-45-min.ipynb", "overview/learning-paths.md",
      "overview/fundamental-path/README.md"], 82),
    ("pythia-foundations", "myst.yml",
     ["landing-page.md", "preamble/how-to-use.md", "preamble/how-to-cite.md", "foundations/overview.md"], 53),
    ("asciidoctor-pdf", "docs/modules/ROOT/nav.adoc",
     ["docs/modules/ROOT/pages/whats-new.adoc", "docs/modules/ROOT/pages/features.adoc",
      "docs/modules/ROOT/pages/install.adoc", "docs/modules/ROOT/pages/upgrade-to-2.adoc"], 96),
    ("debezium", "documentation/modules/ROOT/nav.adoc",
     ["documentation/modules/ROOT/pages/tutorials.adoc", "documentation/modules/ROOT/pages/kc-tutorial.adoc",
      "documentation/modules/ROOT/pages/install.adoc", "documentation/modules/ROOT/pages/postgres-plugins.adoc"], 72),
    ("graphql-yoga", "website/src/content/docs/_meta.ts",
     ["website/src/content/docs/index.mdx", "website/src/content/docs/features/schema.mdx",
      "website/src/content/docs/features/graphiql.mdx", "website/src/content/docs/features/context.mdx"], 65),
    ("graphql-code-generator", "website/src/pages/docs/_meta.ts",
     ["website/src/pages/docs/getting-started/index.mdx", "website/src/pages/docs/getting-started/installation.mdx",
      "website/src/pages/docs/getting-started/development-workflow.mdx"], 98),
    ("kubevirt-user-guide", "docs/.pages",
     ["docs/index.md", "docs/architecture.md", "docs/quickstarts.md", "docs/cluster_admin/installation.md",
      "docs/cluster_admin/updating_and_deletion.md"], 90),  # nested `Section: [...]` entries included
    ("crystal-book", "docs/SUMMARY.md",
     ["docs/README.md", "docs/syntax_and_semantics/README.md", "docs/syntax_and_semantics/the_program.md",
      "docs/syntax_and_semantics/comments.md"], 154),
    ("grpc-io", "Hugo weight front matter",
     ["content/en/docs/_index.md", "content/en/docs/what-is-grpc/_index.md",
      "content/en/docs/what-is-grpc/introduction.md"], 110),
    ("just-the-docs", "nav_order front matter",
     ["index.md", "docs/configuration.md", "docs/ui-components/index.md"], 43),
]


@pytest.mark.parametrize(("name", "source", "first", "count"), REAL_TREES, ids=[tree[0] for tree in REAL_TREES])
def test_a_real_tree_is_read_in_its_authors_order(name, source, first, count):
    root, docs = corpus(name)
    found = navigation(root, docs)
    assert found.order[:len(first)] == first
    assert len(found.order) == count
    assert found.sources[0] == source
    assert set(found.unlisted) == docs - set(found.order) - set(found.navigation_files)
    # A SUMMARY.md, a docsify sidebar, an Antora nav.adoc: read for the order, no page of the course.
    assert not set(found.navigation_files) & set(found.order)
    if source.rsplit("/", 1)[-1] in ("SUMMARY.md", "_sidebar.md", "nav.adoc", "sidebar.md"):
        assert source in found.navigation_files


def test_sections_come_from_the_navigation_groups():
    root, docs = corpus("vite")
    sections = navigation(root, docs).sections
    assert sections["docs/guide/why.md"] == "Introduction"
    assert sections["docs/guide/features.md"] == "Guide"


def test_every_reader_declares_the_files_it_reads_for_the_sparse_clone():
    assert all(pattern in NAVIGATION_FILE_PATTERNS for reader in READERS for pattern in reader.files)
    for name in ("_sidebar.md", "_toc.yml", "myst.yml", "astro.config.mjs", "_meta.ts", "antora.yml",
                 "_quarto.yml", ".pages", "_category_.json", "mkdocs.yml", "sidebars.js", "zensical.toml",
                 "zensical.yml"):
        assert name in NAVIGATION_FILE_PATTERNS
    assert "**/.vitepress/config.*" in NAVIGATION_FILE_PATTERNS


def test_the_sparse_clone_takes_a_docsify_index_html_and_an_antora_nav_only_where_the_format_puts_them(tmp_path):
    """The patterns as git reads them (gitignore syntax, as `sparse-checkout set --no-cone` does): a
    docsify site's index.html at the top or in a docs/ folder, Antora nav files in a module folder,
    not every built page called index.html or any file called nav.adoc."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("".join(f"{pattern}\n" for pattern in NAVIGATION_FILE_PATTERNS))
    taken = ["index.html", "docs/index.html", "packages/site/docs/index.html", "docs/_sidebar.md",
             "docs/modules/ROOT/nav.adoc", "modules/extend/nav.adoc", "docs/antora.yml"]
    left = ["site/index.html", "docs/api/index.html", "public/build/index.html", "nav.adoc",
            "docs/modules/ROOT/pages/nav.adoc"]
    matched = subprocess.run(["git", "check-ignore", "--no-index", "--stdin"], cwd=tmp_path, text=True,
                             input="".join(f"{path}\n" for path in taken + left), capture_output=True)
    assert set(matched.stdout.split()) == set(taken)


# --- VitePress -------------------------------------------------------------------------------------

VITEPRESS = """\
import { defineConfig } from 'vitepress'
import { guide } from './guide'

const reference = [{ text: 'API', link: '/reference/api' }]

export default defineConfig({
  locales: {
    root: { label: 'English', themeConfig: { sidebar: { '/reference/': reference, '/': guide } } },
    fr: { label: 'Français', themeConfig: { sidebar: [{ text: 'Intro', link: '/fr/intro' }] } },
  },
})
"""
VITEPRESS_GUIDE = """\
export const guide = [
  { text: 'Start', base: '/guide/', items: [
    { text: 'Intro', link: 'intro.html' },   // .html, under the group's base
    { text: 'Setup', link: 'setup' },         // no extension
    { text: 'Gone', link: 'missing' },        // names no page
    { text: `Elsewhere`, link: 'https://example.com' },
  ] },
  { text: 'More', items: [{ text: 'Home', link: '/' }] },
]
"""


def test_vitepress_reads_imports_base_paths_html_links_and_the_default_locale(tmp_path):
    docs = write(tmp_path, {"site/.vitepress/config/index.ts": VITEPRESS, "site/.vitepress/config/guide.ts": VITEPRESS_GUIDE,
                            "site/guide/intro.md": "# Intro", "site/guide/setup.md": "# Setup",
                            "site/index.md": "# Home", "site/reference/api.md": "# API",
                            "site/fr/intro.md": "# Intro"})
    found = navigation(tmp_path, docs)
    assert found.order == ["site/guide/intro.md", "site/guide/setup.md", "site/index.md", "site/reference/api.md"]
    assert found.sections["site/guide/setup.md"] == "Start"
    assert found.sources == ["site/.vitepress/config/index.ts"]
    assert found.unlisted == ["site/fr/intro.md"]


def test_a_config_that_does_not_parse_gives_no_navigation(tmp_path, caplog):
    docs = write(tmp_path, {".vitepress/config.ts": "export default { themeConfig: { sidebar: [ { link: '/a' ",
                            "a.md": "# A", "b.md": "# B"})
    with caplog.at_level("INFO"):
        found = navigation(tmp_path, docs)
    assert found.order == [] and found.sources == []
    assert "does not parse" in caplog.text


def test_a_config_too_large_is_not_read(tmp_path):
    padding = "// " + "x" * 100 + "\n"
    text = padding * (MOST_CONFIG_BYTES // len(padding) + 1) + "export default { a: 1 }\n"
    write(tmp_path, {"sidebars.js": text})
    assert read_config(tmp_path, "sidebars.js") == {}


def test_javascript_values_are_read_statically_never_run(tmp_path):
    write(tmp_path, {"config.mjs": """
        const shared = { title: `Book` }
        const items = ['a', ...['b', 'c']]
        export default wrap({ ...shared, items, run: require('child_process').execSync('touch ran'),
                              computed: `x${y}`, n: -2, list: items.map(f), [key]: 1 })
    """})
    value = unwrap(read_config(tmp_path, "config.mjs")["default"])
    assert value["title"] == "Book" and value["items"] == ["a", "b", "c"] and value["n"] == -2
    assert value["computed"] is None  # a substitution is not evaluated
    assert value["run"] == Call("require('child_process').execSync", ["touch ran"])  # named, not called
    assert not (tmp_path / "ran").exists()


# --- Starlight -------------------------------------------------------------------------------------

ASTRO = """\
import { defineConfig } from 'astro/config';
import starlight from '@astrojs/starlight';
export default defineConfig({
  integrations: [starlight({
    title: 'Docs',
    sidebar: [
      { label: 'Start', items: ['intro', { label: 'Install', link: '/install/' }, { slug: 'generated/cli' }] },
      { label: 'Reference', autogenerate: { directory: 'reference' } },
    ],
  })],
});
"""


def test_starlight_reads_slugs_links_missing_pages_and_autogenerated_groups(tmp_path):
    docs = write(tmp_path, {"astro.config.mjs": ASTRO,
                            "src/content/docs/intro.md": "# Intro", "src/content/docs/install.mdx": "# Install",
                            "src/content/docs/reference/zeta.md": "---\nsidebar:\n  order: 1\n---\n# Z",
                            "src/content/docs/reference/alpha.md": "---\ntitle: A\n---\n# A",
                            "src/content/docs/reference/beta.md": "---\nsidebar:\n  order: 2\n---\n# B",
                            "src/content/docs/reference/hidden.md": "---\nsidebar:\n  hidden: true\n---\n# H"})
    found = navigation(tmp_path, docs)
    assert found.order == ["src/content/docs/intro.md", "src/content/docs/install.mdx",
                           "src/content/docs/reference/zeta.md", "src/content/docs/reference/beta.md",
                           "src/content/docs/reference/alpha.md"]  # generated/cli names no page: skipped
    assert found.sections["src/content/docs/reference/beta.md"] == "Reference"


def test_starlight_autogenerated_ties_break_by_slug_so_a_folder_index_comes_first(tmp_path):
    """Starlight sorts an autogenerated group by `sidebar.order`, a sub-folder by the least order in
    it, and equal (or no) orders by slug: `guide/index.md` is slug `guide`, before `guide/about`.
    Files named `_…` are no pages (Astro leaves them out of the collection)."""
    config = ("import starlight from '@astrojs/starlight';\nexport default { integrations: [starlight({ "
              "sidebar: [{ label: 'Guide', autogenerate: { directory: 'guide' } }] })] };\n")
    order = "---\nsidebar:\n  order: {}\n---\n# Page"
    docs = write(tmp_path, {"astro.config.mjs": config,
                            "src/content/docs/guide/about.md": order.format(0),
                            "src/content/docs/guide/index.md": order.format(0),
                            "src/content/docs/guide/zebra.md": "# Unordered",
                            "src/content/docs/guide/deep/inner.md": order.format(-1),
                            "src/content/docs/guide/_partial.md": "# A partial"})
    assert navigation(tmp_path, docs).order == [
        "src/content/docs/guide/deep/inner.md", "src/content/docs/guide/index.md",
        "src/content/docs/guide/about.md", "src/content/docs/guide/zebra.md"]


# --- Docusaurus autogenerated ------------------------------------------------------------------------

def test_docusaurus_autogenerated_orders_by_position_category_and_number_prefix(tmp_path):
    docs = write(tmp_path, {
        "sidebars.js": "module.exports = { docs: [{ type: 'autogenerated', dirName: '.' }] };\n"
                       "// tutorialSidebar: ['not-a-page'],\n",
        "docs/10-last.md": "# Last", "docs/2-second.md": "# Second",
        "docs/first.md": "---\nsidebar_position: 1\n---\n# First",
        "docs/guides/_category_.yml": "label: Guides\nposition: 2\n",
        "docs/guides/b.md": "# B", "docs/guides/a.md": "# A",
        "docs/api/_category_.json": '{"label": "API", "position": 0.5}', "docs/api/call.md": "# Call",
        "docs/_partial.mdx": "partial",
    })
    found = navigation(tmp_path, docs)
    assert found.order == ["docs/api/call.md", "docs/first.md", "docs/guides/a.md", "docs/guides/b.md",
                           "docs/2-second.md", "docs/10-last.md"]
    assert found.sections["docs/guides/a.md"] == "Guides"


DOCUSAURUS_MIXED = """\
const sidebars = {
  guide: [
    'intro',
    { type: 'autogenerated', dirName: 'basics' },
    { type: 'category', label: 'Advanced', link: { type: 'doc', id: 'advanced/overview' },
      items: ['advanced/keys', { type: 'doc', id: 'advanced/tuning' }] },
    { 'More': ['faq'] },
    { type: 'link', label: 'Blog', href: 'https://example.com' },
  ],
};
module.exports = sidebars;
"""


def test_docusaurus_sidebar_mixing_ids_and_autogenerated_keeps_the_written_order(tmp_path):
    """One sidebar: explicit ids, an autogenerated folder where it is written (not after the ids),
    a category's link doc before its items; a doc id is the path without number prefixes, its last
    part replaced by the front matter's `id`."""
    docs = write(tmp_path, {
        "sidebars.js": DOCUSAURUS_MIXED,
        "docs/intro.md": "# Intro",
        "docs/basics/02-second.md": "# Second", "docs/basics/01-first.md": "# First",
        "docs/advanced/overview.md": "# Overview",
        "docs/advanced/api-keys.mdx": "---\nid: keys\ntitle: Keys\n---\n# Keys",
        "docs/advanced/03-tuning.md": "# Tuning",
        "docs/faq.md": "# FAQ", "docs/_snippet.md": "partial",
    })
    found = navigation(tmp_path, docs)
    assert found.order == ["docs/intro.md", "docs/basics/01-first.md", "docs/basics/02-second.md",
                           "docs/advanced/overview.md", "docs/advanced/api-keys.mdx",
                           "docs/advanced/03-tuning.md", "docs/faq.md"]
    assert found.sections["docs/advanced/api-keys.mdx"] == "Advanced"
    assert found.sections["docs/faq.md"] == "More"
    assert found.sources == ["sidebars.js"]


# --- Nextra -----------------------------------------------------------------------------------------

def test_nextra_meta_key_order_per_folder(tmp_path):
    docs = write(tmp_path, {
        "pages/_meta.json": '{"index": "Home", "guide": "Guide", "---": {"type": "separator"}, '
                            '"secret": {"display": "hidden"}, "about": {"title": "About"}}',
        "pages/index.mdx": "# Home", "pages/about.mdx": "# About", "pages/secret.mdx": "# S",
        "pages/extra.mdx": "# Extra",
        "pages/guide/_meta.ts": "export default { second: 'Two', first: { title: 'One' } }",
        "pages/guide/first.mdx": "# 1", "pages/guide/second.mdx": "# 2",
    })
    found = navigation(tmp_path, docs)
    assert found.order == ["pages/index.mdx", "pages/guide/second.mdx", "pages/guide/first.mdx",
                           "pages/about.mdx", "pages/extra.mdx"]
    assert found.sections["pages/guide/first.mdx"] == "Guide"


# --- docsify -----------------------------------------------------------------------------------------

def test_docsify_custom_sidebar_links_without_extensions(tmp_path):
    docs = write(tmp_path, {
        "docs/index.html": "<script>window.$docsify = { loadSidebar: 'nav/side.md' }</script>",
        "docs/nav/side.md": "- Basics\n  - [Start](start)\n  - [Deep](/guide/deep.md)\n  - [Gone](gone.md)\n"
                            "- [Home](/)\n",
        "docs/README.md": "# Home", "docs/start.md": "# Start", "docs/guide/deep.md": "# Deep",
    })
    found = navigation(tmp_path, docs)
    assert found.order[:3] == ["docs/start.md", "docs/guide/deep.md", "docs/README.md"]
    assert found.sections["docs/start.md"] == "Basics"
    assert found.sources[0] == "docs/nav/side.md"


# --- Jupyter Book, MyST, Quarto (YAML) -------------------------------------------------------------------

def test_a_navigation_file_the_docsify_site_does_not_use_adds_no_pages(tmp_path):
    """docs/index.html configures docsify to load `_sidebar.md`: a stale GitBook SUMMARY.md inside
    that site is not its navigation, so pages only it lists stay unlisted; a SUMMARY.md outside
    the site is still read."""
    docs = write(tmp_path, {
        "docs/index.html": "<script>window.$docsify = { loadSidebar: true }</script>",
        "docs/_sidebar.md": "- [Home](/)\n- [Guide](guide.md)\n",
        "docs/README.md": "# Home", "docs/guide.md": "# Guide", "docs/old.md": "# Old",
        "docs/SUMMARY.md": "* [Guide](guide.md)\n* [Old](old.md)\n",
        "book/SUMMARY.md": "* [Chapter](chapter.md)\n", "book/chapter.md": "# Chapter",
    })
    found = navigation(tmp_path, docs)
    assert found.order == ["docs/README.md", "docs/guide.md", "book/chapter.md"]
    assert "docs/old.md" in found.unlisted
    assert found.sources == ["docs/_sidebar.md", "book/SUMMARY.md"]


def test_jupyter_book_toc_and_unknown_yaml_tags(tmp_path):
    docs = write(tmp_path, {
        "book/_toc.yml": "format: jb-book\nroot: intro\nextra: !ENV [HOME]\nparts:\n  - caption: Basics\n"
                         "    chapters:\n      - file: one\n        sections:\n          - file: two.ipynb\n"
                         "      - url: https://example.com\n      - file: missing\n",
        "book/intro.md": "# I", "book/one.md": "# 1", "book/two.ipynb": "{}",
    })
    found = navigation(tmp_path, docs)
    assert found.order == ["book/intro.md", "book/one.md", "book/two.ipynb"]
    assert found.sections["book/two.ipynb"] == "Basics"


def test_malformed_yaml_gives_no_navigation(tmp_path):
    docs = write(tmp_path, {"myst.yml": "project:\n  toc: [ {file: a.md\n", "a.md": "# A"})
    assert navigation(tmp_path, docs).order == []


def test_myst_toc_groups_title_their_pages(tmp_path):
    docs = write(tmp_path, {"myst.yml": "version: 1\nproject:\n  toc:\n    - file: index.md\n    - title: Part\n"
                                        "      children:\n        - file: b.md\n        - pattern: 'ch/*.md'\n",
                            "index.md": "# I", "b.md": "# B", "ch/x.md": "# X", "ch/a.md": "# A"})
    found = navigation(tmp_path, docs)
    assert found.order == ["index.md", "b.md", "ch/a.md", "ch/x.md"]
    assert found.sections["ch/x.md"] == "Part"


def test_quarto_website_sidebar_and_book_chapters(tmp_path):
    docs = write(tmp_path, {
        "site/_quarto.yml": "project:\n  type: website\nwebsite:\n  sidebar:\n    contents:\n      - index.md\n"
                            "      - section: Guide\n        contents:\n          - href: guide/b.md\n"
                            "          - guide/a.md\n",
        "site/index.md": "# I", "site/guide/a.md": "# A", "site/guide/b.md": "# B",
        "book/_quarto.yml": "book:\n  chapters:\n    - index.md\n    - part: Basics\n      chapters:\n"
                            "        - two.md\n  appendices:\n    - refs.md\n",
        "book/index.md": "# I", "book/two.md": "# 2", "book/refs.md": "# R",
    })
    found = navigation(tmp_path, docs)
    assert found.order == ["book/index.md", "book/two.md", "book/refs.md",
                           "site/index.md", "site/guide/b.md", "site/guide/a.md"]
    assert found.sections["site/guide/a.md"] == "Guide" and found.sections["book/two.md"] == "Basics"


# --- Antora ------------------------------------------------------------------------------------------------

def test_antora_resolves_modules_and_skips_other_components(tmp_path):
    docs = write(tmp_path, {
        "docs/antora.yml": "name: guide\nversion: '1.0'\nnav:\n  - modules/ROOT/nav.adoc\n",
        "docs/modules/ROOT/nav.adoc": "* xref:index.adoc[]\n* Setup\n** xref:install.adoc[Install]\n"
                                      "** xref:extra:more.adoc[More]\n** xref:other:ROOT:page.adoc[Other]\n",
        "docs/modules/ROOT/pages/index.adoc": "= I", "docs/modules/ROOT/pages/install.adoc": "= In",
        "docs/modules/extra/pages/more.adoc": "= M",
    })
    found = navigation(tmp_path, docs)
    assert found.order == ["docs/modules/ROOT/pages/index.adoc", "docs/modules/ROOT/pages/install.adoc",
                           "docs/modules/extra/pages/more.adoc"]
    assert found.sections["docs/modules/extra/pages/more.adoc"] == "Setup"


# --- MkDocs awesome-pages ------------------------------------------------------------------------------------

def test_awesome_pages_rest_marker_and_folders(tmp_path):
    docs = write(tmp_path, {
        "mkdocs.yml": "site_name: x\nplugins:\n  - search\n  - awesome-pages\nmarkdown_extensions:\n"
                      "  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n",
        "docs/.pages": "nav:\n  - index.md\n  - Guide: guide\n  - ...\n  - last.md\n",
        "docs/index.md": "# I", "docs/last.md": "# L", "docs/b.md": "# B", "docs/a.md": "# A",
        "docs/guide/.pages": "title: The guide\narrange:\n  - two.md\n  - one.md\n",
        "docs/guide/one.md": "# 1", "docs/guide/two.md": "# 2",
    })
    found = navigation(tmp_path, docs)
    assert found.order == ["docs/index.md", "docs/guide/two.md", "docs/guide/one.md", "docs/a.md", "docs/b.md",
                           "docs/last.md"]
    assert found.sections["docs/guide/one.md"] == "The guide"


def test_awesome_pages_nested_section_stays_where_it_is_written(tmp_path):
    """`Section: [entries]` in a `.pages` `nav:` is a section in place, its entries named (so `...`
    does not take them again), titled by its key."""
    docs = write(tmp_path, {
        "mkdocs.yml": "site_name: x\nplugins:\n  - awesome-pages\n",
        "docs/.pages": "nav:\n  - install.md\n  - ...\n  - Arm clusters:\n    - arm-b.md\n    - arm-a.md\n"
                       "  - last.md\n",
        "docs/install.md": "# I", "docs/other.md": "# O", "docs/arm-a.md": "# A", "docs/arm-b.md": "# B",
        "docs/last.md": "# L",
    })
    found = navigation(tmp_path, docs)
    assert found.order == ["docs/install.md", "docs/other.md", "docs/arm-b.md", "docs/arm-a.md", "docs/last.md"]
    assert found.sections["docs/arm-a.md"] == "Arm clusters"
    assert "docs/last.md" not in found.sections


# --- Zensical (zensical.toml, zensical.yml) ----------------------------------------------------------------

# The shape of mkdocstrings' own zensical.toml (mkdocstrings 1.0.8 on PyPI, ISC): sections holding a
# page and titled pages, a docs_dir, a URL among the pages, theme features after the nav.
ZENSICAL_TOML = """[project]
site_name = "mkdocstrings"
docs_dir = "site"
nav = [
  { "Home" = [
    { "Overview" = "index.md" },
    { "Changelog" = "changelog.md" },
  ] },
  { "Usage" = [
    "usage/index.md",
    { "Theming" = "usage/theming.md" },
    { "Handlers" = [ { "Python" = "usage/python.md" }, { "Blog" = "https://example.org/blog" } ] },
  ] },
  "faq.md",
]

[project.theme]
features = ["navigation.tabs", "navigation.indexes"]
"""


def test_zensical_toml_nav_in_order_with_its_sections(tmp_path):
    docs = write(tmp_path, {"zensical.toml": ZENSICAL_TOML, **{f"site/{page}": "# P" for page in (
        "index.md", "changelog.md", "usage/index.md", "usage/theming.md", "usage/python.md", "faq.md", "extra.md")}})
    found = navigation(tmp_path, docs)
    assert found.order == ["site/index.md", "site/changelog.md", "site/usage/index.md", "site/usage/theming.md",
                           "site/usage/python.md", "site/faq.md"]
    assert found.sections["site/changelog.md"] == "Home" and found.sections["site/usage/python.md"] == "Handlers"
    assert "site/faq.md" not in found.sections
    assert found.sources == ["zensical.toml"] and found.unlisted == ["site/extra.md"]


def test_zensical_yml_reads_as_mkdocs_yml_does_tags_and_all(tmp_path):
    docs = write(tmp_path, {
        "zensical.yml": "site_name: x\ndocs_dir: docs/src/markdown\nmarkdown_extensions:\n  - pymdownx.emoji:\n"
                        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\nnav:\n  - Home:\n"
                        "    - Intro: index.md\n    - install.md\n  - Extensions:\n    - extensions/b.md\n"
                        "    - extensions/a.md\n",
        **{f"docs/src/markdown/{page}": "# P" for page in ("index.md", "install.md", "extensions/a.md",
                                                           "extensions/b.md")}})
    found = navigation(tmp_path, docs)
    assert found.order == ["docs/src/markdown/index.md", "docs/src/markdown/install.md",
                           "docs/src/markdown/extensions/b.md", "docs/src/markdown/extensions/a.md"]
    assert found.sections["docs/src/markdown/extensions/a.md"] == "Extensions"


@pytest.mark.parametrize("config", [
    "[project\nnav = [",                                   # not TOML
    "[project]\nnav = \"index.md\"\n",                    # a nav that is no list
    "[other]\nnav = [\"index.md\"]\n",                    # no [project] table
    "[project]\nnav = [" + "[" * 3000 + "]" * 3000 + "]\n",  # nesting past any real nav
])
def test_a_malformed_zensical_toml_gives_no_order_and_no_error(tmp_path, config):
    docs = write(tmp_path, {"zensical.toml": config, "docs/index.md": "# I", "docs/b.md": "# B"})
    assert navigation(tmp_path, docs).sources == []


def test_a_zensical_nav_naming_missing_pages_keeps_those_it_finds(tmp_path):
    docs = write(tmp_path, {"zensical.toml": '[project]\nnav = ["gone.md", {"B" = "b.md"}, "../outside.md", "a.md"]\n',
                            "docs/a.md": "# A", "docs/b.md": "# B"})
    assert navigation(tmp_path, docs).order == ["docs/b.md", "docs/a.md"]


# --- Front matter: Hugo weight, Jekyll nav_order -----------------------------------------------------------

def test_hugo_weight_orders_sections_and_pages(tmp_path):
    docs = write(tmp_path, {
        "content/_index.md": "---\ntitle: Docs\n---\n",
        "content/b.md": "---\ntitle: B\nweight: 1\n---\n", "content/a.md": "---\ntitle: A\n---\n",
        "content/deep/_index.md": "---\ntitle: Deep\nweight: 2\n---\n",
        "content/deep/x.md": "+++\ntitle = 'X'\nweight = 5\n+++\n",
    })
    found = navigation(tmp_path, docs)
    assert found.order == ["content/_index.md", "content/b.md", "content/deep/_index.md", "content/deep/x.md",
                           "content/a.md"]
    assert found.sections["content/deep/x.md"] == "Deep"


def test_jekyll_nav_order_and_parents(tmp_path):
    docs = write(tmp_path, {
        "index.md": "---\ntitle: Home\nnav_order: 1\n---\n",
        "guide.md": "---\ntitle: Guide\nnav_order: 2\n---\n",
        "guide-b.md": "---\ntitle: Bee\nparent: Guide\n---\n", "guide-a.md": "---\ntitle: Ant\nparent: Guide\n---\n",
        "hidden.md": "---\ntitle: Hidden\nnav_exclude: true\n---\n",
    })
    found = navigation(tmp_path, docs)
    assert found.order == ["index.md", "guide.md", "guide-a.md", "guide-b.md"]
    assert found.unlisted == ["hidden.md"]


def test_front_matter_orders_give_way_to_a_navigation_file(tmp_path):
    docs = write(tmp_path, {"SUMMARY.md": "- [B](b.md)\n", "a.md": "---\nweight: 1\n---\n",
                            "b.md": "---\nweight: 2\n---\n"})
    found = navigation(tmp_path, docs)
    assert found.order == ["b.md"] and found.sources == ["SUMMARY.md"] and found.unlisted == ["a.md"] \
        and found.navigation_files == ["SUMMARY.md"]


# --- A README that is a list of links ------------------------------------------------------------------------

def test_a_readme_of_links_orders_a_book_without_navigation(tmp_path):
    docs = write(tmp_path, {"README.md": "# Book\n\nRead in this order:\n\n- [Start](start.md)\n- [Next](next)\n"
                                         "## Later\n1. [End](part/end.md)\n",
                            "start.md": "# S", "next.md": "# N", "part/end.md": "# E"})
    found = navigation(tmp_path, docs)
    assert found.order == ["README.md", "start.md", "next.md", "part/end.md"]
    assert found.sections["part/end.md"] == "Later" and found.sources == ["README.md"]


def test_the_index_of_one_part_of_the_book_is_not_the_books_navigation(tmp_path):
    # A folder of recipes whose index lists them orders those recipes (stage 1's inferred order
    # reads it as their hub); it would otherwise put them before the rest of the book.
    recipes = {f"guide/recipes/r{n}.md": f"# Recipe {n}" for n in range(3)}
    book = {f"guide/{name}.md": f"# {name}" for name in ("introduction", "state", "actions", "plugins")}
    docs = write(tmp_path, {"guide/index.md": "---\nlayout: home\n---\n", **book, **recipes,
                            "guide/recipes/index.md": "# Recipes\n\n- [One](r0.md)\n- [Two](r1.md)\n- [Three](r2.md)\n"})
    found = navigation(tmp_path, docs)
    assert found.order == [] and found.sources == []


def test_a_readme_of_prose_is_not_a_navigation(tmp_path):
    docs = write(tmp_path, {"README.md": "# Tool\n\nIt does things.\nMany things.\nSee [a](a.md), [b](b.md).\n"
                                         "More prose.\n- [c](c.md)\n",
                            "a.md": "# A", "b.md": "# B", "c.md": "# C"})
    found = navigation(tmp_path, docs)
    assert found.order == [] and found.sources == [] and found.unlisted == []


def test_the_index_of_a_part_larger_than_the_rest_is_not_the_books_navigation(tmp_path):
    # A generated API reference can hold most of the pages; the book still opens above it.
    reference = {f"docs/api/item{n}.md": f"# Item {n}" for n in range(6)}
    listing = "# API\n\n" + "".join(f"- [Item {n}](item{n}.md)\n" for n in range(6))
    docs = write(tmp_path, {"docs/index.md": "---\nlayout: home\n---\n", "docs/guide.md": "# Guide",
                            "docs/api/index.md": listing, **reference})
    found = navigation(tmp_path, docs)
    assert found.order == [] and found.sources == []


def test_two_index_pages_of_one_folder_do_not_rule_each_other_out(tmp_path):
    docs = write(tmp_path, {"index.md": "# Home\n\nWelcome.\n",
                            "README.md": "# Book\n\n- [One](one.md)\n- [Two](two.md)\n- [Three](three.md)\n",
                            "one.md": "# 1", "two.md": "# 2", "three.md": "# 3"})
    found = navigation(tmp_path, docs)
    assert found.order == ["README.md", "one.md", "two.md", "three.md"] and found.sources == ["README.md"]
