"""Images in stems: checked by magic bytes and size, stored by hash, served to signed-in users;
Moodle XML attachments stored on commit only and embedded again on export."""

from __future__ import annotations

import base64
import hashlib
import io
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.bank import images, importer
from app.bank.formats import parse
from app.extensions import db
from app.models import QuestionVersion
from tests.helpers import csrf_from, login

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
PNG_NAME = hashlib.sha256(PNG).hexdigest() + ".png"
HTML_AS_PNG = b"<html><script>alert(document.cookie)</script></html>"
OVERSIZED = b"\x89PNG\r\n\x1a\n" + b"\0" * (2 * 1024 * 1024)
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"


@pytest.fixture(autouse=True)
def no_images(app):
    """The upload folder lives for the whole session: start each test without images."""
    shutil.rmtree(Path(app.config["UPLOAD_DIR"]) / "bank", ignore_errors=True)


def stored(app) -> set[str]:
    folder = Path(app.config["UPLOAD_DIR"]) / "bank"
    return {p.name for p in folder.iterdir()} if folder.is_dir() else set()


def upload(client, data: bytes, filename: str):
    token = csrf_from(client, "/bank/questions/new")
    return client.post(
        "/bank/images",
        data={"image": (io.BytesIO(data), filename), "csrf_token": token},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize(
    ("data", "ext"),
    [
        (PNG, "png"),
        (b"\xff\xd8\xff\xe0rest", "jpg"),
        (GIF, "gif"),
        (b"RIFF\0\0\0\0WEBPVP8 ", "webp"),
    ],
)
def test_sniff_by_magic_bytes(data, ext):
    assert images.sniff(data) == ext


@pytest.mark.parametrize("data", [HTML_AS_PNG, b"%PDF-1.7", b"", b"RIFF\0\0\0\0WAVE"])
def test_sniff_refuses_other_files(data):
    assert images.sniff(data) is None


def test_png_is_accepted_and_served_with_safe_headers(login_as, app):
    client = login_as("author")
    response = upload(client, PNG, "so-do.png")
    assert response.status_code == 201
    assert response.json == {"url": f"/bank/images/{PNG_NAME}", "name": PNG_NAME}
    assert PNG_NAME in stored(app)
    examinee = app.test_client()
    login(examinee, "staff")  # examinees see images in stems
    served = examinee.get(f"/bank/images/{PNG_NAME}")
    assert served.status_code == 200 and served.data == PNG
    assert served.headers["Content-Type"] == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "max-age=31536000" in served.headers["Cache-Control"]


def test_anonymous_and_bad_names_get_nothing(client, demo, app):
    images_dir = Path(app.config["UPLOAD_DIR"]) / "bank"
    images_dir.mkdir(parents=True, exist_ok=True)
    (images_dir / PNG_NAME).write_bytes(PNG)
    assert client.get(f"/bank/images/{PNG_NAME}").status_code == 302  # to the login page
    login(client, "staff")
    assert client.get("/bank/images/..%2Fsecret_key").status_code == 404
    assert client.get("/bank/images/" + "0" * 64 + ".png").status_code == 404


@pytest.mark.parametrize(
    ("data", "filename", "words"),
    [
        (HTML_AS_PNG, "anh.png", "không phải ảnh"),
        (OVERSIZED, "lon.png", "lớn hơn 2 MB"),
    ],
)
def test_refused_upload_writes_nothing(login_as, app, data, filename, words):
    client = login_as("author")
    before = stored(app)
    response = upload(client, data, filename)
    assert response.status_code == 422 and words in response.json["error"]
    assert stored(app) == before


def test_reviewer_cannot_upload(login_as):
    client = login_as("reviewer")
    assert upload(client, PNG, "a.png").status_code == 403


def test_editor_without_javascript_appends_the_image_or_keeps_the_text(login_as, app):
    client = login_as("author")
    form = {
        "qtype": "essay",
        "topic_id": "0",
        "new_topic": "Kỹ năng",
        "stem": "Mô tả sơ đồ sau:",
        "tf_answer": "true",
        "difficulty": "",
        "preview": "1",
    }
    token = csrf_from(client, "/bank/questions/new")
    bad = client.post(
        "/bank/questions/new",
        data={**form, "csrf_token": token, "image": (io.BytesIO(HTML_AS_PNG), "x.png")},
        content_type="multipart/form-data",
    )
    page = bad.get_data(as_text=True)
    assert bad.status_code == 200 and "không phải ảnh PNG" in page
    assert "Mô tả sơ đồ sau:</textarea>" in page
    good = client.post(
        "/bank/questions/new",
        data={**form, "csrf_token": token, "image": (io.BytesIO(PNG), "x.png")},
        content_type="multipart/form-data",
    )
    assert f"&lt;img src=&#34;/bank/images/{PNG_NAME}&#34;" in good.get_data(as_text=True)
    assert PNG_NAME in stored(app)


def moodle_xml(attachment: bytes, name: str = "so do.png") -> bytes:
    encoded = base64.b64encode(attachment).decode()
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="truefalse">
    <name><text>Sơ đồ quy trình</text></name>
    <questiontext format="html">
      <text><![CDATA[<p>Sơ đồ <img src="@@PLUGINFILE@@/so%20do.png" alt="sơ đồ"> đúng?</p>]]></text>
      <file name="{name}" path="/" encoding="base64">{encoded}</file>
    </questiontext>
    <answer fraction="100"><text>true</text></answer>
    <answer fraction="0"><text>false</text></answer>
  </question>
</quiz>""".encode()


def test_moodle_attachment_is_stored_only_when_the_import_commits(app):
    report = importer.plan_files([("q.xml", moodle_xml(PNG))])
    assert report.ok, report.errors
    assert f'src="/bank/images/{PNG_NAME}"' in report.questions[0].stem
    importer.apply_plan(report, author=None)
    db.session.rollback()  # a dry run
    assert PNG_NAME not in stored(app)
    report = importer.plan_files([("q.xml", moodle_xml(PNG))])
    importer.apply_plan(report, author=None)
    db.session.commit()
    assert PNG_NAME in stored(app)
    stem = db.session.scalar(sa.select(QuestionVersion.stem))
    assert f'<img src="/bank/images/{PNG_NAME}" alt="sơ đồ">' in stem


def test_moodle_attachment_that_is_not_an_image_fails_the_import(app):
    report = importer.plan_files([("q.xml", moodle_xml(b"MZ\x90\x00 executable"))])
    assert not report.ok
    assert "không phải ảnh" in report.errors[0]["message"]
    assert report.errors[0]["file"] == "q.xml"


def test_missing_attachment_is_a_warning(app):
    report = importer.plan_files([("q.xml", moodle_xml(PNG, name="other.png"))])
    assert report.ok
    assert any("so do.png" in w["message"] for w in report.warnings)


def test_moodle_export_embeds_the_images_again(login_as, app):
    report = importer.plan_files([("q.xml", moodle_xml(PNG))])
    importer.apply_plan(report, author=None)
    db.session.commit()
    client = login_as("author")
    response = client.get("/bank/export?format=moodlexml")
    assert response.status_code == 200
    back = parse(response.data, "moodlexml")
    assert back.attachments == {PNG_NAME: PNG}
    assert f"@@PLUGINFILE@@/{PNG_NAME}" in back.questions[0].stem
