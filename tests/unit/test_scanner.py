"""Scanning a checkout: documentation, overview candidates, navigation order, and files that must
not be trusted (symlinks, binaries, odd encodings, huge files). Checkouts are plain folders."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from shared.repos.globs import InvalidGlob
from services.repo_clone.navigation import navigation
from services.repo_clone.scanner import ScanLimitExceeded, ScannedFile, scan


def make_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def by_path(root: Path, **options) -> dict[str, ScannedFile]:
    return {file.path: file for file in scan(root, **options).files}


def notebook(cells: list | None = None) -> str:
    return json.dumps({"cells": cells if cells is not None else [], "metadata": {}, "nbformat": 4})


# --- what is listed --------------------------------------------------------------------------


def test_nested_folders_are_listed_with_their_ancestors_and_files_sorted(tmp_path):
    make_tree(tmp_path, {"README.md": "# Top", "docs/guide/deep/install.md": "Install",
                         "docs/guide/usage.rst": "Usage", "src/main.py": "print()",
                         "empty-folder-sibling/.keep": ""})
    (tmp_path / "empty-folder").mkdir()
    result = scan(tmp_path)
    assert [f.path for f in result.files] == ["README.md", "docs/guide/deep/install.md",
                                              "docs/guide/usage.rst", "empty-folder-sibling/.keep",
                                              "src/main.py"]
    assert result.folders == ["docs", "docs/guide", "docs/guide/deep", "empty-folder-sibling", "src"]
    assert result.total_bytes == sum(f.size for f in result.files) == 5 + 7 + 5 + 0 + 7


def test_documentation_is_recognised_by_extension_and_other_files_are_listed_as_not_documentation(tmp_path):
    extensions = [".md", ".mdx", ".markdown", ".rst", ".adoc", ".txt", ".MD"]
    make_tree(tmp_path, {f"doc{i}{ext}": "Some text" for i, ext in enumerate(extensions)})
    make_tree(tmp_path, {"setup.py": "x = 1", "logo.svg": "<svg/>", "Makefile": "all:"})
    files = by_path(tmp_path)
    assert all(files[f"doc{i}{ext}"].is_documentation for i, ext in enumerate(extensions))
    assert all(files[f"doc{i}{ext}"].encoding == "utf-8" for i, ext in enumerate(extensions))
    for other in ("setup.py", "logo.svg", "Makefile"):
        assert files[other] == ScannedFile(other, files[other].size, False, False)


@pytest.mark.parametrize("folder", ["node_modules/pkg", "vendor", "third_party/lib", ".venv/lib",
                                    "venv", "x/__pycache__", "dist", "build", "lib/site-packages/p",
                                    ".tox/py", "bower_components", "target/doc", ".git"])
def test_vendored_dependency_build_and_git_folders_are_skipped(tmp_path, folder):
    make_tree(tmp_path, {f"{folder}/README.md": "# vendored", "docs/build.md": "# a page about building"})
    assert list(by_path(tmp_path)) == ["docs/build.md"]


def test_include_and_exclude_globs_select_paths(tmp_path):
    make_tree(tmp_path, {"README.md": "r", "docs/a.md": "a", "docs/drafts/b.md": "b",
                         "docs/api/c.rst": "c", "guide/d.md": "d", "guide/e.txt": "e",
                         "notes/drafts/f.md": "f"})
    assert list(by_path(tmp_path, include=["docs/**"])) == ["docs/a.md", "docs/api/c.rst",
                                                            "docs/drafts/b.md"]
    assert list(by_path(tmp_path, include=["docs"], exclude=["drafts", "*.rst"])) == ["docs/a.md"]
    assert list(by_path(tmp_path, include=["**/*.md"], exclude=["**/drafts/**"])) == [
        "README.md", "docs/a.md", "guide/d.md"]
    assert list(by_path(tmp_path, include=["guide/?.txt", "README.*"])) == ["README.md", "guide/e.txt"]
    assert list(by_path(tmp_path, exclude=["docs/", "notes"])) == ["README.md", "guide/d.md",
                                                                   "guide/e.txt"]
    assert len(by_path(tmp_path, include=None, exclude=None)) == 7


def test_character_classes_and_an_invalid_glob(tmp_path):
    make_tree(tmp_path, {"ch1.md": "1", "ch2.md": "2", "ch9.md": "9", "chx.md": "x"})
    assert list(by_path(tmp_path, include=["ch[1-2].md"])) == ["ch1.md", "ch2.md"]
    assert list(by_path(tmp_path, include=["ch[!1-2].md"])) == ["ch9.md", "chx.md"]
    with pytest.raises(InvalidGlob, match=r"invalid glob pattern '\[z-a\]'"):
        scan(tmp_path, exclude=["[z-a]"])


def test_a_name_that_is_not_utf8_is_left_out_and_a_git_file_is_skipped(tmp_path):
    make_tree(tmp_path, {"docs/a.md": "a", "sub/.git": "gitdir: ../.git/modules/sub"})
    with open(os.path.join(os.fsencode(tmp_path), b"docs", b"caf\xe9.md"), "wb") as file:
        file.write(b"# Latin-1 name")
    assert list(by_path(tmp_path)) == ["docs/a.md"]


def test_a_fifo_is_never_opened(tmp_path):
    make_tree(tmp_path, {"docs/a.md": "a"})
    os.mkfifo(tmp_path / "docs" / "pipe.md")  # reading it would block the scan forever
    assert list(by_path(tmp_path)) == ["docs/a.md"]


# --- files that must not be trusted -----------------------------------------------------------


def test_a_symlink_out_of_the_checkout_is_listed_with_a_note_and_never_read(tmp_path):
    outside = make_tree(tmp_path / "outside", {"secret.md": "# Secret",
                                               "mkdocs.yml": "nav:\n  - secret.md"})
    checkout = make_tree(tmp_path / "checkout", {"README.md": "[s](passwd.md)\n[t](secret.md)",
                                                 "SUMMARY.md": "- [Secret](secret.md)"})
    (checkout / "passwd.md").symlink_to("/etc/passwd")
    (checkout / "secret.md").symlink_to(outside / "secret.md")
    (checkout / "mkdocs.yml").symlink_to(outside / "mkdocs.yml")
    result = scan(checkout)
    files = {f.path: f for f in result.files}
    for link in ("passwd.md", "secret.md", "mkdocs.yml"):
        assert files[link] == ScannedFile(link, 0, False, False, note="symlink outside the checkout")
    assert result.navigation == []


def test_a_symlinked_folder_is_not_traversed_even_when_it_loops(tmp_path):
    outside = make_tree(tmp_path / "outside", {"leak.md": "# Leak"})
    checkout = make_tree(tmp_path / "checkout", {"docs/a.md": "a"})
    (checkout / "docs" / "loop").symlink_to(checkout / "docs", target_is_directory=True)
    (checkout / "external").symlink_to(outside, target_is_directory=True)
    files = by_path(checkout)
    assert list(files) == ["docs/a.md", "docs/loop", "external"]
    assert files["docs/loop"].note == "symlink (not followed)"
    assert files["external"].note == "symlink outside the checkout"
    assert not files["docs/loop"].is_documentation and not files["external"].is_documentation


def test_a_symlink_inside_the_checkout_is_not_read_through(tmp_path):
    make_tree(tmp_path, {"docs/real.md": "# Real"})
    (tmp_path / "docs" / "alias.md").symlink_to("real.md")
    (tmp_path / "dangling.md").symlink_to("missing.md")
    files = by_path(tmp_path)
    assert files["docs/real.md"].is_documentation
    assert files["docs/alias.md"] == ScannedFile("docs/alias.md", 0, False, False,
                                                 note="symlink (not followed)")
    assert files["dangling.md"].note == "symlink (not followed)"


@pytest.mark.parametrize("content", [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
                                     b"# Looks like markdown\n\x00\x01\x02 then binary",
                                     bytes(range(1, 32)) * 50])
def test_binary_content_disguised_as_documentation_is_not_documentation(tmp_path, content):
    make_tree(tmp_path, {"docs/image.md": content})
    file = by_path(tmp_path)["docs/image.md"]
    assert (file.is_documentation, file.encoding, file.note) == (False, None, "binary content")


def test_a_latin1_file_is_decoded_and_its_encoding_recorded(tmp_path):
    make_tree(tmp_path, {"docs/fr.md": "# Café crème\n\nÀ la française, où ça?\n".encode("latin-1")})
    file = by_path(tmp_path)["docs/fr.md"]
    assert (file.is_documentation, file.encoding, file.note) == (True, "latin-1", None)


@pytest.mark.parametrize("data, encoding", [
    ("\u201cSmart quotes\u201d \u2014 dash".encode("cp1252"), "cp1252"),
    ("\ufeff# With a BOM: é".encode("utf-8"), "utf-8-sig"),
    ("# UTF-16 text: é".encode("utf-16"), "utf-16"),
    ("# Plain ASCII".encode("ascii"), "utf-8"),
])
def test_the_encoding_that_decodes_the_file_is_recorded(tmp_path, data, encoding):
    make_tree(tmp_path, {"a.md": data})
    file = by_path(tmp_path)["a.md"]
    assert (file.is_documentation, file.encoding) == (True, encoding)
    assert "\ufffd" not in data.decode(file.encoding)


def test_a_utf8_file_with_invalid_bytes_in_the_middle_still_scans_as_utf8(tmp_path):
    data = "# Überblick — naïve façade\n".encode() * 20 + b"stray \xff\xfe byte\n" + "fin é\n".encode()
    make_tree(tmp_path, {"docs/mixed.md": data})
    file = by_path(tmp_path)["docs/mixed.md"]
    assert (file.is_documentation, file.encoding, file.note) == (True, "utf-8", None)


def test_a_file_over_the_size_cap_is_noted_with_the_cap(tmp_path):
    make_tree(tmp_path, {"big.md": "x" * 2_000_001, "small.md": "x" * 2_000_000,
                         "big.bin": "x" * 3_000_000})
    files = by_path(tmp_path)
    assert files["big.md"] == ScannedFile("big.md", 2_000_001, False, False, note="over 2 MB size cap")
    assert files["small.md"].is_documentation
    assert files["big.bin"].note is None  # not documentation anyway: no note needed
    assert by_path(tmp_path, max_file_bytes=1000)["small.md"].note == "over 1000 bytes size cap"


def test_an_empty_documentation_file_is_not_documentation(tmp_path):
    make_tree(tmp_path, {"empty.md": "", "blank.rst": "\n  \n"})
    files = by_path(tmp_path)
    assert files["empty.md"].note == files["blank.rst"].note == "empty file"
    assert not files["empty.md"].is_documentation


def test_a_notebook_is_documentation_only_when_it_is_json_with_cells(tmp_path):
    make_tree(tmp_path, {"nb/good.ipynb": notebook([{"cell_type": "markdown", "source": ["# Hi"]}]),
                         "nb/no-cells.ipynb": json.dumps({"metadata": {}}),
                         "nb/broken.ipynb": '{"cells": [',
                         "nb/list.ipynb": "[1, 2]"})
    files = by_path(tmp_path)
    assert (files["nb/good.ipynb"].is_documentation, files["nb/good.ipynb"].encoding) == (True, "utf-8")
    for bad in ("nb/no-cells.ipynb", "nb/broken.ipynb", "nb/list.ipynb"):
        assert not files[bad].is_documentation
        assert files[bad].note == "not a valid notebook (JSON with cells)"


# --- limits and progress ----------------------------------------------------------------------


def test_more_files_than_allowed_raises_naming_the_limit(tmp_path):
    make_tree(tmp_path, {f"docs/{i}.md": "x" for i in range(11)})
    with pytest.raises(ScanLimitExceeded) as caught:
        scan(tmp_path, max_files=10)
    assert str(caught.value) == "the repository has more than 10 files (limit MAX_REPO_FILES=10)"
    assert (caught.value.limit, caught.value.allowed) == ("MAX_REPO_FILES", 10)
    assert len(scan(tmp_path, max_files=11).files) == 11


def test_files_out_of_scope_do_not_count_towards_the_limit(tmp_path):
    make_tree(tmp_path, {f"other/{i}.txt": "x" for i in range(20)} | {"docs/a.md": "a"})
    assert len(scan(tmp_path, include=["docs"], max_files=1).files) == 1


def test_progress_is_reported_periodically_and_at_the_end(tmp_path):
    make_tree(tmp_path, {f"f{i:04}.md": "x" for i in range(1200)})
    calls = []
    scan(tmp_path, on_progress=lambda done, total: calls.append((done, total)))
    assert calls == [(500, 1200), (1000, 1200), (1200, 1200)]


def test_progress_reaches_the_end_for_an_empty_checkout(tmp_path):
    calls = []
    result = scan(tmp_path, on_progress=lambda done, total: calls.append((done, total)))
    assert (result.files, result.folders, result.navigation, calls) == ([], [], [], [(0, 0)])


def test_fifty_thousand_files_are_scanned(tmp_path):
    for folder in range(100):
        base = tmp_path / f"part{folder:03}"
        base.mkdir()
        for index in range(500):
            (base / f"page{index:03}.{'md' if index % 2 else 'py'}").write_bytes(b"# p\n")
    calls = []
    result = scan(tmp_path, on_progress=lambda done, total: calls.append(done))
    assert len(result.files) == 50_000
    assert sum(f.is_documentation for f in result.files) == 25_000
    assert len(result.folders) == 100
    assert calls[-1] == 50_000 and len(calls) == 100


# --- overview candidates and navigation -------------------------------------------------------


def test_readmes_at_every_level_index_files_and_summary_are_overview_candidates(tmp_path):
    make_tree(tmp_path, {"README.md": "# R", "docs/readme.rst": "R", "docs/a/b/README.de.md": "R",
                         "docs/index.rst": "I", "site/index.md": "I", "book/SUMMARY.md": "S",
                         "docs/guide.md": "G", "README.html": "<p>R</p>", "docs/index.md": b"\x00"})
    candidates = {f.path for f in scan(tmp_path).files if f.is_overview_candidate}
    assert candidates == {"README.md", "docs/readme.rst", "docs/a/b/README.de.md", "docs/index.rst",
                          "site/index.md", "book/SUMMARY.md"}


MKDOCS_YML = """\
site_name: Example   # a comment
docs_dir: 'documentation'
nav:
  - Home: index.md
  - 'User Guide: the basics':
      - 'Writing': 'user-guide/writing.md'
      - user-guide/styling.md   # styling comes second
      - Deeper:
          - user-guide/deep/advanced.md
  - About:
    - License: about/license.md
    - Source: https://github.com/example/example
    - Missing: about/missing.md
- Release notes: "release-notes.md"
theme:
  name: material
plugins:
  - search.md
"""


def test_mkdocs_nav_gives_the_order_with_nested_sections_flattened_under_docs_dir(tmp_path):
    pages = ["index.md", "user-guide/writing.md", "user-guide/styling.md",
             "user-guide/deep/advanced.md", "about/license.md", "release-notes.md", "search.md"]
    make_tree(tmp_path, {"mkdocs.yml": MKDOCS_YML} | {f"documentation/{p}": "# P" for p in pages})
    result = scan(tmp_path)
    assert result.navigation == [f"documentation/{p}" for p in pages[:-1]]
    candidates = {f.path for f in result.files if f.is_overview_candidate}
    assert candidates == set(result.navigation)


def test_mkdocs_docs_dir_defaults_to_docs(tmp_path):
    make_tree(tmp_path, {"mkdocs.yml": "nav:\n- b.md\n- a.md\n", "docs/a.md": "a", "docs/b.md": "b"})
    assert scan(tmp_path).navigation == ["docs/b.md", "docs/a.md"]


def test_summary_md_gives_the_order_relative_to_its_folder(tmp_path):
    summary = ("# Summary\n\n[Introduction](README.md)\n\n- [Start](chapters/start.md)\n"
               "  - [Details](<chapters/details part.md>)\n- [Again](chapters/start.md#top)\n"
               "- [Web](https://example.com/x.md)\n- [Outside](../../../secret.md)\n- [Draft]()\n"
               "- [End](./chapters/end.md \"The end\")\n")
    make_tree(tmp_path, {"book/src/SUMMARY.md": summary, "book/src/README.md": "# Intro",
                         "book/src/chapters/start.md": "s", "book/src/chapters/details part.md": "d",
                         "book/src/chapters/end.md": "e", "book/secret.md": "x"})
    assert scan(tmp_path).navigation == ["book/src/README.md", "book/src/chapters/start.md",
                                         "book/src/chapters/details part.md", "book/src/chapters/end.md"]



def test_a_file_that_is_only_navigation_gives_the_order_and_is_no_page(tmp_path):
    """A SUMMARY.md, a docsify sidebar or an Antora nav.adoc is a list of links: read for the order,
    not a document of the course (a module section titled "Nav" listing links taught nothing)."""
    make_tree(tmp_path, {"book/SUMMARY.md": "# Summary\n\n- [Start](start.md)\n- [End](end.md)\n",
                         "book/start.md": "# Start\n\nS.", "book/end.md": "# End\n\nE.",
                         "site/index.html": "<script>window.$docsify = {loadSidebar: true}</script>",
                         "site/_sidebar.md": "- [Home](README.md)\n- [Guide](guide.md)\n",
                         "site/README.md": "# Home", "site/guide.md": "# Guide",
                         "docs/modules/ROOT/nav.adoc": "* xref:index.adoc[Home]\n",
                         "docs/modules/ROOT/pages/index.adoc": "= Home\n\nH.", "docs/antora.yml": "name: x\nversion: ~\nnav:\n- modules/ROOT/nav.adoc\n"})
    result = scan(tmp_path)
    documentation = {f.path for f in result.files if f.is_documentation}
    assert not {"book/SUMMARY.md", "site/_sidebar.md", "docs/modules/ROOT/nav.adoc"} & documentation
    assert {"book/start.md", "site/guide.md", "docs/modules/ROOT/pages/index.adoc"} <= documentation
    assert {"book/start.md", "site/guide.md", "docs/modules/ROOT/pages/index.adoc"} <= set(result.navigation)


INDEX_RST = """\
Welcome
=======

.. toctree::
   :maxdepth: 2
   :caption: Contents:

   intro
   usage/index
   Reference <api.rst>
   self
   https://example.com

Indices
-------
not-an-entry
"""
USAGE_INDEX_RST = """\
Usage
=====

.. toctree::

   install
   /intro
   configure
"""


def test_sphinx_toctrees_give_a_depth_first_order(tmp_path):
    make_tree(tmp_path, {"docs/conf.py": "project = 'x'", "docs/index.rst": INDEX_RST,
                         "docs/intro.rst": "Intro", "docs/usage/index.rst": USAGE_INDEX_RST,
                         "docs/usage/install.rst": "Install", "docs/usage/configure.md": "Configure",
                         "docs/api.rst": "API", "docs/not-an-entry.rst": "N"})
    assert scan(tmp_path).navigation == ["docs/index.rst", "docs/intro.rst", "docs/usage/index.rst",
                                         "docs/usage/install.rst", "docs/usage/configure.md",
                                         "docs/api.rst"]


def test_without_conf_py_the_shallowest_index_orders_the_book(tmp_path):
    # no conf.py (not committed, or cut from the repository): every index.rst is a root, and the
    # chapter index that sorts first ("deploying/index.rst") put its chapter before the whole book
    make_tree(tmp_path, {"docs/index.rst": INDEX_RST.replace("usage/index", "a-deploying/index"),
                         "docs/intro.rst": "Intro", "docs/a-deploying/index.rst": USAGE_INDEX_RST,
                         "docs/a-deploying/install.rst": "Install", "docs/a-deploying/configure.md": "Configure",
                         "docs/api.rst": "API"})
    assert scan(tmp_path).navigation == ["docs/index.rst", "docs/intro.rst", "docs/a-deploying/index.rst",
                                         "docs/a-deploying/install.rst", "docs/a-deploying/configure.md",
                                         "docs/api.rst"]


def test_sphinx_glob_toctree_and_myst_toctree(tmp_path):
    make_tree(tmp_path, {"conf.py": "", "index.md": "# Home\n\n```{toctree}\n---\nmaxdepth: 1\n---\n"
                                                    "guide\nchapters/index\n```\n",
                         "guide.md": "g", "chapters/index.rst": ".. toctree::\n   :glob:\n\n   c*\n",
                         "chapters/c2.rst": "2", "chapters/c1.rst": "1", "chapters/other.rst": "o"})
    assert scan(tmp_path).navigation == ["index.md", "guide.md", "chapters/index.rst",
                                         "chapters/c1.rst", "chapters/c2.rst"]


def test_a_toctree_glob_matches_as_sphinx_does_and_a_hostile_one_names_nothing(tmp_path):
    # `*` stays within its folder, `**` crosses folders, a pattern at the top matches at the top
    # only; a pattern longer than any glob may be names nothing (it took fnmatch seconds).
    make_tree(tmp_path, {"conf.py": "", "index.rst": ".. toctree::\n   :glob:\n\n   intro*\n   guide/*\n"
                                                     "   ref/**\n   " + "*a" * 200 + "b\n",
                         "intro.rst": "i", "guide/one.rst": "1", "guide/deep/two.rst": "2",
                         "ref/a.rst": "a", "ref/deep/b.rst": "b", "old/intro-old.rst": "o"})
    assert scan(tmp_path).navigation == ["index.rst", "intro.rst", "guide/one.rst", "ref/a.rst",
                                         "ref/deep/b.rst"]


SIDEBARS_JS = """\
// @ts-check
/** @type {import('@docusaurus/plugin-content-docs').SidebarsConfig} */
const sidebars = {
  tutorialSidebar: [
    'intro',
    {
      type: 'category',
      label: 'Tutorial - Basics',
      items: ["tutorial-basics/create-a-page", `tutorial-basics/deploy`],
    },
    {type: 'doc', id: 'reference/api'},
  ],
};
module.exports = sidebars;
"""


def test_docusaurus_sidebars_give_the_order_of_doc_ids(tmp_path):
    make_tree(tmp_path, {"sidebars.js": SIDEBARS_JS, "docs/intro.md": "i",
                         "docs/tutorial-basics/create-a-page.md": "c",
                         "docs/tutorial-basics/deploy.mdx": "d", "docs/reference/api.md": "a",
                         "docs/category.md": "not in the sidebar"})
    assert scan(tmp_path).navigation == ["docs/intro.md", "docs/tutorial-basics/create-a-page.md",
                                         "docs/tutorial-basics/deploy.mdx", "docs/reference/api.md"]


def test_docusaurus_one_sidebars_json_in_website(tmp_path):
    sidebars = json.dumps({"docs": {"Getting Started": ["setup", "usage"]}})
    make_tree(tmp_path, {"website/sidebars.json": sidebars, "docs/usage.md": "u", "docs/setup.md": "s"})
    assert scan(tmp_path).navigation == ["docs/setup.md", "docs/usage.md"]


def test_navigation_sources_are_combined_without_duplicates_and_only_with_known_documents(tmp_path):
    make_tree(tmp_path, {"mkdocs.yml": "nav:\n  - b.md\n  - a.md\n",
                         "SUMMARY.md": "[A](docs/a.md)\n[C](docs/c.md)",
                         "docs/a.md": "a", "docs/b.md": "b", "docs/c.md": "c"})
    assert navigation(tmp_path, {"SUMMARY.md", "docs/a.md", "docs/b.md", "docs/c.md"}).order == [
        "docs/b.md", "docs/a.md", "docs/c.md"]
    assert navigation(tmp_path, {"docs/a.md"}).order == ["docs/a.md"]


def test_navigation_never_lists_a_document_that_is_not_documentation(tmp_path):
    make_tree(tmp_path, {"mkdocs.yml": "nav:\n  - bin.md\n  - ok.md\n", "docs/bin.md": b"\x00\x01",
                         "docs/ok.md": "ok"})
    assert scan(tmp_path).navigation == ["docs/ok.md"]
