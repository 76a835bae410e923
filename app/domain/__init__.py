"""Pure business rules: no Flask, no SQLAlchemy, only plain values."""
