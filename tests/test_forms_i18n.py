"""Forms speak Vietnamese by default (including WTForms' own messages); English on request."""

from tests.helpers import post_form


def test_invalid_date_and_choice_messages_are_vietnamese(login_as, client):
    login_as("hr")
    response = post_form(
        client,
        "/org/people/new",
        {"full_name": "", "date_of_birth": "31-31-2020", "unit_id": "999999", "status": "bogus"},
    )
    html = response.get_data(as_text=True)
    assert "Vui lòng nhập thông tin này." in html
    assert "Ngày không hợp lệ" in html
    assert "Lựa chọn không hợp lệ." in html
    assert "Not a valid" not in html


def test_english_is_available(demo, client):
    html = client.get("/auth/login?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Sign in" in html  # from app/translations/en (compiled by make)
    assert '<html lang="vi">' in client.get(
        "/lang/vi?next=/auth/login", follow_redirects=True
    ).get_data(as_text=True)


def test_audit_screen_filters_by_action(login_as, client):
    login_as("admin")
    html = client.get("/admin/audit?action=auth.login").get_data(as_text=True)
    assert "auth.login" in html and "person.create" not in html
    html = client.get("/admin/audit?action=person.create").get_data(as_text=True)
    assert "person.create" in html
    assert client.get("/admin/audit?from=2000-01-01&to=bad").status_code == 200


def test_non_admin_cannot_open_admin_screens(login_as, client):
    login_as("hr")
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/accounts").status_code == 403
    assert client.get("/org/units").status_code == 403
