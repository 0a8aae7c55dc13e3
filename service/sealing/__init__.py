"""Envelope encryption: per-object data keys wrapped by a key-encryption key, and sealed store wrappers."""
