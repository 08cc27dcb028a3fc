"""Bad curated input: a clear error naming file, line and record, exit 1, and graph/ untouched.

One case per error kind; each edits one file of a scratch copy of the real sources.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from click.testing import CliRunner

from lls_graph.cli import main
from lls_graph.config import Project
from lls_graph.evidence import Document

SENTINEL = b"# previous build\n"

# (file, text to replace, replacement, words the message must contain)
CASES = {
    "yaml-syntax": (
        "places.yaml",
        "  - id: pavia\n",
        "  - id: pavia\n   bad: [unclosed\n",
        ["places.yaml:", "YAML error"],
    ),
    "unknown-field": (
        "places.yaml",
        "  - id: pavia\n",
        "  - id: pavia\n    colour: blue\n",
        ["places.yaml:", "'pavia'", "unknown field 'colour'"],
    ),
    "missing-required": (
        "hubs.yaml",
        "    status: operating\n    label: {en: Milan Innovation District",
        "    label: {en: Milan Innovation District",
        ["hubs.yaml:", "'mind'", "missing required field 'status'"],
    ),
    "duplicate-id": ("places.yaml", "  - id: pavia\n", "  - id: milan\n", ["places.yaml:", "'milan'", "duplicate id"]),
    "duplicate-key": (
        "places.yaml",
        "  - id: pavia\n",
        "  - id: pavia\n    id: pavia2\n",
        ["places.yaml:", "duplicate key 'id'"],
    ),
    "unknown-reference": (
        "hubs.yaml",
        "      - milan\n",
        "      - atlantis\n",
        ["hubs.yaml:", "unknown id 'atlantis'"],
    ),
    "wrong-target": ("hubs.yaml", "      - milan\n", "      - assolombarda\n", ["hubs.yaml:", "must refer to places"]),
    "non-numeric-value": (
        "figures-deck.yaml",
        "    value: 224.5\n",
        "    value: 224,5\n",
        ["figures-deck.yaml:", "fig-deck-production-value-italy-2018", "value must be a number"],
    ),
    "impossible-year": (
        "sources.yaml",
        "    year: 2021\n",
        "    year: 20211\n",
        ["sources.yaml:", "'deck'", "impossible year"],
    ),
    "impossible-period": (
        "figures-deck.yaml",
        '    period: "2018"\n',
        '    period: "2018-2011"\n',
        ["figures-deck.yaml:", "impossible period"],
    ),
    "bad-unit": (
        "figures-deck.yaml",
        "    unit: billion-euro\n",
        "    unit: zillions\n",
        ["figures-deck.yaml:", "unit 'zillions'"],
    ),
    "quote-not-found": (
        "hubs.yaml",
        "MIND, Milano Innovation District, is a development hub",
        "MIND, Milano Innovation District, is a space station",
        ["hubs.yaml:", "'mind'", "quote not found"],
    ),
    "unknown-document": (
        "hubs.yaml",
        "  - id: mind\n    type: InnovationDistrict\n    status: operating\n",
        "  - id: mind\n    type: InnovationDistrict\n    status: operating\n    doc: memo\n",
        ["hubs.yaml:"],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_refused_and_nothing_is_written(case: str, scratch: Project) -> None:
    name, old, new, expected = CASES[case]
    path = scratch.sources / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture out of date: {old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    scratch.asserted_graph.parent.mkdir(parents=True, exist_ok=True)
    scratch.asserted_graph.write_bytes(SENTINEL)

    result = CliRunner().invoke(main, ["build", "--root", str(scratch.root), "--seeds", str(scratch.documents)])

    assert result.exit_code == 1, result.output
    for words in expected:
        assert words in result.output
    assert scratch.asserted_graph.read_bytes() == SENTINEL
    assert not scratch.inferred_graph.exists()
    assert gc.isenabled()  # the build pauses the cycle collector; a failure must not leave it off


def test_every_error_is_reported_at_once(scratch: Project) -> None:
    path = scratch.sources / "places.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  - id: pavia\n", "  - id: pavia\n    colour: blue\n    size: 3\n"), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--root", str(scratch.root), "--seeds", str(scratch.documents)])
    assert result.exit_code == 1
    assert "unknown field 'colour'" in result.output and "unknown field 'size'" in result.output


def test_bad_base_iri_is_a_usage_error(scratch: Project) -> None:
    result = CliRunner().invoke(main, ["build", "--root", str(scratch.root), "--base", "ftp://x"])
    assert result.exit_code == 2


def test_quote_lookup_with_a_common_first_word_finds_the_first_occurrence(tmp_path: Path) -> None:
    lines = [f"In 2023 Company number {i % 150} employed {i} people," for i in range(300)]
    path = tmp_path / "doc.txt"
    path.write_text("\n".join([*lines, "In 2023 the end", "In short."]), encoding="utf-8")
    doc = Document.read("d", path)
    for i in (0, 7, 149, 150, 299):  # companies 0..149 appear twice: the first line wins
        assert doc.locate(f"In 2023 Company number {i % 150} employed") == i % 150 + 1
        assert doc.locate(f"In 2023 Company number {i % 150} employed {i} people, In 2023") == i + 1
    assert doc.locate("In 2023 the end") == 301 and doc.locate("In short.") == 302  # shorter than the prefix
    assert doc.locate("In 2023 Company number 150") is None
