"""Network: the tables (model), the use cases (service)."""
