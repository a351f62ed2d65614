"""The team around the regisseurs: escalations to the team lead ("doorbraak") and covering for an absent
colleague ("waarneming")."""
