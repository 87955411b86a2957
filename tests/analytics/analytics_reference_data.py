"""Published reference data sets shared by the analytics tests (cited where defined)."""

from __future__ import annotations

import numpy as np

# Moodle's own reference data set: mod/quiz/report/statistics/tests/fixtures/results00.csv
# (moodle/moodle; 25 attempts x 7 questions, max mark 1 each). Moodle's expected values
# were "calculated independently in a spreadsheet" (stats_from_steps_walkthrough_test.php)
# and are published in fixtures/qstats00.csv and check_quiz_stats_for_quiz_00().
MOODLE_RESULTS00 = np.array(
    [
        [1, 1, 1, 1, 1, 0, 1],
        [1, 1, 1, 1, 0.5, 1, 0],
        [1, 1, 1, 1, 0.5, 0, 1],
        [0, 0, 1, 1, 1, 0, 0],
        [1, 0, 1, 0, 0, 1, 0.5],
        [1, 1, 1, 1, 0.5, 0, 0.5],
        [0, 1, 1, 1, 0.5, 1, 0.5],
        [1, 1, 1, 0, 0.5, 1, 0.5],
        [1, 0, 1, 1, 1, 1, 1],
        [0, 1, 1, 0, 0.5, 1, 0.5],
        [0.8, 0, 1, 1, 0.5, 1, 0.5],
        [1, 1, 1, 0, 0.5, 1, 1],
        [1, 0, 1, 1, 0.5, 1, 0.5],
        [1, 0, 1, 1, 1, 0, 0.5],
        [0, 0, 1, 1, 0, 1, 1],
        [1, 0, 1, 0, 0.5, 1, 1],
        [0.8, 0, 1, 1, 0.5, 0, 1],
        [1, 0, 1, 1, 0, 1, 0.5],
        [1, 0, 1, 1, 0.5, 0, 0.5],
        [0, 1, 1, 0, 0.5, 1, 0],
        [1, 1, 0.3333333, 1, 0.5, 0, 0.5],
        [1, 1, 1, 0, 0.5, 0, 0.5],
        [1, 1, 1, 1, 0, 1, 0.5],
        [0, 0, 1, 0, 0.5, 1, 1],
        [0, 0, 1, 1, 1, 1, 1],
    ]
)

# Moodle fixtures/qstats00.csv, one row per slot: facility, sd, effectiveweight (%),
# discriminationindex (%), discriminativeefficiency (%).
MOODLE_QSTATS00 = [
    (0.704, 0.4513682901, 21.2922742344, -7.0650767526, -9.4550536967),
    (0.48, 0.5099019514, 18.8979800309, -28.8982125772, -36.7834118938),
    (0.973333332, 0.13333334, 4.443012573, -9.1230674268, -21.6545012165),
    (0.68, 0.4760952286, 18.9347251357, -22.6306444113, -31.4411395613),
    (0.52, 0.3055050463, 11.1450138688, -17.6997047674, -21.1794802584),
    (0.64, 0.4898979486, 9.8081339177, -45.3785178421, -56.9365974439),
    (0.62, 0.331662479, 15.4788602394, -5.6543166602, -6.5043742058),
]


# Shrout & Fleiss (1979), Psychological Bulletin 86(2):420-428, Table 2:
# 6 targets rated by 4 judges.
SHROUT_FLEISS = np.array(
    [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]],
    dtype=float,
)
