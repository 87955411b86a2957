"""The form-based questionnaire builder: every question type, order, conditions, checks
shared with YAML, publish freezes, "new draft from this version", CSRF and permissions."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Questionnaire, QuestionnaireState, QuestionnaireVersion
from app.surveys import editor
from app.surveys.definition import check_definition, definition_of
from app.surveys.questionnaires import QuestionnaireError
from tests.helpers import csrf_from, post_form

QUESTION = {
    "section": "R",
    "key": "",
    "qtype": "scale5",
    "text": "",
    "text_en": "",
    "factor": "",
    "options": "",
    "min_value": "",
    "max_value": "",
    "cond_question": "",
    "cond_values": "",
    "cond_min": "",
    "cond_max": "",
}


def _new_questionnaire(client) -> QuestionnaireVersion:
    response = post_form(
        client, "/surveys/questionnaires/build", {"code": "test-qr", "title": "Phiếu thử"}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    questionnaire = db.session.scalar(
        sa.select(Questionnaire).where(Questionnaire.code == "TEST-QR")
    )
    assert response.headers["Location"].endswith(
        f"/surveys/versions/{questionnaire.versions[0].id}/builder"
    )
    return questionnaire.versions[0]


def _add_question(client, version_id: int, **fields):
    url = f"/surveys/versions/{version_id}/builder/questions/new"
    return post_form(client, url, {**QUESTION, **fields})


def _definition(version_id: int) -> dict:
    db.session.expire_all()
    return definition_of(db.session.get(QuestionnaireVersion, version_id))


def _keys(version_id: int) -> list[tuple[str, list[str]]]:
    return [
        (s["key"], [q["key"] for q in s["questions"]]) for s in _definition(version_id)["sections"]
    ]


# --- the editing service on plain data --------------------------------------------------


def _data() -> dict:
    return {
        "title": "T",
        "sections": [
            {"key": "A", "title": "A", "questions": [{"key": "a1", "type": "yes_no", "text": "x"}]},
            {"key": "B", "title": "B", "questions": [{"key": "b1", "type": "text", "text": "y"}]},
        ],
    }


def test_moves_cross_section_edges_and_renames_follow_conditions():
    data = _data()
    editor.move_question(data, "b1", -1)  # first of B: joins the end of A
    assert [q["key"] for q in data["sections"][0]["questions"]] == ["a1", "b1"]
    editor.move_question(data, "a1", -1)  # first question of all: stays
    assert data["sections"][0]["questions"][0]["key"] == "a1"
    data["sections"][0]["questions"][1]["condition"] = {"question": "a1", "in": ["yes"]}
    assert check_definition(data) == []
    renamed = {"key": "a_renamed", "type": "yes_no", "text": "x"}
    editor.save_question(data, "a1", "A", renamed)
    assert data["sections"][0]["questions"][1]["condition"]["question"] == "a_renamed"
    with pytest.raises(QuestionnaireError, match="điều kiện của câu b1"):
        editor.remove_question(data, "a_renamed")
    with pytest.raises(QuestionnaireError, match="còn câu hỏi"):
        editor.remove_section(data, "A")
    editor.remove_section(data, "B")  # empty now
    assert [s["key"] for s in data["sections"]] == ["A"]


@pytest.mark.parametrize(
    ("condition", "fragment"),
    [
        ({"question": "a1", "in": ["maybe"]}, "phải thuộc: no, yes"),
        ({"question": "a1", "in": []}, "danh sách"),
        ({"question": "a1", "min": "2"}, "số nguyên"),
    ],
)
def test_condition_values_are_checked_like_yaml(condition, fragment):
    data = _data()
    data["sections"][1]["questions"][0]["condition"] = condition
    assert any(fragment in e for e in check_definition(data)), check_definition(data)


def test_duplicate_section_keys_are_refused():
    data = _data()
    data["sections"][1]["key"] = "A"
    assert any("khóa phần" in e for e in check_definition(data))


# --- the pages ---------------------------------------------------------------------------


def test_build_every_question_type_reorder_and_publish(login_as, surveys, client):
    login_as("admin")
    version = _new_questionnaire(client)
    vid = version.id
    assert client.get(f"/surveys/versions/{vid}/builder").status_code == 200
    section = post_form(
        client,
        f"/surveys/versions/{vid}/builder/sections",
        {"key": "B", "title": "Thủ tục", "title_en": "Procedure"},
        token_from=f"/surveys/versions/{vid}/builder",
    )
    assert section.status_code == 302
    steps = [
        dict(key="papers", qtype="yes_no", text="Phải nộp thêm giấy tờ?", short="y"),
        dict(
            key="attitude",
            qtype="single",
            text="Thái độ",
            text_en="Attitude",
            factor="C",
            options="than_thien | Thân thiện | Friendly\nThờ ơ",
        ),
        dict(key="times", qtype="number", text="Số lần bổ sung", min_value="0", max_value="9"),
        dict(
            section="B",
            key="why",
            qtype="multi",
            text="Vì sao?",
            options="a | Lý do A\nb | Lý do B",
            cond_question="times",
            cond_min="2",
        ),
        dict(
            section="B",
            key="which",
            qtype="text",
            text="Giấy tờ nào?",
            required="y",
            cond_question="papers",
            cond_values="yes",
        ),
        dict(section="B", key="overall", qtype="scale5", text="Nhìn chung"),
    ]
    for step in steps:
        response = _add_question(client, vid, **step)
        assert response.status_code == 302, response.get_data(as_text=True)
    data = _definition(vid)
    assert check_definition(data) == []
    questions = {q["key"]: q for s in data["sections"] for q in s["questions"]}
    assert questions["attitude"]["options"] == [
        {"value": "than_thien", "label": "Thân thiện", "label_en": "Friendly"},
        {"value": "tho_o", "label": "Thờ ơ", "label_en": ""},
    ]
    assert (questions["times"]["min"], questions["times"]["max"]) == (0, 9)
    assert questions["why"]["condition"] == {"question": "times", "min": 2}
    assert questions["which"]["condition"] == {"question": "papers", "in": ["yes"]}
    assert questions["which"]["required"] is True and questions["papers"]["short"] is True
    assert _keys(vid) == [
        ("R", ["officer_rating", "papers", "attitude", "times"]),
        ("B", ["why", "which", "overall"]),
    ]

    def act(path: str) -> None:
        url = f"/surveys/versions/{vid}/builder/{path}"
        response = post_form(client, url, {}, token_from=f"/surveys/versions/{vid}/builder")
        assert response.status_code == 302

    act("questions/overall/up")
    act("questions/attitude/delete")
    act("sections/B/up")  # "why" now comes before "times", which it depends on: refused
    assert _keys(vid) == [
        ("R", ["officer_rating", "papers", "times"]),
        ("B", ["why", "overall", "which"]),
    ]
    page = client.get(f"/surveys/versions/{vid}/builder").get_data(as_text=True)
    assert "điều kiện phải dựa trên một câu hỏi đứng trước" in page  # flashed, nothing saved

    publish = post_form(
        client, f"/surveys/versions/{vid}/publish", {}, token_from=f"/surveys/versions/{vid}"
    )
    assert publish.status_code == 302
    db.session.expire_all()
    assert db.session.get(QuestionnaireVersion, vid).state is QuestionnaireState.PUBLISHED
    changes = db.session.scalars(
        sa.select(AuditEvent.after).where(
            AuditEvent.action == "survey.version_update", AuditEvent.target_id == str(vid)
        )
    ).all()
    assert {"number": 1, "change": "question.delete:attitude"} in changes


def test_bad_question_is_explained_and_nothing_is_saved(login_as, surveys, client):
    login_as("admin")
    vid = _new_questionnaire(client).id
    before = _definition(vid)
    cases = [
        (dict(key="one", qtype="single", text="x", options="Chỉ một"), "từ 2 đến 12"),
        (dict(key="Bad Key", qtype="scale5", text="x"), "khóa câu hỏi"),
        (dict(key="n", qtype="number", text="x", min_value="9", max_value="1"), "min ≤ max"),
        (dict(key="n", qtype="number", text="x", min_value="một"), "số nguyên"),
        (dict(key="r2", qtype="scale5", text="x", rates_officer="y"), "rates_officer"),
        (
            dict(key="c", qtype="text", text="x", cond_question="officer_rating", cond_values="9"),
            "phải thuộc",
        ),
        (dict(key="officer_rating", qtype="text", text="x"), "bị trùng"),
        (dict(key="e", qtype="text", text=""), "Vui lòng nhập"),
    ]
    for fields, fragment in cases:
        response = _add_question(client, vid, **fields)
        assert response.status_code == 422, fields
        assert fragment in response.get_data(as_text=True), (fields, fragment)
    assert _definition(vid) == before


def test_edit_question_and_rename_key(login_as, surveys, client):
    login_as("admin")
    vid = _new_questionnaire(client).id
    _add_question(client, vid, key="papers", qtype="yes_no", text="Giấy tờ thêm?")
    _add_question(
        client,
        vid,
        key="which",
        qtype="text",
        text="Giấy nào?",
        cond_question="papers",
        cond_values="yes",
    )
    url = f"/surveys/versions/{vid}/builder/questions/papers"
    form = client.get(url).get_data(as_text=True)
    assert "Giấy tờ thêm?" in form
    changed = post_form(client, url, {**QUESTION, "key": "extra", "qtype": "yes_no", "text": "Sửa"})
    assert changed.status_code == 302
    questions = {q["key"]: q for s in _definition(vid)["sections"] for q in s["questions"]}
    assert questions["extra"]["text"] == "Sửa" and "papers" not in questions
    assert questions["which"]["condition"]["question"] == "extra"
    assert client.get(f"/surveys/versions/{vid}/builder/questions/nope").status_code == 404


def test_published_version_is_never_changed_by_the_builder(login_as, surveys, client):
    login_as("admin")
    published = db.session.scalar(sa.select(QuestionnaireVersion))
    vid = published.id
    before = _definition(vid)
    assert client.get(f"/surveys/versions/{vid}/builder").status_code == 302
    token = csrf_from(client, f"/surveys/versions/{vid}")
    posts = [
        ("builder/header", {"title": "Đổi tên"}),
        ("builder/sections", {"key": "Q", "title": "Mới"}),
        ("builder/sections/R/delete", {}),
        ("builder/questions/overall/up", {}),
        ("builder/questions/overall/delete", {}),
        ("builder/questions/new", {**QUESTION, "key": "x", "text": "x"}),
        ("builder/questions/overall", {**QUESTION, "key": "overall", "text": "Đổi"}),
    ]
    for path, fields in posts:
        response = client.post(
            f"/surveys/versions/{vid}/{path}", data={**fields, "csrf_token": token}
        )
        assert response.status_code == 302, path
    assert _definition(vid) == before


def test_new_draft_from_a_published_version(login_as, surveys, client):
    login_as("admin")
    published = db.session.scalar(sa.select(QuestionnaireVersion))
    url = f"/surveys/versions/{published.id}/copy"
    response = post_form(client, url, {}, token_from=f"/surveys/versions/{published.id}")
    assert response.status_code == 302
    draft = db.session.scalars(
        sa.select(QuestionnaireVersion).order_by(QuestionnaireVersion.number.desc())
    ).first()
    assert (draft.number, draft.state) == (published.number + 1, QuestionnaireState.DRAFT)
    assert response.headers["Location"].endswith(f"/surveys/versions/{draft.id}/builder")
    assert _definition(draft.id) == _definition(published.id)
    again = post_form(client, url, {}, token_from=f"/surveys/versions/{published.id}")
    assert again.headers["Location"].endswith(f"/surveys/versions/{draft.id}/builder")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuestionnaireVersion)) == 2


def test_builder_needs_csrf_and_surveys_manage(login_as, surveys, client):
    login_as("admin")
    vid = _new_questionnaire(client).id
    before = _definition(vid)
    no_token = client.post(
        f"/surveys/versions/{vid}/builder/sections", data={"key": "Z", "title": "Z"}
    )
    assert no_token.status_code == 400
    no_token = client.post(f"/surveys/versions/{vid}/builder/questions/officer_rating/delete")
    assert no_token.status_code == 400
    assert _definition(vid) == before
    assert post_form(client, "/auth/logout", {}, token_from="/").status_code == 302
    login_as("hr")  # surveys.view only
    for url in (
        f"/surveys/versions/{vid}/builder",
        f"/surveys/versions/{vid}/builder/questions/new",
        "/surveys/questionnaires/build",
    ):
        assert client.get(url).status_code == 403
    assert client.get(f"/surveys/versions/{vid}").status_code == 200  # may still read it


def test_new_questionnaire_code_must_be_new(login_as, surveys, client):
    login_as("admin")
    response = post_form(
        client, "/surveys/questionnaires/build", {"code": "sipas-mc", "title": "Trùng"}
    )
    assert "Đã có phiếu mang mã này." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Questionnaire)) == 1


def test_edit_section_and_header(login_as, surveys, client):
    login_as("admin")
    vid = _new_questionnaire(client).id
    url = f"/surveys/versions/{vid}/builder/sections/R"
    assert "Đánh giá nhanh" in client.get(url).get_data(as_text=True)
    bad = post_form(client, url, {"key": "R 2", "title": "x"})
    assert bad.status_code == 422 and "Khóa chỉ gồm chữ, số, - và _." in bad.get_data(as_text=True)
    assert post_form(client, url, {"key": "Q", "title": "Câu hỏi nhanh"}).status_code == 302
    assert _keys(vid) == [("Q", ["officer_rating"])]
    header = post_form(
        client,
        f"/surveys/versions/{vid}/builder/header",
        {"title": "Phiếu đã đổi tên", "title_en": "Renamed", "intro": "Xin chào", "intro_en": ""},
        token_from=f"/surveys/versions/{vid}/builder",
    )
    assert header.status_code == 302
    data = _definition(vid)
    assert (data["title"], data["title_en"], data["intro"]) == (
        "Phiếu đã đổi tên",
        "Renamed",
        "Xin chào",
    )
    assert client.get(f"/surveys/versions/{vid}/builder/sections/NOPE").status_code == 404


def test_unquoted_comma_in_a_yaml_flow_line_is_refused():
    """`{text: Rõ ràng, dễ tìm}` makes "dễ tìm" a key: the text would be silently cut."""
    import yaml

    from app.surveys.definition import check_definition

    data = yaml.safe_load(
        "title: T\nsections:\n  - key: a\n    questions:\n"
        "      - {key: q1, type: scale5, text: Rõ ràng, dễ tìm}\n"
    )
    errors = check_definition(data)
    assert any("dễ tìm" in e for e in errors), errors
