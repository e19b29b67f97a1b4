"""Fuzzing ratecard: generators, oracles and a runner; short runs in the suite, long ones by hand."""
