"""Applications to join a body: eligibility by the body's standing orders and the WeProtect
register, review, a members' vote, admission or refusal with reasons."""
