"""Text analysis shared by every search backend: jieba words for Chinese, stemmed words for
English, and the same rules at index time and at query time.

Index time, each Chinese word found by jieba (precise mode, no HMM guessing, so that the same
characters always split the same way) is emitted with, at the same position, the dictionary
words inside it (what jieba's search mode adds: 抗震设计 -> 抗震, 设计). Single characters are
not indexed inside longer words: a one-character query (茶) stands for every indexed word that
contains it (绿茶, 茶叶), which the backends look up in their term lists. Query time emits only the
precise words; a long query word also matches its dictionary parts, so 设计规范 still finds a
title that jieba split as 抗震设计/规范.

jieba's dictionary ships inside the jieba package; it is loaded once per process, together with
the small domain dictionary in ``search_index/data/userdict.txt``.
"""

from __future__ import annotations

import functools
import hashlib
import html
import logging
import re
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

USER_DICT = Path(__file__).with_name("data") / "userdict.txt"

# Written into every index: a change to any of these makes an index stale.
ANALYZER_VERSION = 1

CJK_RUN = re.compile(
    "([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]+)"
)
LATIN_WORD = re.compile(r"[^\W\d_]+|\d+(?:\.\d+)*")

ENGLISH_STOP = frozenset(
    "a an and are as at be by can for from have if in is it may not of on or that the this to "
    "us we when will with yet you your".split()
)
# Function characters that carry no meaning alone; words containing them are still indexed.
CHINESE_STOP = frozenset("的与和及或等之其对在为了是于以、，。；：")


@dataclass(frozen=True, slots=True)
class Term:
    """One token: the indexed text, its word position, and its span in the normalized text."""

    text: str
    pos: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class QueryWord:
    """One word of a query and what may stand for it in a document.

    ``text`` is the indexed form; ``parts`` (Chinese words of 4+ characters) are the dictionary
    words inside it, all of which together are an alternative match; ``is_number`` marks a
    number that may also be a standard number (``7714``).
    """

    text: str
    parts: tuple[str, ...] = ()
    is_number: bool = False


class _Jieba:
    """The process's jieba tokenizer, loaded on first use (about half a second)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tokenizer: Any = None

    def get(self) -> Any:
        if self._tokenizer is None:
            with self._lock:
                if self._tokenizer is None:
                    import jieba

                    jieba.setLogLevel(logging.WARNING)
                    tokenizer = jieba.Tokenizer()
                    tokenizer.initialize()
                    for word, freq in user_words():
                        tokenizer.add_word(word, freq)
                    self._tokenizer = tokenizer
        return self._tokenizer


_JIEBA = _Jieba()


def user_words() -> list[tuple[str, int]]:
    """The domain words of ``userdict.txt`` as (word, frequency), in file order."""
    words: list[tuple[str, int]] = []
    for line in USER_DICT.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if parts:
            words.append((parts[0], int(parts[1]) if len(parts) > 1 else 1000))
    return words


def analyzer_fingerprint() -> str:
    """Changes whenever indexed tokens could change: analyzer rules, jieba, the user words."""
    import jieba

    digest = hashlib.sha256(USER_DICT.read_bytes()).hexdigest()[:12]
    return f"analyzer-{ANALYZER_VERSION}/jieba-{jieba.__version__}/userdict-{digest}"


def warm_up() -> None:
    """Load jieba now (at start-up) rather than on the first search."""
    _JIEBA.get()


def normalize(text: str) -> str:
    """NFKC (full-width letters and digits, ideographic space) and lower case."""
    return unicodedata.normalize("NFKC", text).lower()


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """English stem of a lower-case word (Porter); numbers and non-ASCII words are kept."""
    if not word.isascii() or not word.isalpha():
        return word
    from whoosh.lang.porter import stem as porter

    return str(porter(word))


@functools.lru_cache(maxsize=200000)
def _cut(run: str) -> tuple[str, ...]:
    return tuple(_JIEBA.get().cut(run, HMM=False))


def _dictionary_parts(word: str) -> list[tuple[str, int]]:
    """Dictionary words of 2 and 3 characters inside ``word`` with their offsets."""
    freq = _JIEBA.get().FREQ
    found = []
    for size in (2, 3):
        if len(word) <= size:
            break
        for i in range(len(word) - size + 1):
            gram = word[i : i + size]
            if freq.get(gram):
                found.append((gram, i))
    return found


def _chinese_terms(run: str, offset: int, pos: int) -> Iterator[Term]:
    """Terms of one run of Chinese characters; every jieba word takes one position."""
    start = offset
    for word in _cut(run):
        end = start + len(word)
        if word not in CHINESE_STOP:
            yield Term(word, pos, start, end)
            if len(word) > 2:
                for gram, i in _dictionary_parts(word):
                    yield Term(gram, pos, start + i, start + i + len(gram))
        pos += 1
        start = end


def _latin_terms(segment: str, offset: int, pos: int) -> Iterator[Term]:
    for match in LATIN_WORD.finditer(segment):
        word = match.group()
        if word in ENGLISH_STOP:
            pos += 1
            continue
        yield Term(stem(word), pos, offset + match.start(), offset + match.end())
        pos += 1


def terms_of(normalized: str) -> list[Term]:
    """Every index term of an already normalized text, in order."""
    terms: list[Term] = []
    offset = 0
    pos = 0
    for i, segment in enumerate(CJK_RUN.split(normalized)):
        if segment:
            if i % 2:
                produced = _chinese_terms(segment, offset, pos)
            else:
                produced = _latin_terms(segment, offset, pos)
            for term in produced:
                terms.append(term)
                pos = term.pos
            pos += 1
        offset += len(segment)
    return terms


def index_terms(text: str | None) -> list[Term]:
    """Index terms of a field value (normalizes first)."""
    if not text:
        return []
    return terms_of(normalize(text))


def index_words(text: str | None) -> list[str]:
    """The index terms of a value as plain strings (for backends that take a word list)."""
    return [term.text for term in index_terms(text)]


def query_words(text: str) -> list[QueryWord]:
    """Words of a (code-free) query text, each once, in order."""
    text = normalize(text)
    words: list[QueryWord] = []
    seen: set[str] = set()

    def add(word: QueryWord) -> None:
        if word.text not in seen:
            seen.add(word.text)
            words.append(word)

    for i, segment in enumerate(CJK_RUN.split(text)):
        if not segment:
            continue
        if i % 2:
            for word in _cut(segment):
                if word in CHINESE_STOP:
                    continue
                add(QueryWord(word, _cover(word) if len(word) >= 4 else ()))
        else:
            for match in LATIN_WORD.finditer(segment):
                token = match.group()
                if token in ENGLISH_STOP:
                    continue
                add(QueryWord(stem(token), is_number=token[0].isdigit()))
    return words


def _cover(word: str) -> tuple[str, ...]:
    """Split a long word into dictionary words (left to right, longest first) and characters."""
    freq = _JIEBA.get().FREQ
    parts: list[str] = []
    i = 0
    while i < len(word):
        for size in (3, 2):
            gram = word[i : i + size]
            if len(gram) == size and gram != word and freq.get(gram):
                parts.append(gram)
                i += size
                break
        else:
            if word[i] not in CHINESE_STOP:
                parts.append(word[i])
            i += 1
    return tuple(parts) if len(parts) > 1 else ()


def _normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """The normalized text and, for each of its characters, the index in ``text``."""
    if text.isascii():
        return text.lower(), list(range(len(text)))
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        mapped = unicodedata.normalize("NFKC", char).lower()
        out.append(mapped)
        origin.extend([index] * len(mapped))
    return "".join(out), origin


def highlight(text: str | None, wanted: set[str], tag: str = "mark") -> str | None:
    """``text`` with every run of characters whose term is in ``wanted`` wrapped in ``<tag>``
    (HTML-escaped); None when nothing matched."""
    if not text or not wanted:
        return None
    normalized, origin = _normalize_with_offsets(text)
    spans = sorted(
        (origin[t.start], origin[t.end - 1] + 1) for t in terms_of(normalized) if t.text in wanted
    )
    if not spans:
        return None
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:  # overlapping (a word and its parts): one mark
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out: list[str] = []
    last = 0
    for start, end in merged:
        out.append(html.escape(text[last:start]))
        out.append(f"<{tag}>{html.escape(text[start:end])}</{tag}>")
        last = end
    out.append(html.escape(text[last:]))
    return "".join(out)


def highlight_window(text: str, wanted: set[str], width: int = 120) -> str | None:
    """About ``width`` characters of ``text`` around its first match, highlighted."""
    if not text or not wanted:
        return None
    normalized, origin = _normalize_with_offsets(text)
    first = next((origin[t.start] for t in terms_of(normalized) if t.text in wanted), None)
    if first is None:
        return None
    start = max(0, first - width // 4)
    end = min(len(text), start + width)
    marked = highlight(text[start:end], wanted)
    if marked is None:
        return None
    return ("…" if start else "") + marked + ("…" if end < len(text) else "")
