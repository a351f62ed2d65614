"""The regisseur's workspace: the trajectory after the triage. The tables (model) and the steps of the work."""
