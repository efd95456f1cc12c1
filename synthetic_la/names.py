"""Fictional place and school names (no real school is named)."""

from __future__ import annotations

import random

_PLACE_HEADS = (
    "Ash",
    "Bram",
    "Cal",
    "Dun",
    "East",
    "Fen",
    "Glen",
    "Hart",
    "Ivy",
    "Kes",
    "Lang",
    "Mar",
    "North",
    "Oak",
    "Pen",
    "Quarr",
    "Rook",
    "Stan",
    "Thorn",
    "Upton",
    "Wex",
    "West",
    "Yarl",
    "Brack",
    "Cold",
    "Elm",
    "Fox",
    "Hol",
    "Lin",
    "Mill",
    "Red",
    "Sand",
    "Wil",
    "Alder",
    "Birch",
    "Clay",
    "Har",
    "Kirk",
)
_PLACE_TAILS = (
    "combe",
    "ford",
    "ley",
    "ton",
    "bury",
    "field",
    "wick",
    "mere",
    "stead",
    "worth",
    "by",
    "ham",
    "well",
    "brook",
    "dale",
    "hurst",
    "gate",
    "marsh",
    "cliffe",
    "wood",
    "more",
    "thorpe",
    "den",
    "side",
)
_SAINTS = (
    "St Aidan",
    "St Bede",
    "St Cuthbert",
    "St Edmund",
    "St Hilda",
    "St Swithun",
    "St Alban",
    "St Wilfrid",
    "St Chad",
    "St Oswald",
    "St Anselm",
    "St Brigid",
    "St Columba",
    "St Frideswide",
    "St Werburgh",
    "St Botolph",
    "St Etheldreda",
    "St Aldhelm",
)
_STREETS = (
    "School Lane",
    "Church Road",
    "Mill Street",
    "Station Road",
    "The Green",
    "Park Avenue",
    "Orchard Way",
    "High Street",
    "Meadow Rise",
    "Vicarage Lane",
    "Manor Road",
    "Chapel Walk",
)

# County-like names for the fictional LAs of the national context.
_LA_HEADS = (
    "Wes",
    "Nor",
    "Sut",
    "East",
    "Mid",
    "Up",
    "Low",
    "Har",
    "Brent",
    "Ald",
    "Carn",
    "Dor",
    "Ever",
    "Fal",
    "Grey",
    "Hal",
    "Kel",
    "Lyn",
    "Mor",
    "Pel",
    "Rav",
    "Sel",
    "Tam",
    "Wyn",
)
_LA_TAILS = (
    "shire",
    "borough",
    "mouth",
    "vale",
    "moor",
    "don",
    "chester",
    "field",
    "wold",
    "ham",
    "ley",
    "stone",
    "marsh",
    "bridge",
    "water",
    "land",
)

REGIONS: tuple[tuple[str, str], ...] = (
    ("A", "North East"),
    ("B", "North West"),
    ("D", "Yorkshire and the Humber"),
    ("E", "East Midlands"),
    ("F", "West Midlands"),
    ("G", "East of England"),
    ("H", "London"),
    ("J", "South East"),
    ("K", "South West"),
)


def place_name(rng: random.Random) -> str:
    return rng.choice(_PLACE_HEADS) + rng.choice(_PLACE_TAILS)


def la_names(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    names: list[str] = []
    while len(names) < count:
        name = rng.choice(_LA_HEADS) + rng.choice(_LA_TAILS)
        if len(names) >= len(_LA_HEADS) * len(_LA_TAILS) // 2:
            name = f"{name} {rng.choice(('North', 'South', 'City', 'Borough'))}"
        if name not in taken:
            taken.add(name)
            names.append(name)
    return names


def street(rng: random.Random) -> str:
    return rng.choice(_STREETS)


def school_name(rng: random.Random, town: str, phase: str, religious: str, kind: str) -> str:
    """kind: 'infant', 'junior', 'primary', 'secondary', 'all_through', 'nursery', 'special', 'pru'."""
    if kind == "nursery":
        return f"{town} Nursery School"
    if kind == "special":
        return f"{place_name(rng)} {rng.choice(('House', 'Park', 'Grange', 'Lodge'))} School"
    if kind == "pru":
        return f"{town} Pupil Referral Unit"
    if kind == "all_through":
        return f"{town} {rng.choice(('School', 'College', 'All-Through School'))}"
    if kind == "secondary":
        base = rng.choice(
            (
                f"{town} High School",
                f"{town} School",
                f"{town} Community College",
                f"The {town} School",
                f"{place_name(rng)} Park School",
            )
        )
        if religious == "Roman Catholic":
            base = f"{rng.choice(_SAINTS)}'s Catholic High School"
        elif religious == "Church of England":
            base = f"{town} Church of England High School"
        return base
    suffix = {"infant": "Infant School", "junior": "Junior School"}.get(kind, "Primary School")
    if religious == "Church of England":
        return rng.choice(
            (
                f"{town} CofE {suffix}",
                f"{town} Church of England {suffix}",
                f"{rng.choice(_SAINTS)}'s CofE {suffix}",
            )
        )
    if religious == "Roman Catholic":
        return f"{rng.choice(_SAINTS)}'s Catholic {suffix}"
    return rng.choice(
        (
            f"{town} {suffix}",
            f"{town} Community {suffix}",
            f"{place_name(rng)} {suffix}",
            f"{town} Village {suffix}",
        )
    )


def postcode(rng: random.Random, area: str) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return f"{area}{rng.randint(1, 19)} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"
