"""The questions a generated exam draws from, with item parameters for simulated answers.

The approved questions of the bank when there are at least 60 of them in topics open to
every position (the starter bank has 199): a blueprint of root topics, each drawn in
proportion to its pool, so every attempt gets its own random form as in a real sitting.
Otherwise a minimal synthetic bank of exactly 60 single-choice questions in six topics, so
every attempt answers the same 60 items (a full 100,000 × 60 matrix for the benchmark).

Item parameters follow a two-parameter logistic model: difficulty ``b`` from the author's
difficulty (or spread evenly), harder in the topics the 2016 seed survey found weakest
(IT skills, professional knowledge); discrimination ``a`` log-normal around 1, and a few
items with a negative ``a`` — a wrong key — so item analysis has something to flag.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass

import numpy as np
import sqlalchemy as sa

from app.exams import pool
from app.exams.items_layout import build_order
from app.extensions import db
from app.models import Question, QuestionVersion, Topic, VersionState, utcnow
from app.text import fold

FORM_LENGTH = 60
AUTHOR_DIFFICULTY = {"easy": -1.2, "medium": -0.3, "hard": 0.7}
WEAK_TOPICS = ("công nghệ thông tin", "nghiệp vụ")  # folded-free substrings, seed 000
SYNTHETIC_TOPICS = (
    "Cải cách hành chính",
    "Cơ chế một cửa, một cửa liên thông",
    "Giao tiếp với người dân, tổ chức",
    "Văn hóa công vụ",
    "Kỹ năng công nghệ thông tin",
    "Nghiệp vụ chuyên môn",
)
SYNTHETIC_SUFFIX = " (dữ liệu tổng hợp)"


@dataclass
class Bank:
    """The item pool (arrays indexed alike) and the blueprint rows drawn from it."""

    version_ids: np.ndarray
    topic_ids: np.ndarray  # each question's own topic (what topic sub-scores group by)
    layouts: list[str]  # the stored option order of each version, as JSON
    a: np.ndarray
    b: np.ndarray
    rows: list[tuple[int, np.ndarray, int]]  # (row topic id, pool indices, count)
    topic_names: dict[int, str]

    @property
    def blueprint(self) -> dict:
        return {
            "rows": [{"topic": t, "count": n, "mix": None} for t, _i, n in self.rows],
            "fixed": [],
        }


def load_bank(rng: np.random.Generator) -> Bank:
    """The bank to draw from: the approved questions if enough, else a synthetic one."""
    roots = {
        t.id: t
        for t in db.session.scalars(sa.select(Topic).where(Topic.parent_id.is_(None)))
        if not t.positions
    }
    versions = [
        v
        for v in pool.approved_versions()
        if not v.positions and _root_path(v.topic_path) in {t.full_path for t in roots.values()}
    ]
    if len(versions) < FORM_LENGTH:
        _synthetic_bank()
        return load_bank(rng)
    return _bank_from(versions, roots, rng)


def _root_path(path: str) -> str:
    return path.split("/", 1)[0]


def _bank_from(versions: list[pool.Approved], roots: dict[int, Topic], rng) -> Bank:
    by_path = {t.full_path: tid for tid, t in roots.items()}
    contents = dict(
        db.session.execute(
            sa.select(QuestionVersion.id, QuestionVersion.content).where(
                QuestionVersion.id.in_([v.version_id for v in versions])
            )
        ).all()
    )
    row_of = np.array([by_path[_root_path(v.topic_path)] for v in versions])
    row_ids = sorted(set(row_of.tolist()))
    counts = _largest_remainder([int((row_of == t).sum()) for t in row_ids], FORM_LENGTH)
    names = dict(db.session.execute(sa.select(Topic.id, Topic.name)).all())
    weak = np.array([_is_weak(names[by_path[_root_path(v.topic_path)]]) for v in versions])
    b = np.array([AUTHOR_DIFFICULTY.get(v.difficulty or "", -0.3) for v in versions])
    b = b + 0.5 * weak + rng.normal(0, 0.5, len(versions))
    return Bank(
        version_ids=np.array([v.version_id for v in versions]),
        topic_ids=np.array([v.topic_id for v in versions]),
        layouts=[_layout(contents[v.version_id], v.version_id) for v in versions],
        a=_discriminations(rng, len(versions)),
        b=b,
        rows=[(t, np.flatnonzero(row_of == t), n) for t, n in zip(row_ids, counts, strict=True)],
        topic_names=names,
    )


def _is_weak(name: str) -> bool:
    return any(word in name.lower() for word in WEAK_TOPICS)


def _largest_remainder(sizes: list[int], total: int) -> list[int]:
    """``total`` split in proportion to ``sizes`` (never more than a size)."""
    whole = sum(sizes)
    shares = [s * total / whole for s in sizes]
    counts = [min(int(x), s) for x, s in zip(shares, sizes, strict=True)]
    order = sorted(range(len(sizes)), key=lambda i: shares[i] - int(shares[i]), reverse=True)
    while sum(counts) < total:
        for i in order:
            if sum(counts) < total and counts[i] < sizes[i]:
                counts[i] += 1
    return counts


def _discriminations(rng: np.random.Generator, n: int) -> np.ndarray:
    a = rng.lognormal(0.0, 0.3, n)
    broken = rng.choice(n, size=max(1, n // 30), replace=False)
    a[broken] = -0.4  # a wrong key: strong examinees pick "wrong" more often
    return a


def _layout(content: dict, version_id: int) -> str:
    return json.dumps(build_order(content, random.Random(version_id), False))  # noqa: S311


def _synthetic_bank() -> None:
    """Six topics × 10 approved single-choice questions (created once)."""
    now = utcnow()
    for t_index, name in enumerate(SYNTHETIC_TOPICS):
        path = name + SYNTHETIC_SUFFIX
        topic = db.session.scalar(sa.select(Topic).where(Topic.full_path == path))
        if topic is None:
            topic = Topic(name=path, full_path=path)
            db.session.add(topic)
            db.session.flush()
        for q_index in range(10):
            external = f"TH-{t_index + 1}-{q_index + 1:02d}"
            if db.session.scalar(sa.select(Question.id).where(Question.external_id == external)):
                continue
            question = Question(external_id=external, topic_id=topic.id)
            stem = f"Câu hỏi tổng hợp {q_index + 1} về {name.lower()}"
            content = _content(stem)
            raw = json.dumps(content, sort_keys=True, ensure_ascii=False)
            question.versions.append(
                QuestionVersion(
                    qtype="single_choice",
                    stem=stem,
                    stem_fold=fold(stem),
                    content=content,
                    content_hash=hashlib.sha256(raw.encode()).hexdigest(),
                    difficulty=("easy", "medium", "hard")[q_index % 3],
                    state=VersionState.APPROVED,
                    reviewed_at=now,
                    note="Dữ liệu tổng hợp cho đo hiệu năng",
                )
            )
            db.session.add(question)
    db.session.flush()


def _content(stem: str) -> dict:
    options = [
        {"text": f"Phương án {letter}", "credit": 1.0 if letter == "A" else 0.0, "feedback": ""}
        for letter in "ABCD"
    ]
    return {
        "type": "single_choice",
        "stem": stem,
        "stem_format": "html",
        "name": "",
        "options": options,
        "numeric_answers": [],
        "pairs": [],
        "general_feedback": "",
        "case_sensitive": False,
        "ignore_diacritics": False,
        "shuffle": True,
    }


def draw_forms(bank: Bank, count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` forms as pool indices, shape (count, 60): per row a random sample."""
    parts = []
    for _topic, indices, n in bank.rows:
        if n == len(indices):
            parts.append(np.broadcast_to(indices, (count, n)))
        else:
            order = rng.random((count, len(indices))).argsort(axis=1)[:, :n]
            parts.append(indices[order])
    return np.concatenate(parts, axis=1)
