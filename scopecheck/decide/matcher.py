"""Words to a task, understood as a whole: the one matcher behind every entry point.

`check`, batch rows, the page, the API and the posting reader's duties all ask this module, so a
phrase means the same everywhere. The steps, each driven by data (rules/tasks.toml and
rules/vocabulary.toml), never by code:

1. normalise: case, punctuation, common misspellings and abbreviations ("subq" -> subcutaneous,
   "BP" -> blood pressure), then a light stem of every word on both sides ("injections" = "injection");
2. mentions: every catalogue phrase found, the longest winning where two overlap (a medicine named bare
   counts only beside a word of giving it: "medication reminders" names no task);
3. frames: words that change the act ("read" a TB test is interpretation, "teach" a patient to use
   an inhaler is education, "assist" with an ultrasound is assisting);
4. precedence: a word that names the task more specifically wins over a generic one in the same
   phrase (Botox over "injection"; a controlled substance over its route, the stricter task);
5. the answer: one task; or several that fit (the caller asks back unless every one gets the same
   verdict); or something no MA task covers (suturing, prescribing), said plainly; or nothing, with
   the nearest tasks as suggestions.
"""

from __future__ import annotations

import difflib
import functools
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import cached_property
from itertools import combinations, pairwise
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from scopecheck.decide.languages import Languages
from scopecheck.errors import (
    AmbiguousTask,
    Candidate,
    NotAnMATask,
    OtherLanguage,
    UnknownName,
    UserError,
    listed,
)
from scopecheck.law.snapshot import READER_MODEL
from scopecheck.law.terms import DROPPED_WORDS

if TYPE_CHECKING:  # at run time the matcher needs only what it reads: `check` reads words without the schema
    from scopecheck.decide.reader import Reader
    from scopecheck.law import schema
    from scopecheck.law.library import Library

_T = TypeVar("_T")
MAX_WORDS, MAX_CHARS = 60, 400  # a task question, not a paragraph: longer text is refused with one line
_CACHE = 20_000  # distinct task words remembered (a batch repeats them)
_NEAR = 3  # a generic phrase this close to a specific one is that one's object
_PAPERWORK_GAP = 4  # scheduling, insurance or billing this close to work no MA task covers is for that work
_ASSISTED_GAP = 3  # an assisting frame this close before work no MA task covers makes it assisting
_EXAMPLE_GAP = 6  # words from a list word ("such as", "including") after a task to an example of the task it lists
_LIST_INTRO = frozenset({"such", "including", "include", "includes", "like", "eg"})
_CLAUSE = re.compile(r"[;,/\n]|\s[-\u2013\u2014]\s")
_CONJUNCTIONS = frozenset({"and", "or", "nor", "then", "plus", "also"})
_WHEN = frozenset({"when", "whenever"})  # after a task's phrase, they open a clause of when it is done
# Verbs of doing a task: after a conjunction they give the task its own act, which a frame word before
# them does not change ("schedule and perform x-rays" is scheduling and taking x-rays).
_DOING = frozenset(
    f"{stem}{end}"
    for stem in ("perform", "conduct", "administer", "collect", "obtain", "draw", "start", "assist")
    for end in ("", "s", "ing")
) | {"take", "takes", "taking", "give", "gives", "giving", "do", "does", "doing", "apply", "applies", "applying"}
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_INITIALS = re.compile(r"\b[^\W\d_](?:\.[^\W\d_])+\b\.?")  # "I.V.", "P.P.D.", "e.g."


def split_words(text: str) -> list[str]:
    """The words of a text, where initials written with stops are one word ("I.V." is "IV", "P.P.D." is
    "PPD"): the matcher and the list items split words so. (The reader's words are those it was trained on.)"""
    return _WORD.findall(_INITIALS.sub(lambda m: m[0].replace(".", ""), text))


# A verb's phrase read in the passive ("blood is drawn", "have my ears irrigated"): at most one of these
# between the object and the verb's participle, which ends in "-ed" or is one of _PARTICIPLES.
_PASSIVE_AUX = frozenset({"is", "are", "was", "were", "be", "been", "being", "get", "gets", "got", "gotten"})
_PARTICIPLES = {
    "drawn": "draw",
    "taken": "take",
    "given": "give",
    "done": "do",
    "written": "write",
    "shown": "show",
    "sent": "send",
    "hung": "hang",
    "put": "put",
    "run": "run",
}
# "per <whose> instructions", "per orders": following the word of another, not teaching or entering orders
_GUIDANCE = frozenset({"instruction", "instructions", "direction", "directions", "order", "orders"})
# "vs." between two words, the second in lower case, is "versus" ("emergency vs. simply troubling"); vital
# signs are "VS." after a verb that takes them ("take VS. record weight") or before a conjunction ("vs. and wt")
_VERSUS = re.compile(r"\b(\w+)\s+[vV][sS]\.(?=\s+(?!(?:and|or)\b)[a-z])")
_TAKE_SIGNS = _DOING | {
    "check",
    "checks",
    "checking",
    "record",
    "records",
    "recording",
    "monitor",
    "monitors",
    "monitoring",
    "measure",
    "measures",
    "measuring",
    "document",
    "documents",
    "documenting",
    "took",
    "orthostatic",
    "baseline",
    "initial",
}


def _versus(text: str) -> str:
    return _VERSUS.sub(lambda m: m[0] if m[1].casefold() in _TAKE_SIGNS else f"{m[1]} versus", text)


# A role that opens the words is who they are about: it may follow these ("can the school nurse", "our
# registered nurses") within the first few words, and is not one where the next word makes it a
# compound ("physician orders", "nurse visit", "RN-supervised", "doctor's office": "doctor", "s", "office").
_ROLE_REACH = 5
_BEFORE_ROLE = frozenset({
    "the", "a", "an", "our", "your", "their", "his", "her", "my", "some", "most", "many", "all", "any", "every",
    "each", "only", "can", "may", "should", "could", "is", "are", "does", "do", "will", "would", "must", "shall",
    "might", "licensed", "registered", "certified", "advanced", "qualified", "trained", "school",
})  # fmt: skip
_ROLE_COMPOUNDS = frozenset({
    "s", "office", "offices", "order", "orders", "practice", "practices", "visit", "visits", "note", "notes",
    "instruction", "instructions", "supervision", "direction", "appointment", "appointments", "assistant",
    "assistants", "supervised", "directed", "ordered", "approved", "signed", "led", "run",
})  # fmt: skip

# Words that say nothing of the work: a question of only these has no words to read as a task, and the
# nearest tasks are found by the other words ("the of and" suggests nothing; "of" is in many task names).
_FUNCTION_WORDS = frozenset(
    """a about after all also am an and another any are as at be been before being between but by can could
    did do does done down during each every few for from had has have having he her here him his how i if in
    into is it its just may me might more most much must my no nor not of off on only or other our out over
    own s same shall she should so some such t than that the their them then there these they this those
    through to too under up upon us very was we were what when where which while who whom whose why will
    with within without would you your patient patients""".split()  # noqa: SIM905 - a list too long to read as one
)


@functools.lru_cache(maxsize=1 << 16)  # the catalogue's phrases share their words: each is stemmed once
def stem(word: str) -> str:
    """A light, deterministic stem ("draws" = "drawing" = "draw"); the same on both sides of a match."""
    w = word
    if len(w) <= 3:
        return w
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith(("sses", "ches", "shes", "xes")):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for suffix in ("ing", "ed"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            if len(w) >= 4 and w[-1] == w[-2] and w[-1] not in "lsz":
                w = w[:-1]
            break
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]
    return w


_VOWELS = "aeiou"
# why words that name several tasks are asked back where each would get the same answer (_as_a_whole)
_NO_TASK_AS_A_WHOLE = "names more than one task, but read as a whole does not read as any MA task"


def phrase_stem(word: str) -> str:
    """`stem`, with two more of English's regular forms: "-ied" is "-y" ("verified" = "verify"), and a
    short verb that did not double its consonant before "-ing" or "-ed" ends in e ("taking" = "take",
    "filed" = "file"; "running" = "run"). The reader's words keep `stem`, as its model was trained on them."""
    if word.endswith("ied") and len(word) > 4:  # "verified" = "verify", as "verifies" is
        word = word[:-3] + "y"
    w = stem(word)
    base = word[:-3] if word.endswith("ing") else word[:-2] if word.endswith("ed") else ""
    if w == base and len(w) == 3 and w[0] not in _VOWELS and w[1] in _VOWELS and w[2] not in _VOWELS + "wxy":
        return w + "e"
    return w


@dataclass(frozen=True)
class Mention:
    """One task found in the words: its span (word positions), the words, and how it was read."""

    task: str
    start: int
    end: int
    words: str
    alternatives: tuple[str, ...] = ()  # a generic phrase ("injections") fits these too
    note: str = ""  # why a frame or a more specific word changed the reading
    negated: str = ""  # the negation trigger ("no", "excluding") that denies it, if any
    framed: str = ""  # the frame that reached it (e.g. "assist"), whether or not it changed the task
    vague: bool = False  # a generic phrase too vague to be a posting's duty ("medications")


@dataclass(frozen=True)
class Understood:
    """What a question's words mean: a task, or candidates to ask back, or not an MA task."""

    text: str
    task: str | None
    candidates: tuple[str, ...] = ()
    note: str = ""
    not_ma: str | None = None
    doubt: str = ""  # why the matcher's one task is asked back: the words as a whole read otherwise (reader.py)
    besides: tuple[str, ...] = ()  # with not_ma: the MA tasks the words also name, each to be asked alone;
    # with language, the tasks its words name, to be asked in English
    language: str = ""  # the words are in this language, not English ("Spanish"): refused, never half read


@dataclass(frozen=True)
class _Analysis:
    """The words of one text as the matcher read them: tokens, phrases found, frames applied."""

    plain: list[str]
    source: list[int]
    original: list[str]
    raw: list[Mention]  # every phrase found
    framed: list[Mention]  # after frames, before precedence
    found: list[Mention]  # after precedence, with negation
    frames: set[str]  # names of the frames present
    stems: list[str]  # the words stemmed, as phrases are matched


class _Acts(NamedTuple):
    """A generic entry's words of doing its act (stemmed), how near they stand, and the entry's own phrase
    that has one, as an example ("administer medication")."""

    stems: list[tuple[str, ...]]
    gap: int
    example: str


class _Phrase(NamedTuple):  # a tuple: the index holds thousands, made at every start
    tokens: tuple[str, ...]
    task: str
    alternatives: tuple[str, ...] = ()
    vague: bool = False


class TaskMatcher:
    def __init__(self, lib: Library):
        self.lib = lib
        self.vocab = lib.vocabulary

    # ---- normalisation

    @cached_property
    def _spelling(self) -> dict[str, tuple[str, ...]]:
        out: dict[str, tuple[str, ...]] = {}
        for entry in self.vocab.spellings:
            for variant in entry.variants:
                out[variant.casefold()] = tuple(entry.word.casefold().split())
        for abbreviation in self.vocab.abbreviations:
            out[abbreviation.short.casefold()] = tuple(abbreviation.means.casefold().split())
        return out

    @cached_property
    def _keep(self) -> frozenset[str]:
        return frozenset(w.casefold() for w in self.vocab.unstemmed)

    def _stem(self, word: str) -> str:
        return word if word in self._keep else phrase_stem(word)

    def tokens(self, text: str) -> tuple[list[str], list[str], list[int], list[str]]:
        """(stemmed words, the same unstemmed, the original word each came from, the original words).
        Ignored phrases ("practice of medicine") become blanks that match nothing."""
        original = split_words(_versus(text).casefold())
        plain: list[str] = []
        source: list[int] = []
        for i, word in enumerate(original):
            for part in self._spelling.get(word, (word,)):
                if part not in DROPPED_WORDS:
                    plain.append(part)
                    source.append(i)
        stems = [self._stem(w) for w in plain]
        for k, word in enumerate(plain):  # "per the RN's instructions": following the word of another, not teaching
            if word == "per":
                end = next((j for j in range(k + 1, min(k + 5, len(plain))) if plain[j] in _GUIDANCE), None)
                if end is not None:
                    for x in range(k, end + 1):
                        stems[x] = plain[x] = ""
        present = set(stems)
        for phrase in self._ignored:
            if phrase and phrase[0] not in present:  # most ignored phrases: their first word is not here
                continue
            n = len(phrase)
            for k in range(len(stems) - n + 1):
                if tuple(stems[k : k + n]) == phrase:
                    for x in range(k, k + n):
                        stems[x] = plain[x] = ""
        return stems, plain, source, original

    def clauses(self, text: str) -> list[int]:
        """The list item (comma, semicolon, slash) each original word stands in: "draw blood, give
        injections" is two items, and a more specific word decides only within its own item."""
        out: list[int] = []
        for n, piece in enumerate(_CLAUSE.split(text.casefold())):
            out += [n] * len(split_words(piece))
        return out

    def phrase_tokens(self, phrase: str) -> tuple[str, ...]:
        return tuple(self._stem(w) for w in self._plain(phrase))

    def _plain(self, phrase: str) -> tuple[str, ...]:
        spelling, words = self._spelling, split_words(phrase.casefold())
        if DROPPED_WORDS.isdisjoint(words) and spelling.keys().isdisjoint(words):  # most phrases: as written
            return tuple(words)
        out: list[str] = []
        for word in words:
            out += [p for p in spelling.get(word, (word,)) if p not in DROPPED_WORDS]
        return tuple(out)

    @cached_property
    def _ignored(self) -> list[tuple[str, ...]]:
        return [tuple(self._stem(w) for w in self._plain(p)) for p in self.vocab.ignore]

    # ---- the phrase index

    @cached_property
    def _phrases(self) -> dict[str, list[_Phrase]]:
        """First word -> phrases starting with it, longest first."""
        found: dict[tuple[str, ...], _Phrase] = {}
        for task in self.lib.tasks.values():
            for words in (task.name, *task.synonyms):
                toks = self.phrase_tokens(words)
                if toks:
                    found.setdefault(toks, _Phrase(toks, task.id))
        for cue in self.vocab.cues:
            for words in cue.words:
                toks = self.phrase_tokens(words)
                if toks:
                    found[toks] = _Phrase(toks, cue.task)
        for generic in self.vocab.generic:
            for words in generic.words:
                toks = self.phrase_tokens(words)
                if toks:
                    found[toks] = _Phrase(toks, generic.tasks[0], tuple(generic.tasks[1:]), not generic.posting_duty)
        index: dict[str, list[_Phrase]] = {}
        for phrase in found.values():
            index.setdefault(phrase.tokens[0], []).append(phrase)
        for phrases in index.values():
            phrases.sort(key=lambda p: -len(p.tokens))
        return index

    @cached_property
    def _languages(self) -> Languages:
        """The words of each language other than English the vocabulary knows (decide/languages.py)."""
        marked: dict[str, set[str]] = {entry.name: set(entry.words) for entry in self.vocab.languages}
        for language, phrases in self._phrases_by_language():
            if language:
                marked[language].update(w for words in phrases for w in split_words(words.casefold()))
        common = _FUNCTION_WORDS | DROPPED_WORDS  # English as well ("a" in "asistir a médicos"): never counted
        return Languages({name: words - common for name, words in marked.items()}, self._english_words)

    def _phrases_by_language(self) -> Iterator[tuple[str | None, tuple[str, ...]]]:
        """Each cue's and generic entry's language (None: English) and words."""
        yield from ((cue.language, cue.words) for cue in self.vocab.cues)
        yield from ((generic.language, generic.words) for generic in self.vocab.generic)

    def _english_words(self) -> tuple[set[str], set[str]]:
        """Every word of the catalogue's English phrases and the function words; the same stemmed."""
        v = self.vocab
        phrases = [p for t in self.lib.tasks.values() for p in (t.name, *t.synonyms)]
        phrases += [w for language, words in self._phrases_by_language() if not language for w in words]
        phrases += [w for f in v.frames for w in f.words] + [w for e in v.not_ma_tasks for w in e.words]
        phrases += [w for e in v.senses for w in (*e.words, *e.confirm, *e.contrary)]
        phrases += [w for e in v.spellings for w in (e.word, *e.variants)]
        phrases += [w for e in v.abbreviations for w in (e.short, e.means)]
        if v.negation is not None:
            n = v.negation
            phrases += [*n.before, *n.after, *n.pseudo, *n.terminators]
        phrases += [*v.ignore, *_FUNCTION_WORDS, *DROPPED_WORDS]
        words = {w for p in phrases for w in split_words(p.casefold())}
        return words, {self._stem(w) for w in words}

    @cached_property
    def _not_ma(self) -> list[tuple[tuple[str, ...], schema.NotMATask]]:
        return sorted(((self._plain(w), e) for e in self.vocab.not_ma_tasks for w in e.words), key=lambda p: -len(p[0]))

    @cached_property
    def _frames(self) -> list[tuple[tuple[str, ...], schema.Frame]]:
        return sorted(
            (
                (self._plain(w) if f.as_written else self.phrase_tokens(w), f)
                for f in self.vocab.frames
                for w in f.words
            ),
            key=lambda p: -len(p[0]),
        )

    @cached_property
    def _weaker(self) -> dict[str, set[str]]:
        """task -> the tasks it wins over when both are named in the same words."""
        out: dict[str, set[str]] = {}
        for rule in self.vocab.precedence:
            out.setdefault(rule.stronger, set()).update(rule.weaker)
        return out

    @cached_property
    def _senses(self) -> list[tuple[list[tuple[str, ...]], schema.Sense, list[tuple[str, ...]], list[tuple[str, ...]]]]:
        """(cue phrases, the entry, confirming phrases, contrary phrases), all stemmed."""

        def stems(words: tuple[str, ...]) -> list[tuple[str, ...]]:
            return [t for t in (self.phrase_tokens(w) for w in words) if t]

        return [(stems(e.words), e, stems(e.confirm), stems(e.contrary)) for e in self.vocab.senses]

    def _doubted(self, stems: list[str], start: int, end: int, task: str = "", not_ma: str = "") -> bool:
        """Whether the words at [start, end) name `task` (or `not_ma`) only through a cue with several senses
        whose sense here is not confirmed: no confirming word near it, or a contrary one."""
        for cues, entry, confirm, contrary in self._senses:
            if (task and entry.task != task) or (not_ma and entry.not_ma != not_ma):
                continue
            if not any(_find(stems[start:end], c) is not None for c in cues):
                continue
            lo, hi = max(0, start - entry.gap), min(len(stems), end + entry.gap)
            near = stems[lo:hi]
            if any(_find(near, w) is not None for w in contrary):
                return True
            if confirm and not any(_find(near, w) is not None for w in confirm):
                return True
        return False

    # ---- mentions

    def _sharing_a_noun(self, toks: list[str], i: int, source: list[int], original: list[str]) -> Mention | None:
        """A word that names a task with the noun of the phrase after "and"/"or" ("venous and capillary
        blood": venous blood and capillary blood), where it would name another alone ("intravenous")."""
        if i + 3 >= len(toks) or toks[i + 1] not in ("and", "or"):
            return None
        after = next(
            (q for q in self._phrases.get(toks[i + 2], ()) if tuple(toks[i + 2 : i + 2 + len(q.tokens)]) == q.tokens),
            None,
        )
        if after is None or len(after.tokens) < 2:
            return None
        whole = (toks[i], *after.tokens[1:])
        own = next((p for p in self._phrases.get(toks[i], ()) if p.tokens == whole), None)
        if own is None or own.task == after.task or own.alternatives:
            return None
        end = i + 2 + len(after.tokens)
        return Mention(own.task, i, i + 1, " ".join(original[source[i] : source[end - 1] + 1]))

    def _raw_mentions(self, toks: list[str], source: list[int], original: list[str]) -> list[Mention]:
        """Every phrase found; one inside a longer one is dropped, overlapping ones are both kept
        (precedence decides between them)."""
        found: list[Mention] = []
        for i, tok in enumerate(toks):
            shared = self._sharing_a_noun(toks, i, source, original)
            if shared is not None:
                found.append(shared)
                continue
            for p in self._phrases.get(tok, ()):
                if tuple(toks[i : i + len(p.tokens)]) == p.tokens:
                    end = i + len(p.tokens)
                    words = " ".join(original[source[i] : source[end - 1] + 1])
                    found.append(Mention(p.task, i, end, words, p.alternatives, vague=p.vague))
                    break  # the longest phrase starting here
            found += self._passive(toks, i, source, original)
        return [
            m
            for m in found
            if not any(
                o is not m and o.start <= m.start and m.end <= o.end and (o.end - o.start) > (m.end - m.start)
                for o in found
            )
            and not self._only_says_when(toks, m, found, original[source[m.start]])
        ]

    def _passive(self, toks: list[str], i: int, source: list[int], original: list[str]) -> list[Mention]:
        """A phrase of a verb and its object read in the passive from position i: the object's words, at
        most one "is", "are", "get"..., then the verb's participle ("blood is drawn": "draw blood")."""
        for rest, phrases in self._by_object.get(toks[i], ()):
            j = i + len(rest)
            if tuple(toks[i:j]) != rest or j >= len(toks):
                continue
            if original[source[j]] in _PASSIVE_AUX and j + 1 < len(toks):  # "blood is drawn"; "blood drawn"
                j += 1
            word = original[source[j]]
            if not (word.endswith("ed") or word in _PARTICIPLES):
                continue
            verb = self._stem(_PARTICIPLES.get(word, word))
            for p in phrases:
                if p.tokens[0] == verb:
                    words = " ".join(original[source[i] : source[j] + 1])
                    return [Mention(p.task, i, j + 1, words, p.alternatives, vague=p.vague)]
        return []

    @cached_property
    def _by_object(self) -> dict[str, list[tuple[tuple[str, ...], list[_Phrase]]]]:
        """Phrases of two words or more by the words after the first (the verb's object, if the first
        is a verb), indexed by the object's first word, longest object first."""
        objects: dict[tuple[str, ...], list[_Phrase]] = {}
        for phrases in self._phrases.values():
            for p in phrases:
                if len(p.tokens) >= 2 and all(p.tokens):
                    objects.setdefault(p.tokens[1:], []).append(p)
        index: dict[str, list[tuple[tuple[str, ...], list[_Phrase]]]] = {}
        for rest in sorted(objects, key=lambda r: -len(r)):
            index.setdefault(rest[0], []).append((rest, objects[rest]))
        return index

    @cached_property
    def _when(self) -> tuple[frozenset[str], tuple[tuple[str, ...], ...]]:
        """(words, phrases), stemmed as every phrase is, after which a phrase only says when another is
        done: "pre-laser medication" (the phrase after it); "numbing cream is applied before Botox",
        "anesthesia during surgery" (the phrase before the words)."""
        return (
            frozenset(self.phrase_tokens("pre post")),
            tuple(self.phrase_tokens(w) for w in ("before", "after", "prior to", "during")),
        )

    @staticmethod
    def _in_when_clause(between: list[str]) -> bool:
        """Whether the words between a task's phrase and a later one open a clause of when it is done
        ("..., when they arrive"), not one joined as another case ("... or when the patient asks")."""
        return any(w in _WHEN and (j == 0 or between[j - 1] not in _CONJUNCTIONS) for j, w in enumerate(between))

    def _only_says_when(self, toks: list[str], m: Mention, found: list[Mention], first_word: str) -> bool:
        """Whether `m` only says when another phrase's work is done (see _when), or stands in a clause of
        when it is done (_in_when_clause). Not an act ("reviewed records before authorizing refills": both
        are done), nor after a generic phrase it settles ("handing instruments during the exam")."""
        next_words, before_phrases = self._when
        if m.start and toks[m.start - 1] in next_words and any(o.start >= m.end for o in found):
            return True
        if any(self._in_when_clause(toks[o.end : m.start]) for o in found if o.end <= m.start and not o.alternatives):
            return True  # "check patients in when they arrive for an appointment"
        if first_word.endswith("ing"):
            return False
        for words in before_phrases:
            at = m.start - len(words)
            if at > 0 and tuple(toks[at : m.start]) == words and any(o.end <= at and not o.alternatives for o in found):
                return True
        return False

    def _frame_hits(self, toks: list[str], plain: list[str]) -> list[tuple[int, int, schema.Frame]]:
        hits: list[tuple[int, int, schema.Frame]] = []
        taken: set[int] = set()
        present = (set(toks), set(plain))
        for phrase, frame in self._frames:
            if phrase and phrase[0] not in present[frame.as_written]:  # most frames: their first word is not here
                continue
            n = len(phrase)
            words = plain if frame.as_written else toks
            for i in range(len(words) - n + 1):
                if tuple(words[i : i + n]) == phrase and not taken & set(range(i, i + n)):
                    hits.append((i, i + n, frame))
                    taken |= set(range(i, i + n))
        return hits

    @staticmethod
    def _reaches(start: int, end: int, frame: schema.Frame, m: Mention, plain: list[str] | None = None) -> bool:
        """Whether a frame word reaches a mention: within its gap, or across a list it introduces
        ("assists with procedures such as colposcopy and pelvic examination")."""
        if start <= m.start and m.end <= end:
            return True
        listed = plain is not None and end <= m.start and bool(_LIST_INTRO & set(plain[end : m.start]))
        before = end <= m.start and (m.start - end <= frame.gap or listed) and not _own_act(end, m, plain)
        after = m.end <= start and start - m.end <= frame.gap
        return (before and frame.position != "after") or (after and frame.position != "before")

    def _assisted(self, toks: list[str], plain: list[str], source: list[int], original: list[str]) -> list[Mention]:
        """Work no MA task covers, reached by an assisting frame, is the MA task of assisting with it
        ("assist the physician with suturing" is assisting with minor surgery): a mention spanning the
        frame words and the work, so the work alone is not reported as not an MA task."""
        hits = [(s, e, f) for s, e, f in self._frame_hits(toks, plain) if f.name == "assist"]
        out: list[Mention] = []
        for phrase, entry in self._not_ma:
            at = None if entry.assisted is None else _find(plain, phrase)
            if entry.assisted is None or at is None:
                continue
            for s, e, f in hits:
                if s <= at and e <= at <= e + _ASSISTED_GAP:  # "assist the doctor with suturing"
                    lo, hi = s, at + len(phrase)
                    words = " ".join(original[source[lo] : source[hi - 1] + 1])
                    out.append(Mention(entry.assisted, lo, hi, words, framed=f.name))
                    break
        return out

    def _apply_frames(
        self, toks: list[str], plain: list[str], mentions: list[Mention], source: list[int], original: list[str]
    ) -> list[Mention]:
        """A frame word near a mention changes the act it names ("read" + TB test = interpretation);
        a frame that names a task by itself ("approve refills") adds it where no mention is near."""
        hits = self._frame_hits(toks, plain)
        changed = []
        for m in mentions:
            reaching = [
                (frame.priority, -min(abs(m.start - e), abs(s - m.end)), s, e, frame)
                for s, e, frame in hits
                if self._reaches(s, e, frame, m, plain) and _frame_target(frame, m)
            ]
            if reaching:
                _, _, start, end, frame = max(reaching, key=lambda r: (r[0], r[1]))
                becomes = _frame_target(frame, m)
                if becomes and (becomes != m.task or m.alternatives):  # "initiating an IV": settled as a start
                    also = _frame_also(frame, m)
                    if frame.keeps_unmapped and m.alternatives:
                        readings = [
                            _frame_target(frame, replace(m, task=t, alternatives=())) or t
                            for t in (m.task, *m.alternatives)
                        ]
                        becomes, *rest = dict.fromkeys(readings)
                        also = tuple(dict.fromkeys((*rest, *also)))
                    m = Mention(
                        becomes,
                        min(m.start, start),
                        max(m.end, end),
                        m.words,
                        also,
                        f"'{' '.join(toks[start:end])}' makes it: {self.lib.tasks[becomes].name.lower()}",
                        framed=frame.name,
                    )
            else:
                near = [f for s, e, f in hits if f.name == "assist" and self._reaches(s, e, f, m, plain)]
                if near:  # "assists the provider with IV starts": the task stays, but it is assisting
                    m = replace(m, framed="assist")
            changed.append(m)
        for start, end, frame in hits:
            if frame.alone and not any(
                (self._reaches(start, end, frame, m) and not _own_act(end, m, plain))
                or (m.start < end and start < m.end)
                for m in mentions
            ):  # no mention near, none on the frame's words ("schedule patients")
                words = " ".join(original[source[start] : source[end - 1] + 1])  # as written, not stems ("schedul")
                changed.append(Mention(frame.alone, start, end, words))
        return sorted(changed, key=lambda m: (m.start, m.end))

    def _apply_precedence(self, mentions: list[Mention], plain: list[str], joined_apart: bool = False) -> list[Mention]:
        """A more specific task wins over the generic one named in the same words (the stricter
        decides: a controlled substance over its route, Botox over "injection"), and says so.
        With `joined_apart` (a posting's list item), two tasks joined by a conjunction are two duties
        ("capillary and venipuncture techniques", "take vitals and enter in EHR"): neither beats the other."""
        named = list(dict.fromkeys([m.task for m in mentions] + [a for m in mentions for a in m.alternatives]))
        specific = [m for m in mentions if not m.alternatives and not m.negated]  # a denied task decides nothing
        mentions = [
            m
            for m in mentions
            if not m.alternatives
            or m.end - m.start > 1
            or not any(  # "dispense sample
                s.start - m.end <= _NEAR
                and m.start - s.end <= _NEAR
                and not self._joined(s, m, plain)
                and not (m.end < s.start and plain[m.end] == "for")
                for s in specific
            )
        ]
        # drugs": not "drugs"; a generic phrase that names the act itself ("give injections"), or what is done for
        # the task ("anesthesia for surgical procedures"), is not its object
        tasks = [m.task for m in mentions if not m.alternatives and not m.negated]  # nor do a generic's readings
        beaten = {weak for strong in tasks for weak in self._weaker.get(strong, ()) if weak != strong}
        survivors = [
            m
            for m in mentions
            if m.task not in beaten
            or (
                joined_apart
                and not any(
                    m.task in self._weaker.get(s.task, ()) and not self._joined(s, m, plain)
                    for s in mentions
                    if s is not m
                )
            )
        ]
        if joined_apart:  # a task kept beside the stronger one was not decided over
            named = [t for t in named if t not in {m.task for m in survivors}]
        kept = []
        for m in survivors:
            note = m.note
            won_over = [t for t in named if t in self._weaker.get(m.task, set())]
            if won_over and not note:
                note = (
                    f"'{m.words}' names {self.lib.tasks[m.task].name.lower()}; it decides over "
                    f"{self.lib.tasks[won_over[0]].name.lower()}, which the same words also name, as the more "
                    "specific task"
                )
            kept.append(replace(m, alternatives=tuple(a for a in m.alternatives if a not in beaten), note=note))
        return self._narrowed(kept, plain)

    def _narrowed(self, mentions: list[Mention], plain: list[str]) -> list[Mention]:
        """Two generic phrases side by side, at most two function words and no conjunction between them
        ("inject medications", "injections of medication"), name one act: the tasks both fit."""
        out = sorted(mentions, key=lambda m: (m.start, m.end))
        for a, b in combinations(out, 2):  # a starts first
            between = plain[a.end : b.start]
            if (
                not (a.alternatives and b.alternatives)
                or a.negated
                or b.negated
                or a.framed
                or b.framed
                or b.start < a.end
                or len(between) > 2
                or any(w and w not in _FUNCTION_WORDS for w in between)
                or self._joined(a, b, plain)
            ):
                continue
            fits_a, fits_b = (a.task, *a.alternatives), {b.task, *b.alternatives}
            common = [t for t in fits_a if t in fits_b]
            if common and set(fits_a) != fits_b:
                one = Mention(
                    common[0], a.start, b.end, f"{a.words} {b.words}", tuple(common[1:]), vague=a.vague and b.vague
                )
                return self._narrowed([m for m in out if m is not a and m is not b] + [one], plain)
        return out

    @staticmethod
    def _joined(a: Mention, b: Mention, plain: list[str]) -> bool:
        """Two phrases joined by a conjunction ("draw blood and give injections") are two tasks."""
        lo, hi = (a, b) if a.start < b.start else (b, a)
        return bool(_CONJUNCTIONS & set(plain[lo.end : hi.start]))

    def _analyse(self, text: str, items: bool, apart_only: bool = False) -> _Analysis:
        """One pass over the words, shared by `mentions`, `understand` and `not_ma_mentions`. With
        `apart_only`, only a negation that sets a task apart counts (see _asked_though_denied)."""
        toks, plain, source, original = self.tokens(text)

        phrases = self._raw_mentions(toks, source, original)

        def negation(m: Mention) -> str:
            return self._negation(plain, _modified(m, phrases), apart_only)

        raw = _settled(phrases + self._assisted(toks, plain, source, original), lambda m: bool(negation(m)))
        framed = [replace(m, negated=negation(m)) for m in self._apply_frames(toks, plain, raw, source, original)]
        item_of = self.clauses(text) if items else []
        groups: dict[int, list[Mention]] = {}
        for m in framed:
            groups.setdefault(item_of[source[m.start]] if source and item_of else 0, []).append(m)
        found = sorted(
            (k for group in groups.values() for k in self._apply_precedence(group, plain, bool(item_of))),
            key=lambda m: (m.start, m.end),
        )
        frames = {f.name for _, _, f in self._frame_hits(toks, plain)}
        found = [replace(m, negated=negation(m)) for m in found]
        return _Analysis(plain, source, original, raw, framed, found, frames, toks)

    def mentions(self, text: str, *, items: bool = False) -> list[Mention]:
        """Every task named in the words (a sentence of a posting, or a question), in order; a
        negated one ("no IV starts", "injections are not part of this role") says so. With `items`
        (a posting's sentence), precedence acts within each list item ("draw blood, give injections"
        names two duties); frames and negation reach across items either way."""
        return self._analyse(text, items).found

    def _not_ma_hits(self, a: _Analysis, tasks: set[str]) -> Iterator[tuple[int, tuple[str, ...], schema.NotMATask]]:
        """Work no MA task covers, where no task or frame it yields to is named and no longer task
        phrase around it ("suture removal") makes it an MA task; at most one hit per word."""
        taken: set[int] = set()
        for phrase, entry in self._not_ma:
            at = _find(a.plain, phrase)
            if (
                at is None
                or set(entry.yields_to) & tasks
                or self._paperwork_for(a, at, at + len(phrase))
                or set(entry.yields_to_frames) & a.frames
                or self._example_of_a_task(a, at)
            ):
                continue
            span = set(range(at, at + len(phrase)))
            if (
                span & taken
                or any(m.start <= at and at + len(phrase) <= m.end and m.end - m.start > len(phrase) for m in a.raw)
                or self._shares_head(a, at, at + len(phrase))
            ):
                continue
            taken |= span
            yield at, phrase, entry

    @staticmethod
    def _example_of_a_task(a: _Analysis, at: int) -> bool:
        """Whether work no MA task covers is named as an example of a task just before it, in a list
        the task introduces ("IV medications, such as chemotherapy", "IV lines, including PICC lines"):
        the question is the task, of which this is one case."""
        for m in a.found:
            # a generic before it ("medications such as chemotherapy") gives way to the example
            if m.negated or m.alternatives or m.end > at:
                continue
            intro = next((i for i in range(m.end, min(at, m.end + 3)) if a.plain[i] in _LIST_INTRO), None)
            if intro is not None and at - intro <= _EXAMPLE_GAP and not _CONJUNCTIONS & set(a.plain[m.end : intro]):
                return True
        return False

    def _shares_head(self, a: _Analysis, start: int, end: int) -> bool:
        """Whether the words at [start, end) are the first of two modifiers of one task phrase's last
        words ("suture or staple removal", "suture/staple removal" is suture removal or staple removal),
        and with those words are a phrase of the same task: then they name that task, not the other
        work they name alone."""
        if end >= len(a.plain):
            return False
        joined = end + 1 if a.plain[end] in ("or", "and") else end
        for m in a.raw:
            if m.start == joined and m.end - m.start >= 2:
                whole = (*a.stems[start:end], *a.stems[m.start + 1 : m.end])
                if any(p.tokens == whole and p.task == m.task for p in self._phrases.get(whole[0], ())):
                    return True
        return False

    def _paperwork_for(self, a: _Analysis, start: int, end: int) -> bool:
        """Whether scheduling, insurance or billing is named for this work ("schedule an MRI", "MRI
        scheduling"), not beside it as another task ("prescribe medications and schedule appointments")."""
        for m in a.framed:
            if m.task not in self.vocab.paperwork or m.negated:
                continue
            lo, hi = (m.end, start) if m.end <= start else (end, m.start)
            if 0 <= hi - lo <= _PAPERWORK_GAP and not _CONJUNCTIONS & set(a.plain[lo:hi]):
                return True
        return False

    @cached_property
    def _negation_words(
        self,
    ) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]], list[tuple[str, ...]], list[tuple[str, ...]]]:
        neg = self.vocab.negation
        if neg is None:
            return [], [], [], []

        def words(items: tuple[str, ...]) -> list[tuple[str, ...]]:
            found = (_trigger_words(w) for w in items)
            return sorted((p for p in found if p), key=lambda p: -len(p))  # a word of no letters matches nothing

        return words(neg.before), words(neg.after), words(neg.pseudo), words(neg.terminators)

    def _negation(self, plain: list[str], m: Mention, apart_only: bool = False) -> str:
        """The trigger that negates the mention within its scope, or ''; with `apart_only`, only one
        that sets it apart ("without", "non-")."""
        trigger = self._trigger(plain, m)
        return trigger if not apart_only or trigger in self._apart else ""

    @cached_property
    def _apart(self) -> frozenset[str]:
        """The negation triggers that set a task apart from what the words are about (vocabulary
        `negation.excluding`), and the prefix "non-"."""
        neg = self.vocab.negation
        # split as the triggers are, so a trigger found is one of these as written
        return frozenset({"non", *(" ".join(_trigger_words(w)) for w in neg.excluding)} if neg else {"non"})

    def _trigger(self, plain: list[str], m: Mention) -> str:
        neg = self.vocab.negation
        if neg is None:
            return ""
        # "non-medical records": the prefix denies the phrase's first word ("non-sterile dressing" is a dressing)
        if m.start > 0 and plain[m.start - 1] == "non":
            return "non"
        before, after, pseudo, ends = self._negation_words
        blocked: set[int] = set()
        for p in pseudo:
            for i in range(len(plain) - len(p) + 1):
                if plain[i] == p[0] and tuple(plain[i : i + len(p)]) == p:
                    blocked |= set(range(i, i + len(p)))
        start = max(0, m.start - neg.scope)
        for i in range(m.start - 1, start - 1, -1):  # walk back from the mention to the nearest terminator
            if any(plain[i] == t[0] and tuple(plain[i : i + len(t)]) == t for t in ends):
                break
            for trigger in before:
                if (
                    plain[i] == trigger[0]
                    and i not in blocked
                    and tuple(plain[i : i + len(trigger)]) == trigger
                    and i + len(trigger) <= m.start
                ):
                    return " ".join(trigger)
        stop = min(len(plain), m.end + neg.scope)
        for i in range(m.end, stop):
            if any(plain[i] == t[0] and tuple(plain[i : i + len(t)]) == t for t in ends):
                break
            for trigger in after:
                if plain[i] == trigger[0] and i not in blocked and tuple(plain[i : i + len(trigger)]) == trigger:
                    return " ".join(trigger)
        return ""

    def _denied(self, a: _Analysis, at: int, phrase: tuple[str, ...]) -> str:
        """The trigger that negates work no MA task covers, found at `at`, or ''."""
        return self._negation(a.plain, Mention("", at, at + len(phrase), " ".join(phrase)))

    def not_ma_mentions(self, text: str) -> list[tuple[str, str, str, int]]:
        """Work no MA task covers, named in a posting's sentence: (what, the words, the negation
        trigger or '', the position of the first word). Read as `understand` reads a question (a
        task or frame it yields to, or a longer task phrase around it, makes it an MA task), but
        every one is reported, with its negation; questions never call this."""
        a = self._analyse(text, items=False)
        out: list[tuple[str, str, str, int]] = []
        for at, phrase, entry in self._not_ma_hits(a, {m.task for m in a.framed}):
            out.append(
                (
                    entry.what,
                    " ".join(a.original[a.source[at] : a.source[at + len(phrase) - 1] + 1]),
                    self._denied(a, at, phrase),
                    a.source[at],
                )
            )
        return out

    # ---- a question

    def understand(self, text: str, field: str = "--task") -> Understood:
        """What the words mean (memoized: a batch asks the same words many times). A task id is
        itself."""
        if text.strip() in self.lib.tasks:
            return Understood(text, text.strip())
        return _remembered(
            self._understood, text, lambda: self._as_a_whole(self._of_an_ma(self._understand(text, field)))
        )

    def _as_a_whole(self, u: Understood) -> Understood:
        """Where the phrases ask back between tasks, what the words as a whole read as (reader.py) weighs
        in. The tasks named come likeliest first (a reading in doubt keeps the phrase's task first): the
        first offered, and the one an answer settled by facts names. A task no phrase named is asked too:
        "provide samples of prescription drugs to patients" names giving medication, by its routes, and
        reads as dispensing (one more candidate, never an answer, and never a task the words deny or set
        apart: "an anesthetic agent, except topical numbing agents"). Words that read as no MA task are
        asked back even where every task named gets the same answer ("The sclerosant is injected into the
        spider vein"): the answer would be to work no MA does."""
        if u.task or not u.candidates or u.not_ma or u.language:
            return u
        ranked, read = self.reader.as_a_whole(u.text, u.candidates)
        several = len(u.candidates) > 1 and not u.doubt  # tasks the phrases name, none in doubt
        if several:
            u = replace(u, candidates=ranked)
        if read is None:
            return u
        if read.task is None:
            return replace(u, doubt=_NO_TASK_AS_A_WHOLE) if several else u
        if read.task in u.candidates:
            return u
        denied = {t for m in self._analyse(u.text, items=False).found if m.negated for t in (m.task, *m.alternatives)}
        return u if read.task in denied else replace(u, candidates=(*u.candidates, read.task))

    def _of_an_ma(self, u: Understood) -> Understood:
        """Words that put another role first ("Can nurses remove stitches?") ask what that role may do:
        the task or tasks they name are asked back, never answered as an MA's (vocabulary `roles`)."""
        if not (u.task or u.candidates) or u.doubt:
            return u
        words = split_words(u.text.casefold())
        at = self._other_role(words)
        if at is None:
            return u
        as_written = split_words(u.text)  # the role as the asker wrote it ("EMTs"), where casefolding kept
        role = as_written[at] if len(as_written) == len(words) else words[at]  # the words apart ("İ" -> "i̇")
        return Understood(u.text, None, (u.task,) if u.task else u.candidates, u.note, doubt=_asked_of(role))

    def _other_role(self, words: list[str]) -> int | None:
        """Where the words (casefolded) open with a role that is not an MA's ("the nurse", "can EMTs")."""
        others, ours = self._roles
        if not others or not ours.isdisjoint(words):
            return None
        for i, word in enumerate(words[:_ROLE_REACH]):
            if word in others:
                after = words[i + 1] if i + 1 < len(words) else ""
                return i if after and after not in _ROLE_COMPOUNDS else None
            if word not in _BEFORE_ROLE:
                return None
        return None

    @cached_property
    def _roles(self) -> tuple[frozenset[str], frozenset[str]]:
        roles = self.vocab.roles
        if roles is None:
            return frozenset(), frozenset()
        return frozenset(w.casefold() for w in roles.others), frozenset(w.casefold() for w in roles.ours)

    @cached_property
    def _understood(self) -> dict[str, Understood]:
        return {}

    @cached_property
    def _nearest(self) -> dict[str, tuple[list[str], str]]:
        return {}

    def _understand(self, text: str, field: str) -> Understood:
        if len(text) > MAX_CHARS:
            raise UserError(
                f"{field}: unknown task: a task in a few words, please (at most {MAX_CHARS} characters); "
                f"this has {len(text):,}"
            )
        words = split_words(text)
        if len(words) > MAX_WORDS:
            raise UserError(
                f"{field}: unknown task: a task in a few words, please (at most {MAX_WORDS}); this has {len(words)}"
            )
        a = self._analyse(text, items=False)
        found = [m for m in a.found if not m.negated]
        language = self._languages.of(a.original, self._stem)
        if language:
            named_in_it = tuple(dict.fromkeys(x for m in found for x in (m.task, *m.alternatives)))
            return Understood(text, None, language=language, besides=named_in_it)
        tasks = list(dict.fromkeys(m.task for m in found))
        named = set(tasks) | {m.task for m in a.found if m.negated}  # "do not need a monitor when giving nitrous"
        role_of: tuple[str, str] | None = None  # (the role as written, its work's `what`)
        for at, phrase, entry in self._not_ma_hits(a, named):
            denied = self._denied(a, at, phrase)
            if denied and (found or denied in self._apart):
                # "do not diagnose ..., but give the test results": the work denied is not what is asked;
                # "non-surgical procedures": the work set apart is not what the words are about
                continue
            if entry.role and named:  # "can a veterinary technician induce anesthesia?": asked of that role,
                # unless the words name that role's own work too ("a rabies vaccine to a dog")
                role_of = role_of or (
                    " ".join(a.original[a.source[at] : a.source[at + len(phrase) - 1] + 1]),
                    entry.what,
                )
                continue
            if not self._doubted(a.stems, at, at + len(phrase), not_ma=entry.what):
                # "monitor sedation and give nitrous oxide": the answer is still no answer, and it says
                # what else the words name, which may be asked alone
                apart = [m for m in found if m.end <= at or m.start >= at + len(phrase)]
                besides = tuple(dict.fromkeys(x for m in apart for x in (m.task, *m.alternatives)))
                return Understood(text, None, not_ma=entry.what, besides=besides)
        if role_of:
            return self._asked_of_a_role(a, text, found, *role_of)
        found = [m for m in found if self._without_its_act(a, m) is None]
        if not found:
            found = self._asked_though_denied(a, text)
            tasks = list(dict.fromkeys(m.task for m in found))
        doubted = self._doubted_mentions(a, found)
        if doubted:
            found = [m for m in found if m not in doubted]
            tasks = list(dict.fromkeys(m.task for m in found))
            fitting = (
                tasks
                + [x for m in found for x in m.alternatives]
                + [t for m in doubted for t in self._before_frames(a, m)]
            )
            if not fitting:
                return Understood(text, None)  # nothing else fits: the nearest tasks are suggested
            ids = tuple(dict.fromkeys([m.task for m in doubted] + fitting))
            return Understood(text, None, ids, self._sense_note(a, doubted[0]))
        note = next((x.note for x in found if x.note), "")
        if len(tasks) == 1:
            m = found[0]
            kept_open = [a for x in found if x.framed for a in x.alternatives]  # "prepare patients for exams"
            if m.alternatives or kept_open:
                return Understood(text, None, tuple(dict.fromkeys((m.task, *m.alternatives, *kept_open))), note)
            return self._second_reading(a, text, m) or Understood(text, m.task, note=note)
        if len(tasks) > 1:
            alternatives = [x for m in found for x in m.alternatives]
            return Understood(text, None, tuple(dict.fromkeys(tasks + alternatives)), note)
        return Understood(text, None)

    def _asked_of_a_role(self, a: _Analysis, text: str, found: list[Mention], role: str, work: str) -> Understood:
        """Words that name a role no MA holds beside a task ("can a dental hygienist administer local
        anesthesia?") ask what that role may do: the tasks named, or denied, are asked back, never answered
        as an MA's; with every task set apart, the words are about the role's own work (`work`)."""
        asked = found or self._asked_though_denied(a, text)
        ids = tuple(dict.fromkeys(x for m in asked for x in (m.task, *m.alternatives)))
        if not ids:
            return Understood(text, None, not_ma=work)
        return Understood(text, None, ids, next((m.note for m in asked if m.note), ""), doubt=_asked_of(role))

    def _asked_though_denied(self, a: _Analysis, text: str) -> list[Mention]:
        """Words that name tasks only to deny the act ("MAs may not start an IV", "we cannot draw blood
        from minors") ask about those tasks: they are read as named, and the note says the words deny
        them. A task set apart ("without interpretation of results", "non-medical records") is not what
        the words are about, and is not read."""
        trigger = next((m.negated for m in a.found if m.negated and m.negated not in self._apart), "")
        if not trigger:
            return []
        again = self._analyse(text, items=False, apart_only=True)  # precedence and frames, as if not denied
        note = f"the words deny it ('{trigger}'); this is the answer for the task itself"
        return [replace(m, note=noted(m.note, note)) for m in again.found if not m.negated]

    def _second_reading(self, a: _Analysis, text: str, m: Mention) -> Understood | None:
        """Asked back when the words as a whole all but rule out the task their phrase names: both
        readings are offered, or the phrase's task alone when the words read as no MA task at all.
        Words that are the phrase and nothing more ("opioids") are the catalogue's sense: no doubt. A task
        the words set apart ("an anesthetic agent, except topical numbing agents") is not their reading."""
        if all(not s or s in _FUNCTION_WORDS or s in self._asking for s in a.stems[: m.start] + a.stems[m.end :]):
            return None  # the phrase alone, or asked as a question ("Is it legal for a CMA to draw blood?")
        set_apart = {t for x in a.found if x.negated in self._apart for t in (x.task, *x.alternatives)}
        doubt = self.reader.doubt(text, m.task, set_apart)
        if doubt is None:
            return None
        named = self.lib.tasks[m.task].name.lower()
        if doubt.instead is None:
            why = (
                f"names {named} by the words '{m.words}', but read as a whole does not read as that task or any MA task"
            )
            return Understood(text, None, (m.task,), doubt=why)
        instead = self.lib.tasks[doubt.instead].name.lower()
        why = f"names {named} by the words '{m.words}', but read as a whole reads as {instead}"
        return Understood(text, None, (m.task, doubt.instead), doubt=why)

    @cached_property
    def reader(self) -> Reader:
        from scopecheck.decide.reader import Reader

        return Reader.load(self.lib.root / READER_MODEL)

    def _doubted_mentions(self, a: _Analysis, found: list[Mention]) -> list[Mention]:
        """Mentions whose task rests only on a cue read in a sense the words around it do not confirm. Words
        that are nothing but a task's phrase ("dressings", "clinic scheduling") are read in the catalogue's sense."""
        doubted = [
            m
            for m in found
            if not m.alternatives
            and (m.framed or any(a.stems[: m.start] + a.stems[m.end :]))
            and self._doubted(a.stems, m.start, m.end, task=m.task)
        ]
        sure = {m.task for m in found if m not in doubted}
        return [m for m in doubted if m.task not in sure]

    @cached_property
    def _asking(self) -> frozenset[str]:
        """The words of asking (vocabulary `asking`), stemmed as the words read are."""
        return frozenset(w for word in self.vocab.asking for w in self.phrase_tokens(word))

    @cached_property
    def _acts(self) -> dict[tuple[str, ...], _Acts]:
        """A generic entry's phrase (stemmed) -> its words of doing the act (vocabulary `acts`)."""
        out = {}
        for generic in self.vocab.generic:
            if generic.acts:
                stems = [t for t in (self.phrase_tokens(w) for w in generic.acts) if t]
                has_act = [
                    w for w in generic.words if any(_find(list(self.phrase_tokens(w)), t) is not None for t in stems)
                ]
                acts = _Acts(stems, generic.gap, has_act[0] if has_act else "")
                out.update({toks: acts for toks in map(self.phrase_tokens, generic.words) if toks})
        return out

    def _without_its_act(self, a: _Analysis, m: Mention) -> _Acts | None:
        """The acts of a generic phrase that names its tasks only with a word of doing the act (vocabulary
        `acts`), where none is near: "dispose of expired medications" is not giving one. Words that are the
        phrase and nothing more ("medications") are asked back as the catalogue's sense."""
        acts = self._acts.get(tuple(a.stems[m.start : m.end]))
        if acts is None or not any(a.stems[: m.start] + a.stems[m.end :]):
            return None
        near = a.stems[max(0, m.start - acts.gap) : m.end + acts.gap]
        return None if any(_find(near, act) is not None for act in acts.stems) else acts

    @staticmethod
    def _before_frames(a: _Analysis, m: Mention) -> list[str]:
        """What the words read as before a frame changed them ("reading test strips": the test itself)."""
        return [r.task for r in a.raw if m.start <= r.start and r.end <= m.end and r.task != m.task]

    def _sense_note(self, a: _Analysis, m: Mention) -> str:
        words = " ".join(a.original[a.source[m.start] : a.source[m.end - 1] + 1])
        return f"'{words}' names {self.lib.tasks[m.task].name.lower()} only in one of its senses, which nothing here confirms (see senses)"

    def task(self, text: str, field: str = "--task") -> str:
        """Exactly one task id, or a UserError that asks back, says 'not an MA task', or suggests."""
        understood = self.understand(text, field)
        if understood.task:
            return understood.task
        raise self.refusal(understood, field)

    def refusal(self, understood: Understood, field: str) -> UserError:
        text = understood.text
        if understood.language:
            return OtherLanguage(field, text, understood.language, self.candidates(understood.besides))
        if understood.not_ma:
            return NotAnMATask(field, text, understood.not_ma, self.candidates(understood.besides))
        if understood.candidates:
            return AmbiguousTask(field, text, self.candidates(understood.candidates), understood.doubt)
        if not set(split_words(text.casefold())) - _FUNCTION_WORDS:
            return UserError(f"{field}: '{text}' has no words to read as a task")
        return self.no_match(text, field)

    def candidates(self, ids: tuple[str, ...] | list[str]) -> list[Candidate]:
        return [Candidate(i, self.lib.tasks[i].name) for i in ids]

    def no_match(self, text: str, field: str) -> UnknownName:
        """Nothing fits: the nearest tasks, best first (never an answer for one of them), and why a generic
        phrase in the words was not read ("'medications' names a task only beside a word of doing it")."""
        nearest, why = _remembered(self._nearest, text, lambda: self._nearest_and_why(text))
        best = self.candidates(nearest)
        message = f"{field}: unknown task '{text[:80]}'{why}" + (f"; nearest: {listed(best)}" if best else "")
        return UnknownName(message, field, text[:80], "task", best, see="" if best else "tasks")

    def _nearest_and_why(self, text: str) -> tuple[list[str], str]:
        """The nearest tasks, and the words' generic phrase left unread for want of its act: the words are
        read once for both."""
        a = self._analyse(text, items=False)
        bare = next(
            ((m, acts) for m in a.found if not m.negated for acts in [self._without_its_act(a, m)] if acts), None
        )
        why = ""
        if bare:
            m, acts = bare
            example = f" ('{acts.example}')" if acts.example else ""
            why = f"; '{m.words}' names a task only beside a word of doing it{example}"
        return self._nearest_tasks(text, a), why

    def _nearest_tasks(self, text: str, a: _Analysis | None = None) -> list[str]:
        """The tasks the words name but deny ("not permitted to start an IV": the question is about
        starting one), then the tasks the words as a whole read as (reader.py), then the tasks that share
        the most telling words with the question: each word of a task's phrases weighs more the fewer
        tasks use it ("glucose" tells more than "test"), and a word no phrase has stands for the one it
        is a misspelling of ("shoot": "shot"). `a`: the words as read, where the caller read them."""
        a = a or self._analyse(text, items=False)
        denied = [t for m in a.found if m.negated for t in (m.task, *m.alternatives)]
        denied += [m.task for m in self._doubted_mentions(a, [m for m in a.found if not m.negated])]
        weights, words_of = self._telling
        said: set[str] = set()
        for word in self.phrase_tokens(text):
            if word in weights:
                said.add(word)
            elif len(word) > 3 and word not in _FUNCTION_WORDS:
                said.update(self._misspelling_of(word))
        # summed in one order: a set's order changes with the process's hash seed, and so would the
        # last bits of a float sum, and with them the order of tasks that tie
        scored = {task: math.fsum(weights[w] for w in sorted(said & words)) for task, words in words_of.items()}
        close = [t for t, s in sorted(scored.items(), key=lambda kv: -kv[1]) if s >= 1.0]
        # a frame the words name says what the act is ("patients learn how to clean their MDIs" is
        # teaching): its task is next after the closest
        framed = [t for f in self.vocab.frames if f.name in a.frames for t in (f.alone or f.default,) if t]
        read = self.reader.likely_tasks(text)
        return list(dict.fromkeys(denied + read + close[:1] + framed + close[1:]))[: max(4, len(set(denied)))]

    def _misspelling_of(self, word: str) -> list[str]:
        """The phrase word this one is a close misspelling of, if any (remembered: difflib is slow, and a
        batch's or a server's questions share their words)."""
        return _remembered(
            self._misspelt, word, lambda: difflib.get_close_matches(word, self._telling[0].keys(), 1, 0.8)
        )

    @cached_property
    def _misspelt(self) -> dict[str, list[str]]:
        return {}

    @cached_property
    def _telling(self) -> tuple[dict[str, float], dict[str, set[str]]]:
        """(each word of the phrase index -> how telling it is: log of how few tasks use it; each task ->
        the words of its phrases, a generic phrase's for each task it fits). Function words tell nothing."""
        words_of: dict[str, set[str]] = {task_id: set() for task_id in self.lib.tasks}  # ties: catalogue order
        for phrases in self._phrases.values():
            for p in phrases:
                for task_id in (p.task, *p.alternatives):
                    words_of[task_id].update(w for w in p.tokens if w not in _FUNCTION_WORDS)
        used: dict[str, int] = {}
        for words in words_of.values():
            for w in words:
                used[w] = used.get(w, 0) + 1
        weights = {w: math.log((len(words_of) + 1) / n) for w, n in used.items()}
        return weights, words_of


def _trigger_words(trigger: str) -> tuple[str, ...]:
    """A negation trigger's words, split as the words of a question are ("not", "non-", "e.g.")."""
    return tuple(split_words(trigger.casefold()))


def _asked_of(role: str) -> str:
    """Why words that ask what another role may do are asked back, not answered."""
    return f"asks it of {role}, and scopecheck answers what a medical assistant may do"


def noted(note: str, more: str) -> str:
    """A reading's note with more said after it ("'botox' names ...; the words deny it ...")."""
    return f"{note}; {more}" if note else more


def _settled(mentions: list[Mention], denied: Callable[[Mention], bool]) -> list[Mention]:
    """A generic phrase whose readings include exactly one task the same words name specifically is
    that task ("catheter insertions ... Foley" is urinary; "allergy shots ... extracts or allergens" is
    immunotherapy): the words themselves say which. A task the words deny settles nothing
    ("administer meds but not insulin" is not insulin's route)."""
    named = {m.task for m in mentions if not m.alternatives and not denied(m)}
    out = []
    for m in mentions:
        if m.alternatives:
            fits = [t for t in (m.task, *m.alternatives) if t in named]
            if len(fits) == 1:
                m = replace(m, task=fits[0], alternatives=())
        out.append(m)
    return out


def _remembered(memo: dict[str, _T], key: str, make: Callable[[], _T]) -> _T:
    """memo[key], made once; a full memo (_CACHE entries) starts again, so a long-running server's
    stays bounded. Made values depend only on the key, so threads racing here store equal values."""
    found = memo.get(key)
    if found is None:
        found = make()
        if len(memo) >= _CACHE:
            memo.clear()
        memo[key] = found
    return found


def _find(toks: list[str], phrase: tuple[str, ...]) -> int | None:
    if phrase and phrase[0] not in toks:  # the usual case, found in one pass in C
        return None
    n = len(phrase)
    return next((i for i in range(len(toks) - n + 1) if tuple(toks[i : i + n]) == phrase), None)


def _frame_also(frame: schema.Frame, m: Mention) -> tuple[str, ...]:
    """The readings a frame keeps open beside the one it makes of a mention."""
    for task in (m.task, *m.alternatives):
        for x in frame.map:
            if x.task == task:
                return x.also
    return ()


def _modified(m: Mention, phrases: list[Mention]) -> Mention:
    """The task's phrase that a generic word right after it is the noun of ("IV push medications"), whose
    negation is the generic word's too ("do not allow students to give IV push meds"); else `m`."""
    if not m.alternatives:
        return m
    return next((p for p in phrases if p.end == m.start and not p.alternatives), m)


def _own_act(end: int, m: Mention, plain: list[str] | None) -> bool:
    """Whether the words from a frame word (ending at `end`) to a mention after it give the mention a
    verb of its own after a conjunction ("schedule and perform x-rays") or as the frame word's
    infinitive ("started to take my IV out"): then the frame does not reach it."""
    if plain is None or m.start < end:
        return False
    between = plain[end : m.start + 1]  # and the mention's first word ("and take x-rays")
    if between[:1] == ["to"] and m.start == end + 1 and plain[m.start] in _DOING:
        return True  # "started to take my IV out": the frame word only says when the act begins
    return any(w in _CONJUNCTIONS and after in _DOING for w, after in pairwise(between))


def _frame_target(frame: schema.Frame, m: Mention) -> str | None:
    """What a frame makes of a mention (its task, or a generic mention's alternatives), or None."""
    mapping = {x.task: x.becomes for x in frame.map}
    for task in (m.task, *m.alternatives):
        if task in mapping:
            return mapping[task]
    if frame.default and (not frame.applies_to or set(frame.applies_to) & {m.task, *m.alternatives}):
        return frame.default
    return None
