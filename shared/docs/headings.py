"""Headings that name no subject of their own, in groups: one vocabulary for every part that must
tell a heading that teaches something from one that files pages, talks about the project or opens
any README. Each part composes the groups it needs:

- stage 1 (navigation sections): NAVIGATION_TITLES — a heading naming the list, not its pages;
- stage 2 (objectives from headings): TABLE_OF_CONTENTS, PROJECT_NOTES, FIRST_STEPS and the
  patterns of objective_phrasing;
- stage 4 (module content): TABLE_OF_CONTENTS and LICENCE sections are left out, and sections
  about funding (about_funding);
- stage 4 (question flaws): FIRST_STEPS, PROJECT_NOTES and the checker's own generic words.

All entries are lower case; compare a heading's `casefold()`ed text."""
from __future__ import annotations

from shared import linear_regex

# A table of contents, not a subject.
TABLE_OF_CONTENTS = frozenset({"contents", "table of contents", "toc", "index", "目录", "目次"})
# What a navigation calls its list as a whole: a SUMMARY.md's "# Summary", a toctree's "Contents:"
# or the "Documentation" heading above it.
NAVIGATION_TITLES = TABLE_OF_CONTENTS | {"documentation", "indices and tables", "navigation", "summary", "pages",
                                         "chapters"}
LICENCE = frozenset({"license", "licence", "许可证", "开源许可证", "许可协议", "版权声明", "ライセンス"})
# About the project rather than its use: its terms, people, history and releases.
PROJECT_NOTES = LICENCE | {
    "contributing", "development", "changelog", "changes", "history", "credits", "authors", "release notes",
    "what's new", "what's changed", "new features", "bug fixes", "fixes", "breaking changes",
    # Chinese and Japanese
    "贡献", "贡献指南", "参与贡献", "更新日志", "变更日志", "版本历史", "致谢", "作者", "更新履歴", "変更履歴", "謝辞", "貢献"}
# The sections every project's README opens with.
FIRST_STEPS = frozenset({
    "installation", "install", "installing", "setup", "getting started", "quickstart", "quick start", "usage",
    "basic usage", "overview", "introduction", "requirements", "prerequisites", "basics", "next steps",
    # Chinese and Japanese
    "简介", "介绍", "概述", "概览", "安装", "快速开始", "快速上手", "快速入门", "入门", "使用", "使用方法", "用法",
    "基本用法", "准备环境", "环境准备", "前提条件", "下一步", "はじめに", "概要", "インストール", "クイックスタート",
    "使い方", "導入", "必要条件", "次のステップ"})

# Sections about funding the project, not about using it: no module shows them
# (Starlette's index: "Help us keep Starlette maintained … Current sponsors:").
# `\n?$`: the end of the heading, or before a newline that ends it.
_FUNDING = linear_regex.compile(
    r"^(?:(?:our |current )?(?:sponsors?|sponsorship|backers|supporters|funding)|donat(?:e|ions?)|"
    r"support (?:the project|us|this project)|become a (?:sponsor|backer))\n?$", linear_regex.IGNORECASE)


def about_funding(heading: str) -> bool:
    """A section about funding the project, not about using it."""
    return bool(_FUNDING.match(heading.strip(" :!.")))
