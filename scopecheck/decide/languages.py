"""Which language a question's words are in: task words are read in English only.

The catalogue's phrases are English; its Spanish words (rules/vocabulary.toml, `language = "Spanish"`)
serve the posting reader, which reads a Spanish posting's duties. A question is another matter: an
answer to words the matcher half reads is a guess, so a question in another language is refused with
one line that names the language (and the tasks its words name, to ask in English). A word counts for
a language when it is one of that language's words (rules/vocabulary.toml `[[languages]]`, and its
cue phrases) and no English phrase of the catalogue uses it; the language must outnumber the English
words. Words in another alphabet, with no Latin word beside them, are named by their script.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping
from functools import cached_property, lru_cache


@lru_cache(maxsize=1 << 14)
def plain_letters(word: str) -> str:
    """The word without accents ("presión" = "presion"): writers of Spanish often leave them out."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


#: What the words are said to be in where no listed language has a word in them but they are not English.
ANOTHER = "a language other than English"


class Languages:
    """The words that mark each language other than English, against the catalogue's English words."""

    def __init__(self, marked: Mapping[str, Iterable[str]], english: Callable[[], tuple[set[str], set[str]]]):
        """`marked`: language name -> its words (function words, and the words of its cue phrases);
        `english`: (every word of the catalogue's English phrases and the English function words, the
        same stemmed), made only for words some language marks (most questions have none)."""
        self.marked = {name: frozenset(plain_letters(w) for w in words) for name, words in marked.items()}
        self.any_marked = frozenset().union(*self.marked.values())
        self._english = english

    @cached_property
    def english(self) -> tuple[frozenset[str], frozenset[str]]:
        """(English words, their stems): a word is English as written, or by a stem it does not equal
        ("injections"; but "los", the stem of "losing", is not an English word)."""
        words, stems = self._english()
        return frozenset(plain_letters(w) for w in words), frozenset(plain_letters(w) for w in stems)

    def of(self, words: list[str], stem: Callable[[str], str]) -> str:
        """The language the words (casefolded) are in where it is not English, else ""; `stem`: the
        matcher's, so "injections" counts as English as "injection" does. A word with a letter English
        does not write ("medicação", "résidants") and no English phrase's counts for another language
        too, unnamed: ANOTHER where no listed language has a word here."""
        if all(w.isascii() for w in words):  # most questions: no accent, no other alphabet
            if self.any_marked.isdisjoint(words):
                return ""
            plain, accented = words, [False] * len(words)
        else:
            script = _script(words)
            if script:
                return script
            plain = [plain_letters(w) for w in words]
            accented = [w != p for w, p in zip(words, plain, strict=True)]
        english, stems = self.english
        shared = [w in english or (stem(w) != w and stem(w) in stems) for w in plain]
        best, count = ANOTHER, 0
        for name, marked in self.marked.items():
            n = sum(1 for w, both in zip(plain, shared, strict=True) if w in marked and not both)
            if n > count:
                best, count = name, n
        foreign = sum(
            1
            for w, both, mark in zip(plain, shared, accented, strict=True)
            if not both and (mark or w in self.any_marked)
        )
        return best if foreign > sum(shared) else ""


def _script(words: list[str]) -> str:
    """The script of words none of which is in Latin letters ("Cyrillic"), or "" (digits say nothing)."""
    scripts = set()
    for word in words:
        if word.isascii():
            if any(c.isalpha() for c in word):
                return ""
            continue
        letters = [c for c in word if c.isalpha()]
        if not letters:
            continue
        name = unicodedata.name(letters[0], "")
        if name.startswith("LATIN"):
            return ""
        scripts.add(name.split()[0].title() if name else "")
    scripts.discard("")
    if not scripts:
        return ""
    if scripts & {"Cjk", "Hiragana", "Katakana"}:
        return "Chinese or Japanese characters"
    return " and ".join(sorted(scripts)) + " letters"
