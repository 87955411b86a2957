"""The shipped rubric file and its loader."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
import yaml

from app.assessments.rubrics import (
    RubricError,
    default_rubric_path,
    load_demo_rubric,
    load_rubric_file,
    validate_rubric,
)
from app.extensions import db
from app.models import RubricVersion, VersionState

# The list of behaviours the default rubric must cover, by criterion key.
REQUIRED = {
    "chao-hoi",  # greeting, self-introduction, name badge
    "lang-nghe",  # listening and courtesy
    "huong-dan-mot-lan",  # complete guidance in one go, in writing
    "giai-thich-thu-tuc",  # procedure, fees, return date
    "khong-yeu-cau-ngoai-quy-dinh",  # no papers beyond the procedure
    "nguoi-dan-buc-xuc",  # upset citizen
    "xin-loi-tre-hen",  # written apology for lateness with a new date
    "phan-mem-dich-vu-cong",  # one-stop software and online services
    "bao-mat-liem-chinh",  # confidentiality and integrity
}


def _raw() -> dict:
    return yaml.safe_load(default_rubric_path().read_text(encoding="utf-8"))


def test_every_criterion_has_levels_0_to_3_with_a_descriptor_and_a_source():
    data = validate_rubric(_raw())
    assert {c["key"] for c in data["criteria"]} == REQUIRED
    for crit in data["criteria"]:
        assert [lv["score"] for lv in crit["levels"]] == [0, 1, 2, 3], crit["key"]
        assert all(len(lv["descriptor"]) > 20 for lv in crit["levels"]), crit["key"]
        assert crit["weight"] > 0 and crit["source"]
    assert data["pass_threshold"] == 0.5 and data["disagreement_levels"] == 2
    assert any("118/2025" in s["document"] for s in data["sources"])


def test_loader_gives_one_approved_version_and_is_idempotent(demo):
    first = load_demo_rubric()
    again = load_demo_rubric()
    db.session.commit()
    assert first.id == again.id and first.state is VersionState.APPROVED
    assert first.author_id and first.reviewer_id and first.author_id != first.reviewer_id
    assert len(first.criteria) == len(REQUIRED)
    assert first.sources[0]["checked"] == "2026-11-22"  # dates stored as ISO text
    assert db.session.scalar(sa.select(sa.func.count(RubricVersion.id))) == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["criteria"][0]["levels"].pop(1), "liên tiếp"),
        (lambda d: d["criteria"][1]["levels"][2].pop("descriptor"), "descriptor"),
        (lambda d: d["criteria"][2].update(weight=0), "weight"),
        (lambda d: d["criteria"][3].update(key="chao-hoi"), "key khác nhau"),
        (lambda d: d.update(pass_threshold=1.5), "pass_threshold"),
    ],
)
def test_invalid_rubric_files_are_refused_whole(demo, tmp_path, change, message):
    data = _raw()
    change(data)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RubricError) as exc:
        load_rubric_file(path)
    assert any(message in e for e in exc.value.errors)
    assert db.session.scalar(sa.select(sa.func.count(RubricVersion.id))) == 0


def test_changed_file_adds_a_new_version(demo, tmp_path):
    first = load_demo_rubric()
    data = _raw()
    data["criteria"][0]["weight"] = 3
    path = tmp_path / "v2.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    second = load_rubric_file(path)
    assert second.number == 2 and second.rubric_id == first.rubric_id
    assert first.criteria[0]["weight"] == 1  # the approved version never changes
