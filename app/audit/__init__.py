"""The audit log: every staff change and every read of household personal data."""
