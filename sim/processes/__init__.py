"""Yearly processes: one pure function per process, folded by the model in declared order.

The order of a year is :data:`sim.model.YEAR_ORDER`; ``docs/DESIGN.md`` explains it.
"""
