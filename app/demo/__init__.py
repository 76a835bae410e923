"""Demo data: a believable, entirely fictional Dongkou for local use and benchmarks."""
