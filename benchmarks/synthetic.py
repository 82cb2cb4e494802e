"""A deterministic synthetic corpus for the benchmarks: statements in the sample corpus's style.

Each series is a yearly ministerial meeting of two States; each meeting gets a joint statement
and, every other year, a news report of it. Statements name the ministers by office, the place
and the date, and make commitments about units, places, capabilities, agreements and
mechanisms drawn from varied names. Commitments carry over from meeting to meeting (restated,
with their deadline kept or moved a year, or dropped), so the corpus-level stage finds
lineages across meetings as it would in a real series.

    .venv/bin/python benchmarks/synthetic.py OUT_DIR --documents 1000 [--seed 7]

The same seed and count give the same files, byte for byte.
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass
from pathlib import Path

# States with a capital and a minister of each portfolio's office title (as the lexicon knows
# them); the persons' names are made up from the name parts below.
STATES = {
    "Australia": ("Canberra", "Minister for Foreign Affairs", "Minister for Defence"),
    "Japan": ("Tokyo", "Minister for Foreign Affairs", "Minister of Defense"),
    "the United States": ("Washington, D.C.", "Secretary of State", "Secretary of Defense"),
    "the Philippines": ("Manila", "Secretary of Foreign Affairs", "Secretary of National Defense"),
    "India": ("New Delhi", "External Affairs Minister", "Defence Minister"),
    "the Republic of Korea": (
        "Seoul",
        "Minister of Foreign Affairs",
        "Minister of National Defense",
    ),
    "the United Kingdom": ("London", "Foreign Secretary", "Defence Secretary"),
    "New Zealand": ("Wellington", "Minister of Foreign Affairs", "Minister of Defence"),
}
GIVEN = [
    "Alex",
    "Maria",
    "Kenji",
    "Priya",
    "Daniel",
    "Sofia",
    "Hiroshi",
    "Grace",
    "Rahul",
    "Emma",
    "Jun",
    "Olivia",
    "Marco",
    "Aiko",
    "Samuel",
    "Leila",
]
FAMILY = [
    "Harrow",
    "Tanabe",
    "Castillo",
    "Mehra",
    "Whitlock",
    "Ishida",
    "Navarro",
    "Kapoor",
    "Brennan",
    "Moriyama",
    "Delgado",
    "Sethi",
    "Caldwell",
    "Okada",
    "Reyes",
    "Anand",
]
ORDINALS = ["1st", "3rd", "4th", "7th", "12th", "15th", "21st", "31st"]
UNIT_KINDS = [
    "Marine Littoral Regiment",
    "Air Defense Brigade",
    "Logistics Regiment",
    "Surface-to-Ship Missile Regiment",
    "Amphibious Rapid Deployment Brigade",
]
PLACES = [
    "Okinawa",
    "Darwin",
    "Northern Luzon",
    "Guam",
    "Kyushu",
    "Palawan",
    "Jeju Island",
    "the Andaman Islands",
    "Tindal",
    "Subic Bay",
]
CAPABILITIES = [
    "Tomahawk missiles",
    "MQ-9 Uncrewed Aerial Vehicles",
    "Aegis destroyers",
    "Patriot interceptors",
    "F-35 fighter aircraft",
    "HIMARS launchers",
]
AGREEMENTS = [
    "Reciprocal Access Agreement",
    "Visiting Forces Agreement",
    "Defense Cooperation Agreement",
    "Security of Information Agreement",
]
MECHANISMS = [
    "Extended Deterrence Dialogue",
    "Bilateral Planning Mechanism",
    "Maritime Security Dialogue",
    "Space Cooperation Working Group",
]
SEAS = ["the South China Sea", "the East China Sea", "the Taiwan Strait", "the Yellow Sea"]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
FILLER = [
    "The meeting was held in a warm and constructive atmosphere.",
    "The discussions covered regional developments and the state of bilateral cooperation.",
    "The delegations exchanged views over a working lunch.",
    "Officials briefed the ministers on progress since the last meeting.",
]


@dataclass
class Commitment:
    """One standing commitment of a series: its wording changes little from year to year."""

    kind: str
    subject: str
    deadline: int | None


def _commitment(rng: random.Random, year: int) -> Commitment:
    unit = f"{rng.choice(ORDINALS)} {rng.choice(UNIT_KINDS)}"
    options = [
        ("Pledge", f"resolved to station the {unit} in {rng.choice(PLACES)}", True),
        ("Pledge", f"committed to expand joint exercises in {rng.choice(PLACES)}", False),
        ("Reaffirmation", f"reaffirmed their commitment to the {rng.choice(AGREEMENTS)}", False),
        ("Endorsement", f"welcomed the launch of the {rng.choice(MECHANISMS)}", False),
        (
            "Announcement",
            f"announced the deployment of {rng.choice(CAPABILITIES)} to {rng.choice(PLACES)}",
            True,
        ),
        ("Opposition", f"strongly opposed coercive actions in {rng.choice(SEAS)}", False),
        (
            "Request",
            "called on North Korea to abide by its obligations under UN Security "
            "Council resolutions",
            False,
        ),
    ]
    kind, subject, dated = rng.choice(options)
    return Commitment(kind, subject, year + rng.randint(1, 3) if dated else None)


PURPOSES = [
    "to strengthen deterrence and respond to an increasingly complex security environment",
    "in support of a free and open Indo-Pacific and the rules-based international order",
    "to deepen interoperability between their forces in peacetime and in contingencies",
    "recognizing the growing importance of maritime domain awareness in the region",
]


def _sentence(c: Commitment, subject: str, purpose: str) -> str:
    deadline = f" by {c.deadline}" if c.deadline is not None else ""
    return f"{subject} {c.subject}{deadline}, {purpose}."


def _person(rng: random.Random) -> str:
    return f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"


def generate(out: Path, documents: int, seed: int = 7) -> list[Path]:
    """Write ``documents`` statements into ``out`` and return their paths, in order."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    names = sorted(STATES)
    pairs = [(a, b) for i, a in enumerate(names) for b in names[i + 1 :]]
    written: list[Path] = []
    series = 0
    while len(written) < documents:
        a, b = pairs[series % len(pairs)]
        series += 1
        people = {s: (_person(rng), _person(rng)) for s in (a, b)}
        standing: list[Commitment] = []
        for year in range(2000 + series % 7, 2000 + series % 7 + 12):
            if len(written) >= documents:
                break
            # Restate most standing commitments (a deadline sometimes moves), drop a few.
            kept = [c for c in standing if rng.random() < 0.7]
            for c in kept:
                if c.deadline is not None and c.deadline <= year:
                    c.deadline = year + 1
                elif c.deadline is not None and rng.random() < 0.2:
                    c.deadline += 1
            standing = kept + [_commitment(rng, year) for _ in range(rng.randint(4, 8))]
            host = rng.choice((a, b))
            month, day = rng.randrange(12), rng.randint(1, 28)
            date = f"{MONTHS[month]} {day}, {year}"
            iso = f"{year}-{month + 1:02d}-{day:02d}"
            offices = [f"{STATES[s][k]} {people[s][k - 1]}" for s in (a, b) for k in (1, 2)]
            title = f"Joint Statement of the {a.removeprefix('the ')}-{b.removeprefix('the ')} "
            title += "Foreign and Defence Ministerial Consultations"
            lines = [
                f"{', '.join(offices[:-1])} and {offices[-1]} met in {STATES[host][0]} on {date}.",
                rng.choice(FILLER),
            ]
            lines += [
                _sentence(c, rng.choice(["The Ministers", "They"]), rng.choice(PURPOSES))
                for c in standing
            ]
            lines += rng.sample(FILLER, 2)
            key = f"s{series:03d}-{year}"
            written.append(_write(out / f"{key}-joint.md", title, iso, lines))
            if year % 2 == 0 and len(written) < documents:
                news = [f"Officials of {a} and {b} met in {STATES[host][0]} on {date}."]
                news += [
                    _sentence(c, "According to the joint statement, both sides", PURPOSES[0])
                    for c in standing[: max(2, len(standing) // 2)]
                ]
                written.append(_write(out / f"{key}-news.md", f"Report: {title}", iso, news))
    return written


def _write(path: Path, title: str, date: str, lines: list[str]) -> Path:
    text = f'---\ntitle: "{title}"\ndate: {date}\n---\n# {title}\n\n' + "\n\n".join(lines) + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--documents", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    paths = generate(args.out, args.documents, args.seed)
    print(f"Wrote {len(paths)} statements to {args.out}")


if __name__ == "__main__":
    main()
