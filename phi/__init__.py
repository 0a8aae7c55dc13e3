"""Find protected health information (PHI) in transcripts."""
