"""The engine: compile circuits to programs, simulate batches, measure."""
