"""Working without a connection: forms applied once whatever how often they arrive, and the households a
regisseur keeps on her device for a home visit."""
