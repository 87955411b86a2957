"""A forged select value in the question editor is a form error, not a 500.

Found by the form fuzzing (tests/security/test_fuzz_forms.py): the editor builds its preview
from the posted selects before they are validated, and ``QuestionType("10")`` raised.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Question
from tests.helpers import login, post_form


@pytest.mark.parametrize(
    "forged", [{"qtype": "10"}, {"stem_format": "exe"}, {"difficulty": "ST-LH"}]
)
def test_forged_select_is_refused_with_the_form(demo, client, forged):
    login(client, "author")
    data = {"qtype": "single_choice", "stem": "Câu hỏi thử", "save": "1", **forged}
    response = post_form(client, "/bank/questions/new", data)
    assert response.status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 0
