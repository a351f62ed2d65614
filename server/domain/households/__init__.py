"""A household's own pages: what they show of the household."""
