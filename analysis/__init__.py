"""Analysis of run outputs: reads ``results.csv`` tables only, never the model."""
