"""Chinese and Japanese text, which writes no spaces between words and ends its sentences with
full-width marks (。！？): what every stage needs so such sources come through without garbage.

- `has_cjk`: whether a text holds CJK characters at all (English text pays one scan, nothing else);
- `sentence_pieces`: a text cut after each full-width sentence end, the mark kept with its
  sentence (the stages' own splitters then cut each piece at Western ends as before);
- `term_vocabulary` and `terms_in`: the words of a document without a dictionary. Japanese writes
  its function words in hiragana, so a run of kanji or of katakana is already a word or a compound;
  Chinese does not, so a word is a character n-gram the document repeats (or a short heading) that
  neither starts nor ends with a function character, and an n-gram is kept only when no longer
  kept one holds every one of its occurrences ("关键信息抽取" rather than "信息抽" or "键信息").
  Linear in the text: n-grams up to LONGEST_TERM characters are counted once.

The tokenizer (shared/concepts.py) makes each CJK character one token, so concept keys of CJK
terms are their characters (`joined` writes them without spaces) and every word-based rule of the
English engine sees single characters, which no English rule takes for a phrase."""
from __future__ import annotations

from collections import Counter
from typing import Iterable

from shared import linear_regex

# Han (with extension A and compatibility ideographs), hiragana, katakana (with ー and the
# half-width forms). Hangul writes spaces between words and is read as words, not here.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
KANA = "\u3041-\u309f\u30a0-\u30ff\uff66-\uff9f"
CJK_CHARACTER = f"[{HAN}{KANA}]"
_ANY_CJK = linear_regex.compile(CJK_CHARACTER)
_HAN_RUN = linear_regex.compile(f"[{HAN}]+")
_KATAKANA_RUN = linear_regex.compile("[\u30a0-\u30ff\uff66-\uff9f]{2,}")
# A full-width end (or a run of them), then closing quotes and brackets: the cut comes after these.
_SENTENCE_END = linear_regex.compile("[。！？]+[」』”’）)\\]]*")
SENTENCE_ENDS = ("。", "！", "？")

LONGEST_TERM = 8
SHORTEST_TERM = 2
# A character that opens words ("用户", "可视化", "对象", "更新") only ends them rarely, and the other
# way round ("应用", "功能", "本地"): each edge has its own set.
_NO_START = frozenset("的了是和与及或等也都就而其该这那们很着得请已在被把将从我你他它")
_NO_END = frozenset("的了是在和与及或等将把被从也都就而其该这那我你他它们很着还给让请已再并又不可如若即则但因由中到")
_EDGE_CHARACTERS = _NO_START & _NO_END
# Characters of grammar that no term holds anywhere, and words that say how, not what: a run is
# cut at them before its n-grams are counted.
_NEVER_INSIDE = frozenset("的了是和与或及")
_JOINING_WORDS = ("进行", "可以", "通过", "需要", "使用", "如果", "因此", "然后", "以及", "或者", "并且", "例如",
                  "比如", "基于", "对于", "关于", "根据", "包含", "包括", "提供", "我们", "其中", "主要")
# Words of two characters that say how, not what ("可以", "进行", "如下"): never a term alone.
_FUNCTION_WORDS = frozenset("""可以 进行 如下 以下 通过 需要 其中 主要 这个 一个 如果 因此 然后 所示 下图 如图 我们 你们
他们 同时 或者 并且 以及 例如 比如 分别 首先 其次 最后 目前 已经 对于 关于 根据 基于 支持 使用 包含 包括 提供 完成 实现
相关 具体 一般 非常 之后 之前 时候 方法 方式 问题 内容 部分 情况 所有 其他 这些 那些 不同 更多 详细 参考 如何 怎样
安装 下载 运行 执行 设置 修改 查看 打开 创建 添加 删除 选择 注意 说明 示例 例子 结果 效果 标准""".split())


def has_cjk(text: str) -> bool:
    return not text.isascii() and _ANY_CJK.search(text) is not None


def is_cjk_character(character: str) -> bool:
    return not character.isascii() and _ANY_CJK.fullmatch(character) is not None


def sentence_pieces(text: str) -> list[str]:
    """`text` cut after each full-width sentence end; a text without one is one piece."""
    if text.isascii() or not any(end in text for end in SENTENCE_ENDS):
        return [text]
    pieces, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        pieces.append(text[start:match.end()])
        start = match.end()
    pieces.append(text[start:])
    return [piece for piece in pieces if piece.strip()]


def ends_sentence(text: str) -> bool:
    """Whether a CJK text ends as a sentence does (a full-width end, maybe a closing quote), not
    as a fragment: a list's introduction, a table's cell, a heading the parser made a line of."""
    return text.rstrip().rstrip("」』”’）)]").endswith(SENTENCE_ENDS)


def word_count(text: str) -> int:
    """About how many words a CJK term or phrase is: two characters a word."""
    return max(1, (len(text) + 1) // 2)


# Reading time (IReST, Trauzettel-Klosinski et al. 2012): English is read at 228 words a minute,
# Chinese at 255 and Japanese at 357 characters, so a CJK character takes about three quarters of
# the time of a word.
WORDS_PER_CHARACTER = 0.75


def split_for_counting(text: str) -> tuple[str, float]:
    """`text` without its CJK characters (their runs become blanks), and the words they are worth
    in reading time: what a word count adds to the count of the rest."""
    if not has_cjk(text):
        return text, 0.0
    characters = sum(len(run) for run in _ALL_CJK_RUNS.findall(text))
    return _ALL_CJK_RUNS.sub(" ", text), characters * WORDS_PER_CHARACTER


_ALL_CJK_RUNS = linear_regex.compile(CJK_CHARACTER + "+")


def joined(keys: list[str]) -> str:
    """Words joined as a phrase: with spaces, except between two CJK characters."""
    text = " ".join(keys)
    if text.isascii() or len(keys) < 2:
        return text
    parts = [keys[0]]
    for before, key in zip(keys, keys[1:]):
        if not (before and key and is_cjk_character(before[-1]) and is_cjk_character(key[0])):
            parts.append(" ")
        parts.append(key)
    return "".join(parts)


def term_vocabulary(texts: Iterable[str], named: Iterable[str] = ()) -> frozenset[str]:
    """The CJK terms of a document: its prose `texts`, and `named` (its title and headings, where
    a short all-Han or all-katakana heading is a term however often it recurs)."""
    counts: Counter[str] = Counter()
    # What stands before and after each n-gram: a word has several neighbours, or a boundary (a
    # run's edge, a character of grammar); a part of a word has always the same one ("演示应" is
    # always followed by "用"). None stands for a boundary.
    before: dict[str, set[str | None]] = {}
    after: dict[str, set[str | None]] = {}
    runs: list[str] = []
    for text in texts:
        if has_cjk(text):
            runs.extend(match.group() for match in _HAN_RUN.finditer(text))
            runs.extend(match.group() for match in _KATAKANA_RUN.finditer(text))
    for run in (piece for run in runs for piece in _pieces(run)):
        if _is_katakana(run):
            counts[run] += 2  # a katakana run is a word wherever it stands: one is enough
            before.setdefault(run, set()).add(None)
            after.setdefault(run, set()).add(None)
            continue
        for size in range(SHORTEST_TERM, min(LONGEST_TERM, len(run)) + 1):
            for start in range(len(run) - size + 1):
                gram = run[start:start + size]
                counts[gram] += 1
                before.setdefault(gram, set()).add(_neighbour(run, start - 1))
                after.setdefault(gram, set()).add(_neighbour(run, start + size))
    kept = {gram for gram, count in counts.items()
            if count >= 2 and _may_be_term(gram) and _free(before[gram]) and _free(after[gram])}
    # An n-gram every occurrence of which a kept longer one holds is only part of that one.
    covered = set()
    for gram in kept:
        if len(gram) > SHORTEST_TERM and not _is_katakana(gram):
            for part in (gram[:-1], gram[1:]):
                if counts[part] == counts[gram]:
                    covered.add(part)
    found = kept - covered
    for name in named:
        text = name.strip()
        if SHORTEST_TERM <= len(text) <= LONGEST_TERM and (_HAN_RUN.fullmatch(text) or _is_katakana(text)) \
                and _may_be_term(text):
            found.add(text)
    return frozenset(found)


def _neighbour(run: str, at: int) -> str | None:
    if at < 0 or at >= len(run) or run[at] in _EDGE_CHARACTERS:
        return None
    return run[at]


def _free(neighbours: set[str | None]) -> bool:
    return None in neighbours or len(neighbours) >= 2


def terms_in(text: str, vocabulary: frozenset[str]) -> list[str]:
    """The vocabulary's terms in `text`, in order: in each run the longest term at each place."""
    if not vocabulary or not has_cjk(text):
        return []
    found = []
    for run in (piece for match in _CJK_RUN.finditer(text) for piece in _pieces(match.group())):
        at = 0
        while at < len(run):
            for size in range(min(LONGEST_TERM, len(run) - at), SHORTEST_TERM - 1, -1):
                if run[at:at + size] in vocabulary:
                    found.append(run[at:at + size])
                    at += size
                    break
            else:
                at += 1
    return found


_CJK_RUN = linear_regex.compile(f"[{HAN}]+|[\u30a0-\u30ff\uff66-\uff9f]+")
# Where a Han run holds two words or more: at a joining word or a character of grammar, which
# belong to neither ("解析进行版面恢复" is "解析" and "版面恢复").
_JOINTS = linear_regex.compile("|".join(_JOINING_WORDS) + "|[" + "".join(sorted(_NEVER_INSIDE)) + "]")


def _pieces(run: str) -> list[str]:
    return [piece for piece in _JOINTS.split(run) if piece] if len(run) > SHORTEST_TERM else [run]


def _is_katakana(text: str) -> bool:
    return _KATAKANA_RUN.fullmatch(text) is not None


def _may_be_term(gram: str) -> bool:
    if _is_katakana(gram):
        return gram.strip("ー") != "" and len(set(gram)) > 1
    return gram[0] not in _NO_START and gram[-1] not in _NO_END \
        and gram not in _FUNCTION_WORDS and len(set(gram)) > 1
