"""Competency questions: every queries/cq-*.rq file runs against the built graph with a recorded answer.

The expected answers were checked by hand against the source documents (the brochure and the deck
in the shared seeds), not copied blindly from query output. Questions the documents do not answer
have an empty set: their queries must return no rows.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

ROOT = Path(__file__).resolve().parents[1]
GRAPH = ROOT / "graph" / "lls-inferred.ttl"
QUERIES = ROOT / "queries"
CQ_FILES = sorted(QUERIES.glob("cq-*.rq"))
CQ_NAME = re.compile(r"^cq-\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*$")

Row = tuple[str, ...]

EXPECTED: dict[str, set[Row] | bool] = {
    "cq-01-mind-members": {
        ("Fondazione Human Technopole",),
        ("IRCCS Ospedale Galeazzi - Sant'Ambrogio",),
        ("University of Milan",),
    },
    "cq-02-galeazzi-merger-specialties": {
        ("Istituto Clinico Sant'Ambrogio", "Bariatric"),
        ("Istituto Clinico Sant'Ambrogio", "Cardiovascular"),
        ("Istituto Clinico Sant'Ambrogio", "Neurosurgery"),
        ("Istituto Clinico Sant'Ambrogio", "Orthopaedics"),
        ("Istituto Ortopedico Galeazzi", "Bariatric"),
        ("Istituto Ortopedico Galeazzi", "Cardiovascular"),
        ("Istituto Ortopedico Galeazzi", "Neurosurgery"),
        ("Istituto Ortopedico Galeazzi", "Orthopaedics"),
    },
    "cq-03-cluster-mission-areas": {
        ("Biotechnology",),
        ("Digital health",),
        ("Health and wellbeing",),
        ("Medical devices",),
        ("Pharmaceuticals",),
    },
    "cq-04-irccs-rehabilitation": {
        ("4",),
    },
    "cq-05-md-employee-share-source": {
        ("44", "Percent", "2023", "Il Settore in Numeri"),
    },
    "cq-06-pharma-lombardy-figures": {
        ("Companies", "Exact", "262", "Count", "Istat data (no title given)"),
        ("Employees", "MoreThan", "25830", "Persons", "Indicatori Farmaceutici"),
        ("Export value", "Exact", "9.8", "BillionEuro", "Indicatori Farmaceutici"),
        ("R&D investment", "Exact", "560", "MillionEuro", "Indicatori Farmaceutici"),
    },
    "cq-07-ceo-human-technopole": set(),  # not answered by the documents
    "cq-08-open-zone-biggest-company-employees": set(),  # not answered by the documents
    "cq-09-citta-della-salute-irccs": {
        ("Fondazione IRCCS Istituto Nazionale dei Tumori",),
        ("Fondazione IRCCS Istituto Neurologico Carlo Besta",),
    },
    "cq-10-citta-della-salute-fields": {
        ("Molecular medicine",),
        ("Neuroscience",),
        ("Oncology",),
    },
    "cq-11-regione-lombardia-partners": {
        ("Assolombarda",),
        ("Il Sole 24ORE",),
        ("Polis Lombardia",),
    },
    "cq-12-regione-lombardia-suborgs": {
        ("Welfare",),
    },
    "cq-13-org-sites": {
        ("Fondazione Human Technopole", "Milan Innovation District"),
        ("IRCCS Ospedale Galeazzi - Sant'Ambrogio", "Milan Innovation District"),
        ("University of Milan", "Milan Innovation District"),
    },
    "cq-14-schema-hospitals": {
        ("Fondazione IRCCS Istituto Nazionale dei Tumori",),
        ("Fondazione IRCCS Istituto Neurologico Carlo Besta",),
        ("IRCCS Ospedale Galeazzi - Sant'Ambrogio",),
        ("IRCCS Ospedale San Raffaele",),
    },
    "cq-15-schema-universities": {
        ("Humanitas University",),
        ("Politecnico di Milano",),
        ("University of Milan",),
        ("University of Pavia",),
        ("Università Bocconi",),
        ("Università Cattolica del Sacro Cuore",),
    },
    "cq-16-count-mind-organisations": {
        ("3",),
    },
    "cq-17-count-irccs-areas": {
        ("8", "16"),
    },
    "cq-18-irccs-by-area": {
        ("Cardiology", "3"),
        ("Molecular medicine", "1"),
        ("Musculoskeletal diseases", "1"),
        ("Neurology", "3"),
        ("Oncology", "2"),
        ("Psychiatry", "1"),
        ("Rare diseases", "1"),
        ("Rehabilitation", "4"),
    },
    "cq-19-irccs-total-public-private": {
        ("Number of IRCCS", "19"),
        ("Number of private IRCCS", "14"),
        ("Number of public IRCCS", "5"),
    },
    "cq-20-deck-production-value-ranking": {
        ("Emilia-Romagna", "17.6"),
        ("Lazio", "28.1"),
        ("Lombardy", "71.1"),
        ("Piemonte", "13"),
        ("Toscana", "15.6"),
        ("Veneto", "15"),
    },
    "cq-21-deck-employees-more-than-lazio": {
        ("Lombardy", "356575"),
    },
    "cq-22-deck-lombardy-share-added-value": {
        ("25.5", "99.8", "25.6"),
    },
    "cq-23-deck-lombardy-largest": True,
    "cq-24-deck-table-source": {
        (
            "La rilevanza della filiera Life Sciences in Lombardia: benchmarking tra regioni "
            "italiane ed europee. Rapporto N°09/2020",
        ),
    },
    "cq-25-mind-provenance": {
        (
            "brochure",
            "149",
            "MIND, Milano Innovation District, is a development hub, that unites scientific "
            "and technological businesses working in Life Sciences, healthcare, biotech, "
            "pharmaceuticals, agri-food, nutrition, data science, and big data, including: - "
            "Fondazione Human Technopole",
        ),
    },
    "cq-26-galeazzi-merger-provenance": {
        (
            "brochure",
            "IRCCS Ospedale Galeazzi - Sant'Ambrogio, the merger of two highly specialized "
            "facilities, Istituto Ortopedico Galeazzi and Istituto Clinico Sant'Ambrogio, "
            "represents a center of excellence in specialist activities, like orthopedics and "
            "neurosurgery, as well as in cardiovascular and bariatric fields",
        ),
    },
    "cq-27-rehabilitation-provenance": {
        ("brochure", "113", "REHABILITATION 4"),
    },
    "cq-28-cluster-mandate-provenance": {
        ("Regione Lombardia", "brochure"),
    },
    "cq-29-parco-cardano-leader": {
        ("University of Pavia", "Pavia"),
    },
    "cq-30-parco-cardano-focus": {
        ("Diagnostic imaging",),
        ("Emerging viral threats",),
        ("Neuroscience",),
        ("Nutrition",),
        ("Personalised medicine",),
        ("Pharmafood",),
        ("Radiotherapy",),
    },
    "cq-31-hubs-status": {
        ("City of Health", "Planned"),
        ("Gerolamo Cardano Park", "UnderDevelopment"),
        ("Milan Innovation District", "Operating"),
        ("Open Zone", "Operating"),
    },
    "cq-32-mind-focus-areas": {
        ("Agri-food",),
        ("Big data",),
        ("Biotechnology",),
        ("Data science",),
        ("Healthcare",),
        ("Life Sciences",),
        ("Nutrition",),
        ("Pharmaceuticals",),
    },
    "cq-33-open-zone-figures": {
        ("Companies hosted", "Exact", "34"),
        ("People hosted", "MoreThan", "1000"),
    },
    "cq-34-unimi-mind-campus-students": {
        ("11500",),
    },
    "cq-35-human-technopole-fields": {
        ("Big data",),
        ("Data management and analysis",),
        ("Disease modelling",),
        ("Genome editing",),
        ("Genomics",),
        ("Life Sciences",),
        ("Medicine",),
        ("Nanotechnology",),
        ("Nutrition",),
        ("Optical microscopy",),
        ("Structural biology",),
    },
    "cq-36-md-companies-lombardy-italy": {
        ("Italy", "4641"),
        ("Lombardy", "1401"),
    },
    "cq-37-life-expectancy-lombardy-vs-italy": {
        ("Life expectancy at birth of men", "Italy", "81.1"),
        ("Life expectancy at birth of men", "Lombardy", "81.9"),
        ("Life expectancy at birth of women", "Italy", "85.2"),
        ("Life expectancy at birth of women", "Lombardy", "85.9"),
    },
    "cq-38-health-expenditure-per-capita": {
        ("France", "4309.8"),
        ("Germany", "5316.9"),
        ("Italy", "2947.1"),
        ("Netherlands", "4530"),
    },
    "cq-39-qs-rankings": {
        (
            "Politecnico di Milano",
            "QS World University Rankings position in Engineering and Technology",
            "23",
        ),
        (
            "University of Milan",
            "QS World University Rankings position in Life Sciences and Medicine",
            "97",
        ),
        (
            "Università Bocconi",
            "QS World University Rankings position in Social Sciences and Management",
            "9",
        ),
    },
    "cq-40-cnr-figures": {
        ("Employees of an organisation", "9300"),
        ("Research institutes", "88"),
    },
    "cq-41-cnr-supervisor": {
        ("Ministry of Universities and Research",),
    },
    "cq-42-frrb-focus": {
        ("Antibiotic resistance",),
        ("Oncology",),
        ("Personalised medicine",),
        ("Precision medicine",),
        ("Rare diseases",),
    },
    "cq-43-frrb-programmes": {
        ("Horizon 2020",),
        ("Horizon Europe",),
        ("INTERREG",),
    },
    "cq-44-sr-tiget-field": {
        ("Gene therapy",),
    },
    "cq-45-irccs-impact-factor": {
        ("IRCCS impact factor as a share of the national total", "About", "44"),
        ("Total impact factor of IRCCS", "MoreThan", "33000"),
    },
    "cq-46-community-homes-hospitals": {
        ("Community Homes", "126"),
        ("Community Hospitals", "23"),
    },
    "cq-47-count-deck-regions": {
        ("6",),
    },
    "cq-48-hubs-per-status": {
        ("Operating", "2"),
        ("Planned", "1"),
        ("UnderDevelopment", "1"),
    },
    "cq-49-pharma-added-value-benchmark-regions": set(),  # not answered by the documents
    "cq-50-open-zone-companies-names": set(),  # not answered by the documents
    "cq-51-citta-della-salute-city": set(),  # not answered by the documents
    "cq-52-pharma-exports-provenance": {
        (
            "brochure",
            "377",
            "In terms of sales and manufacturing, the pharmaceutical industry in Lombardy "
            "generates 20% of Italy's recorded pharmaceutical exports, for a value of 9.8 "
            "billion euros",
        ),
    },
    "cq-53-scientific-firsts": {
        (
            "First genomic approach in Italy for the development of a vaccine against meningococcus B",
            "Italy",
        ),
        ("Holocar \u2013 the first stem cell-based therapy", ""),
        ("Strimvelis \u2013 the first gene therapy approved in Europe", "Europe"),
    },
    "cq-54-ada-scid-treatment": {
        ("Istituto San Raffaele Telethon per la Terapia Genetica", "IRCCS Ospedale San Raffaele"),
    },
    "cq-55-holocar-developer": set(),  # not answered by the documents
    "cq-56-car-t-centres": {
        ("CAR-T centres as a share of the national total", "25.8"),
        ("Centres authorised for CAR-T therapy", "8"),
    },
}


@pytest.fixture(scope="session")
def store() -> ox.Store:
    """The inferred graph, loaded once per session."""
    s = ox.Store()
    s.bulk_load(path=str(GRAPH), format=ox.RdfFormat.TURTLE)
    return s


def _headers(path: Path) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^#\s*([a-z-]+):\s*(.*\S)\s*$", line)
        if m:
            headers.setdefault(m.group(1), m.group(2))
    return headers


def _run(store: ox.Store, path: Path) -> set[Row] | bool:
    result = store.query(path.read_text(encoding="utf-8"))
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    assert isinstance(result, ox.QuerySolutions), f"{path.name} is not a SELECT or ASK query"
    variables = result.variables
    return {tuple("" if s[v] is None else s[v].value for v in variables) for s in result}


def test_enough_competency_questions_with_headers() -> None:
    assert len(CQ_FILES) >= 40, f"only {len(CQ_FILES)} competency questions"
    for path in CQ_FILES:
        assert CQ_NAME.match(path.stem), f"bad file name {path.name}"
        headers = _headers(path)
        assert headers.get("title"), f"{path.name} has no '# title:' line"
        assert headers.get("question-it"), f"{path.name} has no '# question-it:' line"


def test_every_expected_answer_has_a_query() -> None:
    missing = sorted(set(EXPECTED) - {p.stem for p in CQ_FILES})
    assert not missing, f"expected answers without a query: {missing}"


@pytest.mark.parametrize("path", CQ_FILES, ids=[p.stem for p in CQ_FILES])
def test_competency_question(store: ox.Store, path: Path) -> None:
    assert path.stem in EXPECTED, f"{path.name}: no expected answer recorded"
    text = path.read_text(encoding="utf-8")
    assert "ORDER BY" in text or re.search(r"^\s*ASK\b", text, re.M), f"{path.name}: SELECT without ORDER BY"
    assert _run(store, path) == EXPECTED[path.stem]
