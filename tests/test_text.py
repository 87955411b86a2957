"""Vietnamese text hygiene: NFC, diacritic folding (đ → d), given-name collation."""

import unicodedata

import pytest

from app.text import collation_key, fold, given_name, nfc, person_sort_key


def test_nfc_turns_decomposed_input_into_composed():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Văn Đức")
    assert decomposed != "Nguyễn Văn Đức"
    assert nfc(decomposed) == "Nguyễn Văn Đức"


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Nguyễn Văn Đức", "nguyen van duc"),
        ("ĐẶNG THỊ  Ổn", "dang thi on"),
        ("Trần Thị Ánh", "tran thi anh"),
        (None, ""),
    ],
)
def test_fold_removes_every_diacritic_including_d_stroke(text, folded):
    assert fold(text) == folded


def test_given_name_is_the_last_word():
    assert given_name(" Lê  Thị Hồng Nhung ") == "Nhung"


def test_vietnamese_alphabet_order():
    words = ["Đức", "Dũng", "Ân", "Ăn", "An", "Anh", "Bình", "Ơn", "Ô", "O"]
    ordered = sorted(words, key=collation_key)
    assert ordered == ["An", "Anh", "Ăn", "Ân", "Bình", "Dũng", "Đức", "O", "Ô", "Ơn"]


def test_people_sort_by_given_name_then_full_name():
    names = ["Trần Văn Bình", "Nguyễn Thị An", "Lê Văn An", "Phạm Đức Anh"]
    ordered = sorted(names, key=person_sort_key)
    assert ordered == ["Lê Văn An", "Nguyễn Thị An", "Phạm Đức Anh", "Trần Văn Bình"]
