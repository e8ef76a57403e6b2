"""methodology §10.2: Indonesian number formats."""

import pytest

from planner.calc import format_number, format_percent, format_rupiah, parse_number


@pytest.mark.parametrize(
    "x, decimals, text",
    [
        (1234567.891, 2, "1.234.567,89"),
        (0, 2, "0,00"),
        (0.125, 2, "0,13"),  # half up on the decimal value
        (-1234.5, 2, "-1.234,50"),
        (-0.001, 2, "0,00"),  # no "-0,00"
        (1000, 0, "1.000"),
        (18.23, None, "18,23"),
        (20.0, None, "20"),
        (1 / 3, None, "0,333333"),
        (1e20, 2, "100.000.000.000.000.000.000,00"),
    ],
)
def test_format_number(x, decimals, text):
    assert format_number(x, decimals) == text


def test_format_percent_and_rupiah():
    assert format_percent(88.666) == "88,67%"
    assert format_percent(108.85) == "108,85%"
    assert format_rupiah(1250000000) == "Rp 1.250.000.000"
    assert format_rupiah(-1500) == "-Rp 1.500"
    assert format_number(None) == format_percent(None) == format_rupiah(None) == "—"


@pytest.mark.parametrize(
    "text, value",
    [
        ("88,67", 88.67),
        ("88.67", 88.67),
        ("90%", 90.0),
        ("90 %", 90.0),
        ("88,67%", 88.67),
        ("Rp 1.250.000.000", 1250000000.0),
        ("Rp1.250.000", 1250000.0),
        ("Rp 1.250.000,-", 1250000.0),
        ("Rp 1.250.000,00", 1250000.0),
        ("1.234.567,89", 1234567.89),
        ("1,234,567.89", 1234567.89),
        ("1.250", 1250.0),  # lone dot + exactly 3 digits: thousands
        ("1,250", 1.25),  # lone comma: decimal (Indonesian first)
        ("0.250", 0.25),
        ("1234.567", 1234.567),
        ("12.5", 12.5),
        ("1.250.000", 1250000.0),
        ("1,250,000", 1250000.0),
        ("42", 42.0),
        ("  42 ", 42.0),
        ("-5", -5.0),
        ("\u22121,5", -1.5),
        ("-Rp 1.500", -1500.0),
        ("Rp -1.500", -1500.0),
        ("+3", 3.0),
        (",5", 0.5),
        (7, 7.0),
        (2.5, 2.5),
    ],
)
def test_parse_number(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize(
    "text",
    ["", "  ", "abc", "1.2.3", "1.23.456", "12,34,5", "1,234.567,8", "1.", "5-", "--5", "Rp 5%", "1 250", "1e5",
     "%", "Rp", "nan", float("nan"), None, True],
)
def test_parse_number_rejects(text):
    with pytest.raises(ValueError):
        parse_number(text)


def test_parse_error_message_is_indonesian_and_names_the_text():
    with pytest.raises(ValueError, match="'abc' bukan angka yang sah"):
        parse_number("abc")
