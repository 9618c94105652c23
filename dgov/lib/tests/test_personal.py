import logging

from dgov.lib.personal import MaskPersonalDataFilter, mask_id_number, mask_phone, mask_text


def test_an_id_number_is_masked_in_the_middle():
    assert mask_id_number("11010519491231002X") == "110105********002X"


def test_a_phone_number_keeps_only_its_ends():
    assert mask_phone("13812345678") == "138****5678"


def test_free_text_is_masked():
    text = "申请人 11010519491231002X 电话13812345678 已受理"
    assert mask_text(text) == "申请人 110105********002X 电话138****5678 已受理"


def test_log_lines_never_carry_a_full_id_number(caplog):
    logger = logging.getLogger("dgov.test.masking")
    logger.addFilter(MaskPersonalDataFilter())
    with caplog.at_level(logging.WARNING, logger="dgov.test.masking"):
        logger.warning("lookup of %s failed", "11010519491231002X")
    assert "11010519491231002X" not in caplog.text
    assert "110105********002X" in caplog.text
