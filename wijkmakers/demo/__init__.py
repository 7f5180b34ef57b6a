"""The demo data set: the academy as the municipality's reports describe it, at any scale."""
