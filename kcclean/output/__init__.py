"""The output stage: article files in an output folder written atomically, the diff report
(report.json, report.html), `kcclean diff`'s rendering, and the plain-text snapshot the tests
compare."""
