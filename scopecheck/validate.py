"""Checks that reach across a file or across files: references, ids, overlaps, dates.

The schema (schema.py) decides the shape of one file; this module decides whether the files agree
with each other. Every defect names its file, key and line. A rule set that fails here is never
used to answer a question.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
import re

from . import schema
from .compiler import CompileError, compile_plan
from .data import CATALOGUES, Library, Loaded
from .errors import Defect, RuleFileError
from .plan import build_plan
from .resolve import normalize


STATE_FILE = re.compile(r"[A-Z]{2}\.toml")


def _rule_defects(
    lib: Library, loaded: Loaded[schema.StateFile] | Loaded[schema.BaselineFile], prefix: str
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
                out.append(loaded.defect(f"rule '{rule.id}' cites source '{sid}', not defined in this file", *where, "sources", j))
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
    """A rule may claim no more confidence than its best read source carries (DESIGN.md)."""
    cited = [sources[s] for s in rule.sources if s in sources]
    if not cited:
        return []
    best = max(cited, key=lambda s: schema.CONFIDENCE_ORDER.index(s.cap))
    order = schema.CONFIDENCE_ORDER.index
    if order(rule.confidence) <= order(best.cap):
        return []
    what = f"rule '{rule.id}'" if isinstance(rule, schema.Rule) else "the doctrine"
    why = "unread" if not best.read else f"a {best.kind.replace('_', ' ')} source"
    return [loaded.defect(
        f"{what} claims confidence '{rule.confidence}' but its best source '{best.id}' is {why} "
        f"(at most '{best.cap}'); cite an official text or lower the confidence", *where, "confidence")]


def _conflict(a: schema.Rule, b: schema.Rule) -> str:
    """Why two rules that cover the same task on overlapping dates cannot both hold ('' if they can)."""
    if "defer" in (a.effect, b.effect):
        return "a 'defer' rule (state silent) overlaps another rule"
    unscoped_forbid = any(r.effect == "forbid" and not r.forbid_in_settings for r in (a, b))
    if {a.effect, b.effect} == {"permit", "forbid"} and unscoped_forbid:
        return "permit and forbid overlap with no precedence (scope the forbid with forbid_in_settings or split the dates)"
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
            wanted = ["defer", "permit", "forbid_any"] if b.effect == "defer" else (
                ["defer", "forbid_unscoped"] if b.effect == "permit" else
                ["defer", "permit"] if not b.forbid_in_settings else ["defer"])
            for kind in wanted:
                clash = next((k for k in active[kind] if _conflict(rules[k], b)), None)
                if clash is not None:
                    found.setdefault((clash, j), set()).add(task)
                    break
            active[{"defer": "defer", "permit": "permit"}.get(b.effect, "forbid_any")].append(j)
            if b.effect == "forbid" and not b.forbid_in_settings:
                active["forbid_unscoped"].append(j)
    out = []
    for (i, j), tasks in sorted(found.items()):
        a, b = rules[i], rules[j]
        shared = sorted(set(a.tasks) & set(b.tasks))
        out.append(loaded.defect(f"rules '{a.id}' and '{b.id}' both cover {', '.join(shared)}: {_conflict(a, b)}",
                                 "rules", j, "tasks"))
    return out


def state_defects(lib: Library, loaded: Loaded[schema.StateFile]) -> list[Defect]:
    model = loaded.model
    code = model.jurisdiction.code
    out = []
    if loaded.path.stem != code:
        out.append(loaded.defect(f"file is named {loaded.path.name} but declares code '{code}'", "jurisdiction", "code"))
    if code not in lib.jurisdictions:
        out.append(loaded.defect(f"'{code}' is not in rules/jurisdictions.toml", "jurisdiction", "code"))
    out += _rule_defects(lib, loaded, code + "-")
    source_ids = {s.id for s in model.sources}
    out += _confidence_defects(loaded, model.doctrine, {s.id: s for s in model.sources}, ("doctrine",))
    for j, sid in enumerate(model.doctrine.sources):
        if sid not in source_ids:
            out.append(loaded.defect(f"doctrine cites source '{sid}', not defined in this file", "doctrine", "sources", j))
    for j, cred in enumerate(model.jurisdiction.credentials):
        if cred not in lib.credentials:
            out.append(loaded.defect(f"unknown credential id '{cred}'", "jurisdiction", "credentials", j))
    baseline_tasks = {t for r in lib.baseline.rules for t in r.tasks}
    for i, rule in enumerate(model.rules):
        if rule.effect == "defer" and set(rule.tasks) & baseline_tasks:
            tasks = ", ".join(sorted(set(rule.tasks) & baseline_tasks))
            out.append(loaded.defect(
                f"rule '{rule.id}' defers on {tasks}, which a baseline rule forbids everywhere; "
                "encode a permit or forbid instead", "rules", i, "effect"))
    names: set[str] = set()
    for i, ex in enumerate(model.examples):
        if ex.name in names:
            out.append(loaded.defect(f"duplicate example name '{ex.name}'", "examples", i, "name"))
        names.add(ex.name)
    return out


def _word_defects(loaded: Loaded[schema.Strict], key: str, entries: Iterable[schema.Strict], id_field: str) -> list[Defect]:
    """Ids unique; no id, name or synonym that reads (after the resolver's own normalisation) as
    another entry's: the resolver would silently answer for the first one."""
    out: list[Defect] = []
    ids: set[str] = set()
    words: dict[str, str] = {}
    for i, entry in enumerate(entries):
        eid: str = getattr(entry, id_field)
        if eid in ids:
            out.append(loaded.defect(f"duplicate {id_field} '{eid}'", key, i, id_field))
        ids.add(eid)
        named = [(id_field, eid, ()), ("name", getattr(entry, "name"), ())]
        named += [("synonyms", w, (j,)) for j, w in enumerate(getattr(entry, "synonyms"))]
        for field, word, index in named:
            other = words.setdefault(normalize(word), eid)
            if other != eid:
                what = "synonym" if field == "synonyms" else field
                out.append(loaded.defect(f"{what} '{word}' of '{eid}' already names '{other}'", key, i, field, *index))
    return out


def catalogue_defects(lib: Library) -> list[Defect]:
    """Ids unique within each catalogue; no plain-words synonym pointing at two different ids."""
    out: list[Defect] = []
    catalogues: list[tuple[Loaded[schema.Strict], str, Iterable[schema.Strict], str]] = [
        (lib.tasks_file, "tasks", lib.tasks_file.model.tasks, "id"),  # type: ignore[list-item]
        (lib.credentials_file, "credentials", lib.credentials_file.model.credentials, "id"),  # type: ignore[list-item]
        (lib.trainings_file, "trainings", lib.trainings_file.model.trainings, "id"),  # type: ignore[list-item]
        (lib.settings_file, "settings", lib.settings_file.model.settings, "id"),  # type: ignore[list-item]
        (lib.titles_file, "titles", lib.titles_file.model.titles, "id"),  # type: ignore[list-item]
        (lib.jurisdictions_file, "jurisdictions", lib.jurisdictions_file.model.jurisdictions, "code"),  # type: ignore[list-item]
    ]
    for loaded, key, entries, id_field in catalogues:
        out += _word_defects(loaded, key, entries, id_field)
    for i, cred in enumerate(lib.credentials_file.model.credentials):
        if cred.id in lib.trainings:
            out.append(lib.credentials_file.defect(f"'{cred.id}' is both a credential and a training", "credentials", i, "id"))
        for k, sat in enumerate(cred.satisfied_by):
            for j, other in enumerate(sat.credentials):
                if other not in lib.credentials or other == cred.id:
                    out.append(lib.credentials_file.defect(
                        f"'{cred.id}' is satisfied by unknown credential '{other}'", "credentials", i, "satisfied_by", k, "credentials", j))
            for j, tr in enumerate(sat.trainings):
                if tr not in lib.trainings:
                    out.append(lib.credentials_file.defect(
                        f"unknown training id '{tr}'", "credentials", i, "satisfied_by", k, "trainings", j))
    titles = lib.titles_file
    for i, title in enumerate(titles.model.titles):
        for j, task in enumerate(title.duties):
            if task not in lib.tasks:
                out.append(titles.defect(f"unknown task id '{task}'", "titles", i, "duties", j))
        for j, cred in enumerate(title.credentials):
            if cred not in lib.credentials:
                out.append(titles.defect(f"unknown credential id '{cred}'", "titles", i, "credentials", j))
    baseline = lib.baseline_file
    out += _rule_defects(lib, baseline, "BASE-")
    out += vocabulary_defects(lib)
    return out


def vocabulary_defects(lib: Library) -> list[Defect]:
    """Every task id the vocabulary names exists; no phrase is claimed by two cue or generic entries."""
    loaded = lib.vocabulary_file
    vocab = loaded.model
    out: list[Defect] = []

    def check(task: str | None, *loc: str | int) -> None:
        if task is not None and task not in lib.tasks:
            out.append(loaded.defect(f"unknown task id '{task}'", *loc))

    claimed: dict[str, str] = {}
    for i, cue in enumerate(vocab.cues):
        check(cue.task, "cues", i, "task")
        for j, word in enumerate(cue.words):
            other = claimed.setdefault(normalize(word), cue.task)
            if other != cue.task:
                out.append(loaded.defect(f"'{word}' names '{cue.task}' here and '{other}' in another cue", "cues", i, "words", j))
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
    return out


def stray_files(lib: Library) -> list[Defect]:
    """Files in the data directory that nothing reads (`CA.TOML`, `notes.toml` in rules/): named,
    never skipped in silence, since a rule file that is not read is a wrong answer."""
    out = []
    for path in sorted((lib.root / "rules").iterdir()):
        if path.name not in CATALOGUES and not path.name.startswith("."):
            out.append(Defect(path, f"unrecognised file in rules/ (expected one of: {', '.join(CATALOGUES)})"))
    for folder, what in ((lib.root / "states", "a state file"), (lib.root / "states" / "cases", "a cases file")):
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if path.name.startswith(".") or (path.is_dir() and path.name == "cases" and folder.name == "states"):
                continue
            if not (path.is_file() and STATE_FILE.fullmatch(path.name)):
                out.append(Defect(path, f"unrecognised file: {what} is named like CA.toml (two capital letters)"))
            elif folder.name == "cases" and path.stem not in lib.encoded_states():
                out.append(Defect(path, f"cases for {path.stem}, which has no state file"))
    return out


def compile_defects(lib: Library, code: str) -> list[Defect]:
    """Compile the state as `check` would, so the engine's limits fail here, with the file named."""
    try:
        compile_plan(build_plan(lib, code))
    except CompileError as exc:
        return [Defect(lib.state_path(code), str(exc))]
    return []


def case_defects(lib: Library, code: str) -> list[Defect]:
    try:
        lib.cases(code)
    except RuleFileError as exc:
        return exc.defects
    return []


def all_defects(lib: Library, codes: Iterable[str] | None = None) -> list[Defect]:
    """Every defect in the catalogues, the data directory and the named (default: all) state files."""
    out: list[Defect] = []
    try:
        out += catalogue_defects(lib)
    except RuleFileError as exc:
        return exc.defects
    out += stray_files(lib)
    for code in codes if codes is not None else lib.encoded_states():
        try:
            lib.state_file(code)
        except RuleFileError as exc:
            out += exc.defects
            continue
        out += compile_defects(lib, code)
        out += case_defects(lib, code)
    return out
