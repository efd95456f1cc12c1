{#- The school measures carried to the long comparison marts, one entry per measure_code of seed
    measure_dictionary: (measure_code, source, column in the staging/intermediate model, pupil count that
    weights it when school or LA figures are averaged). Sources: ks2, ks4 (performance tables), census, absence
    (weighted by the census pupils on roll of the same year). -#}
{% macro school_measures() -%}
    {{ return([
        ('ks2_rwm_expected_pct', 'ks2', 'rwm_expected_pct', 'cohort_pupils'),
        ('ks2_rwm_expected_disadvantaged_pct', 'ks2', 'rwm_expected_disadvantaged_pct', 'disadvantaged_pupils'),
        ('ks2_rwm_expected_other_pct', 'ks2', 'rwm_expected_other_pct', 'other_pupils'),
        ('ks2_rwm_higher_pct', 'ks2', 'rwm_higher_pct', 'cohort_pupils'),
        ('ks2_rwm_higher_disadvantaged_pct', 'ks2', 'rwm_higher_disadvantaged_pct', 'disadvantaged_pupils'),
        ('ks2_rwm_higher_other_pct', 'ks2', 'rwm_higher_other_pct', 'other_pupils'),
        ('ks2_reading_scaled_score', 'ks2', 'reading_scaled_score', 'cohort_pupils'),
        ('ks2_maths_scaled_score', 'ks2', 'maths_scaled_score', 'cohort_pupils'),
        ('ks2_gps_scaled_score', 'ks2', 'gps_scaled_score', 'cohort_pupils'),
        ('ks2_reading_progress_score', 'ks2', 'reading_progress_score', 'cohort_pupils'),
        ('ks2_writing_progress_score', 'ks2', 'writing_progress_score', 'cohort_pupils'),
        ('ks2_maths_progress_score', 'ks2', 'maths_progress_score', 'cohort_pupils'),
        ('ks4_attainment8_score', 'ks4', 'attainment8_score', 'cohort_pupils'),
        ('ks4_attainment8_disadvantaged_score', 'ks4', 'attainment8_disadvantaged_score', 'disadvantaged_pupils'),
        ('ks4_attainment8_other_score', 'ks4', 'attainment8_other_score', 'other_pupils'),
        ('ks4_progress8_score', 'ks4', 'progress8_score', 'progress8_pupils'),
        ('ks4_progress8_disadvantaged_score', 'ks4', 'progress8_disadvantaged_score', 'disadvantaged_pupils'),
        ('ks4_progress8_other_score', 'ks4', 'progress8_other_score', 'other_pupils'),
        ('ks4_english_maths_grade5_pct', 'ks4', 'english_maths_grade5_pct', 'cohort_pupils'),
        ('ks4_english_maths_grade4_pct', 'ks4', 'english_maths_grade4_pct', 'cohort_pupils'),
        ('ks4_ebacc_aps_score', 'ks4', 'ebacc_aps_score', 'cohort_pupils'),
        ('ks4_ebacc_entry_pct', 'ks4', 'ebacc_entry_pct', 'cohort_pupils'),
        ('census_fsm_ever_pct', 'census', 'fsm_ever_pct', 'pupils_on_roll'),
        ('census_eal_pct', 'census', 'eal_pct', 'pupils_on_roll'),
        ('census_sen_support_pct', 'census', 'sen_support_pct', 'pupils_on_roll'),
        ('census_ehc_plan_pct', 'census', 'ehc_plan_pct', 'pupils_on_roll'),
        ('absence_overall_pct', 'absence', 'overall_absence_pct', 'pupils_on_roll'),
        ('absence_persistent_pct', 'absence', 'persistent_absence_pct', 'pupils_on_roll'),
    ]) }}
{%- endmacro %}
