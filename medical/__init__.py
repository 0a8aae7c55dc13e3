"""Turn audio into normalized medical text with word timings."""
