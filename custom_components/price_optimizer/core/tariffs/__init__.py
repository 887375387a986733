"""The household's total price: tariff components, capacity charges and tariff sources."""
