"""Synthetic ecosystems: curated sources for N organisations, to measure the build at scale.

The real sources describe one region from two documents (~100 organisations). To know how
the tool behaves on a whole regional ecosystem or on Europe (10 k to 100 k organisations)
we generate sources in exactly the format the build reads, with a realistic shape:

* organisation classes in the proportions of a life-sciences ecosystem (many companies, a
  few hospitals and universities, rare clusters and authorities, see :data:`CLASS_WEIGHTS`);
* places: Europe, real European countries, synthetic regions and cities, with organisations
  spread over cities by a Zipf law (a few metropolitan areas hold most of them);
* hubs (one per ~500 organisations) led by an organisation, hosting organisations;
* specialisations drawn from the *real* concept scheme (``graph/sources/concepts.yaml``),
  popular areas more often (Zipf again);
* collaborations by preferential attachment (Barabási-Albert), so the degree distribution
  is heavy-tailed: a few hubs collaborate with thousands, most with one or two;
* figures (employees, founding year) with a cited work as source.

Every record cites the synthetic document ``seeds/synthetic.txt`` written beside the
sources, whose lines are exactly the quoted sentences, so the build's quote check runs on
real text. Output is a self-contained project folder (ontology and queries copied from the
repository), so ``lls-graph build --root DIR --seeds DIR/seeds`` works on it. The same
``(n, seed)`` always writes the same bytes.
"""

from __future__ import annotations

import json
import random
import shutil
from bisect import bisect
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

import yaml

__all__ = ["CLASS_WEIGHTS", "DOCUMENT", "SyntheticSummary", "generate"]

#: The file name of the synthetic source document, inside ``DIR/seeds``.
DOCUMENT = "synthetic.txt"

#: Organisation classes and their share of an ecosystem (weights, not necessarily summing to 1).
CLASS_WEIGHTS: dict[str, float] = {
    "Company": 20, "PharmaceuticalCompany": 8, "MedicalDeviceCompany": 14, "BiotechCompany": 12,
    "CDMOCompany": 2, "MediaCompany": 1, "Hospital": 6, "IRCCS": 1.5, "MedicalCentre": 6,
    "NursingHome": 3, "CommunityHome": 2, "University": 1.5, "ResearchCentre": 4, "ResearchInstitute": 3,
    "PublicResearchOrganisation": 0.5, "Foundation": 4, "NonProfitAssociation": 4,
    "BusinessAssociation": 1, "Cluster": 0.3, "PublicAuthority": 1, "RegionalAuthority": 0.3,
    "Agency": 0.5, "FundingBody": 0.5, "TechnologyTransferOrganisation": 1, "OrganisationalUnit": 3,
    "SimulationAndTrainingCentre": 0.4,
}  # fmt: skip

COUNTRIES = [("italy", "Italy", "Italia"), ("france", "France", "Francia"), ("germany", "Germany", "Germania"),
             ("spain", "Spain", "España"), ("netherlands", "Netherlands", "Paesi Bassi"),
             ("belgium", "Belgium", "Belgio"), ("switzerland", "Switzerland", "Svizzera"),
             ("austria", "Austria", "Austria"), ("sweden", "Sweden", "Svezia"),
             ("denmark", "Denmark", "Danimarca")]  # fmt: skip
SYLLABLES = ["al", "ber", "ca", "dor", "el", "fi", "gal", "hé", "ir", "jo", "ka", "lu", "mé", "no", "ö", "pa",
             "qui", "ro", "sá", "te", "ul", "vi", "wen", "xa", "ye", "zü", "mar", "lin", "ço", "ña"]  # fmt: skip
FORMS = {  # a name pattern per class, in one of the label languages the sources allow
    "Hospital": [("it", "Ospedale {}"), ("es", "Hospital {}"), ("en", "{} General Hospital")],
    "IRCCS": [("it", "IRCCS Istituto {}")], "University": [("it", "Università di {}"), ("en", "University of {}"),
                                                            ("es", "Universidad de {}")],
    "Foundation": [("it", "Fondazione {}"), ("es", "Fundación {}")],
    "ResearchCentre": [("en", "{} Research Centre"), ("it", "Centro Ricerche {}")],
}  # fmt: skip
COMPANY_FORMS = [("en", "{} Therapeutics"), ("en", "{} Biosciences"), ("it", "{} S.p.A."), ("it", "{} Srl"),
                 ("es", "Laboratorios {}"), ("en", "{} Medical"), ("en", "{} Labs")]  # fmt: skip


@dataclass(frozen=True)
class SyntheticSummary:
    """What :func:`generate` wrote."""

    root: Path
    organisations: int
    records: int
    collaborations: int
    quotes: int


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def _zipf_picker(rng: random.Random, items: list[str], exponent: float = 1.0):
    cumulative = list(accumulate(1.0 / (rank + 1) ** exponent for rank in range(len(items))))

    def pick() -> str:
        return items[min(bisect(cumulative, rng.random() * cumulative[-1]), len(items) - 1)]

    return pick


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


class _Writer:
    """Accumulates YAML records and the sentences of the synthetic document they quote."""

    def __init__(self) -> None:
        self.sentences: list[str] = []
        self.files: dict[str, dict[str, list[str]]] = {}  # file -> section -> YAML lines

    def say(self, sentence: str) -> str:
        self.sentences.append(sentence)
        return sentence

    def record(self, file: str, section: str, fields: dict[str, object], quote: str | None = None) -> None:
        lines = self.files.setdefault(file, {}).setdefault(section, [])
        items = list(fields.items())
        if quote is not None:
            items += [("doc", "synthetic"), ("quote", self.say(quote))]
        for index, (key, value) in enumerate(items):
            lead = "  - " if index == 0 else "    "
            lines.append(f"{lead}{key}: {_flow(value)}")


def _flow(value: object) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, int | float):
        return str(value)
    return _q(str(value))


def _concepts(repo: Path) -> list[dict]:
    data = yaml.safe_load((repo / "graph" / "sources" / "concepts.yaml").read_text(encoding="utf-8"))
    return data["concepts"]


def generate(n: int, out: Path, *, seed: int = 42, repo: Path | None = None) -> SyntheticSummary:
    """Write a synthetic project of ``n`` organisations to ``out``; return what was written.

    ``repo`` is the repository whose ontology, queries and concept scheme are used (default:
    the current directory). ``out`` must not already hold sources.
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    repo = (repo or Path.cwd()).resolve()
    rng = random.Random(seed)
    w = _Writer()
    w.record("sources.yaml", "documents", {"id": "synthetic", "type": "SourceDocument",
             "label": {"en": f"Synthetic ecosystem of {n} organisations (seed {seed})"},
             "file": DOCUMENT, "language": "en"},
             f"Synthetic ecosystem of {n} organisations, generated by lls-graph synth with seed {seed}.")  # fmt: skip
    works = [f"work-registry-{year}" for year in (2021, 2022, 2023)]
    for work in works:
        year = int(work[-4:])
        w.record("sources.yaml", "works", {"id": work, "type": "CitedWork",
                 "label": {"en": f"Synthetic business registry {year}"},
                 "title": f"Synthetic business registry {year}", "year": year},
                 f"Synthetic business registry {year}, cited by every synthetic figure of {year}.")  # fmt: skip

    # ---- concepts: the real scheme, re-quoted from the synthetic document
    concepts = _concepts(repo)
    for c in concepts:
        fields = {"id": c["id"], "type": c["type"], "label": c["label"]}
        if c.get("broader"):
            fields["broader"] = c["broader"]
        text = next(iter(c["label"].values()))
        w.record("concepts.yaml", "concepts", fields, f"The specialisation scheme names {text} ({c['id']}).")
    specialisation = _zipf_picker(rng, [c["id"] for c in concepts], 0.8)

    # ---- places: Europe, countries, regions, cities (about one city per 40 organisations)
    w.record(
        "places.yaml",
        "places",
        {"id": "europe", "type": "Continent", "label": {"en": "Europe"}},
        "Europe is the continent of every synthetic organisation.",
    )
    cities: list[str] = []
    n_cities = max(5, n // 40)
    regions_per_country = max(2, min(20, n_cities // (5 * len(COUNTRIES))))
    for cid, en, it in COUNTRIES:
        w.record("places.yaml", "places", {"id": f"syn-{cid}", "type": "Country", "label": {"en": en, "it": it},
                 "part_of": ["europe"]}, f"{en} is a country of Europe.")  # fmt: skip
        for r in range(regions_per_country):
            rid = f"syn-{cid}-region-{r + 1}"
            name = f"{_name(rng)} ({en})"
            w.record("places.yaml", "places", {"id": rid, "type": "Region", "label": {"en": name},
                     "part_of": [f"syn-{cid}"]}, f"{name} is region {r + 1} of {en}.")  # fmt: skip
            for k in range(max(1, n_cities // (len(COUNTRIES) * regions_per_country))):
                city = f"{rid}-city-{k + 1}"
                cname = _name(rng)
                cities.append(city)
                w.record("places.yaml", "places", {"id": city, "type": "City", "label": {"en": cname},
                         "part_of": [rid]}, f"{cname} is city {k + 1} of region {name}.")  # fmt: skip
    rng.shuffle(cities)
    city = _zipf_picker(rng, cities, 1.0)

    # ---- organisations: classes by weight, collaborations by preferential attachment
    classes = list(CLASS_WEIGHTS)
    class_cum = list(accumulate(CLASS_WEIGHTS.values()))
    orgs = [f"org-{i + 1:06d}" for i in range(n)]
    types = [classes[min(bisect(class_cum, rng.random() * class_cum[-1]), len(classes) - 1)] for _ in orgs]
    names: list[str] = []
    langs: list[str] = []  # the label's language follows the name's form ("Ospedale ..." is Italian)
    for t in types:
        forms = FORMS.get(t) or (COMPANY_FORMS if t.endswith("Company") else [("en", "{}")])
        lang, form = rng.choice(forms)
        names.append(form.format(_name(rng)))
        langs.append(lang)
    ends: list[int] = []  # every collaboration endpoint once per edge: picking from it is preferential
    partners: list[list[int]] = [[] for _ in orgs]
    edges = 0
    for i in range(1, n):
        m = 1 if rng.random() < 0.6 else 2
        chosen = {rng.choice(ends) if ends and rng.random() < 0.9 else rng.randrange(i) for _ in range(m)}
        for j in sorted(chosen):
            partners[i].append(j)
            ends += [i, j]
            edges += 1
    hubs = [f"hub-{h + 1:04d}" for h in range(max(1, n // 500))]
    hub_kinds = ["InnovationHub", "InnovationDistrict", "SciencePark"]
    statuses = ["operating", "operating", "under-development", "planned"]
    open_hubs = [hub for h, hub in enumerate(hubs) if statuses[h % 4] != "planned"]  # a planned hub hosts no one
    for h, hub in enumerate(hubs):
        hname = f"{_name(rng)} {rng.choice(['Innovation Hub', 'Science Park', 'Innovation District'])}"
        place, leader = city(), orgs[h * 500 % n]
        focus = sorted({specialisation() for _ in range(3)})
        w.record("hubs.yaml", "hubs", {"id": hub, "type": hub_kinds[h % 3], "status": statuses[h % 4],
                 "label": {"en": hname}, "located_in": [place], "focus_areas": focus, "led_by": [leader]},
                 f"{hname} ({hub}) is a hub in {place} led by {names[h * 500 % n]}.")  # fmt: skip
    w.record("figures.yaml", "indicators", {"id": "syn-employees", "type": "Indicator",
             "label": {"en": "Employees", "it": "Addetti"}, "definition": {"en": "People employed."}})  # fmt: skip
    figures = 0
    for i, (oid, t, name, lang) in enumerate(zip(orgs, types, names, langs, strict=True)):
        place = city()
        spec = sorted({specialisation() for _ in range(rng.choice((1, 1, 2, 3)))})
        fields: dict[str, object] = {"id": oid, "type": t, "label": {lang: name}, "located_in": [place],
                                     "specialises_in": spec}  # fmt: skip
        if partners[i]:
            fields["collaborates_with"] = [orgs[j] for j in partners[i]]
        if rng.random() < 0.05:
            fields["based_in_hub"] = [rng.choice(open_hubs)]
        partner_names = ", ".join(names[j] for j in partners[i]) or "no one yet"
        w.record("organisations.yaml", "organisations", fields,
                 f"{name} ({oid}, {t}) is located in {place}, works in {', '.join(spec)} "
                 f"and collaborates with {partner_names}.")  # fmt: skip
        if t.endswith("Company") and rng.random() < 0.3:
            year = rng.choice((2021, 2022, 2023))
            staff = max(1, int(rng.paretovariate(1.2) * 8))
            figures += 1
            w.record("figures.yaml", "figures", {"id": f"fig-{oid}-employees-{year}", "type": "Statistic",
                     "indicator": "syn-employees", "value": staff, "unit": "person", "qualifier": "exact",
                     "area": place, "period": str(year), "subject": oid, "source": f"work-registry-{year}"},
                     f"In {year} {name} ({oid}) employed {staff} people.")  # fmt: skip

    # ---- write: sources, the document, the ontology and queries of the repository
    sources = out / "graph" / "sources"
    if sources.exists() and any(sources.glob("*.yaml")):
        raise FileExistsError(f"{sources} already holds curated sources")
    sources.mkdir(parents=True, exist_ok=True)
    header = f"# Synthetic curated sources: generated by `lls-graph synth {n} --seed {seed}`, do not edit.\n"
    for file, sections in sorted(w.files.items()):
        body = "".join(f"{section}:\n" + "\n".join(lines) + "\n" for section, lines in sections.items())
        (sources / file).write_text(header + body, encoding="utf-8")
    seeds = out / "seeds"
    seeds.mkdir(exist_ok=True)
    (seeds / DOCUMENT).write_text("\n".join(w.sentences) + "\n", encoding="utf-8")
    for folder in ("ontology", "queries"):
        shutil.copytree(repo / folder, out / folder, dirs_exist_ok=True)
    records = sum(line.startswith("  - ") for sections in w.files.values() for lines in sections.values()
                  for line in lines)  # fmt: skip
    return SyntheticSummary(out, n, records, edges, len(w.sentences))
