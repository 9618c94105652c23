from datetime import date

import pytest
from django.core.exceptions import ValidationError

from dgov.lib.idnumbers import validate_credit_code, validate_resident_id


def error_of(fn, value, **kwargs):
    with pytest.raises(ValidationError) as caught:
        fn(value, **kwargs)
    return caught.value


def test_a_valid_id_number_is_accepted_and_upper_cased():
    assert validate_resident_id("11010519491231002x") == "11010519491231002X"


def test_a_wrong_check_character_names_the_right_one():
    error = error_of(validate_resident_id, "110105194912310021")
    assert error.code == "check"
    assert "X" in error.messages[0]


def test_a_birth_date_that_does_not_exist_is_refused():
    first17 = "22010319990230123"
    from dgov.lib.idnumbers import id_check_character

    error = error_of(validate_resident_id, first17 + id_check_character(first17))
    assert error.code == "birth_date"
    assert "19990230" in error.messages[0]


def test_a_birth_date_in_the_future_is_refused():
    from dgov.lib.idnumbers import id_check_character

    first17 = "22010320300101123"
    error = error_of(validate_resident_id, first17 + id_check_character(first17), today=date(2026, 11, 27))
    assert error.code == "birth_date"


def test_an_unknown_region_code_is_refused():
    from dgov.lib.idnumbers import id_check_character

    first17 = "99999919800101123"
    error = error_of(validate_resident_id, first17 + id_check_character(first17))
    assert error.code == "region"
    assert "999999" in error.messages[0]


def test_a_historical_region_code_is_still_valid():
    # 220102 (南关区) has existed since 1980; 110103 (崇文区) was abolished in 2010.
    from dgov.lib.idnumbers import id_check_character

    first17 = "11010319700101123"
    number = first17 + id_check_character(first17)
    assert validate_resident_id(number) == number


@pytest.mark.parametrize("value,code", [("1101051949123100", "length"), ("11010519491231002Y", "characters")])
def test_malformed_id_numbers_say_what_is_wrong(value, code):
    assert error_of(validate_resident_id, value).code == code


def test_a_valid_credit_code_is_accepted():
    assert validate_credit_code("91350100m000100y43") == "91350100M000100Y43"


def test_a_credit_code_with_a_wrong_check_character_is_refused():
    error = error_of(validate_credit_code, "91350100M000100Y44")
    assert error.code == "check"
    assert "3" in error.messages[0]


def test_a_credit_code_with_forbidden_letters_names_them():
    error = error_of(validate_credit_code, "91350100M0001O0Y43")
    assert error.code == "characters"
    assert "O" in error.messages[0]


@pytest.mark.parametrize(
    "value", ["11010519491231\u00b202X", "110105\u0661\u0669\u0664\u0669\u0661\u0662\u0663\u0661\u0660\u0660\u0662X"]
)
def test_an_id_number_with_digits_that_are_not_ascii_is_refused(value):
    with pytest.raises(ValidationError):
        validate_resident_id(value)
