{#- KS2 LA comparators (macro la_comparators): each measure with the pupil count that weights it when an LA figure
    is recomputed from school rows; progress scores are weighted by the pupils they cover. -#}
{{ la_comparators(
    'ks2',
    weighted_measures=[
        ('rwm_expected_pct', 'cohort_pupils'),
        ('rwm_higher_pct', 'cohort_pupils'),
        ('reading_scaled_score', 'cohort_pupils'),
        ('maths_scaled_score', 'cohort_pupils'),
        ('gps_scaled_score', 'cohort_pupils'),
        ('reading_progress_score', 'cohort_pupils * coalesce(reading_progress_coverage_pct, 100) / 100'),
        ('writing_progress_score', 'cohort_pupils * coalesce(writing_progress_coverage_pct, 100) / 100'),
        ('maths_progress_score', 'cohort_pupils * coalesce(maths_progress_coverage_pct, 100) / 100'),
        ('rwm_expected_disadvantaged_pct', 'disadvantaged_pupils'),
        ('rwm_expected_other_pct', 'other_pupils'),
        ('rwm_higher_disadvantaged_pct', 'disadvantaged_pupils'),
        ('rwm_higher_other_pct', 'other_pupils'),
    ],
    counts=['cohort_pupils', 'disadvantaged_pupils', 'other_pupils'],
) }}
