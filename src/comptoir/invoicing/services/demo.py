"""The demo organization's invoices (`comptoir demo`, after the books, the parties and the catalogue): a year of
sales invoices to the demo customers and purchase invoices from the demo suppliers, on the demo products, most of
them paid (some in part, one by an advance allocated later), a credit note, a card payment still pending, and a
monthly recurring invoice; then the flows' documents: the invoices of the demo sales orders' deliveries and the
supplier bills of the demo purchase orders' receipts, made from the orders (`from_orders`, `from_receipts`) and
mostly paid, so the desk shows order ↔ shipments or receipts ↔ invoices ↔ payments linked. Deterministic (a seeded
generator); nothing dated after `today`; written once."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction

from comptoir.accounting.queries.books import fiscal_years
from comptoir.invoicing.models import Invoice
from comptoir.invoicing.services.from_orders import OrderInvoiceInput, invoice_sales_order
from comptoir.invoicing.services.from_receipts import BillInput, bill_purchase_order
from comptoir.invoicing.services.invoices import InvoiceInput, create_invoice
from comptoir.invoicing.services.lines import InvoiceLineInput
from comptoir.invoicing.services.payments import AllocationInput, PaymentInput, allocate_payment, create_payment
from comptoir.invoicing.services.schedules import RecurringInvoiceInput, create_recurring_invoice
from comptoir.parties.queries import parties
from comptoir.purchasing import queries as purchasing
from comptoir.sales import queries as sales

SEED = 9
SOLD = ("DRL-18", "SAW-CIRC", "HAM-500", "SCR-SET", "HOSE-25", "INSTALL", "REPAIR", "SHARPEN", "PLANK-OAK")
BOUGHT = (("DRL-18", "72.50"), ("HAM-500", "7.90"), ("SCREW-4", "2.90"), ("GLUE-W", "5.10"), ("PLANK-OAK", "15.50"))
PRICES = {"DRL-18": "129.90", "SAW-CIRC": "159.00", "HAM-500": "18.50", "SCR-SET": "24.90", "HOSE-25": "34.90",
          "INSTALL": "55.00", "REPAIR": "45.00", "SHARPEN": "12.00", "PLANK-OAK": "27.00"}  # fmt: skip


def _pay(actor, invoice: Invoice, amount: Decimal, day: datetime.date, method: str = "BANK_TRANSFER"):
    direction = "INCOMING" if invoice.invoice_type == "SALES" else "OUTGOING"
    return create_payment(
        actor=actor,
        data=PaymentInput(
            direction=direction, party=invoice.party_id, payment_date=day, amount=amount, method=method,
            allocations=[AllocationInput(invoice=invoice.pk, amount=amount)],
        ),
    )  # fmt: skip


def _invoice_orders(actor, today: datetime.date, rng: random.Random) -> list[Invoice]:
    """The invoice of each demo sales order's deliveries and the bill of each demo purchase order's receipts, a few
    days after the goods moved, paid some weeks later (when that is before `today`)."""
    made = []
    for order in sales.orders().order_by("order_date", "order_number"):
        moved = order.delivered_date or order.shipped_date
        if moved is None or not any(line.invoiceable > 0 for line in sales.invoiceable_lines(order.pk)):
            continue
        day = min(moved + datetime.timedelta(days=rng.randint(0, 3)), today)
        data = OrderInvoiceInput(sales_order=order.pk, invoice_date=day, submit=True)
        made.append(invoice_sales_order(actor=actor, data=data))
    for order in purchasing.orders().order_by("order_date", "order_number"):
        received = purchasing.receipts(order=order.pk, status="POSTED").order_by("-date").values_list("date", flat=True)
        if not received or not any(line.billable_quantity > 0 for line in purchasing.billable_lines(order.pk)):
            continue
        day = min(received[0] + datetime.timedelta(days=rng.randint(1, 5)), today)
        number = f"{order.party.party_number}-{order.order_number}"
        bill = BillInput(purchase_order=order.pk, invoice_date=day, supplier_invoice_number=number, submit=True)
        made.append(bill_purchase_order(actor=actor, data=bill))
    for invoice in made:
        paid_on = invoice.invoice_date + datetime.timedelta(days=rng.randint(10, 40))
        if paid_on <= today:
            invoice.refresh_from_db()
            _pay(actor, invoice, invoice.balance_due, paid_on)
    return made


def seed_demo_invoicing(*, actor, today: datetime.date) -> int:
    """The demo invoices and payments in the organization in context; returns the number of invoices made."""
    if Invoice.objects.exists():
        return 0
    rng = random.Random(SEED)  # noqa: S311 (demo figures, not secrets)
    first_day = fiscal_years().order_by("start_date").values_list("start_date", flat=True).first()
    start = max(today - datetime.timedelta(days=330), first_day)
    customers = list(parties(party_type="CUSTOMER").order_by("party_number")) + list(
        parties(party_type="BOTH").order_by("party_number")
    )
    suppliers = list(parties(party_type="SUPPLIER").order_by("party_number"))
    made: list[Invoice] = []
    with transaction.atomic():
        month = 0
        while (day := start + datetime.timedelta(days=30 * month)) <= today:
            for customer in customers:
                invoice_day = day + datetime.timedelta(days=rng.randint(0, 20))
                if invoice_day > today:
                    continue
                lines = [
                    InvoiceLineInput(product=code, quantity=Decimal(rng.randint(1, 6)), unit_rate=Decimal(PRICES[code]),
                                     discount_pct=Decimal(rng.choice((0, 0, 5, 10))))
                    for code in rng.sample(SOLD, rng.randint(1, 3))
                ]  # fmt: skip
                invoice = create_invoice(
                    actor=actor,
                    data=InvoiceInput(invoice_type="SALES", party=customer.pk, invoice_date=invoice_day, lines=lines,
                                      submit=True),
                )  # fmt: skip
                made.append(invoice)
                paid_on = invoice_day + datetime.timedelta(days=rng.randint(10, 45))
                if paid_on <= today and rng.random() < 0.85:
                    share = Decimal(1) if rng.random() < 0.8 else Decimal("0.5")
                    amount = (invoice.total_amount * share).quantize(Decimal("0.01"))
                    _pay(actor, invoice, amount, paid_on, method=rng.choice(("BANK_TRANSFER", "BANK_TRANSFER", "CASH")))
            for n, supplier in enumerate(suppliers):
                bill_day = day + datetime.timedelta(days=rng.randint(0, 25))
                if bill_day > today:
                    continue
                lines = [
                    InvoiceLineInput(product=code, quantity=Decimal(rng.randint(5, 40)), unit_rate=Decimal(cost))
                    for code, cost in rng.sample(BOUGHT, rng.randint(1, 3))
                ]
                number = f"F{bill_day:%y}-{month + 1:02d}-{n + 1:03d}"
                bill = create_invoice(
                    actor=actor,
                    data=InvoiceInput(invoice_type="PURCHASE", party=supplier.pk, invoice_date=bill_day, lines=lines,
                                      supplier_invoice_number=number, submit=True),
                )  # fmt: skip
                made.append(bill)
                paid_on = bill_day + datetime.timedelta(days=rng.randint(20, 50))
                if paid_on <= today:
                    _pay(actor, bill, bill.total_amount, paid_on)
            month += 1
        open_sales = [i for i in made if i.invoice_type == "SALES" and i.paid_amount == 0]
        if open_sales:
            # an advance from the last open invoice's customer, allocated to it a few days later
            target = open_sales[-1]
            target.refresh_from_db()
            if target.balance_due > 0 and target.invoice_date + datetime.timedelta(days=3) <= today:
                advance = create_payment(
                    actor=actor,
                    data=PaymentInput(direction="INCOMING", party=target.party_id, amount=target.balance_due,
                                      payment_date=target.invoice_date, method="BANK_TRANSFER"),
                )  # fmt: skip
                allocate_payment(
                    actor=actor, payment_id=advance.pk, date=target.invoice_date + datetime.timedelta(days=3),
                    allocations=[AllocationInput(invoice=target.pk, amount=target.balance_due)],
                )  # fmt: skip
        if len(open_sales) > 1:
            pending = open_sales[-2]
            _pay(actor, pending, (pending.total_amount / 2).quantize(Decimal("0.01")), pending.invoice_date, "CARD")
        sold = [i for i in made if i.invoice_type == "SALES"]
        if sold:
            original = sold[len(sold) // 2]
            create_invoice(
                actor=actor,
                data=InvoiceInput(
                    invoice_type="CREDIT_NOTE", party=original.party_id, invoice_date=original.invoice_date,
                    original_invoice=original.pk, submit=True,
                    lines=[InvoiceLineInput(quantity=Decimal(1), unit_rate=Decimal("10.00"),
                                            description="Goodwill discount")],
                ),
            )  # fmt: skip
            create_recurring_invoice(
                actor=actor,
                data=RecurringInvoiceInput(name="Monthly sharpening", template=sold[0].pk, frequency="MONTHLY",
                                           start_date=today + datetime.timedelta(days=1)),
            )  # fmt: skip
        made += _invoice_orders(actor, today, rng)
    return len(made)
