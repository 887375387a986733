"""The integration's engine, free of Home Assistant.

Prices and their quality checks, the price sources (parsers and clients on an injected HTTP
session), the forecast, the optimizer, the appliance state machine and the plug rules. Nothing
here imports Home Assistant or anything outside this package, so training, benchmarks and unit
tests import it directly.
"""
