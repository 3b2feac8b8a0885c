"""The error codes of payroll: each is the stable `code` of a problem+json answer (DESIGN §3). The generic codes
(required, unknown, duplicate, invalid_transition…) are the platform's (`platform.errors`)."""

from enum import StrEnum


class PayrollError(StrEnum):
    """Codes raised by the payroll services, beside the platform's."""

    UNKNOWN = "unknown"  # a reference (employee, pay head) that names nothing
    INVALID_FORMULA = "invalid_formula"
    FORMULA_FAILED = "formula_failed"
    OVERLAPPING_STRUCTURE = "overlapping_structure"
    OVERLAPPING_RUN = "overlapping_run"
    INVALID_PERIOD = "invalid_period"
    INVALID_ACCOUNT = "invalid_account"
    NOT_EDITABLE = "not_editable"
    NO_PAYSLIPS = "no_payslips"
    NEGATIVE_NET_PAY = "negative_net_pay"
    NOT_A_PAYMENT_ACCOUNT = "not_a_payment_account"
    MISSING_BANK_ACCOUNT = "missing_bank_account"  # the bank file of a run with an employee without one
