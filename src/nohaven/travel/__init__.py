"""Travelling-offender notifications between agencies: routing to points of contact,
acknowledgements, responses, amendments, complaints and purge of personal data."""
