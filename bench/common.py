"""Helpers shared by the benchmarks: a throwaway database, synthetic stories, timing and memory.

Importing this module touches neither Django nor the model: ``setup_django`` does
that on request, always against a temporary SQLite file so that the developer's
``db.sqlite3`` is never opened.
"""

from __future__ import annotations

import os
import random
import shutil
import socket
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
EVAL_DATA = REPO.parent / "shared" / "eval-data"
BENCH_DB_ENV = "BENCH_DATABASE_PATH"

_STARTED = time.perf_counter()


def progress(message: str) -> None:
    """A timestamped line, so a long run visibly moves."""
    print(f"[{time.perf_counter() - _STARTED:6.1f}s] {message}", flush=True)


def percentile(values: list[float] | np.ndarray, q: float) -> float:
    return round(float(np.percentile(np.asarray(values, dtype=float), q)), 2)


def offline_environment() -> None:
    """The model ships in a package: never let a library reach for a hub."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # "Loading weights" bars drown the output


def setup_django(db_path: Path | None = None) -> Path:
    """Configure Django on a throwaway SQLite file (created and migrated if new).

    Args:
        db_path: an existing benchmark database (a child process reuses its parent's);
            a fresh one in a temporary folder when omitted.
    Returns:
        The database file in use.
    """
    # Imported here: the settings module must be chosen before Django loads.
    import django

    offline_environment()
    if db_path is None:
        db_path = Path(tempfile.mkdtemp(prefix="compare-bench-")) / "bench.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ[BENCH_DB_ENV] = str(db_path)
    os.environ["DJANGO_SETTINGS_MODULE"] = "compare.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # collectstatic is not run for benchmarks; whitenoise's warning about it is noise here.
    warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers.base")
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    django.setup()

    # Imported here: the settings module must be chosen before Django loads.
    from django.conf import settings
    from django.core.management import call_command

    name = Path(settings.DATABASES["default"]["NAME"]).resolve()
    if name != db_path.resolve() or name == (REPO / "db.sqlite3").resolve():
        raise RuntimeError(f"refusing to benchmark against {name}: not the throwaway database")
    call_command("migrate", verbosity=0, interactive=False)
    return db_path


def discard_database(db_path: Path) -> None:
    """Remove a throwaway database made by ``setup_django`` (its folder holds nothing else)."""
    if db_path.parent.name.startswith("compare-bench-"):
        shutil.rmtree(db_path.parent, ignore_errors=True)


def vmrss_mb(pid: int) -> float:
    """Resident memory of a process, from /proc/<pid>/status."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError(f"no VmRSS for process {pid}")


def free_port() -> int:
    """A port free on the loopback interface right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def machine_summary() -> dict[str, object]:
    load = os.getloadavg()
    return {"cpus": os.cpu_count(), "load_average": [round(x, 2) for x in load]}


# --- synthetic stories ------------------------------------------------------------
# Enough vocabulary that facts read as distinct sentences and outlets paraphrase them.

_FIRST = "Amal Boris Carmen Dmitri Elena Farid Greta Hassan Ingrid Jonas Kemal Lucia Mateo Nadia Omar".split()
_LAST = (
    "Alvarez Brandt Costa Demir Eriksen Fischer Garcia Haddad Ivanov Jensen Kovacs Laine Moreau Novak".split()
)
_SYLLABLES = "bar cal den fer gor hal ist kan lor mer nov pal ros sar tel val wen zor".split()
_ROLES = [
    "the interior minister",
    "the regional governor",
    "a police spokesman",
    "the company's chief executive",
    "a senior diplomat",
    "the mayor",
    "an army commander",
    "the health minister",
]
_VERBS = [
    ("announced", "unveiled"),
    ("rejected", "dismissed"),
    ("approved", "backed"),
    ("criticised", "condemned"),
    ("confirmed", "acknowledged"),
    ("postponed", "delayed"),
    ("investigated", "examined"),
    ("defended", "justified"),
]
_OBJECTS = [
    ("a new security plan", "a fresh security programme"),
    ("the proposed budget cuts", "the planned spending cuts"),
    ("an emergency aid package", "an urgent relief package"),
    ("the ceasefire agreement", "the truce deal"),
    ("the evacuation of the old quarter", "the clearing of the historic district"),
    ("a contract worth {n} million dollars", "a deal valued at {n} million dollars"),
    ("the arrest of {n} suspects", "the detention of {n} people"),
    ("the closure of the main border crossing", "shutting the principal frontier post"),
    ("plans to rebuild {n} schools", "a scheme to reconstruct {n} schools"),
    ("the results of the inquiry", "the findings of the investigation"),
]
_WHEN = [("on Monday", "on Monday"), ("on Tuesday", "late on Tuesday"), ("on Friday", "early on Friday")]
_TAILS = [
    ("", ""),
    (", according to officials", ", officials said"),
    (" after weeks of talks", " following weeks of negotiations"),
    (" despite strong opposition", " in the face of fierce opposition"),
    (" in a statement to reporters", " in remarks to journalists"),
]
_COLOUR = [
    "Residents gathered outside the town hall as the news spread through {place}.",
    "Local shops in {place} stayed closed for most of the afternoon.",
    "The announcement came as heavy rain swept across the region around {place}.",
    "Several hundred people followed the proceedings on a live stream.",
    "Critics said the decision had been taken without proper consultation.",
    "The opposition leader called for a debate in parliament next week.",
    "Analysts warned that the costs could rise further over the coming months.",
    "Traffic around {place} was diverted for several hours.",
]


def _place(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


@dataclass(frozen=True)
class _Fact:
    subject: tuple[str, str]  # how the first mention and a paraphrase name the actor
    verb: tuple[str, str]
    obj: tuple[str, str]
    place: str
    when: tuple[str, str]
    tail: tuple[str, str]
    number: int

    def sentence(self, variant: int, rng: random.Random) -> str:
        """Variant 0 is the base wording; 1 a close paraphrase; 2 a looser one (partial overlap)."""
        pick = min(variant, 1)
        obj = self.obj[pick].format(n=self.number)
        if variant == 2:  # a shorter report of the same fact
            return f"{self.subject[1]} {self.verb[1]} {obj}."
        subject = self.subject[rng.randint(0, 1)] if variant else self.subject[0]
        return f"{subject} {self.verb[pick]} {obj} in {self.place} {self.when[pick]}{self.tail[pick]}."


@dataclass(frozen=True)
class SyntheticArticle:
    title: str
    outlet: str
    sentences: list[str]  # the body, headline excluded
    paragraph_size: int = 3

    @property
    def text(self) -> str:
        paragraphs = [
            " ".join(self.sentences[i : i + self.paragraph_size])
            for i in range(0, len(self.sentences), self.paragraph_size)
        ]
        return "\n\n".join([self.title, *paragraphs])


def synthetic_story(
    outlets: int, sentences: int, seed: int, shared_share: float = 0.7
) -> list[SyntheticArticle]:
    """``outlets`` reports of one invented event, each ``sentences`` long (headline included).

    Every outlet reports about ``shared_share`` of a common pool of facts, mostly
    in the same order, in its own words (exact, paraphrased or shortened), and
    adds sentences of its own, as real coverage of one story does.
    """
    rng = random.Random(seed)
    places = [_place(rng) for _ in range(4)]
    people = [f"{rng.choice(_FIRST)} {rng.choice(_LAST)}" for _ in range(6)]
    pool = []
    for _ in range(sentences):
        person = rng.choice(people)
        role = rng.choice(_ROLES)
        pool.append(
            _Fact(
                subject=(f"{role.capitalize()}, {person},", person),
                verb=rng.choice(_VERBS),
                obj=rng.choice(_OBJECTS),
                place=rng.choice(places),
                when=rng.choice(_WHEN),
                tail=rng.choice(_TAILS),
                number=rng.randint(3, 900),
            )
        )
    headline_fact = pool[0]
    articles = []
    for number in range(outlets):
        outlet = f"{_place(rng)} {rng.choice(['Times', 'Post', 'Herald', 'News', 'Daily', 'Observer'])}"
        body_size = sentences - 1
        shared = sorted(rng.sample(range(1, len(pool)), min(len(pool) - 1, round(body_size * shared_share))))
        body = [pool[i].sentence(rng.choice([0, 1, 1, 2]), rng) for i in shared]
        own = 0
        while len(body) < body_size:
            position = rng.randint(0, len(body))
            template = _COLOUR[own % len(_COLOUR)]
            extra = (
                f"{template.format(place=rng.choice(places))[:-1]}, {outlet} understands ({number}.{own})."
            )
            body.insert(position, extra)
            own += 1
        title = headline_fact.sentence(1, rng).rstrip(".")
        articles.append(SyntheticArticle(title=title, outlet=outlet, sentences=body))
    return articles
