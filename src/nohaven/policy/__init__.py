"""Legislative criteria, country assessments and their review, gap analysis, national-response
maturity, maps and reports."""
