"""The dashboard in a real browser: a member who reads the reports signs in at /sign-in/ and sees the key figures,
both charts drawn by Chart.js (under the Content-Security-Policy, with no console error) and the overdue bills."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from comptoir.accounting.tests.test_dashboard import today_books
from comptoir.platform.tenancy import tenant_context
from tests.support.browser import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

CANVASES = ("accounting-revenue-chart", "accounting-cash-chart")


def test_the_dashboard_draws_both_charts_without_errors(page, tenant):
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    with tenant_context(tenant.organization, user=tenant.owner):
        made = today_books(tenant.owner)
    sign_in(page, tenant.owner.email)

    expect(page.get_by_test_id("figure-cash")).to_contain_text("12,345.67")
    for canvas_id in CANVASES:
        canvas = page.locator(f"#{canvas_id}")
        expect(canvas).to_be_visible()
        page.wait_for_function(
            "id => window.Chart && window.Chart.getChart(document.getElementById(id)) !== undefined", arg=canvas_id
        )
        drawn = page.evaluate(
            """id => {
                const canvas = document.getElementById(id);
                const chart = window.Chart.getChart(canvas);
                return {width: canvas.width, height: canvas.height, type: chart.config.type,
                        points: chart.data.datasets.map(d => d.data.length), labels: chart.data.labels.length};
            }""",
            canvas_id,
        )
        assert drawn["width"] > 0 and drawn["height"] > 0, drawn
        assert drawn["labels"] == 12 and set(drawn["points"]) == {12}, drawn
    revenue = page.evaluate("Chart.getChart(document.getElementById('accounting-revenue-chart')).data.datasets[0].data")
    assert revenue[-2] == 1500  # last month's sale, read from the page's JSON
    assert page.evaluate("Chart.getChart(document.getElementById('accounting-cash-chart')).config.type") == "line"

    page.get_by_test_id("accounting-trend").get_by_text("Show the figures").first.click()
    expect(page.get_by_test_id("revenue-table")).to_be_visible()
    expect(page.get_by_test_id("overdue-row")).to_have_count(1)
    expect(page.get_by_test_id("overdue-row")).to_contain_text(made["bill"].entry_number)
    assert errors == []
