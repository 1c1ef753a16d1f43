"""Verdicts and state pages as text for people and JSON for machines. No logic, only layout."""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from scopecheck.csvsafe import CsvOut
from scopecheck.decide.citing import KIND_NAMES
from scopecheck.decide.plan import Plan
from scopecheck.decide.verdict import SUPERVISION_MEANING, SUPERVISOR_NAMES, Verdict
from scopecheck.interfaces.printed import HEADLINE
from scopecheck.interfaces.printed import bullets as _bullets
from scopecheck.law.library import Library

if TYPE_CHECKING:
    from xml.etree import ElementTree as ET

    from scopecheck.interfaces.category import Tile


def to_csv(rows: list[dict[str, Any]]) -> str:
    """Rows as CSV; lists are joined with ';' (the batch convention)."""
    out = io.StringIO()
    if rows:
        writer = CsvOut(out)
        writer.writerow(rows[0])
        for row in rows:
            writer.writerow(";".join(v) if isinstance(v, list) else v for v in row.values())
    return out.getvalue()


def state_page(lib: Library, plan: Plan) -> str:
    """`scopecheck show XX`: the state's rules as a readable page, like a linter's rule docs."""
    state = plan.state
    j = state.jurisdiction
    d = state.doctrine
    lines = [
        f"{j.name} ({j.code}): medical assistants",
        "=" * (len(j.name) + 26),
        f"Last verified: {j.last_verified}   MA defined in law: {'yes' if j.ma_defined_in_law else 'no'}",
        "",
        "To work as an MA:",
        *_bullets([j.registration]),
        "",
        f"Delegation doctrine ({d.confidence} confidence, {d.basis}; default supervision: "
        f"{SUPERVISION_MEANING[d.default_supervision]}):",
        *_bullets([d.text]),
        "  Conditions:",
        *_bullets(list(d.conditions)),
    ]
    sources = {s.id: s for s in state.sources}
    for eff in plan.rules:
        rule = eff.rule
        if eff.origin == "doctrine":
            continue
        dates = ""
        if rule.effective_from or rule.effective_to:
            dates = f"  [in effect {rule.effective_from or '...'} to {rule.effective_to or '...'}]"
        lines += ["", f"{rule.id}  {rule.effect.upper()}  {', '.join(rule.tasks)}{dates}"]
        if eff.origin == "baseline":
            lines.append("  (baseline rule: holds in every state that does not address the task)")
        lines += _bullets([rule.reason])
        req = eff.requires
        needs = []
        if req.credentials:
            needs.append("credential, one of: " + ", ".join(lib.credentials[c].name for c in req.credentials))
        needs += [f"training: {lib.trainings[t].name}" for t in req.trainings]
        if req.supervision:
            needs.append(f"supervision: {SUPERVISION_MEANING[req.supervision]}")
        if req.supervisors:
            needs.append("supervisor: " + ", ".join(SUPERVISOR_NAMES[s] for s in req.supervisors))
        if req.settings:
            needs.append("settings: " + ", ".join(lib.settings[s].name for s in req.settings))
        if rule.forbid_in_settings:
            needs.append("forbidden in: " + ", ".join(lib.settings[s].name for s in rule.forbid_in_settings))
        if needs:
            lines += ["  Requires:", *_bullets(needs)]
        if rule.obligations:
            lines += ["  Also:", *_bullets(list(rule.obligations))]
        cited = [sources.get(s) or next(x for x in eff.sources if x.id == s) for s in rule.sources]
        verified = f"verified {rule.last_verified}" if rule.last_verified and rule.basis == "read" else "not verified"
        lines += [f"  Confidence: {rule.confidence} ({rule.basis}; {verified})", "  Law:"]
        lines += _bullets([f"{c.cite} [{KIND_NAMES[c.kind]}]" + (f" <{c.url}>" if c.url else "") for c in cited])
    if state.watch:
        lines += ["", "Watchlist (pending law, not in force):", watch_text([(j.code, w) for w in state.watch])]
    return "\n".join(lines)


def watch_text(items: list[tuple[str, Any]]) -> str:
    """The watchlist: one block per bill or proposed rule, newest check first within a state."""
    lines = []
    for code, w in items:
        lines += [f"{code}  {w.id}: {w.title}", *_bullets([f"status: {w.status} (checked {w.checked})"])]
        if w.url:
            lines += _bullets([f"<{w.url}>"])
        if w.note:
            lines += _bullets([w.note])
    return "\n".join(lines)


# ---- HR reports

SEVERITY_MARK = {"error": "ERROR", "warning": "WARN", "info": "INFO"}


def posting_text(report: Any) -> str:
    lines = [
        f"{report.source}: {report.title or 'untitled posting'} in {report.jurisdiction_name} "
        f"(state from: {report.jurisdiction_evidence})"
    ]
    if report.required_credentials:
        lines.append("Credentials the posting requires: " + ", ".join(report.required_credentials))
    for group in getattr(report, "required_any_of", []):
        lines.append("Credentials the posting requires, any one of: " + " | ".join(group))
    if getattr(report, "supervisors", None):
        lines.append(
            "Supervision named: "
            + ", ".join(report.supervisors)
            + (" (works autonomously)" if report.autonomous else "")
        )
    lines += ["", "Duties found:"]
    for d in report.duties:
        verdict = d["verdict"] or ("no route named" if d["kind"] == "no_route" else f"not the MA's ({d['kind']})")
        lines.append(f'  - {d["task"]:<30} {verdict:<26} "{d["matched"]}"')
    if not report.duties:
        lines.append("  (none recognized)")
    lines += ["", f"Findings ({len(report.findings)}):"]
    for f in report.findings:
        lines += _bullets([f"{SEVERITY_MARK[f.severity]} {f.kind}: {f.message}"])
        lines += _bullets([f'in: "{f.text[:160]}"'], marker="      ")
        for c in f.citations[:2]:
            lines += _bullets([f"law: {c['cite']}" + (f" <{c['url']}>" if c["url"] else "")], marker="      ")
    if not report.findings:
        lines.append("  none")
    return "\n".join(lines)


#: What Markdown (GitHub's, and the HTML it may hold) reads as markup inside a line: code, emphasis,
#: links and images, table cells, strike-through, and the escape itself.
_MD_MARKUP = re.compile(r"([\\`*_\[\]|~])")


def md(text: str) -> str:
    """Text as Markdown shows it literally: a posting's words pasted into a ticket are never markup
    (an <img onerror=...>, a [link](javascript:...), a | that splits a table cell)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_MARKUP.sub(r"\\\1", " ".join(text.split()))


def _md_link(cite: str, url: str | None) -> str:
    """A citation as a Markdown link where its address is http(s), else its words alone."""
    href = safe_url(url)
    if not href or href.startswith("/"):
        return md(cite)
    return f"[{md(cite)}](<{quote(href, safe=':/?#[]@!$&*+,;=%~-._')}>)"


def posting_markdown(report: Any) -> str:
    lines = [
        f"## {md(report.title or 'Job posting')}: {md(report.jurisdiction_name)}",
        "",
        f"*Source:* {md(report.source)}  ",
        f"*State from:* {md(report.jurisdiction_evidence)}  ",
    ]
    if report.required_credentials:
        lines.append(f"*Requires:* {md(', '.join(report.required_credentials))}  ")
    for group in getattr(report, "required_any_of", []):
        lines.append(f"*Requires one of:* {md(' / '.join(group))}  ")
    lines += ["", "| duty | words | verdict |", "| --- | --- | --- |"]
    for d in report.duties:
        verdict = d["verdict"] or d["kind"]
        lines.append(f"| {md(d['task'])} | {md(d['matched'])} | {md(verdict)} |")
    lines += ["", f"### Findings ({len(report.findings)})", ""]
    for f in report.findings:
        cites = "; ".join(_md_link(c["cite"], c["url"]) for c in f.citations[:3])
        lines.append(f"- **{md(f.severity)}** `{f.kind}`: {md(f.message)}  ")  # kind: an id of ours
        lines.append(f"  > {md(f.text[:200])}  ")
        if cites:
            lines.append(f"  Law: {cites}")
    if not report.findings:
        lines.append("No findings.")
    lines += ["", "_Not legal advice; confirm with the state board._", ""]
    return "\n".join(lines)


def hire_text(report: Any) -> str:
    c = report.candidate
    creds = ", ".join(c["credentials_counted"]) if c["credentials_counted"] is not None else "not stated"
    lines = [
        f"{c['name'] or 'Candidate'} in {report.jurisdiction_name}, as of {c['as_of']}",
        f"Credentials that count: {creds or 'none'}",
    ]
    if report.warnings:
        lines += ["Warnings:", *_bullets(report.warnings)]
    lines.append("")
    for d in report.duties:
        confidence = d.get("confidence", "")
        lines.append(
            f'{HEADLINE[d["verdict"]]:<12} {d["task_name"]} ("{d["asked"]}")'
            + (f"  [confidence: {confidence}]" if confidence and confidence != "high" else "")
        )
        if d.get("task_note"):
            lines += _bullets([f"understood as: {d['task_name'].lower()}: {d['task_note']}"])
        if d["verdict"] == "prohibited":
            lines += _bullets(d["reasons"][:3])
            lines += _bullets(["unlock: " + u for u in d["unlock"]] or ["cannot be unlocked: the law forbids it"])
        else:  # every condition that binds the candidate, then the rest
            binding = d.get("binding", [])
            lines += _bullets(["binds the candidate: " + c for c in binding])
            lines += _bullets([c for c in d["conditions"] if c not in binding][:3])
        if d["citations"]:
            lines += _bullets([f"law: {d['citations'][0]['cite']}"])
    return "\n".join(lines)


# ---- the tile-grid map

# (column, row) of each jurisdiction on a tile grid of the US.
TILES = {
    "AK": (0, 0),
    "ME": (11, 0),
    "VT": (10, 1),
    "NH": (11, 1),
    "WA": (1, 2),
    "ID": (2, 2),
    "MT": (3, 2),
    "ND": (4, 2),
    "MN": (5, 2),
    "IL": (6, 2),
    "WI": (7, 2),
    "MI": (8, 2),
    "NY": (9, 2),
    "RI": (10, 2),
    "MA": (11, 2),
    "OR": (1, 3),
    "NV": (2, 3),
    "WY": (3, 3),
    "SD": (4, 3),
    "IA": (5, 3),
    "IN": (6, 3),
    "OH": (7, 3),
    "PA": (8, 3),
    "NJ": (9, 3),
    "CT": (10, 3),
    "CA": (1, 4),
    "UT": (2, 4),
    "CO": (3, 4),
    "NE": (4, 4),
    "MO": (5, 4),
    "KY": (6, 4),
    "WV": (7, 4),
    "VA": (8, 4),
    "MD": (9, 4),
    "DE": (10, 4),
    "AZ": (2, 5),
    "NM": (3, 5),
    "KS": (4, 5),
    "AR": (5, 5),
    "TN": (6, 5),
    "NC": (7, 5),
    "SC": (8, 5),
    "DC": (9, 5),
    "OK": (4, 6),
    "LA": (5, 6),
    "MS": (6, 6),
    "AL": (7, 6),
    "GA": (8, 6),
    "HI": (0, 7),
    "TX": (4, 7),
    "FL": (9, 7),
}


def safe_url(url: str | None) -> str | None:
    """A link target we may emit: http(s), or a path on this site; anything else (javascript:, data:,
    a scheme-relative //host) is dropped, whatever the data says."""
    if not url:
        return None
    if url.startswith("/") and not url.startswith("//"):
        return url
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    return url if scheme in ("http", "https") and url[len(scheme) :].startswith("://") else None


def map_title(verdicts: list[Verdict], credentials: list[str] | tuple[str, ...] | None) -> str:
    """What a map shows: the task, and whose credentials were assumed."""
    task = verdicts[0].task_name if verdicts else "task"
    return f"{task}: " + (f"an MA holding {', '.join(credentials)}" if credentials else "a medical assistant")


_SANS = {"font-family": "sans-serif"}
_SIZE, _GAP, _TOP = 52, 4, 40  # tile side, gap, top margin


#: Characters XML 1.0 cannot hold, even escaped (controls but tab and newlines, lone surrogates, U+FFFE/F).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: str) -> str:
    """Text an SVG can hold: the serializer escapes markup but passes a control character (a
    credential asked as "cma\\x0b") into a document no parser reads; each becomes U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def _el(parent: ET.Element, tag: str, attrs: dict[str, object], text: str | None = None) -> ET.Element:
    from xml.etree import ElementTree as ET  # only the map needs it: not loaded by `check`

    node = ET.SubElement(parent, tag, {k: _xml(str(v)) for k, v in attrs.items()})
    node.text = None if text is None else _xml(text)
    return node


def _square(parent: ET.Element, x: float, y: float, side: float, colour: str, low: bool) -> None:
    """A coloured square; low confidence adds the hatch and a dashed border."""
    box = {"x": x, "y": y, "width": side, "height": side, "rx": 4}
    _el(parent, "rect", {**box, "fill": colour})
    if low:
        _el(parent, "rect", {**box, "fill": "url(#low-hatch)"})
        _el(parent, "rect", {**box, "fill": "none", "stroke": "#1f2328", "stroke-width": 2, "stroke-dasharray": "4 3"})


def svg_map(tiles: list[Tile], title: str) -> str:
    """A tile-grid map, one square per jurisdiction: colour, state code and the category's letter;
    low confidence hatched with a dashed border and the word 'low'; each tile a link to its answer
    where one is given; a legend in words. Built as an element tree, so every text and attribute
    is escaped by the serializer, never by hand."""
    from xml.etree import ElementTree as ET

    from scopecheck.interfaces.category import CATEGORIES

    width = 12 * (_SIZE + _GAP) + _GAP
    legend_y = _TOP + 8 * (_SIZE + _GAP) + 16
    height = legend_y + 22 * (len(CATEGORIES) + 1) + 8
    svg = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "viewBox": f"0 0 {width} {height}",
            "width": str(width),
            "height": str(height),
            "role": "img",
            "aria-labelledby": "map-title",
            "class": "map",
        },
    )
    _el(svg, "title", {"id": "map-title"}, title)
    hatch = {
        "id": "low-hatch",
        "width": 6,
        "height": 6,
        "patternUnits": "userSpaceOnUse",
        "patternTransform": "rotate(45)",
    }
    pattern = _el(_el(svg, "defs", {}), "pattern", hatch)
    _el(pattern, "rect", {"width": 2.5, "height": 6, "fill": "#ffffff", "opacity": 0.5})
    _el(svg, "text", {"x": _GAP, "y": 24, "fill": "#1f2328", "font-size": 16, **_SANS}, title)
    for t in tiles:
        _tile(svg, t)
    _legend(svg, legend_y)
    return ET.tostring(svg, encoding="unicode")


def _tile(svg: ET.Element, t: Tile) -> None:
    """One jurisdiction's square: a link to its answer (when it has one), its code and letter."""
    v, cat = t.verdict, t.category
    low = v.confidence == "low"
    col, row = TILES[v.jurisdiction]
    x, y = _GAP + col * (_SIZE + _GAP), _TOP + row * (_SIZE + _GAP)
    href = safe_url(t.href)
    tile = _el(svg, "a", {"href": href}) if href else _el(svg, "g", {})
    tile.set("class", f"tile {cat.id}" + (" low" if low else ""))
    _el(tile, "title", {}, f"{v.jurisdiction_name}: {cat.words} ({v.verdict}, {v.confidence} confidence)")
    _square(tile, x, y, _SIZE, cat.colour, low)
    middle = {"x": x + _SIZE / 2, "text-anchor": "middle", "fill": "#ffffff", **_SANS}
    _el(tile, "text", {**middle, "y": y + 20, "font-size": 15, "font-weight": "bold"}, v.jurisdiction)
    _el(tile, "text", {**middle, "y": y + 37, "font-size": 13, "font-weight": "bold"}, cat.letter)
    if low:
        _el(tile, "text", {**middle, "y": y + 49, "font-size": 10}, "low")


def _legend(svg: ET.Element, top: int) -> None:
    """Each category's colour, letter and words, and the low-confidence hatch."""
    from scopecheck.interfaces.category import CATEGORIES, LOW_CONFIDENCE_WORDS

    legend = [(c.letter, c.colour, c.words, False) for c in CATEGORIES.values()]
    legend.append(("", "#8c959f", LOW_CONFIDENCE_WORDS, True))
    for i, (letter, colour, words, low) in enumerate(legend):
        y = top + i * 22
        _square(svg, _GAP, y, 18, colour, low)
        bold = {"fill": "#ffffff", "font-size": 12, "font-weight": "bold", "text-anchor": "middle", **_SANS}
        _el(svg, "text", {"x": _GAP + 9, "y": y + 14, **bold}, letter)
        _el(svg, "text", {"x": _GAP + 26, "y": y + 14, "fill": "#1f2328", "font-size": 13, **_SANS}, words)
