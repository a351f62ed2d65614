"""The gezinsbudget: per trajectory a ledger of grants and spending, within the regisseur's mandate."""
