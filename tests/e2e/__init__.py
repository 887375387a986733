"""End-to-end tests: real processes, as a user runs them."""
