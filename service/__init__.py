"""The edge: speak the Transcribe Medical protocols, authenticate callers and run jobs."""
