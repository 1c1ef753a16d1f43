"""Task words in another language (issue 13, bad input): refused with one line naming the language,
never answered through the words they share with English (decide/languages.py).

The ground truth is real text: tests/data/other_languages.toml (Spanish, French, Portuguese,
German, Italian, Tagalog, Vietnamese, and others in other alphabets, from 73 pages, collected blind),
and every English phrasing of the other corpora (none may be refused as another language). Before the
guard, `check` in CA gave a verdict to 5 of the 50 tuning phrasings and 10 of the 49 validation
phrasings (not counting those that mix in English), and asked back on 5 and 4."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_cli import run
from test_phrasings import DATA, corpus
from test_web_page import CLIENT, error_beside, links_beside

from scopecheck.decide.checker import Checker
from scopecheck.errors import AmbiguousTask, OtherLanguage, UserError
from scopecheck.interfaces.cli import cli


def outcome(checker: Checker, words: str) -> str:
    """What `check` in CA does with the words: named (refused as another language), refused (no task
    fits: also one line, exit 2), asked (asked back), or answered."""
    try:
        checker.check("CA", words)
    except OtherLanguage as exc:
        assert "\n" not in str(exc)
        return "named"
    except AmbiguousTask:
        return "asked"
    except UserError as exc:
        assert "\n" not in str(exc)
        return "refused"
    return "answered"


@pytest.mark.parametrize(
    "split, named, misnamed",
    [
        ("tune", 47, 0),  # before the guard: 5 answered and 5 asked back, of 50; the words were chosen on it
        ("validation", 44, 1),  # before: 10 answered and 4 asked back, of 49; not tuned on (first measure:
        # 1 answered, 43 named, 2 misnamed)
    ],
)
def test_words_in_another_language_get_no_verdict(checker: Checker, split: str, named: int, misnamed: int) -> None:
    """No verdict and no question back: each is refused with one line, by its language where the
    words show it (the rest: no task fits them). Where a listed language is named, it is the right
    one but for `misnamed` (Spanish and Portuguese share most of their short words)."""
    phrasings = [
        p for p in corpus("other_languages.toml")["phrasings"] if p["split"] == split and p["language"] != "mixed"
    ]
    results = [outcome(checker, p["text"]) for p in phrasings]
    print(split, {kind: results.count(kind) for kind in set(results)})
    assert results.count("answered") == results.count("asked") == 0
    assert results.count("named") >= named
    said = [checker.resolver.matcher.understand(p["text"]).language for p in phrasings]
    listed = {"Spanish", "French", "Portuguese", "German", "Italian"}
    wrong = [(p["text"], s) for p, s in zip(phrasings, said, strict=True) if s in listed and s != p["language"]]
    assert len(wrong) <= misnamed, wrong


def test_no_english_phrasing_is_refused_as_another_language(checker: Checker) -> None:
    """Every phrasing of the English corpora (11,300+ from job postings, forums, board pages), including
    brand names, abbreviations and misspellings: none is read as another language. The corpora's
    own lines in Spanish (16) and Russian (1), marked `language`, are."""
    matcher = checker.resolver.matcher
    read_as, marked = [], 0
    for path in sorted(DATA.glob("phrasings*.toml")):
        for p in corpus(path.name)["phrasings"]:
            said = matcher.understand(p["text"]).language
            marked += bool(p.get("language"))
            if bool(said) != bool(p.get("language")):
                read_as.append((path.name, p["text"], said))
    assert marked == 17 and not read_as, read_as


def test_the_cli_says_the_language_in_one_line_and_exits_2() -> None:
    code, out, err = run("check", "--state", "CA", "--task", "poner inyecciones a los pacientes")
    assert code == 2 and not out and err.count("\n") == 1, err
    assert "is in Spanish" in err and "English only" in err and "injection_intramuscular" in err
    code, out, err = run("check", "--state", "TX", "--task", "Проводит забор крови")
    assert code == 2 and not out and "Cyrillic" in err and err.count("\n") == 1, err


def test_a_batch_row_in_another_language_is_an_error_row_and_no_row_is_lost() -> None:
    rows = "state,task\nCA,vacuna contra la gripe\nCA,flu shot\nNY,Blut abnehmen\n"
    result = CliRunner().invoke(cli, ["batch", "-", "--format", "jsonl"], input=rows)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["verdict"] for line in lines] == ["error", "conditional", "error"]
    assert "is in Spanish" in lines[0]["reasons"][0] and "is in German" in lines[2]["reasons"][0]


def test_the_api_and_the_page_say_the_language_and_offer_the_tasks_in_english() -> None:
    api = CLIENT.get("/api/check", params={"state": "CA", "task": "extraer sangre"})
    assert api.status_code == 400 and api.json()["language"] == "Spanish"
    assert api.json()["named"] == [{"id": "venipuncture", "name": "Venipuncture (draw blood)"}]
    page = CLIENT.get("/", params={"state": "CA", "task": "extraer sangre"})
    assert page.status_code == 400 and "is in Spanish" in error_beside(page.text, "task")
    choices = links_beside(page.text, "task")
    assert [name for _, name in choices] == ["Venipuncture (draw blood)"]
    answer = CLIENT.get(choices[0][0])
    assert answer.status_code == 200 and 'id="verdict"' in answer.text


def test_a_spanish_word_in_an_english_question_does_not_refuse_it(checker: Checker) -> None:
    """The English words outnumber it: the question is read ('por favor' is Spanish)."""
    assert checker.check("CA", "flu shot por favor").task == "immunization"


def test_a_cue_marked_with_a_language_the_vocabulary_does_not_list_is_a_defect(tmp_path: Path) -> None:
    from test_rule_files import _validate_edited

    code, out = _validate_edited(
        tmp_path, "vocabulary.toml", 'language = "Spanish"', 'language = "Spanglish"', "--no-examples"
    )
    assert code == 2 and "'Spanglish' is no `languages` entry's name" in out, out
