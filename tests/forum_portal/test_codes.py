import random

from forum_portal.codes import (
    ALPHABET,
    LENGTH,
    code_display,
    code_generate,
    code_normalise,
)


def test_tracking_codes_do_not_collide_in_100000():
    codes = {code_generate() for _ in range(100_000)}
    assert len(codes) == 100_000


def test_tracking_code_uses_unambiguous_alphabet():
    assert not set("0O1IL") & set(ALPHABET)
    code = code_generate()
    assert len(code) == LENGTH
    assert set(code) <= set(ALPHABET)


def test_tracking_code_normalise_accepts_typed_variants():
    assert code_normalise(" abcde-fghjk ") == "ABCDEFGHJK"
    assert code_display("ABCDEFGHJK") == "ABCDE-FGHJK"


def test_code_alphabet_leaves_out_every_look_alike_pair():
    assert set(ALPHABET).isdisjoint("0O1IL2Z5S8B")
    assert len(set(ALPHABET)) == len(ALPHABET) == 25


def test_code_generate_with_a_seeded_rng_repeats_for_demo_data():
    assert code_generate(rng=random.Random("demo")) == code_generate(rng=random.Random("demo"))


def test_code_normalise_reads_khmer_digits_and_bounds_the_length():
    assert code_normalise("acd-ef ៣៤៦៧៩") == "ACDEF34679"
    assert code_normalise("A" * 200) == "A" * 20
    assert code_normalise(None) == ""


def test_code_display_leaves_codes_of_another_length_alone():
    assert code_display("ACDEF") == "ACDEF"
