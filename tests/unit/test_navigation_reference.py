"""The order benchmark's reference readers (tests/support/navigation_reference.py), written from each
navigation format's documentation and independent of stage 1's navigation reader: on real corpora
books they list a sensible share of the pages, in the authors' order; on minimal trees written here
they follow each format's documented rules. Also the benchmark's split and its navigation stripping."""
from __future__ import annotations

from pathlib import Path

import pytest

from bench.order_books import CORPORA, HELD_OUT, SPLIT, TUNING
from tests.support.navigation_reference import (
    READERS, documents, js_default_export, js_property, reference_order, resolve)
from tests.support.reading_order import strip_navigation, without_order_keys

needs_corpora = pytest.mark.skipif(not CORPORA.is_dir(), reason=f"{CORPORA} is not on this machine")

# MANIFEST.md's page counts of the books checked here, none of which its notes put outside the navigation.
MANIFEST_PAGES = {"testing-library-docs": 114, "react-native-gesture-handler": 53, "mermaid": 38,
                  "undici": 46, "xarray-tutorial": 89, "pythia-foundations": 56, "asciidoctor-pdf": 97,
                  "graphql-code-generator": 99, "kubevirt-user-guide": 94, "crystal-book": 154, "grpc-io": 110,
                  "just-the-docs": 44, "tauri-docs": 141, "graphql-yoga": 69, "partykit": 62}


def book(name: str):
    return next(b for b in SPLIT if b.name == name)


def write(root: Path, files: dict[str, str]) -> Path:
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    return root


def test_the_split_has_every_book_once_a_reader_for_each_format_and_one_held_out_book_per_pair():
    names = [b.name for b in SPLIT]
    assert len(names) == len(set(names)) == 29
    assert all(b.format in READERS and b.half in (TUNING, HELD_OUT) for b in SPLIT)
    assert all(b.half == TUNING for b in SPLIT if b.source == "fixtures")
    assert sum(b.half == HELD_OUT for b in SPLIT) == 9


@needs_corpora
@pytest.mark.parametrize("name", sorted(MANIFEST_PAGES))
def test_the_reference_lists_most_pages_of_a_corpora_book_each_once_and_each_a_document(name):
    order = reference_order(book(name).root, book(name).format)
    assert len(order) == len(set(order))
    assert set(order) <= documents(book(name).root)
    assert len(order) >= 0.8 * MANIFEST_PAGES[name] - 0.5, f"{name}: {len(order)} of {MANIFEST_PAGES[name]} pages"


@needs_corpora
def test_vite_starts_with_the_guide_introduction_and_ends_with_the_breaking_changes():
    order = reference_order(book("vite").root, "vitepress")
    assert order[:4] == ["docs/guide/index.md", "docs/guide/philosophy.md", "docs/guide/why.md",
                         "docs/guide/features.md"]
    assert order.index("docs/config/index.md") < order.index("docs/config/shared-options.md")
    assert order[-1].startswith("docs/changes/")
    assert "docs/blog/announcing-vite5.md" not in order  # the blog is in the nav bar, not in a sidebar


@needs_corpora
def test_pinia_reads_the_site_root_sidebar_first_and_html_links_as_pages():
    order = reference_order(book("pinia").root, "vitepress")
    assert order[:3] == ["packages/docs/introduction.md", "packages/docs/getting-started.md",
                         "packages/docs/core-concepts/index.md"]
    assert "packages/docs/cookbook/testing.md" in order


@needs_corpora
@pytest.mark.parametrize("name, first", [
    ("react-native-gesture-handler", "packages/docs-gesture-handler/docs/fundamentals/getting-started.mdx"),
    ("mermaid", "docs/README.md"),
    ("undici", "docs/README.md"),
    ("xarray-tutorial", "intro.md"),
    ("pythia-foundations", "landing-page.md"),
    ("asciidoctor-pdf", "docs/modules/ROOT/pages/whats-new.adoc"),
    ("debezium", "documentation/modules/ROOT/pages/tutorials.adoc"),
    ("graphql-yoga", "website/src/content/docs/index.mdx"),
    ("graphql-code-generator", "website/src/pages/docs/getting-started/index.mdx"),
    ("crystal-book", "docs/README.md"),
    ("kubevirt-user-guide", "docs/index.md"),
    ("grpc-io", "content/en/docs/_index.md"),
    ("just-the-docs", "index.md"),
    ("tauri-docs", "src/content/docs/start/index.mdx"),
    ("partykit", "apps/docs/src/content/docs/quickstart.md"),
])
def test_each_corpora_book_starts_where_its_navigation_starts(name, first):
    assert reference_order(book(name).root, book(name).format)[0] == first


def test_links_resolve_without_extension_with_html_and_to_a_folder_index():
    docs = {"guide/index.md", "guide/why.md", "api/intro.mdx", "README.md"}
    assert resolve("guide/why", docs) == "guide/why.md"
    assert resolve("guide/why.html#top", docs) == "guide/why.md"
    assert resolve("/guide/", docs) == "guide/index.md"
    assert resolve("api/intro", docs) == "api/intro.mdx"
    assert resolve("/", docs) == "README.md"
    assert resolve("missing", docs) is None


def test_js_literals_are_read_without_running_anything():
    text = """import x from 'y'
    export default defineConfig({
      themeConfig: {
        // sidebar: ['commented-out'],
        sidebar: [{ text: "A", link: '/a' }, ...more(), { text: `B`, items: [{ link: "/b" }], fn() { return 1 } }],
      },
    })"""
    assert js_property(text, "sidebar") == [{"text": "A", "link": "/a"},
                                            {"text": "B", "items": [{"link": "/b"}]}]
    assert js_default_export("export default { index: '', 'get-started': { title: 'Go' } } as const") == {
        "index": "", "get-started": {"title": "Go"}}
    assert js_default_export("const s = { docs: ['intro'] };\nmodule.exports = s;") == {"docs": ["intro"]}


def test_docusaurus_autogenerated_sorts_by_position_then_name_and_a_category_index_first(tmp_path):
    root = write(tmp_path, {
        "sidebars.js": "module.exports = { s: [{type: 'autogenerated', dirName: '.'}] };",
        "docs/b.md": "---\nsidebar_position: 2\n---\n# B",
        "docs/a.md": "# A (no position: after the positioned)",
        "docs/zero.md": "---\nsidebar_position: 0\n---\n# Position 0 is a position",
        "docs/guide/_category_.json": '{"position": 1}',
        "docs/guide/index.md": "# Guide",
        "docs/guide/z.md": "---\nsidebar_position: 1\n---\n# Z",
        "docs/_partial.md": "partials are no pages",
    })
    assert reference_order(root, "docusaurus-autogenerated") == [
        "docs/zero.md", "docs/guide/index.md", "docs/guide/z.md", "docs/b.md", "docs/a.md"]


def test_starlight_links_slugs_and_autogenerated_groups_by_order(tmp_path):
    root = write(tmp_path, {
        "astro.config.mjs": """export default defineConfig({ integrations: [starlight({ sidebar: [
            { label: 'Start', items: [{ label: 'Intro', link: '/intro/' }, 'setup'] },
            { label: 'Ref', autogenerate: { directory: 'ref' } },
        ] })] });""",
        "src/content/docs/intro.md": "# Intro",
        "src/content/docs/setup.mdx": "# Setup",
        "src/content/docs/ref/alpha.md": "# Alpha",
        "src/content/docs/ref/index.md": "# Ref: its index page sorts first by slug",
        "src/content/docs/ref/Beta/b.md": "# In a folder: compared by the folder's name",
        "src/content/docs/ref/zeta.md": "---\nsidebar:\n  order: 1\n---\n# Zeta",
        "src/content/docs/ref/hidden.md": "---\nsidebar:\n  hidden: true\n---\n# Hidden",
    })
    assert reference_order(root, "starlight") == [
        "src/content/docs/intro.md", "src/content/docs/setup.mdx", "src/content/docs/ref/zeta.md",
        "src/content/docs/ref/Beta/b.md", "src/content/docs/ref/index.md", "src/content/docs/ref/alpha.md"]


def test_nextra_meta_order_then_the_unlisted_pages_by_name(tmp_path):
    root = write(tmp_path, {
        "pages/_meta.ts": "export default { index: { display: 'hidden' }, guide: 'Guide', about: '' }",
        "pages/index.mdx": "# Home", "pages/about.mdx": "# About", "pages/extra.mdx": "# Extra",
        "pages/guide/_meta.json": '{"start": "Start"}',
        "pages/guide/start.md": "# Start", "pages/guide/more.md": "# More", "pages/guide/index.md": "# Guide",
    })
    assert reference_order(root, "nextra") == [
        "pages/guide/start.md", "pages/guide/index.md", "pages/guide/more.md", "pages/about.mdx", "pages/extra.mdx"]


def test_awesome_pages_nav_sections_and_the_rest(tmp_path):
    root = write(tmp_path, {
        "mkdocs.yml": "site_name: x\nplugins:\n  - awesome-pages\n",
        "docs/.pages": "nav:\n  - intro.md\n  - Topics:\n    - b.md\n  - ...\n",
        "docs/intro.md": "#", "docs/a.md": "#", "docs/b.md": "#", "docs/index.md": "#",
    })
    assert reference_order(root, "mkdocs-awesome-pages") == ["docs/intro.md", "docs/b.md", "docs/index.md",
                                                            "docs/a.md"]


def test_hugo_weight_and_jekyll_nav_order(tmp_path):
    hugo = write(tmp_path / "hugo", {
        "content/docs/_index.md": "---\ntitle: Docs\n---",
        "content/docs/b.md": "---\ntitle: B\nweight: 1\n---", "content/docs/a.md": "---\ntitle: A\n---",
        "content/docs/s/_index.md": "---\ntitle: S\nweight: 2\n---", "content/docs/s/x.md": "---\ntitle: X\n---",
    })
    assert reference_order(hugo, "hugo-weight") == ["content/docs/_index.md", "content/docs/b.md",
                                                    "content/docs/s/_index.md", "content/docs/s/x.md",
                                                    "content/docs/a.md"]
    jekyll = write(tmp_path / "jekyll", {
        "index.md": "---\ntitle: Home\nnav_order: 1\n---",
        "docs/z.md": "---\ntitle: Zed\nnav_order: 2\n---",
        "docs/child.md": "---\ntitle: Child\nparent: Zed\n---",
        "docs/a.md": "---\ntitle: Alpha\n---",
        "docs/gone.md": "---\ntitle: Gone\nnav_exclude: true\n---",
    })
    assert reference_order(jekyll, "jekyll-nav-order") == ["index.md", "docs/z.md", "docs/child.md", "docs/a.md"]


def test_stripping_removes_every_formats_navigation_and_the_order_keys_only(tmp_path):
    root = write(tmp_path / "book", {
        "docs/.vitepress/config.ts": "export default {}",
        "docs/guide/_category_.json": "{}", "docs/_meta.ts": "export default {}", "docs/.pages": "nav: []",
        "astro.config.mjs": "", "_toc.yml": "", "myst.yml": "", "modules/ROOT/nav.adoc": "",
        "docs/index.html": "<script>window.$docsify = { loadSidebar: 'docsify/sidebar.md' }</script>",
        "docs/docsify/sidebar.md": "* [A](a.md)",
        "docs/a.md": "---\ntitle: A\nweight: 3\nsidebar:\n  order: 2\n---\n# A\nweight: kept in the body\n",
    })
    stripped = strip_navigation(root, tmp_path / "stripped")
    assert sorted(p.relative_to(stripped).as_posix() for p in stripped.rglob("*") if p.is_file()) == [
        "docs/a.md", "docs/index.html"]
    assert (stripped / "docs/a.md").read_text() == "---\ntitle: A\n---\n# A\nweight: kept in the body\n"
    assert without_order_keys("# no front matter\nweight: 1\n") == "# no front matter\nweight: 1\n"
