"""Price forecast beyond the published prices (numpy at runtime)."""
