"""The planner's dashboard: pick a region and scenario, move the levers, compare the curves against a reference."""
