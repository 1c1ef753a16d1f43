"""Read a job posting (plain text, Markdown or HTML): its state, title, duties, credential demands
and supervision hints, each with the words it was found in. Reading only; `hr.py` judges.

The reader is deliberately literal: a duty is a catalogue phrase found in a sentence; a sentence
that negates it ("no injections") or has the MA assist someone else ("assists the provider with IV
starts") does not make it the MA's duty, and says so.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from .data import Library
from .errors import UserError
from .resolve import Resolver, normalize

# ZIP code prefixes (first three digits) to states, USPS ranges.
_ZIP_RANGES = [
    (5, 5, "NY"), (10, 27, "MA"), (28, 29, "RI"), (30, 38, "NH"), (39, 49, "ME"), (50, 59, "VT"),
    (60, 69, "CT"), (70, 89, "NJ"), (100, 149, "NY"), (150, 196, "PA"), (197, 199, "DE"), (200, 205, "DC"),
    (206, 219, "MD"), (220, 246, "VA"), (247, 268, "WV"), (270, 289, "NC"), (290, 299, "SC"),
    (300, 319, "GA"), (320, 349, "FL"), (350, 369, "AL"), (370, 385, "TN"), (386, 397, "MS"),
    (398, 399, "GA"), (400, 427, "KY"), (430, 459, "OH"), (460, 479, "IN"), (480, 499, "MI"),
    (500, 528, "IA"), (530, 549, "WI"), (550, 567, "MN"), (570, 577, "SD"), (580, 588, "ND"),
    (590, 599, "MT"), (600, 629, "IL"), (630, 658, "MO"), (660, 679, "KS"), (680, 693, "NE"),
    (700, 714, "LA"), (716, 729, "AR"), (730, 749, "OK"), (750, 799, "TX"), (800, 816, "CO"),
    (820, 831, "WY"), (832, 838, "ID"), (840, 847, "UT"), (850, 865, "AZ"), (870, 884, "NM"),
    (885, 885, "TX"), (889, 898, "NV"), (900, 961, "CA"), (967, 968, "HI"), (970, 979, "OR"),
    (980, 994, "WA"), (995, 999, "AK"),
]
_NEGATION = re.compile(
    r"\b(no|not(?! limit)|never|without|except|excluding|nor|prohibited from|may not|must not|cannot|can't|won't|does not|do not|will not)\b",
    re.I,
)
_REQUIRED = re.compile(r"\b(require[sd]?|must|mandatory|needed|necessary)\b", re.I)
_PREFERRED = re.compile(r"\b(prefer(?:red|ably)?|a plus|desired|desirable|nice to have)\b", re.I)
_GENERIC_DEMAND = re.compile(
    r"\b(licensed|license|licensure|certified|certification|registered|registration)\b[^.;\n]{0,40}?\bmedical assistant|\bmedical assistant\b[^.;\n]{0,20}?\b(licen[cs]e|licensure|certification|registration)\b",
    re.I,
)
_LICENSED_MA = re.compile(r"\b(licensed medical assistant|medical assistant licen[cs]e|lma)\b", re.I)
_SUPERVISION = re.compile(
    r"\bunder the (?:direct |general |immediate |close )?(?:direction|supervision|delegation|orders?)(?: and (?:direction|supervision))? of (?:a|an|the)?\s*(?:licensed |supervising |attending )?"
    r"(physician|provider|doctor|md|do|rn|registered nurse|nurse practitioner|np|physician assistant|pa|podiatrist|nurse|clinician|practitioner)s?\b",
    re.I,
)
_ONSITE = re.compile(r"\b(on[- ]site|on the premises|physically present|in the building)\b", re.I)
_NURSE_TITLE = re.compile(r"\b(office nurse|clinic nurse|nurse|lpn|rn)\b", re.I)
_JUDGMENT = re.compile(
    r"\b(triage|triages|triaging|assess(?:es|ing|ment|ments)?|plans? (?:of )?care|care plans?|care planning|diagnos(?:e|es|is|ing)|interpret(?:s|ing|ation)?|clinical judgment|evaluat(?:e|es|ing) patients?|determin(?:e|es|ing) (?:the )?(?:urgency|acuity))\b",
    re.I,
)
# Judgment words that describe someone else's judgment, or a credential's name, not the MA's work.
_NOT_MA_JUDGMENT = re.compile(
    r"\b(?:professional|provider|physician|doctor|nurse|clinician|practitioner|medical staff)(?:'s|s')?\s+"
    r"(?:assess|triage|diagnos|interpret|evaluat)|\bassessment[- ]based\b",
    re.I,
)
_NURSE_ROLE = re.compile(
    r"\b(?:medical assistant|ma)\s*/\s*(?:nurse|lpn)\b|\b(?:nurse|lpn)\s*/\s*(?:medical assistant|ma)\b|\bas an? (?:office |clinic )?nurse\b",
    re.I,
)
_SUPERVISOR_WORDS = {
    "physician": "physician", "doctor": "physician", "md": "physician", "do": "physician",
    "rn": "rn", "registered nurse": "rn", "nurse": "rn", "nurse practitioner": "np", "np": "np",
    "physician assistant": "pa", "pa": "pa", "podiatrist": "podiatrist",
}


class _TextExtractor(HTMLParser):
    """HTML to text with the standard library: block elements become line breaks; scripts,
    styles and everything remote are dropped (nothing is ever fetched)."""

    BLOCKS = {"p", "div", "li", "br", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "section", "article", "td", "th"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "noscript", "template"):
            self._skip += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "noscript", "template"):
            self._skip = max(0, self._skip - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


# A posting is a page or two (the 12 real ones in tests/data/postings: 1.8 to 2.4 kB). Reading
# costs time and output in proportion to the text and its longest sentences (250 kB: 0.6-1.4 s of
# CPU and up to 5.5 MB of JSON; benchmarks/slow_inputs.py), so the text is limited, and the file
# (HTML is mostly markup) more loosely.
MAX_POSTING_CHARS = 100_000
MAX_POSTING_FILE_BYTES = 2_000_000


def read_posting_file(path: Path) -> str:
    """A posting's text; binary, undecodable or oversized files are refused with one line."""
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_POSTING_FILE_BYTES + 1)
    except OSError as exc:
        raise UserError(f"{path}: cannot read: {exc.strerror}") from None
    if len(raw) > MAX_POSTING_FILE_BYTES:
        raise UserError(f"{path}: larger than {MAX_POSTING_FILE_BYTES // 1_000_000} MB, not a job posting")
    if b"\x00" in raw[:4096]:
        raise UserError(f"{path}: a binary file, not a posting (text, Markdown or HTML)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def html_to_text(markup: str) -> str:
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    return html.unescape("".join(parser.parts))


def looks_like_html(text: str) -> bool:
    return bool(re.search(r"<(html|body|div|p|ul|li|h[1-6]|br|span|table)\b", text[:5000], re.I))


@dataclass
class Duty:
    task: str
    text: str  # the sentence it was found in
    matched: str  # the words that matched
    kind: str = "duty"  # duty | negated | assisting


@dataclass
class Demand:
    text: str
    credentials: list[str]  # ids; empty for a generic "certified"/"licensed"
    required: bool  # required (True) or preferred (False)
    licensed_ma: bool = False


@dataclass
class Posting:
    source: str
    text: str
    jurisdiction: str | None
    jurisdiction_evidence: str
    title: str | None
    title_id: str | None
    duties: list[Duty] = field(default_factory=list)
    demands: list[Demand] = field(default_factory=list)
    supervisor: str | None = None
    supervision: str | None = None
    supervision_text: str = ""
    sentences: list[str] = field(default_factory=list)


_ASSIST_TASKS = frozenset({"assist_exam", "assist_minor_surgery", "ultrasound_assist"})


def sentences(text: str) -> list[str]:
    """Lines, bullets and sentences, each trimmed; long lines split at sentence ends and ';'."""
    out = []
    for line in text.splitlines():
        line = re.sub(r"^\s*(?:[-*\u2022\u00b7\u25aa\u25cf>#]+|\d+[.)])\s*", "", line).strip()
        if not line:
            continue
        for part in re.split(r"(?<=[.!?;])\s+(?=[A-Z(])|;\s+|\s\+\s|\s\u2022\s", line):
            part = part.strip()
            if part:
                out.append(part)
    return out


class PostingReader:
    def __init__(self, lib: Library, resolver: Resolver):
        self.lib = lib
        self.resolver = resolver
        self._cred_phrases = sorted(
            ((normalize(w), c.id) for c in lib.credentials.values() for w in (c.id, *c.synonyms) if len(normalize(w)) >= 3),
            key=lambda p: -len(p[0]),
        )
        self._title_phrases = sorted(
            ((normalize(w), t.id) for t in lib.titles.values() for w in (t.name, *t.synonyms)),
            key=lambda p: -len(p[0]),
        )
        self._state_names = sorted(
            ((j.name, j.code) for j in lib.jurisdictions.values()), key=lambda p: -len(p[0])
        )

    # ---- state

    def find_state(self, text: str) -> tuple[str | None, str]:
        """The state named by 'City, ST', a state name, or a ZIP code; None when unclear."""
        votes: dict[str, list[str]] = {}
        for m in re.finditer(r"\b[A-Z][a-zA-Z .'-]+,\s*([A-Z]{2})\b(?:\s+(\d{5}))?", text):
            if m.group(1) in self.lib.jurisdictions:
                votes.setdefault(m.group(1), []).append(m.group(0).strip())
        for name, code in self._state_names:
            for m in re.finditer(rf"\b{re.escape(name)}\b", text):
                if name == "Washington" and re.match(r",?\s*D\.?\s*C\b", text[m.end():m.end() + 6]):
                    continue
                votes.setdefault(code, []).append(m.group(0))
        for m in re.finditer(r"\b(\d{5})(?:-\d{4})?\b", text):
            prefix = int(m.group(1)[:3])
            for low, high, code in _ZIP_RANGES:
                if low <= prefix <= high and re.search(rf"\b{code}\b", text):
                    votes.setdefault(code, []).append(m.group(0))
        if not votes:
            return None, ""
        ranked = sorted(votes.items(), key=lambda kv: -len(kv[1]))
        if len(ranked) > 1 and len(ranked[0][1]) == len(ranked[1][1]):
            return None, f"several states named ({', '.join(c for c, _ in ranked[:4])})"
        code, evidence = ranked[0]
        return code, evidence[0]

    # ---- title

    def find_title(self, text: str) -> tuple[str | None, str | None]:
        lines = [line.strip(" #*:-\t") for line in text.splitlines() if line.strip()]
        for line in lines[:8]:
            norm = f" {normalize(line)} "
            for phrase, tid in self._title_phrases:
                if f" {phrase} " in norm:
                    head = re.split(r",|\s[|\u2013\u2014]\s|\s-\s(?=[A-Z][a-z]+,)", line)[0].strip()
                    return (head if f" {phrase} " in f" {normalize(head)} " else line)[:120], tid
        norm_all = f" {normalize(text[:3000])} "
        for phrase, tid in self._title_phrases:
            if f" {phrase} " in norm_all:
                return self.lib.titles[tid].name, tid
        return None, None

    # ---- duties

    def _matches(self, sentence: str, phrases: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """Non-overlapping (phrase, id) pairs found as whole words, longest first."""
        norm = f" {normalize(sentence)} "
        taken: list[tuple[int, int]] = []
        found = []
        for phrase, ident in phrases:
            start = norm.find(f" {phrase} ")
            while start != -1:
                span = (start, start + len(phrase) + 2)
                if not any(a < span[1] and span[0] < b for a, b in taken):
                    taken.append(span)
                    found.append((phrase, ident))
                    break
                start = norm.find(f" {phrase} ", start + 1)
        return found

    def duties(self, sentence: str) -> list[Duty]:
        """The tasks a sentence names, through the same matcher as every question (matcher.py), one
        list item at a time; a negated one ("No IV starts") or one the MA only assists with says so."""
        out = []
        seen: set[str] = set()
        for m in self.resolver.matcher.mentions(sentence, items=True):
            if m.task in seen or (m.vague and m.alternatives):
                continue
            seen.add(m.task)
            kind = "duty"
            if m.negated:
                kind = "negated"
            elif m.framed == "assist" and m.task not in _ASSIST_TASKS:
                kind = "assisting"
            out.append(Duty(m.task, sentence, m.words, kind))
        return out

    # ---- demands and supervision

    def demands(self, sentence: str) -> list[Demand]:
        creds = [ident for _, ident in self._matches(sentence, self._cred_phrases)]
        generic = bool(_GENERIC_DEMAND.search(sentence))
        licensed = bool(_LICENSED_MA.search(sentence))
        if not creds and not generic and not licensed:
            return []
        if not creds and not (_REQUIRED.search(sentence) or _PREFERRED.search(sentence) or licensed):
            return []  # "licensed providers", "registered nurses": not a demand on the MA
        required = not _PREFERRED.search(sentence)
        return [Demand(sentence, list(dict.fromkeys(creds)), required, licensed)]

    def read(self, text: str, source: str, state: str | None = None) -> Posting:
        if "\x00" in text[:4096]:
            raise UserError(f"{source}: a binary file, not a posting (text, Markdown or HTML)")
        if looks_like_html(text):
            text = html_to_text(text)
        if not text.strip():
            raise UserError(f"{source}: empty posting")
        if len(text) > MAX_POSTING_CHARS:
            raise UserError(f"{source}: the posting's text is {len(text):,} characters long; "
                            f"postings over {MAX_POSTING_CHARS:,} characters are refused")
        if state:
            code, evidence = self.resolver.jurisdiction(state), "--state"
        else:
            code, evidence = self.find_state(text)
        title, title_id = self.find_title(text)
        posting = Posting(source, text, code, evidence, title, title_id, sentences=sentences(text))
        for s in posting.sentences:
            posting.duties += self.duties(s)
            posting.demands += self.demands(s)
            sup = _SUPERVISION.search(s)
            if sup and posting.supervisor is None:
                posting.supervisor = _SUPERVISOR_WORDS.get(sup.group(1).lower())
                posting.supervision_text = s
            if _ONSITE.search(s) and re.search(r"\b(physician|provider|supervis)", s, re.I):
                posting.supervision = "direct"
        return posting
