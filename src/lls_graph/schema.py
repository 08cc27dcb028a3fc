"""The schema of the curated sources: which sections, fields and types a record may have.

One table serves two stages: :mod:`lls_graph.sources` validates records against it and
:mod:`lls_graph.populate` maps each field to its ontology property through it, so a new
field is added in one place. ``graph/sources/README.md`` documents the same table for
the data stewards.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "COMMON_FIELDS",
    "DISCREPANCY_TYPES",
    "QUALIFIERS",
    "SECTIONS",
    "STATUSES",
    "UNITS",
    "Relation",
    "Section",
]

#: Kinds of record a relation may point at, by section.
ORG = ("organisations",)
HUB = ("hubs",)
PLACE = ("places",)
CONCEPT = ("concepts",)
INITIATIVE = ("initiatives",)
THERAPY = ("therapies",)
WORK = ("works",)
FOOTNOTE = ("footnotes",)
ANY = (
    "organisations",
    "hubs",
    "places",
    "concepts",
    "initiatives",
    "therapies",
    "documents",
    "works",
    "footnotes",
    "indicators",
    "figures",
)


@dataclass(frozen=True)
class Relation:
    """A field whose values are ids of other records, written as one ontology property."""

    prop: str
    targets: tuple[str, ...]


@dataclass(frozen=True)
class Section:
    """What records of one section may hold."""

    types: frozenset[str]
    relations: dict[str, Relation] = field(default_factory=dict)
    literals: frozenset[str] = frozenset()
    required: frozenset[str] = frozenset({"id", "type", "label", "doc", "quote"})
    quoted: bool = True


#: Fields every record may have.
COMMON_FIELDS = frozenset({"id", "type", "label", "alt_labels", "acronyms", "note", "doc", "quote"})

STATUSES = {"planned": "Planned", "under-development": "UnderDevelopment", "operating": "Operating"}
QUALIFIERS = {
    "exact": "Exact",
    "more-than": "MoreThan",
    "about": "About",
    "at-least": "AtLeast",
    "rank": "RankPosition",
}
UNITS = {
    "count": "Count",
    "percent": "Percent",
    "euro": "Euro",
    "million-euro": "MillionEuro",
    "billion-euro": "BillionEuro",
    "euro-per-inhabitant": "EuroPerInhabitant",
    "year": "YearDuration",
    "month": "MonthDuration",
    "square-metre": "SquareMetre",
    "rank": "OrdinalRank",
    "index-point": "IndexPoint",
    "person": "Persons",
    "bed": "Beds",
}
DISCREPANCY_TYPES = frozenset({"Inconsistency", "Ambiguity", "Typo", "PossibleDuplicate", "ExtractionArtefact"})

ORGANISATION_TYPES = frozenset(
    {
        "Organisation", "Company", "PharmaceuticalCompany", "MedicalDeviceCompany", "BiotechCompany",
        "CDMOCompany", "MediaCompany", "Hospital", "IRCCS", "MedicalCentre", "University",
        "ResearchCentre", "ResearchInstitute", "PublicResearchOrganisation", "Foundation",
        "BusinessAssociation", "NonProfitAssociation", "Cluster", "PublicAuthority", "Ministry",
        "RegionalAuthority", "Agency", "DiplomaticMission", "IntergovernmentalOrganisation",
        "TechnologyTransferOrganisation", "FundingBody", "SimulationAndTrainingCentre",
        "OrganisationalUnit", "HealthcareSystem", "CommunityHome", "CommunityHospital", "NursingHome",
        "HomeCareProvider",
    }
)  # fmt: skip

SECTIONS: dict[str, Section] = {
    "places": Section(
        types=frozenset({"Region", "City", "Province", "Country", "Continent", "SupranationalArea",
                         "GeographicArea"}),
        relations={"part_of": Relation("withinPlace", PLACE)},
    ),
    "organisations": Section(
        types=ORGANISATION_TYPES,
        relations={
            "member_of": Relation("memberOf", ORG),
            "part_of": Relation("subOrganisationOf", ORG),
            "merger_of": Relation("formedByMergerOf", ORG),
            "supervised_by": Relation("supervisedBy", ORG),
            "located_in": Relation("locatedIn", PLACE),
            "based_in_hub": Relation("basedInHub", HUB),
            "planned_in_hub": Relation("plannedInHub", HUB),
            "specialises_in": Relation("specialisesIn", CONCEPT),
            "mission_areas": Relation("missionArea", CONCEPT),
            "collaborates_with": Relation("collaboratesWith", ORG),
            "funds": Relation("funds", ORG + INITIATIVE),
            "mandated_by": Relation("mandatedBy", ORG),
            "represents": Relation("represents", ANY),
            "coordinates": Relation("coordinates", INITIATIVE),
            "leads": Relation("leads", HUB + INITIATIVE),
            "promotes": Relation("promotes", INITIATIVE + CONCEPT),
            "organises": Relation("organises", INITIATIVE),
            "operates_in": Relation("operatesIn", PLACE),
        },
        literals=frozenset({"mission", "vision", "website", "email", "telephone", "social_account",
                            "street_address", "postal_code"}),
    ),
    "hubs": Section(
        types=frozenset({"InnovationHub", "InnovationDistrict", "SciencePark"}),
        relations={
            "located_in": Relation("locatedIn", PLACE),
            "focus_areas": Relation("focusArea", CONCEPT),
            "planned_focus_areas": Relation("plannedFocusArea", CONCEPT),
            "led_by": Relation("ledBy", ORG),
        },
        literals=frozenset({"status"}),
        required=frozenset({"id", "type", "label", "doc", "quote", "status"}),
    ),
    "concepts": Section(
        types=frozenset({"Sector", "TherapeuticArea", "TechnologyPlatform"}),
        relations={"broader": Relation("broader", CONCEPT)},
    ),
    "initiatives": Section(
        types=frozenset({"Project", "WorkingGroup", "Event", "Portal", "Programme", "Plan", "Study",
                         "Report", "Network", "Meeting", "LegalAct", "Publication", "EducationProgramme"}),
        relations={
            "organised_by": Relation("organisedBy", ORG),
            "promoted_by": Relation("promotedBy", ORG),
            "coordinated_by": Relation("coordinatedBy", ORG),
            "led_by": Relation("ledBy", ORG),
            "conducted_by": Relation("conductedBy", ORG),
            "supported_by": Relation("supportedBy", ORG),
            "in_collaboration_with": Relation("inCollaborationWith", ORG),
            "participants": Relation("hasParticipant", ORG),
            "funded_by": Relation("fundedBy", ORG),
            "published_by": Relation("publishedBy", ORG),
            "developed_by": Relation("developedBy", ORG),
            "part_of": Relation("partOfInitiative", INITIATIVE),
            "about": Relation("about", ANY),
            "located_in": Relation("locatedIn", PLACE),
            "area": Relation("coversArea", PLACE),
            "focus_areas": Relation("focusArea", CONCEPT),
        },
        literals=frozenset({"status", "year"}),
    ),
    "therapies": Section(
        types=frozenset({"Therapy", "ScientificFirst", "MedicalCondition"}),
        relations={
            "developed_by": Relation("developedBy", ORG),
            "administered_at": Relation("administeredAt", ORG),
            "treats": Relation("treats", THERAPY),
            "uses": Relation("usesTechnology", CONCEPT),
            "first_in": Relation("firstIn", PLACE),
            "achieved_in": Relation("achievedIn", PLACE),
        },
    ),
    "documents": Section(
        types=frozenset({"SourceDocument"}),
        relations={"published_by": Relation("publishedBy", ORG)},
        literals=frozenset({"file", "language", "year"}),
        required=frozenset({"id", "type", "label", "doc", "quote", "file", "language"}),
    ),
    "works": Section(
        types=frozenset({"CitedWork"}),
        relations={"published_by": Relation("publishedBy", ORG)},
        literals=frozenset({"title", "year", "data_period"}),
        required=frozenset({"id", "type", "label", "doc", "quote", "title"}),
    ),
    "footnotes": Section(
        types=frozenset({"Footnote"}),
        relations={"cites": Relation("cites", WORK)},
        literals=frozenset({"number"}),
        required=frozenset({"id", "type", "label", "doc", "quote", "number", "cites"}),
    ),
    "indicators": Section(
        types=frozenset({"Indicator"}),
        literals=frozenset({"counts", "definition"}),
        required=frozenset({"id", "type", "label", "definition"}),
        quoted=False,
    ),
    "figures": Section(
        types=frozenset({"Statistic"}),
        relations={
            "indicator": Relation("indicator", ("indicators",)),
            "area": Relation("refArea", PLACE),
            "subject": Relation("statSubject", CONCEPT + ORG + HUB + INITIATIVE + THERAPY),
            "source": Relation("source", FOOTNOTE + WORK),
        },
        literals=frozenset({"value", "unit", "qualifier", "period"}),
        required=frozenset({"id", "type", "doc", "quote", "indicator", "value", "unit", "qualifier",
                            "area"}),
    ),
    "discrepancies": Section(
        types=DISCREPANCY_TYPES,
        relations={"affects": Relation("affects", (*ANY, "discrepancies"))},
        literals=frozenset({"description", "decision", "evidence"}),
        required=frozenset({"id", "type", "label", "description", "decision", "evidence"}),
        quoted=False,
    ),
}  # fmt: skip
