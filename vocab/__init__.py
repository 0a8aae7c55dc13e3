"""What words to expect: custom vocabularies and specialty lexicons."""
