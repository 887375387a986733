"""Home-Assistant-free logic of the integration: parsing, tariffs, forecasting and planning."""
