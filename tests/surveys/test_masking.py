"""Masking personal data in citizens' free text (pure function)."""

import pytest

from app.surveys.masking import EMAIL_MASK, ID_MASK, PHONE_MASK, mask_personal_data


@pytest.mark.parametrize(
    ("text", "hidden", "mask"),
    [
        ("gọi tôi 0912345678 nhé", "0912345678", PHONE_MASK),
        ("sđt 0912 345 678", "0912 345 678", PHONE_MASK),
        ("sđt 091.234.5678", "091.234.5678", PHONE_MASK),
        ("số +84 912 345 678", "+84 912 345 678", PHONE_MASK),
        ("máy bàn 0299-3822-123", "0299-3822-123", PHONE_MASK),
        ("email nguyen.van.a@gmail.com ạ", "nguyen.van.a@gmail.com", EMAIL_MASK),
        ("thư: tran_thi+b@so-noi-vu.soctrang.gov.vn", "so-noi-vu.soctrang.gov.vn", EMAIL_MASK),
        ("CCCD 094123456789 của tôi", "094123456789", ID_MASK),
        ("CMND 365123456", "365123456", ID_MASK),
        ("hộ chiếu C1234567", "C1234567", ID_MASK),
    ],
)
def test_personal_data_is_masked(text, hidden, mask):
    masked = mask_personal_data(text)
    assert hidden not in masked
    assert mask in masked


@pytest.mark.parametrize(
    "text",
    [
        "Cán bộ rất nhiệt tình, tôi chờ 15 phút, nộp 2 lần.",
        "Hồ sơ số 12/2026 trả đúng hẹn ngày 05/11/2026.",
        "Phí 50.000 đồng đúng quy định.",
        "",
    ],
)
def test_ordinary_text_is_unchanged(text):
    assert mask_personal_data(text) == text


def test_none_is_empty():
    assert mask_personal_data(None) == ""
