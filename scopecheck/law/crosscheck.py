"""Whether one rule file agrees with the catalogues and with itself: references, ids, confidence
caps, overlapping rules. Loading a state runs it (a file that fails is never used to answer);
`rules validate` runs it on every file, with the checks across files (validate.py).

It needs only the catalogues, not the Library, so loading can call it without a cycle.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Protocol

from scopecheck.errors import Defect
from scopecheck.law import schema
from scopecheck.law.terms import normalize
from scopecheck.law.tomlfile import Loaded


class Catalogues(Protocol):
    """What a rule file is checked against (the Library provides it)."""

    @property
    def tasks(self) -> Mapping[str, schema.Task]: ...
    @property
    def credentials(self) -> Mapping[str, schema.Credential]: ...
    @property
    def trainings(self) -> Mapping[str, schema.Training]: ...
    @property
    def settings(self) -> Mapping[str, schema.Setting]: ...
    @property
    def jurisdictions(self) -> Mapping[str, schema.JurisdictionName]: ...
    @property
    def baseline(self) -> schema.BaselineFile: ...


def rule_defects(
    lib: Catalogues, loaded: Loaded[schema.StateFile] | Loaded[schema.BaselineFile], prefix: str
) -> list[Defect]:
    model = loaded.model
    out: list[Defect] = []
    source_ids: set[str] = set()
    for i, source in enumerate(model.sources):
        if source.id in source_ids:
            out.append(loaded.defect(f"duplicate source id '{source.id}'", "sources", i, "id"))
        source_ids.add(source.id)
    rule_ids: set[str] = set()
    by_id = {s.id: s for s in model.sources}
    for i, rule in enumerate(model.rules):
        where = ("rules", i)
        out += _confidence_defects(loaded, rule, by_id, where)
        if not rule.id.startswith(prefix):
            out.append(loaded.defect(f"rule id '{rule.id}' must start with '{prefix}'", *where, "id"))
        if rule.id in rule_ids:
            out.append(loaded.defect(f"duplicate rule id '{rule.id}'", *where, "id"))
        rule_ids.add(rule.id)
        for j, sid in enumerate(rule.sources):
            if sid not in source_ids:
                out.append(
                    loaded.defect(
                        f"rule '{rule.id}' cites source '{sid}', not defined in this file", *where, "sources", j
                    )
                )
        for j, task in enumerate(rule.tasks):
            if task not in lib.tasks:
                out.append(loaded.defect(f"unknown task id '{task}'", *where, "tasks", j))
        req = rule.requires
        for j, cred in enumerate(req.credentials):
            if cred not in lib.credentials:
                out.append(loaded.defect(f"unknown credential id '{cred}'", *where, "requires", "credentials", j))
        for j, tr in enumerate(req.trainings):
            if tr not in lib.trainings:
                out.append(loaded.defect(f"unknown training id '{tr}'", *where, "requires", "trainings", j))
        for key, settings in (("requires", req.settings), ("forbid_in_settings", rule.forbid_in_settings)):
            for j, setting in enumerate(settings):
                if setting not in lib.settings:
                    loc = (*where, "requires", "settings", j) if key == "requires" else (*where, key, j)
                    out.append(loaded.defect(f"unknown setting id '{setting}'", *loc))
    out += _overlap_defects(loaded)
    return out


def _confidence_defects(
    loaded: Loaded[schema.StateFile] | Loaded[schema.BaselineFile],
    rule: schema.Rule | schema.Doctrine,
    sources: dict[str, schema.Source],
    where: tuple[str | int, ...],
) -> list[Defect]:
    """A rule may claim no more confidence than its best read source carries (DESIGN.md); a rule
    recalled rather than encoded from a text it read rests on no read text at all: `low`."""
    cited = [sources[s] for s in rule.sources if s in sources]
    if not cited:
        return []
    what = f"rule '{rule.id}'" if isinstance(rule, schema.Rule) else "the doctrine"
    if rule.basis == "recalled" and rule.confidence != "low":
        return [
            loaded.defect(
                f"{what} claims confidence '{rule.confidence}' but its basis is 'recalled' (encoded without reading "
                "its source: at most 'low'); read the source and say basis = \"read\", or lower the confidence",
                *where,
                "confidence",
            )
        ]
    best = max(cited, key=lambda s: schema.CONFIDENCE_ORDER.index(s.cap))
    order = schema.CONFIDENCE_ORDER.index
    if order(rule.confidence) <= order(best.cap):
        return []
    why = "unread" if not best.read else f"a {best.kind.replace('_', ' ')} source"
    return [
        loaded.defect(
            f"{what} claims confidence '{rule.confidence}' but its best source '{best.id}' is {why} "
            f"(at most '{best.cap}'); cite an official text or lower the confidence",
            *where,
            "confidence",
        )
    ]


def _conflict(a: schema.Rule, b: schema.Rule) -> str:
    """Why two rules that cover the same task on overlapping dates cannot both hold ('' if they can)."""
    if "defer" in (a.effect, b.effect):
        return "a 'defer' rule (state silent) overlaps another rule"
    unscoped_forbid = any(r.effect == "forbid" and not r.forbid_in_settings for r in (a, b))
    if {a.effect, b.effect} == {"permit", "forbid"} and unscoped_forbid:
        return (
            "permit and forbid overlap with no precedence (scope the forbid with forbid_in_settings or split the dates)"
        )
    return ""


def _overlap_defects(loaded: Loaded[schema.StateFile] | Loaded[schema.BaselineFile]) -> list[Defect]:
    """Two rules that decide the same case in contradictory ways, with nothing to rank them.

    Near-linear: rules are grouped by task, and each rule is compared only with the rules of the
    kinds it can conflict with that are still in effect when it starts (one defect per rule and task),
    so a file of thousands of rules validates in well under a second."""
    found: dict[tuple[int, int], set[str]] = {}
    by_task: dict[str, list[int]] = {}
    rules = loaded.model.rules
    for i, rule in enumerate(rules):
        for task in rule.tasks:
            by_task.setdefault(task, []).append(i)
    for task, members in by_task.items():
        members.sort(key=lambda k: (rules[k].effective_from or date.min, k))
        active: dict[str, list[int]] = {"defer": [], "permit": [], "forbid_any": [], "forbid_unscoped": []}
        for j in members:
            b = rules[j]
            start = b.effective_from or date.min
            for kind in active:
                active[kind] = [k for k in active[kind] if (rules[k].effective_to or date.max) > start]
            wanted = (
                ["defer", "permit", "forbid_any"]
                if b.effect == "defer"
                else (
                    ["defer", "forbid_unscoped"]
                    if b.effect == "permit"
                    else ["defer", "permit"]
                    if not b.forbid_in_settings
                    else ["defer"]
                )
            )
            for kind in wanted:
                clash = next((k for k in active[kind] if _conflict(rules[k], b)), None)
                if clash is not None:
                    found.setdefault((clash, j), set()).add(task)
                    break
            active[{"defer": "defer", "permit": "permit"}.get(b.effect, "forbid_any")].append(j)
            if b.effect == "forbid" and not b.forbid_in_settings:
                active["forbid_unscoped"].append(j)
    out = []
    for i, j in sorted(found):
        a, b = rules[i], rules[j]
        shared = sorted(set(a.tasks) & set(b.tasks))
        out.append(
            loaded.defect(
                f"rules '{a.id}' and '{b.id}' both cover {', '.join(shared)}: {_conflict(a, b)}", "rules", j, "tasks"
            )
        )
    return out


def state_defects(lib: Catalogues, loaded: Loaded[schema.StateFile]) -> list[Defect]:
    model = loaded.model
    code = model.jurisdiction.code
    out = []
    if loaded.path.stem != code:
        out.append(
            loaded.defect(f"file is named {loaded.path.name} but declares code '{code}'", "jurisdiction", "code")
        )
    if code not in lib.jurisdictions:
        out.append(loaded.defect(f"'{code}' is not in rules/jurisdictions.toml", "jurisdiction", "code"))
    out += rule_defects(lib, loaded, code + "-")
    source_ids = {s.id for s in model.sources}
    out += _confidence_defects(loaded, model.doctrine, {s.id: s for s in model.sources}, ("doctrine",))
    for j, sid in enumerate(model.doctrine.sources):
        if sid not in source_ids:
            out.append(
                loaded.defect(f"doctrine cites source '{sid}', not defined in this file", "doctrine", "sources", j)
            )
    for j, cred in enumerate(model.jurisdiction.credentials):
        if cred not in lib.credentials:
            out.append(loaded.defect(f"unknown credential id '{cred}'", "jurisdiction", "credentials", j))
    baseline_tasks = {t for r in lib.baseline.rules for t in r.tasks}
    for i, rule in enumerate(model.rules):
        if rule.effect == "defer" and set(rule.tasks) & baseline_tasks:
            tasks = ", ".join(sorted(set(rule.tasks) & baseline_tasks))
            out.append(
                loaded.defect(
                    f"rule '{rule.id}' defers on {tasks}, which a baseline rule forbids everywhere; "
                    "encode a permit or forbid instead",
                    "rules",
                    i,
                    "effect",
                )
            )
    today = date.today()
    if model.jurisdiction.last_verified > today:  # a check not yet made says nothing
        out.append(
            loaded.defect(
                f"last_verified {model.jurisdiction.last_verified} is after today", "jurisdiction", "last_verified"
            )
        )
    for i, rule in enumerate(model.rules):
        if rule.last_verified is not None and rule.last_verified > today:
            out.append(loaded.defect(f"last_verified {rule.last_verified} is after today", "rules", i, "last_verified"))
    names: set[str] = set()
    for i, ex in enumerate(model.examples):
        if ex.name in names:
            out.append(loaded.defect(f"duplicate example name '{ex.name}'", "examples", i, "name"))
        names.add(ex.name)
    return out


def vocabulary_references(lib: Catalogues, loaded: Loaded[schema.Vocabulary]) -> list[Defect]:
    """Every task id the vocabulary names exists, and every sense's not-MA entry: checked when the
    vocabulary is loaded, as `rules validate` checks it (a task renamed in rules/tasks.toml left
    "billing" read as a task no catalogue has: an internal KeyError)."""
    vocab = loaded.model
    out: list[Defect] = []

    def check(task: str | None, *loc: str | int) -> None:
        if task is not None and task not in lib.tasks:
            out.append(loaded.defect(f"unknown task id '{task}'", *loc))

    for i, cue in enumerate(vocab.cues):
        check(cue.task, "cues", i, "task")
    for i, generic in enumerate(vocab.generic):
        for j, task in enumerate(generic.tasks):
            check(task, "generic", i, "tasks", j)
    for i, frame in enumerate(vocab.frames):
        check(frame.default, "frames", i, "default")
        check(frame.alone, "frames", i, "alone")
        for j, task in enumerate(frame.applies_to):
            check(task, "frames", i, "applies_to", j)
        for j, pair in enumerate(frame.map):
            check(pair.task, "frames", i, "map", j, "task")
            check(pair.becomes, "frames", i, "map", j, "becomes")
            for k, task in enumerate(pair.also):
                check(task, "frames", i, "map", j, "also", k)
    for i, rule in enumerate(vocab.precedence):
        check(rule.stronger, "precedence", i, "stronger")
        for j, task in enumerate(rule.weaker):
            check(task, "precedence", i, "weaker", j)
    for i, entry in enumerate(vocab.not_ma_tasks):
        for j, task in enumerate(entry.yields_to):
            check(task, "not_ma_tasks", i, "yields_to", j)
        check(entry.assisted, "not_ma_tasks", i, "assisted")
    for i, task in enumerate(vocab.paperwork):
        check(task, "paperwork", i)
    languages = {entry.name for entry in vocab.languages}
    marked = [("cues", i, cue.language) for i, cue in enumerate(vocab.cues)]
    marked += [("generic", i, generic.language) for i, generic in enumerate(vocab.generic)]
    for kind, i, language in marked:
        if language is not None and language not in languages:
            out.append(loaded.defect(f"'{language}' is no `languages` entry's name", kind, i, "language"))
    if vocab.negation is not None:
        triggers = {normalize(w) for w in vocab.negation.before + vocab.negation.after}
        for i, word in enumerate(vocab.negation.excluding):
            if normalize(word) not in triggers:
                out.append(loaded.defect(f"'{word}' is no `before` or `after` trigger", "negation", "excluding", i))
    not_ma = {entry.what for entry in vocab.not_ma_tasks}
    for i, sense in enumerate(vocab.senses):
        check(sense.task, "senses", i, "task")
        if sense.not_ma is not None and sense.not_ma not in not_ma:
            out.append(loaded.defect(f"'{sense.not_ma}' is no not_ma_tasks entry's `what`", "senses", i, "not_ma"))
    return out
