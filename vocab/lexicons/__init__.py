"""Specialty lexicons: one tab-separated data file per medical specialty, each with its provenance."""
