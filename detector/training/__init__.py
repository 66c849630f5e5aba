"""The training path of the learned detector: labelled data, the recipe, training loops, calibration, metrics.

It may import :mod:`detector.learned` (to build and save what it trains); the inference path
never imports this package.
"""
