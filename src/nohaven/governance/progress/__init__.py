"""A body's mission statement and its numbered commitments, members' signatures, their
progress reports per half year, the dashboards, and the showcase of good practice."""
