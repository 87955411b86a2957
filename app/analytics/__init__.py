"""Pure statistics for tests, rubric ratings and surveys (numpy arrays in, frozen dataclasses out).

Modules: ``items`` (Moodle-style item analysis), ``reliability`` (ICC, Krippendorff's alpha),
``intervals`` (Wilson / t intervals, Cronbach's alpha), ``compare`` (chi-square, Fisher,
Kruskal-Wallis with Holm-corrected Mann-Whitney), ``cli`` (``flask analytics ...``).
"""
