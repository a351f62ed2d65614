"""Ons Plan: one household, one plan, one regisseur."""
