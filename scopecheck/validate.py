"""Checks that reach across a file or across files: references, ids, overlaps, dates.

The schema (schema.py) decides the shape of one file; this module decides whether the files agree
with each other. Every defect names its file, key and line. A rule set that fails here is never
used to answer a question.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from itertools import combinations

from . import schema
from .data import Library, Loaded
from .errors import Defect, RuleFileError


def _windows_overlap(a: schema.Rule, b: schema.Rule) -> bool:
    a_from, b_from = a.effective_from or date.min, b.effective_from or date.min
    a_to, b_to = a.effective_to or date.max, b.effective_to or date.max
    return a_from < b_to and b_from < a_to


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


def _overlap_defects(loaded: Loaded[schema.StateFile] | Loaded[schema.BaselineFile]) -> list[Defect]:
    """Two rules that decide the same case in contradictory ways, with nothing to rank them."""
    out = []
    rules = loaded.model.rules
    for (i, a), (j, b) in combinations(enumerate(rules), 2):
        shared = sorted(set(a.tasks) & set(b.tasks))
        if not shared or not _windows_overlap(a, b):
            continue
        kinds = {a.effect, b.effect}
        unscoped_forbid = any(r.effect == "forbid" and not r.forbid_in_settings for r in (a, b))
        if "defer" in kinds:
            problem = "a 'defer' rule (state silent) overlaps another rule"
        elif kinds == {"permit", "forbid"} and unscoped_forbid:
            problem = "permit and forbid overlap with no precedence (scope the forbid with forbid_in_settings or split the dates)"
        else:
            continue
        out.append(loaded.defect(f"rules '{a.id}' and '{b.id}' both cover {', '.join(shared)}: {problem}", "rules", j, "tasks"))
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


def catalogue_defects(lib: Library) -> list[Defect]:
    """Ids unique within each catalogue; no plain-words synonym pointing at two different ids."""
    out: list[Defect] = []
    catalogues: list[tuple[Loaded[schema.Strict], str, Iterable[schema.Strict]]] = [
        (lib.tasks_file, "tasks", lib.tasks_file.model.tasks),  # type: ignore[list-item]
        (lib.credentials_file, "credentials", lib.credentials_file.model.credentials),  # type: ignore[list-item]
        (lib.trainings_file, "trainings", lib.trainings_file.model.trainings),  # type: ignore[list-item]
        (lib.settings_file, "settings", lib.settings_file.model.settings),  # type: ignore[list-item]
        (lib.titles_file, "titles", lib.titles_file.model.titles),  # type: ignore[list-item]
    ]
    for loaded, key, entries in catalogues:
        ids: set[str] = set()
        words: dict[str, str] = {}
        for i, entry in enumerate(entries):
            eid: str = getattr(entry, "id")
            if eid in ids:
                out.append(loaded.defect(f"duplicate id '{eid}'", key, i, "id"))
            ids.add(eid)
            for j, word in enumerate((getattr(entry, "name"), *getattr(entry, "synonyms"))):
                norm = " ".join(word.casefold().split())
                other = words.setdefault(norm, eid)
                if other != eid and j > 0:
                    out.append(loaded.defect(f"synonym '{word}' of '{eid}' already names '{other}'", key, i, "synonyms", j - 1))
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
    return out


def all_defects(lib: Library, codes: Iterable[str] | None = None) -> list[Defect]:
    """Every defect in the catalogues and in the named (default: all) state files."""
    out: list[Defect] = []
    try:
        out += catalogue_defects(lib)
    except RuleFileError as exc:
        return exc.defects
    for code in codes if codes is not None else lib.encoded_states():
        try:
            lib.state_file(code)
        except RuleFileError as exc:
            out += exc.defects
    return out
