"""How alike two names are, in pure Python, the same on every database.

Two uses:

* :func:`word_similarity` — the typo-tolerant search of the registry on SQLite. It follows
  PostgreSQL's ``pg_trgm`` ``word_similarity(query, text)``: the trigrams of each word
  (padded with two spaces in front and one behind, as pg_trgm pads them), and the best
  Jaccard share between the query's trigrams and those of a run of consecutive words of
  the text. On PostgreSQL the database's own pg_trgm does it (``GraduateQuerySet.similar_to``).
* :func:`names_alike` — the duplicate warning on entry: the candidates already share the
  birth date (an indexed lookup), so a few names are compared word by word with the
  Damerau–Levenshtein distance (a swapped, missing, extra or wrong letter is one edit),
  whatever the order of the words.

No C extension is needed: the candidate sets are small (one birth date; one region's
registry of a few thousand names for the search).
"""

from __future__ import annotations

import re
from functools import lru_cache

_NOT_LETTERS = re.compile(r"[^0-9a-zа-я]+")


def name_words(text: str) -> tuple[str, ...]:
    """The words of a name: lower case, «ё» as «е», hyphens and other marks as separators."""
    return tuple(w for w in _NOT_LETTERS.split((text or "").lower().replace("ё", "е")) if w)


def _word_trigrams(word: str) -> list[str]:
    """A word's trigrams in order, padded as pg_trgm pads them: «  и», « ив», «ива», … «ва »."""
    padded = f"  {word} "
    return [padded[i : i + 3] for i in range(len(padded) - 2)]


def trigrams(text: str) -> list[str]:
    """The trigrams of every word of ``text``, in the order of the words."""
    return [t for word in name_words(text) for t in _word_trigrams(word)]


# A region's registry holds a few thousand names: their trigrams are computed once per process,
# and a search that counts its matches and then reads a page of them scores each name once.
_CACHE_SIZE = 8192


@lru_cache(maxsize=_CACHE_SIZE)
def _trigrams_of(text: str) -> tuple[tuple[str, ...], frozenset[str]]:
    sequence = tuple(trigrams(text))
    return sequence, frozenset(sequence)


@lru_cache(maxsize=_CACHE_SIZE)
def word_similarity(query: str, text: str, floor: float = 0.0) -> float:
    """pg_trgm's ``word_similarity(query, text)``: the greatest Jaccard share between the query's
    trigrams and those of a continuous extent of the text's trigrams (0 … 1).

    «Иваонва» ~ «иванова алена сергеевна» gives 0.375, as on PostgreSQL. When even the whole
    text could not reach ``floor`` the answer is 0.0 at once (the search drops such rows anyway):
    most names of a registry share a trigram or two with the query and no more.
    """
    _sequence, wanted = _trigrams_of(query)
    if not wanted:
        return 0.0
    sequence, present = _trigrams_of(text)
    shared = len(wanted & present)
    # An extent holds at most the trigrams shared with the whole text: its share is at most this.
    if not shared or shared / len(wanted) < floor:
        return 0.0
    size = len(wanted)
    best = 0.0
    found = [t in wanted for t in sequence]
    for lower, starts in enumerate(found):
        if not starts:
            continue
        seen: set[str] = set()
        common = 0
        for upper in range(lower, len(sequence)):
            trigram = sequence[upper]
            if trigram not in seen:
                seen.add(trigram)
                if found[upper]:
                    common += 1
            if found[upper]:
                best = max(best, common / (size + len(seen) - common))
    return best


def damerau_levenshtein(a: str, b: str) -> int:
    """Edits (insert, delete, replace a letter, swap two neighbours) that turn ``a`` into ``b``."""
    if a == b:
        return 0
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


def _allowed_edits(word: str) -> int:
    """Short words allow one typo, longer ones two («Ли» ~ «Лю» is a typo, «Ли» ~ «Ян» is not)."""
    return 1 if len(word) <= 5 else 2


def words_alike(a: str, b: str) -> bool:
    return damerau_levenshtein(a, b) <= min(_allowed_edits(a), _allowed_edits(b))


def names_alike(a: str, b: str) -> bool:
    """Whether two full names may be the same person's, typos aside.

    Every word of the shorter name (at least the surname and the first name) must be within a
    typo or two of a different word of the other, in any order: «Ассанов Эржан Нурланович» ~
    «Асанов Эржан Нурланович», «Эржан Асанов» ~ «Асанов Эржан»; «Асанов Эржан» ≁ «Асанов Ерлан»
    and «Иванова Алёна» ≁ «Петрова Алёна» (two letters of a five-letter name, three of a surname).
    """
    first, second = name_words(a), name_words(b)
    if len(first) > len(second):
        first, second = second, first
    if len(first) < 2:
        return False
    return _match(first, list(second))


def _match(words: tuple[str, ...], pool: list[str]) -> bool:
    """Each of ``words`` pairs with a distinct alike word of ``pool`` (a name has three words: brute force)."""
    if not words:
        return True
    head, rest = words[0], words[1:]
    for i, candidate in enumerate(pool):
        if words_alike(head, candidate) and _match(rest, pool[:i] + pool[i + 1 :]):
            return True
    return False
