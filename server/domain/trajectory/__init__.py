"""The trajectory after the triage: the tables (model) and the steps of the regisseur's work."""
