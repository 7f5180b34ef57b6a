"""A person's own data: profile, download of everything we hold (AVG art. 15/20) and erasure (art. 17).

This package reads every feature's tables to gather a person's data, so it sits at the top of the
dependency order: it may import features, and no feature imports it.
"""
