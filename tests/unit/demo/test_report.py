"""The demo's report: charts and Markdown from small series, no chain needed."""

from cap.report import (
    LOAN_CHART,
    REPORT,
    REVENUE_CHART,
    USAGE_CHART,
    USD,
    LoanPoint,
    Record,
    RevenuePoint,
    UsagePoint,
    gas_rows,
    loan_chart,
    markdown,
    revenue_chart,
    usage_chart,
    write_report,
)

PNG = b"\x89PNG\r\n\x1a\n"


def small_record() -> Record:
    record = Record(started_at="2026-01-01 00:00 UTC")
    record.usage = {
        "asset #1": [
            UsagePoint(day=h / 24, uptime_bps=10_000 if h != 5 else 7_500, utilization_bps=8_500) for h in range(48)
        ],
        "asset #2": [UsagePoint(day=h / 24, uptime_bps=10_000, utilization_bps=4_000) for h in range(48)],
    }
    record.leased = {"asset #1": [(0.0, 1.0)]}
    record.revenue = [RevenuePoint(day, day * 50 * USD, day * 150 * USD, day * 800 * USD) for day in range(3)]
    record.loan = [
        LoanPoint(0, 150_000 * USD, 375_000 * USD, 4_000),
        LoanPoint(1, 149_000 * USD, 190_000 * USD, 7_842),
        LoanPoint(2, 75_000 * USD, 120_000 * USD, 6_250),
    ]
    record.liquidation_day = 1.5
    record.sweeps = [(1.0, 149_000 * USD, 1_000 * USD)]
    record.liquidation_ltv_bps = 7_000
    record.events = [(0.0, "alice borrows"), (1.5, "carol liquidates | half")]
    record.add_table("Settlement", ["lease", "credit"], [(1, "$12.00"), (2, "$0.00")])
    record.add_gas("rent", 180_000)
    record.add_gas("rent", 160_000)
    record.add_gas("settle", 90_000)
    return record


def test_write_report_writes_the_charts_and_the_markdown(tmp_path):
    folder = tmp_path / "out" / "reports"  # created when missing
    path = write_report(small_record(), folder)
    assert path == folder / REPORT
    for chart in (USAGE_CHART, REVENUE_CHART, LOAN_CHART):
        data = (folder / chart).read_bytes()
        assert data.startswith(PNG), chart
        assert len(data) > 10_000, chart  # a drawn chart, not an empty canvas
    text = path.read_text()
    for section in (
        "# ",
        "## Charts",
        "## Timeline",
        "## Key tables",
        "### Settlement",
        "## Gas of the main operations",
    ):
        assert section in text
    for chart in (USAGE_CHART, REVENUE_CHART, LOAN_CHART):
        assert f"]({chart})" in text  # linked, relative to the report
        assert (folder / chart).exists()


def test_markdown_tables_escape_pipes_and_summarise_gas():
    text = markdown(small_record())
    assert "carol liquidates \\| half" in text
    assert "| rent | 2 | 170,000 | 180,000 |" in text
    assert gas_rows({"settle": [1, 3], "unused": []}) == [("settle", 2, "2", "3")]


def test_each_chart_draws_alone_and_with_empty_series(tmp_path):
    record = small_record()
    assert usage_chart(record.usage, tmp_path / "u.png").read_bytes().startswith(PNG)
    assert revenue_chart([], tmp_path / "r.png").read_bytes().startswith(PNG)
    assert loan_chart(record.loan, tmp_path / "l.png").read_bytes().startswith(PNG)  # no liquidation marked
    assert usage_chart({}, tmp_path / "e.png").read_bytes().startswith(PNG)
