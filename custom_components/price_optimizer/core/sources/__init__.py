"""Price sources: each turns one provider's data into the one slot model."""
