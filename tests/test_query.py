"""The query catalogue and ``lls-graph query`` on the embedded store: headers, answers, formats, safety.

Answers are checked against the hand-checked expectations of ``test_competency`` and against
each other (a report with its default parameters must agree with the competency question it
generalises), never against recorded query output.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from servers import scripted
from test_competency import CQ_FILES, EXPECTED

from lls_graph.catalogue import VIEWS, CatalogueError, load_catalogue, parse_query_file
from lls_graph.cli import main
from lls_graph.config import Project
from lls_graph.query import QueryFailed, Result, format_result, label_lookup, rows, run_query, table_rows
from lls_graph.sparql import bind
from lls_graph.store import ensure_store, is_fresh, open_store

ROOT = Path(__file__).resolve().parents[1]
QUERY_FILES = sorted((ROOT / "queries").glob("*.rq"))
#: Values that would change a query if they were pasted into it.
HOSTILE = [
    'x" || "a" = "a',
    'en" || "a" = "a',
    'en"} UNION { ?o ?p ?actor } #',
    "en> . ?s ?p ?o",
    "en\n} #",
    "en' || 'a' = 'a",
    "en\\",
    '"""en"""',
]


def values(result: Result) -> set[tuple[str, ...]] | bool:
    """The comparable form of test_competency: a set of value tuples, or the ASK boolean."""
    if result.form == "ASK":
        return bool(result.boolean)
    return {tuple("" if t is None else t.value for t in row) for row in result.rows}


@pytest.fixture(scope="module")
def project() -> Project:
    return Project(root=ROOT)


# --- catalogue -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", QUERY_FILES, ids=[p.stem for p in QUERY_FILES])
def test_every_query_has_a_full_header(path: Path) -> None:
    entry = parse_query_file(path)
    assert entry.title and entry.title_it, path.name
    assert entry.description and entry.description_it, path.name
    assert entry.view in VIEWS


def test_declared_parameters_are_variables_of_their_query() -> None:
    from lls_graph.sparql import tokens

    for name, entry in load_catalogue(ROOT / "queries").items():
        variables = {t.text[1:] for t in tokens(entry.text) if t.kind == "var"}
        for param in entry.params:
            assert param.name in variables, f"{name}: parameter {param.name!r} is not a variable of the query"


BAD_HEADERS = {
    "unknown key": ("# title: t\n# colour: red\nASK {}", 2),
    "not key-value": ("# title: t\n# description-it: d\n# just a comment\nASK {}", 3),
    "bad view": ("# title: t\n# view: pie\nASK {}", 2),
    "twice": ("# title: t\n# title: u\nASK {}", 2),
    "bad param type": ("# title: t\n# param: hub | url | mind\nASK {}", 2),
    "bad param name": ("# title: t\n# param: h-b | iri | mind\nASK {}", 2),
    "bad integer default": ("# title: t\n# view: table\n# param: n | integer | ten\nASK {}", 3),
    "param declared twice": ("# param: n | integer | 1\n# param: n | string\nASK {}", 2),
    "empty value": ("# title:\nASK {}", 1),
}


@pytest.mark.parametrize("case", BAD_HEADERS, ids=list(BAD_HEADERS))
def test_a_malformed_header_names_file_and_line(tmp_path: Path, case: str) -> None:
    text, line = BAD_HEADERS[case]
    path = tmp_path / "bad.rq"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        parse_query_file(path)
    assert str(caught.value).startswith(f"{path}:{line}: ")


def test_queries_command_lists_the_catalogue() -> None:
    result = CliRunner().invoke(main, ["queries", "--root", str(ROOT)])
    assert result.exit_code == 0, result.output
    names = [line.split("\t")[0] for line in result.output.splitlines()]
    assert names == [p.stem for p in QUERY_FILES]
    assert len(load_catalogue(ROOT / "queries")) == len(QUERY_FILES) > 56


# --- answers ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", CQ_FILES, ids=[p.stem for p in CQ_FILES])
def test_competency_questions_through_the_api(project: Project, path: Path) -> None:
    assert values(run_query(path.stem, project=project)) == EXPECTED[path.stem]


def test_reports_agree_with_the_competency_questions(project: Project) -> None:
    actors = {r["actor"] for r in rows("report-actors-by-hub", project=project) if r["relation"] == "based in"}
    assert {(a,) for a in actors} == EXPECTED["cq-01-mind-members"]
    centres = rows("report-actors-by-hub", {"hub": "citta-della-salute"}, project=project)
    assert {(r["actor"],) for r in centres} == EXPECTED["cq-09-citta-della-salute-irccs"]
    ht = rows("report-actors-by-specialisation", {"field": "genomics"}, project=project)
    assert any(r["actor"] == "Fondazione Human Technopole" and r["how"] == "specialisesIn" for r in ht)
    figures = rows("report-figures-with-sources", {"topic": "pharmaceuticals"}, project=project)
    pharma = {(r["indicator"], str(r["value"]).removesuffix(".0"), r["source"]) for r in figures}
    for indicator, _, value, _, source in EXPECTED["cq-06-pharma-lombardy-figures"]:
        assert (indicator, value, source) in pharma


def test_an_iri_parameter_reads_ids_curies_and_iris(project: Project) -> None:
    forms = ["mind", "id:mind", "https://w3id.org/lls/id/mind", "<https://w3id.org/lls/id/mind>"]
    answers = [values(run_query("report-actors-by-hub", {"hub": v}, project=project)) for v in forms]
    assert answers[0] and all(a == answers[0] for a in answers)


def test_labels_follow_the_language(project: Project) -> None:
    italian = values(run_query("report-actors-by-hub", {"lang": "it"}, project=project))
    assert ("Università Statale di Milano", "based in") in italian
    hosts = """PREFIX id: <https://w3id.org/lls/id/> PREFIX lls: <https://w3id.org/lls/ontology#>
    SELECT ?o WHERE { id:mind lls:hostsOrganisation ?o }"""
    result = run_query(hosts, project=project)
    store = open_store(project)
    _, cells = table_rows(result, label_lookup(store, "en"))
    assert {tuple(c) for c in cells} == EXPECTED["cq-01-mind-members"]
    _, cells = table_rows(result, label_lookup(store, "it"))
    assert ["Università Statale di Milano"] in cells


def test_asserted_and_inferred_graphs(project: Project) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    for asserted, path in ((False, project.inferred_graph), (True, project.asserted_graph)):
        expected = sum(1 for _ in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
        assert rows(count, project=project, asserted=asserted) == [{"n": expected}]


def test_query_any_rdf_file(tmp_path: Path) -> None:
    data = tmp_path / "partner.nt"
    data.write_text('<http://p.example/a> <http://www.w3.org/2000/01/rdf-schema#label> "A partner" .\n')
    assert rows("SELECT ?l WHERE { ?s ?p ?l }", data=[data]) == [{"l": "A partner"}]
    result = CliRunner().invoke(main, ["query", "SELECT ?l WHERE { ?s ?p ?l }", "--data", str(data), "--format", "csv"])
    assert result.output.splitlines() == ["l", "A partner"]


def test_an_edited_query_file_is_read_again(tmp_path: Path) -> None:
    """Parsed query files are cached by path, time and size: an edit must never serve the old text."""
    project = Project(root=tmp_path)
    project.queries.mkdir()
    path = project.queries / "answer.rq"
    for value in (1, 22, 3):
        path.write_text(f"SELECT ?x WHERE {{ VALUES ?x {{ {value} }} }}\n")
        assert rows("answer", project=project, data=[]) == [{"x": value}]


# --- formats ---------------------------------------------------------------------------------------------


def test_json_is_sparql_results_json(project: Project) -> None:
    result = run_query("cq-20", project=project)
    parsed = ox.parse_query_results(format_result(result, "json").encode(), format=ox.QueryResultsFormat.JSON)
    assert [tuple(s[v] for v in result.variables) for s in parsed] == result.rows
    assert json.loads(format_result(run_query("cq-23", project=project), "json"))["boolean"] in (True, False)


def test_csv_tsv_and_graph_formats(project: Project) -> None:
    result = run_query("cq-01", project=project)
    assert format_result(result, "csv").splitlines()[0] == "name"
    assert format_result(result, "tsv").splitlines()[0] == "?name"
    graph = run_query("report-hub-network", project=project)
    assert graph.triples
    turtle = format_result(graph, "ttl")
    assert {q.triple for q in ox.parse(turtle, format=ox.RdfFormat.TURTLE)} == set(graph.triples)
    jsonld = format_result(graph, "jsonld")
    assert {q.triple for q in ox.parse(jsonld, format=ox.RdfFormat.JSON_LD)} == set(graph.triples)
    with pytest.raises(QueryFailed, match="CONSTRUCT or DESCRIBE"):
        format_result(result, "ttl")


def test_describe(project: Project) -> None:
    result = run_query("report-describe-entity", {"entity": "oncology"}, project=project)
    assert result.form == "DESCRIBE"
    assert result.triples
    assert all(t.subject == ox.NamedNode("https://w3id.org/lls/id/oncology") for t in result.triples)


def test_dataframe(project: Project) -> None:
    pytest.importorskip("pandas")
    from lls_graph.query import to_dataframe

    frame = to_dataframe(run_query("cq-18", project=project))
    assert list(frame.columns) == ["area", "n"]
    assert frame["n"].sum() == 16  # the table sums to 16 (cq-17)


# --- errors and exit codes -------------------------------------------------------------------------------


def test_syntax_errors_name_line_and_column() -> None:
    with pytest.raises(QueryFailed, match=r"syntax error at line 3, column \d+"):
        run_query("SELECT ?x WHERE {\n  ?x ?p ?o .\n  FILTER(?x = ) }", data=[])
    with pytest.raises(QueryFailed, match=r"line 3, column \d+"):  # same position with a parameter bound
        run_query("# param: lang | string | en\nSELECT ?x WHERE { ?x ?p ?lang .\n  FILTER(?x = ) }", data=[])


def _cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "lls_graph", "query", *args]
    return subprocess.run(command, cwd=ROOT, input=stdin, capture_output=True, text=True, timeout=60)


def test_exit_codes() -> None:
    assert _cli("cq-01", "--fail-empty", "--format", "csv").returncode == 0
    assert _cli("cq-07", "--fail-empty", "--format", "csv").returncode == 1  # not answered by the documents
    assert _cli("cq-07", "--format", "csv").returncode == 0
    assert _cli("-", "--fail-empty", "--format", "json", stdin="ASK { ?s ?p 'no such value' }").returncode == 1
    broken = _cli("-", stdin="SELECT * WHERE {\n ?s ?p }")
    assert broken.returncode == 2 and "syntax error at line" in broken.stderr
    missing = _cli("no-such-query")
    assert missing.returncode == 2 and "no query called" in missing.stderr
    assert _cli("report-actors-by-hub", "--param", "nope=1").returncode == 2


# --- parameters are bound, never pasted ------------------------------------------------------------------


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_string_parameters_match_nothing(project: Project, value: str) -> None:
    assert run_query("report-actors-by-hub", {"lang": value}, project=project).rows == []
    assert rows("report-figures-with-sources", {"lang": value}, project=project) == []
    cli = _cli("report-actors-by-hub", "--param", f"lang={value}", "--format", "csv", "--fail-empty")
    assert cli.returncode == 1 and cli.stdout.splitlines() == ["actor,relation"]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_iri_parameters_are_refused_or_match_nothing(project: Project, value: str) -> None:
    try:
        result = run_query("report-actors-by-hub", {"hub": value}, project=project)
    except QueryFailed as exc:
        assert "is not an IRI" in str(exc)
    else:
        assert result.rows == []


def test_binding_adds_one_values_block_and_changes_nothing_else() -> None:
    text = "SELECT ?x WHERE { ?x ?p ?lang }"
    bound = bind(text, {"lang": ox.Literal(HOSTILE[2])})
    assert bound.replace(" VALUES (?lang) { (" + str(ox.Literal(HOSTILE[2])) + ") }", "") == text


def test_a_real_value_still_matches(project: Project) -> None:
    """The honest result: a legitimate value through the same path does find rows."""
    assert run_query("report-actors-by-hub", {"lang": "en"}, project=project).rows


# --- untrusted queries -----------------------------------------------------------------------------------

REFUSED = {
    "service": "SELECT * WHERE { SERVICE <{url}> { ?s ?p ?o } }",
    "service silent lower case": "select * where { service silent <{url}> { ?s ?p ?o } }",
    "from": "SELECT * FROM <{url}> WHERE { ?s ?p ?o }",
    "from named": "SELECT * FROM NAMED <{url}> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "load": "LOAD <{url}>",
    "insert": "INSERT DATA { <{url}> <{url}> <{url}> }",
    "delete where": "DELETE WHERE { ?s ?p ?o }",
}


@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
def test_untrusted_queries_are_refused_before_any_request(project: Project, case: str) -> None:
    with scripted(
        [
            (
                200,
                {"Content-Type": "application/sparql-results+json"},
                b'{"head":{"vars":[]},"results":{"bindings":[]}}',
            )
        ]
    ) as server:
        text = REFUSED[case].replace("{url}", server.url)
        with pytest.raises(QueryFailed, match="refused"):
            run_query(text, project=project)
        cli = _cli("-", stdin=text)
        assert cli.returncode == 2 and "refused" in cli.stderr
        assert server.requests == []


def test_service_runs_only_when_allowed(project: Project) -> None:
    """The same loopback server does see the request once SERVICE is allowed: the check above can fail."""
    answer = b'{"head":{"vars":["o"]},"results":{"bindings":[{"o":{"type":"literal","value":"remote"}}]}}'
    with scripted([(200, {"Content-Type": "application/sparql-results+json"}, answer)]) as server:
        result = run_query(f"SELECT ?o WHERE {{ SERVICE <{server.url}> {{ ?s ?p ?o }} }}", project=project,
                           allow_service=True)  # fmt: skip
        assert len(server.requests) >= 1
        assert values(result) == {("remote",)}


def test_keywords_in_strings_iris_and_comments_are_not_refused() -> None:
    text = 'SELECT ?x WHERE { VALUES ?x { "SERVICE" "FROM" <http://e.example/LOAD> } } # INSERT\nORDER BY ?x'
    assert {r["x"] for r in rows(text, data=[])} == {"FROM", "SERVICE", "http://e.example/LOAD"}


# --- the embedded store ----------------------------------------------------------------------------------


def test_the_store_is_rebuilt_when_the_graph_changes(tmp_path: Path, project: Project) -> None:
    out = tmp_path / "graph"
    out.mkdir()
    for path in (project.asserted_graph, project.inferred_graph):
        shutil.copy(path, out / path.name)
    copy = Project(root=ROOT, out=out)
    assert not is_fresh(copy, "inferred")
    ensure_store(copy, "inferred")
    assert is_fresh(copy, "inferred")
    ask = "ASK { <https://w3id.org/lls/id/new> ?p ?o }"
    assert run_query(ask, project=copy).boolean is False
    with (out / "lls-inferred.ttl").open("a", encoding="utf-8") as handle:
        handle.write('\n<https://w3id.org/lls/id/new> <http://www.w3.org/2000/01/rdf-schema#label> "new" .\n')
    assert not is_fresh(copy, "inferred")
    assert run_query(ask, project=copy).boolean is True
    assert is_fresh(copy, "inferred")


def test_a_touched_graph_keeps_its_store_and_an_edited_one_does_not(tmp_path: Path, project: Project) -> None:
    """Freshness trusts size and time, and falls back on the hash when they moved (a checkout)."""
    out = tmp_path / "graph"
    out.mkdir()
    source = out / project.inferred_graph.name
    shutil.copy(project.inferred_graph, source)
    copy = Project(root=ROOT, out=out)
    store = ensure_store(copy, "inferred")
    marker = (store / "source.sha256").read_text()
    os.utime(source, ns=(10**18, 10**18))  # same bytes, another time
    assert is_fresh(copy, "inferred")
    assert (store / "source.sha256").read_text() != marker  # the new time is remembered
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("Lombardy", "Lombardia", 1), encoding="utf-8")  # one byte longer
    assert not is_fresh(copy, "inferred")
    source.write_text(text.replace("Lombardy", "Lombardx", 1), encoding="utf-8")  # same size, new bytes
    os.utime(source, ns=(10**18 + 1, 10**18 + 1))
    assert not is_fresh(copy, "inferred")
