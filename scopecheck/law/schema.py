"""The rule-file schema: the single definition of a valid `states/XX.toml` and `rules/*.toml`.

Every class forbids unknown keys (a typo such as `supervison` is an error, not a silently ignored
field) and is frozen (loaded law is never mutated). Checks that need more than one file (is this
task id in the catalogue?) live in `crosscheck.py` and `validate.py`; checks inside one file live here.

The classes are plain frozen dataclasses, so the answer path never imports pydantic: pydantic
validates a file only where it is read from TOML (`tomlfile.validated`, which reads the limits below
and `__pydantic_config__`); a file validated before is rebuilt from its kept copy (`law/plain.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, ClassVar, Literal

from scopecheck.law.terms import SUPERVISION_LEVELS, SUPERVISOR_TYPES, Supervision, SupervisorType  # noqa: F401 (re-exported)

Confidence = Literal["high", "medium", "low"]
Basis = Literal["read", "recalled"]
SourceKind = Literal[
    "statute",
    "regulation",
    "board_guidance",
    "ag_opinion",
    "court",
    "bill",
    "secondary",
    "advocacy",
    "news",
    "forum",
    "unofficial_copy",
]
Risk = Literal["clerical", "routine", "high"]
Effect = Literal["permit", "forbid", "defer"]
VerdictName = Literal["allowed", "conditional", "prohibited", "unknown"]

CONFIDENCE_ORDER: tuple[Confidence, ...] = ("low", "medium", "high")

#: The most a rule may claim from a source of each kind, when that source's own text was read
#: (DESIGN.md "Confidence comes from the sources"). An unread source supports at most `low`.
CONFIDENCE_CAP: dict[str, Confidence] = {
    "statute": "high",
    "regulation": "high",
    "board_guidance": "high",
    "ag_opinion": "high",
    "court": "high",
    "bill": "medium",
    "secondary": "medium",
    "advocacy": "medium",
    "news": "medium",
    "forum": "low",
    "unofficial_copy": "low",
}


def source_cap(kind: str, read: bool) -> Confidence:
    """The highest confidence one source can carry: its kind's cap if read, else `low`."""
    return CONFIDENCE_CAP[kind] if read else "low"


class Limits:
    """Limits on a value (pydantic-core's names: `min_length`, `pattern`, `strip_whitespace`, `gt`, ...),
    applied where pydantic validates a file; a marker only, so defining the schema imports no pydantic."""

    def __init__(self, **limits: Any):
        self.limits = limits

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        return {**handler(source), **self.limits}


def doc(description: str) -> dict[str, str]:
    """A field's description, as its metadata (shown by `rules schema`)."""
    return {"description": description}


Id = Annotated[str, Limits(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=80)]
Text = Annotated[str, Limits(min_length=1, strip_whitespace=True)]
Code = Annotated[str, Limits(pattern=r"^[A-Z]{2}$")]
Some = Limits(min_length=1)  # a list that may not be empty


class Strict:
    """Base of every rule-file class: unknown keys are errors (each subclass is a frozen dataclass)."""

    __pydantic_config__: ClassVar[dict[str, str]] = {"extra": "forbid"}


# --------------------------------------------------------------------------- state and baseline files


HttpUrl = Annotated[str, Limits(pattern=r"^https?://[^\s<>\"']+$", max_length=2000)]


@dataclass(frozen=True, kw_only=True)
class Source(Strict):
    """A statute, rule, opinion or board page that rules cite by `id`.

    `kind` says what the text relied on is (a statute read on a forum is `unofficial_copy`);
    `official` that the URL is the legislature's, the official publisher's or the board's own.
    """

    id: Id
    cite: Text
    url: HttpUrl | None = None
    kind: SourceKind
    official: bool = False
    read: bool = field(metadata=doc("true when the source text itself was read, false when recalled"))

    @property
    def cap(self) -> Confidence:
        return source_cap(self.kind, self.read)


@dataclass(frozen=True, kw_only=True)
class Requirements(Strict):
    """What must hold for a permitting rule to allow the task. Empty means nothing beyond the rule."""

    credentials: tuple[Id, ...] = field(default=(), metadata=doc("any one of these credentials"))
    trainings: tuple[Id, ...] = field(default=(), metadata=doc("every one of these trainings"))
    supervision: Supervision | None = field(default=None, metadata=doc("at least this level"))
    supervisors: tuple[SupervisorType, ...] = field(default=(), metadata=doc("any of these types"))
    settings: tuple[Id, ...] = field(default=(), metadata=doc("only in one of these settings"))

    def is_empty(self) -> bool:
        return not (self.credentials or self.trainings or self.supervision or self.supervisors or self.settings)


@dataclass(frozen=True, kw_only=True)
class Rule(Strict):
    """One provision of law about one or more tasks.

    effect: `permit` allows the task when its requirements are met; `forbid` prohibits it (only in
    `forbid_in_settings` when that is given); `defer` records that the state was searched and is
    silent, so its delegation doctrine decides (never better than `conditional`).
    """

    id: Id
    tasks: Annotated[tuple[Id, ...], Some]
    effect: Effect
    reason: Text
    sources: Annotated[tuple[Id, ...], Some]
    confidence: Confidence
    basis: Basis = field(metadata=doc("read: encoded from the sources' text; recalled: from memory, unverified"))
    requires: Requirements = Requirements()
    forbid_in_settings: tuple[Id, ...] = ()
    effective_from: date | None = None
    effective_to: date | None = field(default=None, metadata=doc("first day the rule no longer holds"))
    obligations: tuple[Text, ...] = field(
        default=(), metadata=doc("duties the query cannot state (orders, charting); shown, not checked")
    )
    verification: str = ""
    last_verified: date | None = None

    def __post_init__(self) -> None:
        if self.effective_from and self.effective_to and self.effective_from >= self.effective_to:
            raise ValueError(f"effective_from {self.effective_from} must be before effective_to {self.effective_to}")
        if self.effect == "forbid" and not self.requires.is_empty():
            raise ValueError("a forbid rule has no 'requires'; scope it with 'forbid_in_settings'")
        if self.effect != "forbid" and self.forbid_in_settings:
            raise ValueError("'forbid_in_settings' belongs only to a forbid rule")
        if len(set(self.tasks)) != len(self.tasks):
            raise ValueError("a task is listed twice in 'tasks'")

    def in_effect(self, on: date) -> bool:
        return (self.effective_from is None or self.effective_from <= on) and (
            self.effective_to is None or on < self.effective_to
        )


@dataclass(frozen=True, kw_only=True)
class Doctrine(Strict):
    """The state's general delegation doctrine: what decides a task its law does not name."""

    text: Text
    default_supervision: Supervision
    supervisors: tuple[SupervisorType, ...] = ()
    conditions: Annotated[tuple[Text, ...], Some]
    sources: Annotated[tuple[Id, ...], Some]
    confidence: Confidence
    basis: Basis


@dataclass(frozen=True, kw_only=True)
class Example(Strict):
    """A query and the verdict the data must give; run by the test suite like `opa test`."""

    name: Annotated[str, Limits(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    task: Text
    credentials: tuple[str, ...] | None = None
    trainings: tuple[str, ...] | None = None
    supervision: Supervision | None = None
    supervisor: SupervisorType | None = None
    setting: Id | None = None
    as_of: date | None = None
    expect: VerdictName
    expect_rules: tuple[Id, ...] | None = field(
        default=None, metadata=doc("when given, exactly the rule ids the verdict must name")
    )
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class LawCase(Example):
    """A case from a primary source: a question, the verdict the official text gives, and the quoted
    sentence it rests on. Kept beside the rules (`states/cases/XX.toml`) and run like the examples."""

    quote: Text = field(metadata=doc("the deciding sentence of the source, verbatim"))
    url: HttpUrl
    cite: Text
    kind: SourceKind
    official: bool


@dataclass(frozen=True, kw_only=True)
class CaseFile(Strict):
    """`states/cases/XX.toml`: one jurisdiction's cases from primary sources."""

    cases: Annotated[tuple[LawCase, ...], Some]


@dataclass(frozen=True, kw_only=True)
class Watch(Strict):
    """Pending law that would change MA scope: a bill or proposed rule, with its status as checked."""

    id: Id
    title: Text
    status: Text
    checked: date
    url: HttpUrl | None = None
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class Jurisdiction(Strict):
    code: Code
    name: Text
    last_verified: date
    ma_defined_in_law: bool
    registration: Text = field(metadata=doc("what the state requires to work as an MA"))
    credentials: tuple[Id, ...] = field(default=(), metadata=doc("state credentials it recognizes"))
    title_protection: str = ""
    continuing_education: str = ""
    notes: str = ""


@dataclass(frozen=True, kw_only=True)
class StateFile(Strict):
    """`states/XX.toml`: one jurisdiction's law for medical assistants.

    References (source ids, catalogue ids, rule-id prefixes) are checked in `crosscheck.py`, which
    can name the line of each one.
    """

    jurisdiction: Jurisdiction
    doctrine: Doctrine
    sources: Annotated[tuple[Source, ...], Some]
    rules: tuple[Rule, ...] = ()
    examples: tuple[Example, ...] = ()
    watch: tuple[Watch, ...] = field(default=(), metadata=doc("bills and proposed rules to watch"))


@dataclass(frozen=True, kw_only=True)
class BaselineFile(Strict):
    """`rules/baseline.toml`: rules that hold in every state unless its file addresses the task."""

    sources: Annotated[tuple[Source, ...], Some]
    rules: Annotated[tuple[Rule, ...], Some]


# --------------------------------------------------------------------------- catalogues


@dataclass(frozen=True, kw_only=True)
class Task(Strict):
    id: Id
    name: Text
    group: Text
    core: bool = False
    risk: Risk = field(
        metadata=doc(
            "clerical: not a medical act, allowed unless a rule says otherwise; routine: where a "
            "state is silent its delegation doctrine decides (conditional); high: silence is not permission "
            "(unknown) and only a rule that names the task decides it"
        )
    )
    synonyms: tuple[Text, ...] = ()

    @property
    def delegable(self) -> bool:
        """Whether a state's general delegation doctrine may decide the task where its law is silent."""
        return self.risk != "high"


@dataclass(frozen=True, kw_only=True)
class Satisfier(Strict):
    """A state status that is defined as national certification plus other facts: any one of
    `credentials`, together with every one of `trainings` (the remaining parts, e.g. an accredited
    program), counts as holding the status. `cite`/`url`/`kind` name the law that defines it."""

    credentials: Annotated[tuple[Id, ...], Some]
    trainings: tuple[Id, ...] = ()
    reason: Text
    cite: Text
    url: HttpUrl | None = None
    kind: SourceKind
    official: bool = False
    read: bool


@dataclass(frozen=True, kw_only=True)
class Credential(Strict):
    id: Id
    name: Text
    kind: Literal["certification", "registration", "license", "permit"]
    jurisdiction: Code | None = None
    body: str = ""
    renewal_months: Annotated[int, Limits(gt=0)] | None = None
    ncca_accredited: bool | None = None
    synonyms: tuple[Text, ...] = ()
    note: str = ""
    satisfied_by: tuple[Satisfier, ...] = field(
        default=(), metadata=doc("national credentials (with other facts) that amount to this state status")
    )


@dataclass(frozen=True, kw_only=True)
class Training(Strict):
    id: Id
    name: Text
    jurisdiction: Code | None = None
    hours: Annotated[int, Limits(gt=0)] | None = None
    program: bool = field(
        default=True,
        metadata=doc(
            "a course or program to complete; false for what any "
            "employer can document (the practitioner's record of the MA's training)"
        ),
    )
    synonyms: tuple[Text, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Setting(Strict):
    id: Id
    name: Text
    synonyms: tuple[Text, ...] = ()


@dataclass(frozen=True, kw_only=True)
class JurisdictionName(Strict):
    code: Code
    name: Text
    synonyms: tuple[Text, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Title(Strict):
    id: Id
    name: Text
    category: Literal["general", "specialized", "advanced", "emerging"]
    level: Literal["entry", "mid", "senior"] | None = None
    duties: tuple[Id, ...] = ()
    credentials: tuple[Id, ...] = field(default=(), metadata=doc("credentials the title implies"))
    synonyms: tuple[Text, ...] = ()
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class TitleCatalogue(Strict):
    titles: Annotated[tuple[Title, ...], Some]


@dataclass(frozen=True, kw_only=True)
class TaskCatalogue(Strict):
    tasks: Annotated[tuple[Task, ...], Some]


@dataclass(frozen=True, kw_only=True)
class CredentialCatalogue(Strict):
    credentials: Annotated[tuple[Credential, ...], Some]


@dataclass(frozen=True, kw_only=True)
class TrainingCatalogue(Strict):
    trainings: Annotated[tuple[Training, ...], Some]


@dataclass(frozen=True, kw_only=True)
class SettingCatalogue(Strict):
    settings: Annotated[tuple[Setting, ...], Some]


@dataclass(frozen=True, kw_only=True)
class JurisdictionCatalogue(Strict):
    jurisdictions: Annotated[tuple[JurisdictionName, ...], Some]


# --------------------------------------------------------------------------- vocabulary (rules/vocabulary.toml)


@dataclass(frozen=True, kw_only=True)
class Spelling(Strict):
    """Misspellings and variants of one word, corrected before matching."""

    word: Text
    variants: Annotated[tuple[Text, ...], Some]


@dataclass(frozen=True, kw_only=True)
class Abbreviation(Strict):
    short: Text
    means: Text


@dataclass(frozen=True, kw_only=True)
class Cue(Strict):
    """Words that name a task more specifically than the catalogue's phrases (a brand, a drug)."""

    task: Id
    words: Annotated[tuple[Text, ...], Some]
    note: str = ""
    language: Text | None = field(
        default=None,
        metadata=doc("a `languages` entry's name: words of that language, read in a posting, never in a question"),
    )


@dataclass(frozen=True, kw_only=True)
class Generic(Strict):
    """A phrase that fits several tasks ("injections": no route). The first is the usual reading;
    a question is asked back unless every one of them gets the same verdict."""

    words: Annotated[tuple[Text, ...], Some]
    tasks: Annotated[tuple[Id, ...], Limits(min_length=2)]
    posting_duty: bool = field(
        default=True,
        metadata=doc(
            "in a posting, counts as a duty of the first task "
            "('give injections' yes; 'medications' alone is too vague to name one)"
        ),
    )
    language: Text | None = field(default=None, metadata=doc("as a cue's: words of another language"))
    acts: tuple[Text, ...] = field(
        default=(),
        metadata=doc(
            "words of doing the act: where listed, a phrase of this entry without one of them within `gap` "
            "words names no task ('dispose of expired medications' is not giving one; 'give medications' is)"
        ),
    )
    gap: Annotated[int, Limits(ge=1, le=12)] = field(default=4, metadata=doc("words either side that count as near"))


@dataclass(frozen=True, kw_only=True)
class Language(Strict):
    """A language other than English: a question in it is refused, never half read (decide/languages.py)."""

    name: Text
    words: Annotated[tuple[Text, ...], Some] = field(
        metadata=doc("its common words that English phrasing never uses (articles, prepositions, verbs of asking)")
    )


@dataclass(frozen=True, kw_only=True)
class FrameMap(Strict):
    task: Id
    becomes: Id
    also: tuple[Id, ...] = field(
        default=(),
        metadata=doc("readings kept open beside `becomes`: the words fit them as well, so the question is asked back"),
    )


@dataclass(frozen=True, kw_only=True)
class Frame(Strict):
    """Words that change the act a mention names: "read" a TB test is interpretation."""

    name: Id
    words: Annotated[tuple[Text, ...], Some]
    position: Literal["before", "after", "either"] = field(
        default="before", metadata=doc("where the frame words stand relative to the task words")
    )
    gap: Annotated[int, Limits(ge=0, le=12)] = field(default=4, metadata=doc("at most this many words between them"))
    priority: int = field(default=1, metadata=doc("where two frames reach one mention, the higher wins"))
    as_written: bool = field(
        default=False,
        metadata=doc("match the words as written, not stemmed ('authorize' is a frame word, 'authorized' is not)"),
    )
    applies_to: tuple[Id, ...] = field(default=(), metadata=doc("tasks `default` applies to (empty: all)"))
    default: Id | None = None
    map: tuple[FrameMap, ...] = ()
    alone: Id | None = field(default=None, metadata=doc("the task the frame words name with no task near them"))
    keeps_unmapped: bool = field(
        default=False,
        metadata=doc(
            "on words of several readings, the readings `map` does not change stay open beside the "
            "ones it makes ('removing catheters': an IV's removal, or a urinary catheter's)"
        ),
    )


@dataclass(frozen=True, kw_only=True)
class Precedence(Strict):
    """Named together, `stronger` decides over each of `weaker` (it is the more specific or stricter)."""

    stronger: Id
    weaker: Annotated[tuple[Id, ...], Some]
    reason: Text


#: The words of a `NotMATask.what` for work MAs may well do that no task of the catalogue covers
UNCOVERED = "the catalogue does not cover"


@dataclass(frozen=True, kw_only=True)
class NotMATask(Strict):
    """Work no medical-assistant task covers: answered as such, never as a neighbouring task.
    Matched on the words as written (not stemmed: "prescribed medications" is not "prescribe"). Work MAs
    may well do that the catalogue merely has no task for (restocking, CPR) says so in its `what`
    (UNCOVERED): a posting that gives it is told it is not judged, never that an MA may not be given it."""

    what: Text
    words: Annotated[tuple[Text, ...], Some]
    yields_to: tuple[Id, ...] = field(default=(), metadata=doc("tasks that, named too, make it that task"))
    yields_to_frames: tuple[Id, ...] = field(default=(), metadata=doc("frames ('assist') that make it an MA task"))
    assisted: Id | None = field(
        default=None,
        metadata=doc(
            "the MA task that assisting with this work is ('assist the physician with suturing' is "
            "assisting with minor surgery)"
        ),
    )
    role: bool = field(
        default=False,
        metadata=doc(
            "the words name a role that is not an MA's ('veterinary technician'): a task named beside it is "
            "asked back, as words that open with another role are, never answered as an MA's"
        ),
    )


@dataclass(frozen=True, kw_only=True)
class Sense(Strict):
    """A word with several senses ("dressing": a wound's, or getting dressed) that names `task` (or work
    no MA task covers, `not_ma`) in only one of them. Where these words are the only evidence for it and no
    `confirm` word stands within `gap` words (or a `contrary` word does), that reading is not answered: the
    question is asked back, or nothing fits and the nearest tasks are suggested. Words are stemmed."""

    words: Annotated[tuple[Text, ...], Some] = field(metadata=doc("the cue: a word or phrase with several senses"))
    task: Id | None = field(default=None, metadata=doc("the task the cue names in the sense it is read in"))
    not_ma: Text | None = field(default=None, metadata=doc("or: the `what` of the not_ma_tasks entry it names"))
    confirm: tuple[Text, ...] = field(default=(), metadata=doc("words near it that confirm that sense"))
    contrary: tuple[Text, ...] = field(default=(), metadata=doc("words near it that show another sense"))
    gap: Annotated[int, Limits(ge=1, le=12)] = field(default=6, metadata=doc("words either side that count as near"))
    note: str = ""

    def __post_init__(self) -> None:
        if (self.task is None) == (self.not_ma is None):
            raise ValueError("a sense names exactly one of `task` or `not_ma`")
        if not self.confirm and not self.contrary:
            raise ValueError("a sense lists `confirm` words, `contrary` words, or both")


@dataclass(frozen=True, kw_only=True)
class Negation(Strict):
    """NegEx (Chapman et al. 2001) on the words as written: a trigger before (or after) a task negates
    it within its scope; a pseudo-trigger ("not only") negates nothing; a terminator ends the scope."""

    before: Annotated[tuple[Text, ...], Some]
    after: tuple[Text, ...] = ()
    pseudo: tuple[Text, ...] = ()
    terminators: tuple[Text, ...] = ()
    scope: Annotated[int, Limits(ge=1, le=12)] = field(default=6, metadata=doc("words a trigger reaches"))
    excluding: tuple[Text, ...] = field(
        default=(),
        metadata=doc(
            "triggers (of `before` or `after`) that set a task apart from what the words are about "
            '("without", "except"); any other denies the act itself ("may not start an IV"), and a '
            "question whose only task is denied so is about that task"
        ),
    )


@dataclass(frozen=True, kw_only=True)
class Roles(Strict):
    """Who a question is about. Words that put another role first ("Can nurses remove stitches?", "The
    pharmacist may telephone the prescriber") ask what that role may do; scopecheck answers what a
    medical assistant may do, so the question is asked back, never answered as an MA's."""

    others: Annotated[tuple[Text, ...], Some] = field(metadata=doc("roles that are not a medical assistant's"))
    ours: tuple[Text, ...] = field(
        default=(), metadata=doc("words that bring the question back to an MA (MA, CMA, assistant, delegate)")
    )


@dataclass(frozen=True, kw_only=True)
class Vocabulary(Strict):
    spellings: tuple[Spelling, ...] = ()
    abbreviations: tuple[Abbreviation, ...] = ()
    unstemmed: tuple[Text, ...] = ()
    ignore: tuple[Text, ...] = field(
        default=(), metadata=doc("phrases that never name a task ('practice of medicine')")
    )
    asking: tuple[Text, ...] = field(
        default=(),
        metadata=doc(
            "words that ask whether one may do the work, or name the MA asking ('allowed', 'legally', 'CMA'): "
            "words that are a task's phrase and these are read as the phrase alone"
        ),
    )
    cues: tuple[Cue, ...] = ()
    generic: tuple[Generic, ...] = ()
    frames: tuple[Frame, ...] = ()
    precedence: tuple[Precedence, ...] = ()
    not_ma_tasks: tuple[NotMATask, ...] = ()
    paperwork: tuple[Id, ...] = field(
        default=(),
        metadata=doc(
            "tasks (scheduling, insurance, billing) that, named with work no MA task covers, are what is "
            "asked: scheduling an MRI is scheduling"
        ),
    )
    negation: Negation | None = None
    senses: tuple[Sense, ...] = ()
    languages: tuple[Language, ...] = ()
    roles: Roles | None = None
