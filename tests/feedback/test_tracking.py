from feedback.tracking import (
    ALPHABET,
    LENGTH,
    tracking_code_display,
    tracking_code_generate,
    tracking_code_normalise,
)


def test_tracking_codes_do_not_collide_in_100000():
    codes = {tracking_code_generate() for _ in range(100_000)}
    assert len(codes) == 100_000


def test_tracking_code_uses_unambiguous_alphabet():
    assert not set("0O1IL") & set(ALPHABET)
    code = tracking_code_generate()
    assert len(code) == LENGTH
    assert set(code) <= set(ALPHABET)


def test_tracking_code_normalise_accepts_typed_variants():
    assert tracking_code_normalise(" abcde-fghjk ") == "ABCDEFGHJK"
    assert tracking_code_display("ABCDEFGHJK") == "ABCDE-FGHJK"
