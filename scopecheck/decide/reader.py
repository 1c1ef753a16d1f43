"""A second reading of a question's words, as a whole: two models over real, hand-labelled phrasings.

The matcher (matcher.py) reads phrases. A wording it has not seen can contain a phrase that, in
those words, means something else ("administer anesthesia to animals", "holter monitor analysis").
This reader weighs every word against how people worded each task in the labelled corpora of
tests/data, twice: naive Bayes counts each word as if it were alone, and logistic regression weighs
the words against one another (a word that comes with many tasks weighs little). Where naive Bayes is
all but sure the words do not mean the matcher's task, or logistic regression reads them as another
task first, the matcher does not answer: it asks back, offering both readings. What both read together
(`agreed`) orders and adds to the tasks asked back, and is suggested where nothing fits. The reader
never answers on its own.

The model is data (rules/reader.json), trained by `scopecheck rules train-reader`, which records
the corpora it read; a test retrains it from them and compares.
"""

from __future__ import annotations

import hashlib
import json
import math
import operator
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scopecheck.decide.matcher import _WORD, stem
from scopecheck.errors import Defect, UserError

NONE = "none"  # the class of words no MA task covers
VALIDATION = "validation"  # a corpus's held-back split: measured on, never trained on
ALPHA = 0.03  # additive smoothing: a word a task never had is unlikely, not impossible
MIN_SOURCES = 2  # a word is kept when at least this many phrasings use it (one phrasing's word is noise)
#: Ask back when naive Bayes gives the matcher's one task less than this, and another reading leads;
#: or when logistic regression gives it less than WEIGHED_DOUBT_BELOW and another reading leads. 0.01
#: until stop 23, then 0.2 alone (the sets the reader never saw: about one wrong answer in four fewer,
#: three right answers asked back for each). Stop 30 added logistic regression and went back to 0.01,
#: chosen on the training sets each left out in turn (8,821 phrasings): 0.2 alone 188 wrong, 5,864
#: right or asked back among acceptable tasks only; both at 0.01 and 0.5, 171 and 5,945 (0.5 is "another
#: task weighs more": above it the task would lead).
DOUBT_BELOW = 0.01
WEIGHED_DOUBT_BELOW = 0.5
#: Logistic regression's training: stochastic gradient descent, EPOCHS passes over the phrasings in an
#: order fixed by a hash of the pass and each phrasing's place (no random state: the same file on every
#: machine), step RATE / (1 + t / n) at the t-th of n phrasings a pass, an L2 penalty of L2 / n on the
#: weights a phrasing touches. Weights are kept to WEIGHT_PLACES decimals, and those smaller than
#: WEIGHT_FLOOR left out (the file stays small).
#: As sklearn's LogisticRegression(C=1) did on the sets each left out in turn, within a phrasing.
EPOCHS = 5
RATE = 0.5
L2 = 1.0
WEIGHT_PLACES = 2
WEIGHT_FLOOR = 0.05
#: Where nothing fits, the reader's readings at least SUGGEST_FROM likely are suggested, best first, when
#: together they are at least SUGGEST_TOGETHER likely (words of no task, "the weather today", read as
#: several tasks at 10-16 % each by naive Bayes). Until stop 25 only its best reading, at 0.5. Chosen on
#: the training sets each left out in turn: the right task among the suggestions 1,043 -> 1,064 times of
#: 1,266, first 798 -> 796. Since stop 31 the reading is both models' together (their geometric mean: a
#: task both read as likely leads; naive Bayes alone was also sure of the tasks its loudest words name)
#: and together at least 0.3: of 1,304 left out in a quarter at a time, the right task first 774 -> 829,
#: among 1,068 -> 1,079; words labelled no task given a suggestion 870 -> 862.
SUGGEST_FROM = 0.1
SUGGEST_TOGETHER = 0.3
#: Where the phrases ask back between tasks, the task both models read the words as, at least ALSO_ASK_FROM
#: likely, is asked too when the phrases did not name it ("provide samples of prescription drugs to
#: patients": giving medication, and dispensing it). Chosen on the training sets left out a quarter at a
#: time (2,987 asked back): at 0.8, 47 ask-backs without the right task gain it, 10 among acceptable tasks
#: only gain one not (0.7: 62 and 22; 0.9: 37 and 3).
ALSO_ASK_FROM = 0.8
#: Where the phrases name several tasks that each get the same answer in a state, that answer is given
#: (Checker.settle_task) unless both models read the words as no MA task at least NO_TASK_FROM likely:
#: then they are asked back ("The sclerosant is injected into the spider vein" names injections by each
#: route, and is no MA's work). Left out a quarter at a time (1,510 such ask-backs): at 0.5, 79 of 175 words
#: labelled no task and 25 of 92 whose task is none of those named are asked, and 90 of 1,243 among whose
#: tasks the labelled one is (0.3: 100, 35 and 144; 0.7: 60, 11 and 60; 0.9: 39, 7 and 27).
NO_TASK_FROM = 0.5


def features(text: str) -> list[str]:
    """Each word once, case folded and lightly stemmed ("Draws" = "drawing"); nothing dropped. Once:
    a word said again ("please please please") says nothing more of the task."""
    return list(dict.fromkeys(stem(w) for w in _WORD.findall(text.casefold())))


def _softmax(scores: Sequence[float]) -> list[float]:
    """Scores (log odds, in the classes' order) as probabilities: both models' reading, and training's."""
    top = max(scores)
    exp = [math.exp(s - top) for s in scores]
    total = math.fsum(exp)
    return [e / total for e in exp]


def train(examples: Iterable[tuple[str, Sequence[str]]], trained_on: dict[str, str]) -> dict[str, Any]:
    """The model: per class, how many phrasings name it and how often each kept word occurs in them. A
    phrasing with k acceptable tasks counts 1/k to each; counts are kept as whole numbers of the least
    common share (`scale`), so the file is exact and the same on every machine."""
    featured = [(features(text), tasks) for text, tasks in examples]  # read once, for both models
    scale = math.lcm(*(len(tasks) for _, tasks in featured))
    classes: dict[str, int] = {}
    counts: dict[str, dict[str, int]] = {}
    used_by: dict[str, int] = {}
    for words, tasks in featured:
        share = scale // len(tasks)
        for word in set(words):
            used_by[word] = used_by.get(word, 0) + 1
        for task in tasks:
            classes[task] = classes.get(task, 0) + share
            for word in words:
                per = counts.setdefault(word, {})
                per[task] = per.get(task, 0) + share
    kept = sorted(w for w, n in used_by.items() if n >= MIN_SOURCES)
    bias, weights = _weigh(featured, sorted(classes), set(kept))
    totals = dict.fromkeys(sorted(classes), 0)
    order = {t: i for i, t in enumerate(totals)}
    for word in kept:
        for task, n in counts[word].items():
            totals[task] += n
    return {
        "about": "scopecheck's second reading of task words (scopecheck/decide/reader.py); "
        "made by `scopecheck rules train-reader`, never by hand",
        "trained_on": trained_on,
        "alpha": ALPHA,
        "scale": scale,
        "classes": dict(sorted(classes.items())),
        "totals": totals,  # each class's kept words, counted with repeats
        # each word: [class's place in `classes`, count, ...], flat, to keep the file small
        "words": {w: [x for t, n in sorted(counts[w].items()) for x in (order[t], n)] for w in kept},
        # logistic regression: each class's bias, in the order of `classes`; each word's weights, as
        # [class's place, weight, ...] without those smaller than WEIGHT_FLOOR
        "bias": bias,
        "weights": weights,
    }


def _weigh(
    featured: list[tuple[list[str], Sequence[str]]], classes: list[str], kept: set[str]
) -> tuple[list[float], dict[str, list[float]]]:
    """Multinomial logistic regression on the kept words of each phrasing's features (see EPOCHS): a
    phrasing with k acceptable tasks is 1/k each of them. Pure Python, about three seconds on 10,000."""
    place = {t: i for i, t in enumerate(classes)}
    rows = [([w for w in words if w in kept], [place[t] for t in tasks]) for words, tasks in featured]
    n, k = len(rows), len(classes)
    bias, weights = [0.0] * k, {w: [0.0] * k for w in sorted(kept)}
    decay, step = L2 / n, 0
    for epoch in range(EPOCHS):
        order = sorted(range(n), key=lambda i: hashlib.sha256(f"{epoch}:{i}".encode()).digest())
        for i in order:
            words, tasks = rows[i]
            scores = bias
            for w in words:
                scores = list(map(operator.add, scores, weights[w]))
            gradient = _softmax(scores)
            for t in tasks:
                gradient[t] -= 1 / len(tasks)
            rate = RATE / (1 + step / n)
            step += 1
            bias = [b - rate * g for b, g in zip(bias, gradient)]
            for w in words:
                weights[w] = [x - rate * (g + decay * x) for x, g in zip(weights[w], gradient)]
    kept_weights = {
        w: [x for i, v in enumerate(ws) if abs(v) >= WEIGHT_FLOOR for x in (i, round(v, WEIGHT_PLACES))]
        for w, ws in weights.items()
    }
    return [round(b, WEIGHT_PLACES) for b in bias], {w: ws for w, ws in kept_weights.items() if ws}


def corpus_examples(
    paths: Sequence[Path], tasks: Collection[str]
) -> tuple[list[tuple[str, list[str]]], dict[str, str]]:
    """The (text, acceptable tasks) of every phrasing in these corpus files (tests/data/phrasings*.toml),
    and each file's name with the start of its sha256, so the model says what it was made from. A file
    that is not such a corpus, or a task id not in the catalogue, is a UserError naming the file. A
    corpus's validation split (`split = "validation"`) is never trained on: it is kept to measure with."""
    import tomllib

    examples: list[tuple[str, list[str]]] = []
    hashes: dict[str, str] = {}
    for path in paths:
        if path.name in hashes:  # the model names its corpora by file name: one name, one corpus
            raise UserError(f"{path}: a corpus named {path.name} is given already; each is read once")
        try:
            raw = path.read_bytes()
            phrasings = tomllib.loads(raw.decode("utf-8"))["phrasings"]
            found = [(_text(p["text"]), [_text(t) for t in p["tasks"]]) for p in phrasings]
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise UserError(f"{path}: not a phrasing corpus: {exc}") from None
        except (KeyError, TypeError, ValueError) as exc:
            raise UserError(
                f"{path}: not a phrasing corpus: every [[phrasings]] needs text and tasks, as text ({exc})"
            ) from None
        for n, (_, ids) in enumerate(found, 1):
            unknown = [t for t in ids if t != NONE and t not in tasks]
            if unknown or not ids:
                raise UserError(f"{path}: phrasing {n}: task ids not in the catalogue: {unknown or 'none given'}")
        hashes[path.name] = hashlib.sha256(raw).hexdigest()[:16]
        examples += [example for example, p in zip(found, phrasings) if p.get("split") != VALIDATION]
    if not examples:
        raise UserError(f"{', '.join(map(str, paths))}: no phrasings to train on")
    return examples, hashes


def _text(value: object) -> str:
    if not isinstance(value, str):  # `text = 5` was read as the phrasing "5"
        raise ValueError(f"{value!r} is not text")
    return value


def model_json(model: dict[str, Any]) -> str:
    """The model as JSON with one word a line, so a retrained model's diff shows what changed."""
    per_word = ("words", "weights")
    head = {k: v for k, v in model.items() if k not in per_word}
    lines = [json.dumps(k) + ":" + json.dumps(v, ensure_ascii=False) for k, v in head.items()]
    for key in per_word:
        body = ",\n".join(
            json.dumps(w, ensure_ascii=False) + ":" + json.dumps(c, separators=(",", ":"))
            for w, c in model[key].items()
        )
        lines.append(json.dumps(key) + ":{\n" + body + "\n}")
    return "{\n" + ",\n".join(lines) + "}\n"


@dataclass(frozen=True)
class Doubt:
    """The matcher's task all but ruled out by the words as a whole, and what they read as instead: a
    task id, or None for work no MA task covers."""

    task: str
    instead: str | None


@dataclass(frozen=True)
class Reading:
    """What the words as a whole surely read as: a task id, or None for work no MA task covers."""

    task: str | None


class Reader:
    """Naive Bayes: a class's probability is its share of phrasings times, for each known word of the
    question, how often its phrasings use that word (smoothed by ALPHA). Logistic regression: a class's
    probability is the softmax of its bias plus its weight for each known word."""

    def __init__(self, model: dict[str, Any]):
        alpha, scale = float(model["alpha"]), int(model["scale"])
        classes: dict[str, int] = model["classes"]
        totals: dict[str, int] = model["totals"]
        self._words: dict[str, list[int]] = model["words"]
        if set(totals) != set(classes):
            raise ValueError("`totals` must name exactly the classes")
        if any(not 0 <= i < len(classes) for flat in self._words.values() for i in flat[::2]):
            raise ValueError("a word names a class that is not in `classes`")
        documents, vocabulary = sum(classes.values()), len(self._words)
        self.classes = tuple(classes)
        self._prior = {t: math.log(n / documents) for t, n in classes.items()}
        self._per_word = {t: math.log(alpha / (totals[t] / scale + alpha * vocabulary)) for t in classes}
        self._alpha, self._scale = alpha, scale
        self._lift: dict[str, dict[str, float]] = {}  # a word's, made when a question first has it
        self._bias: list[float] = [float(b) for b in model["bias"]]
        self._weights: dict[str, list[Any]] = model["weights"]
        if len(self._bias) != len(classes):
            raise ValueError("`bias` must have one weight for each class")
        for word, flat in self._weights.items():  # checked once here, so a question never meets a bad one
            places, weights = flat[::2], flat[1::2]
            if len(places) != len(weights) or not all(type(i) is int and 0 <= i < len(classes) for i in places):
                raise ValueError(f"the weights of {word!r} name a class that is not in `classes`")
            if not all(type(w) in (int, float) for w in weights):
                raise ValueError(f"the weights of {word!r} are not all numbers")

    def _lifted(self, word: str) -> dict[str, float]:
        lift = self._lift.get(word)
        if lift is None:
            a, scale = self._alpha, self._scale
            flat, classes = self._words[word], self.classes
            lift = self._lift[word] = {
                classes[flat[i]]: math.log((flat[i + 1] / scale + a) / a) for i in range(0, len(flat), 2)
            }
        return lift

    @classmethod
    def load(cls, path: Path) -> Reader:
        """The model in `path`; one line naming the file when it is missing or not a model."""
        try:
            return cls(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError, AttributeError, ZeroDivisionError) as exc:
            raise UserError(
                f"{path}: not a reader model ({type(exc).__name__}: {exc}); make it with `scopecheck rules train-reader`"
            ) from None

    def _bayes(self, words: list[str]) -> dict[str, float]:
        """Each class's probability for these words by naive Bayes (words the corpora never used twice weigh
        nothing)."""
        known = [self._lifted(w) for w in words if w in self._words]
        scores = {t: self._prior[t] + len(known) * self._per_word[t] for t in self.classes}
        for lift in known:
            for t, x in lift.items():
                scores[t] += x
        return dict(zip(self.classes, _softmax([scores[t] for t in self.classes])))

    def _regression(self, words: list[str]) -> dict[str, float]:
        """Each class's probability by logistic regression (words it was not trained on weigh nothing)."""
        scores = list(self._bias)
        for word in words:
            flat = self._weights.get(word, ())
            for i in range(0, len(flat), 2):
                scores[flat[i]] += flat[i + 1]
        return dict(zip(self.classes, _softmax(scores)))

    def agreed(self, text: str) -> dict[str, float]:
        """Each class's probability as both models read the words: their geometric mean, normalised."""
        words = features(text)  # read once for both models
        bayes, weighed = self._bayes(words), self._regression(words)
        both = [math.sqrt(bayes[t] * weighed[t]) for t in self.classes]
        total = math.fsum(both)
        return {t: x / total for t, x in zip(self.classes, both)}

    def likely_tasks(self, text: str) -> list[str]:
        """The tasks these words read as at least SUGGEST_FROM likely (both models together), most likely
        first (ties by id), when together at least SUGGEST_TOGETHER likely; none where the words read as
        no task at all ("thank you")."""
        p = self.agreed(text)
        likely = sorted((t for t in self.classes if t != NONE and p[t] >= SUGGEST_FROM), key=lambda t: (-p[t], t))
        return likely if math.fsum(p[t] for t in likely) >= SUGGEST_TOGETHER else []

    def as_a_whole(self, text: str, tasks: Sequence[str]) -> tuple[tuple[str, ...], Reading | None]:
        """What both models read these words as, once: the `tasks` likeliest first (ties keep their order, a
        task the models were never trained on comes after those they know), and what the words surely read
        as: a task at least ALSO_ASK_FROM likely, or no MA task at least NO_TASK_FROM likely (else None)."""
        p = self.agreed(text)
        ranked = tuple(sorted(tasks, key=lambda t: -p.get(t, -1.0)))
        task = max((t for t in self.classes if t != NONE), key=lambda t: (p[t], t))
        if p[task] >= ALSO_ASK_FROM:
            return ranked, Reading(task)
        return ranked, Reading(None) if p[NONE] >= NO_TASK_FROM else None

    def doubt(self, text: str, task: str, set_apart: Collection[str] = ()) -> Doubt | None:
        """A Doubt when the words as a whole all but rule `task` out (naive Bayes) or weigh as another task
        first (logistic regression), reading as something other than the tasks they `set_apart` (the
        reader weighs words and cannot see "except"). A task no phrasing it was trained on named (one
        added to the catalogue since) is never doubted."""
        if task not in self._prior:
            return None
        words = features(text)
        for read, below in ((self._bayes, DOUBT_BELOW), (self._regression, WEIGHED_DOUBT_BELOW)):
            p = read(words)  # the second model only where the first does not doubt
            instead = max((t for t in self.classes if t not in set_apart), key=lambda t: (p[t], t))
            if instead != task and p[task] < below:
                return Doubt(task, None if instead == NONE else instead)
        return None


def model_defects(path: Path, tasks: Collection[str]) -> list[Defect]:
    """`rules validate`: the model present, readable as the matcher reads it, and naming only catalogue
    tasks (or NONE), since the matcher offers its reading as a task to choose."""
    if not path.exists():
        return [Defect(path, "missing: the matcher's reader model; make it with `scopecheck rules train-reader`")]
    try:
        reader = Reader.load(path)
    except UserError as exc:
        return [Defect(path, str(exc).removeprefix(f"{path}: "))]
    unknown = [c for c in reader.classes if c != NONE and c not in tasks]
    return [Defect(path, f"classes not in the task catalogue: {', '.join(unknown)}; retrain it")] if unknown else []
