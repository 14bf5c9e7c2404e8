"""The public face of the bodies (no account needed): a body's page, published statements and
their Atom feeds, and the contact form to the secretariat with its spam defences."""
