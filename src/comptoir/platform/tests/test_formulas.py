"""Formulas members write are parsed over a closed set of nodes and evaluated in Decimal: the pay-head examples of
the catalogue, conditions and functions, and every refusal (with its reason) before anything runs."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comptoir.platform.formulas import FormulaError, parse_formula

D = Decimal


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("BASIC * 0.40", D("20000.00")),
        ("(BASIC + HRA) * 0.10", D("7000.000")),
        ("BASIC - HRA / 4", D("45000")),
        ("-BASIC + 1", D("-49999")),
        ("BASIC % 7", D("50000") % 7),
        ("min(BASIC * 0.12, 1800)", D("1800")),
        ("max(0, BASIC - 60000)", D("0")),
        ("abs(HRA - BASIC)", D("30000")),
        ("round(BASIC / 3, 2)", D("16666.67")),
        ("round(BASIC / 3)", D("16667")),
        ("BASIC * 0.05 if BASIC > 40000 else 0", D("2500.00")),
        ("1000 if BASIC >= 50000 and not HRA > 20000 else 0", D("1000")),
        ("1 if 0 < HRA <= 20000 < BASIC else 2", D("1")),
        ("1 if HRA == 0 or BASIC != 0 else 2", D("1")),
    ],
)
def test_formulas_compute_in_decimal(text, expected):
    formula = parse_formula(text, allowed={"BASIC", "HRA"})
    assert formula.evaluate({"BASIC": D("50000"), "HRA": D("20000")}) == expected


def test_a_formula_names_the_codes_it_reads_but_not_its_functions():
    assert parse_formula("round(max(BASIC, DA) * 0.1, 2) + 5").names == {"BASIC", "DA"}
    assert parse_formula("100").names == frozenset()


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("BASIC *", "not well formed"),
        ("__import__('os').system('x')", "Unknown function"),
        ("BASIC.real", "cannot contain Attribute"),
        ("'text'", "numbers and codes only"),
        ("True", "numbers and codes only"),
        ("BASIC ** 2", "cannot contain Pow"),
        ("[BASIC][0]", "cannot contain"),
        ("(lambda: 1)()", "Unknown function"),
        ("(lambda: 1)", "cannot contain Lambda"),
        ("max()", "takes 1 to 20 values"),
        ("round(BASIC, digits=2)", "Unknown function"),
        ("OTHER * 2", "Unknown code in the formula: OTHER"),
        ("1+" * 150 + "1", "too long"),
        ("1" * 501, "at most 500 characters"),
    ],
)
def test_what_a_formula_cannot_hold_is_refused_when_parsed(text, reason):
    with pytest.raises(FormulaError) as refused:
        parse_formula(text, allowed={"BASIC"})
    assert reason in str(refused.value)


@pytest.mark.parametrize(
    ("text", "values", "reason"),
    [
        ("BASIC / HRA", {"BASIC": D(1), "HRA": D(0)}, "divides by zero"),
        ("BASIC % HRA", {"BASIC": D(1), "HRA": D(0)}, "no numeric result"),
        ("BASIC > 1", {"BASIC": D(2)}, "a condition, not an amount"),
        ("BASIC + HRA", {"BASIC": D(2)}, "No value for HRA"),
        ("round(BASIC, 0.5)", {"BASIC": D(2)}, "whole number of places"),
    ],
)
def test_what_cannot_be_computed_is_refused_with_its_reason(text, values, reason):
    with pytest.raises(FormulaError) as refused:
        parse_formula(text).evaluate(values)
    assert reason in str(refused.value)


amounts = st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


@given(a=amounts, b=amounts)
def test_arithmetic_is_exact_decimal_arithmetic(a, b):
    assert parse_formula("(A + B) * 2 - A").evaluate({"A": a, "B": b}) == (a + b) * 2 - a
