"""What a user typed, read as a search: codes, words, quoted phrases. Shared by every backend.

User input is never query syntax: ``AND``, ``:``, ``*``, ``(`` are plain characters (words or
separators), so no input can make a search fail. The only syntax is a pair of double quotes
around a phrase that must appear as written.

Reading rules:
* the whole query may be a code in any spelling (``ＧＢ／Ｔ ７７１４``, ``GB50016``) or a bare
  number (``50016``): a code query;
* otherwise codes inside the query (``ISO 9001 质量管理``) are found chunk by chunk and the rest
  is words: Chinese cut by jieba, English stemmed;
* every word is required; a single Chinese character is optional when longer words are present
  (汽车用 is 汽车 plus an optional 用).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from search_index.analysis import CJK_RUN, QueryWord, normalize, query_words
from search_index.codekeys import CodeQuery, read_code
from search_index.errors import QueryError

MAX_QUERY_CHARS = 200
MAX_WORDS = 24
_PHRASE = re.compile(r'["“”]([^"“”]*)["“”]')
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class QueryPlan:
    """A query read for searching."""

    text: str
    codes: tuple[CodeQuery, ...] = ()
    words: tuple[QueryWord, ...] = ()  # all required
    optional: tuple[QueryWord, ...] = ()  # add to the score, never required
    phrases: tuple[str, ...] = ()  # normalized, must appear in a title or the scope

    @property
    def is_empty(self) -> bool:
        return not (self.codes or self.words or self.optional)

    @property
    def is_code_only(self) -> bool:
        return bool(self.codes) and not (self.words or self.optional)

    def highlight_terms(self) -> set[str]:
        """Index terms whose occurrences are marked in highlights."""
        terms: set[str] = set()
        for word in (*self.words, *self.optional):
            terms.add(word.text)
            terms.update(word.parts)
        return terms


def _spaced(text: str) -> str:
    """Put spaces between Chinese and other characters so that glued codes become chunks."""
    return CJK_RUN.sub(r" \1 ", text)


def _find_codes(chunks: list[str]) -> tuple[list[CodeQuery], list[str]]:
    """Codes among whitespace chunks (one to three chunks long, longest first), and the rest."""
    codes: list[CodeQuery] = []
    rest: list[str] = []
    i = 0
    while i < len(chunks):
        for size in (3, 2, 1):
            if i + size > len(chunks):
                continue
            candidate = " ".join(chunks[i : i + size])
            if not candidate[:1].isalpha() or CJK_RUN.search(candidate):
                continue  # a bare number inside a longer query is a word, not a code
            found = read_code(candidate)
            if found is not None and found.parsed is not None:
                codes.append(found)
                i += size
                break
        else:
            rest.append(chunks[i])
            i += 1
    return codes, rest


def parse_query(text: str) -> QueryPlan:
    """Read a user's query.

    Raises:
        QueryError: the query is longer than ``MAX_QUERY_CHARS`` or has more than
            ``MAX_WORDS`` words (the message says so in Chinese and English).
    """
    text = _CONTROL.sub(" ", text or "")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            f"检索词过长 / query too long: {len(text)} characters (at most {MAX_QUERY_CHARS})"
        )
    stripped = " ".join(text.split())
    if not stripped:
        return QueryPlan(text="")
    whole = read_code(unicodedata.normalize("NFKC", stripped))
    if whole is not None:
        return QueryPlan(text=stripped, codes=(whole,))

    normalized = normalize(stripped)
    phrases = tuple(
        " ".join(match.split()) for match in _PHRASE.findall(normalized) if match.strip()
    )
    unquoted = _PHRASE.sub(lambda m: f" {m.group(1)} ", normalized)
    unquoted = re.sub(r'["“”]', " ", unquoted)
    codes, rest = _find_codes(_spaced(unquoted).split())
    words = query_words(" ".join(rest))
    if len(words) > MAX_WORDS:
        raise QueryError(
            f"检索词过多 / too many words: {len(words)} (at most {MAX_WORDS})"
        )
    long_words = bool(codes) or any(
        len(word.text) > 1 or not CJK_RUN.match(word.text) for word in words)
    required = tuple(w for w in words if not long_words or len(w.text) > 1
                     or not CJK_RUN.match(w.text))
    optional = tuple(w for w in words if w not in required)
    return QueryPlan(
        text=stripped, codes=tuple(codes), words=required, optional=optional, phrases=phrases,
    )
