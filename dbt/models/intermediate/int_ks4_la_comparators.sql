{#- KS4 LA comparators (macro la_comparators): each measure with the pupil count that weights it when an LA figure
    is recomputed from school rows. A school with NE (no entries) entered none of its pupils for the
    qualifications: DfE's LA figure counts those pupils as scoring 0. Progress measures have no NE value to count,
    so they stay out. -#}
{{ la_comparators(
    'ks4',
    weighted_measures=[
        ('attainment8_score', 'cohort_pupils'),
        ('progress8_score', 'progress8_pupils'),
        ('english_maths_grade5_pct', 'cohort_pupils'),
        ('english_maths_grade4_pct', 'cohort_pupils'),
        ('ebacc_aps_score', 'cohort_pupils'),
        ('ebacc_entry_pct', 'cohort_pupils'),
        ('attainment8_disadvantaged_score', 'disadvantaged_pupils'),
        ('attainment8_other_score', 'other_pupils'),
        ('progress8_disadvantaged_score', 'disadvantaged_pupils'),
        ('progress8_other_score', 'other_pupils'),
    ],
    counts=['cohort_pupils', 'progress8_pupils', 'disadvantaged_pupils', 'other_pupils'],
    scored_zero_when_not_entered=[
        'attainment8_score', 'english_maths_grade5_pct', 'english_maths_grade4_pct', 'ebacc_aps_score',
        'ebacc_entry_pct', 'attainment8_disadvantaged_score', 'attainment8_other_score',
    ],
) }}
