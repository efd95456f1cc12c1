{#- The KS2 / KS4 performance-table measures staged for every record type (school, LA, national): each raw column
    is renamed and keeps its special-value reason beside it (`<raw>_reason` as `<name>_reason`). -#}

{% macro ks2_measure_columns() -%}
{%- set measures = [
    ('totpups', 'total_pupils'),
    ('telig', 'cohort_pupils'),
    ('tfsm6cla1a', 'disadvantaged_pupils'),
    ('ptfsm6cla1a', 'disadvantaged_pupils_pct'),
    ('tnotfsm6cla1a', 'other_pupils'),
    ('ptnotfsm6cla1a', 'other_pupils_pct'),
    ('ptrwm_exp', 'rwm_expected_pct'),
    ('ptrwm_high', 'rwm_higher_pct'),
    ('ptrwm_exp_fsm6cla1a', 'rwm_expected_disadvantaged_pct'),
    ('ptrwm_exp_notfsm6cla1a', 'rwm_expected_other_pct'),
    ('ptrwm_high_fsm6cla1a', 'rwm_higher_disadvantaged_pct'),
    ('ptrwm_high_notfsm6cla1a', 'rwm_higher_other_pct'),
    ('diffn_rwm_exp', 'rwm_expected_published_gap_pct'),
    ('read_average', 'reading_scaled_score'),
    ('gps_average', 'gps_scaled_score'),
    ('mat_average', 'maths_scaled_score'),
    ('readprog', 'reading_progress_score'),
    ('readprog_lower', 'reading_progress_lower_score'),
    ('readprog_upper', 'reading_progress_upper_score'),
    ('readcov', 'reading_progress_coverage_pct'),
    ('writprog', 'writing_progress_score'),
    ('writprog_lower', 'writing_progress_lower_score'),
    ('writprog_upper', 'writing_progress_upper_score'),
    ('writcov', 'writing_progress_coverage_pct'),
    ('matprog', 'maths_progress_score'),
    ('matprog_lower', 'maths_progress_lower_score'),
    ('matprog_upper', 'maths_progress_upper_score'),
    ('matcov', 'maths_progress_coverage_pct'),
] -%}
{%- for raw, name in measures %}
        {{ raw }} as {{ name }},
        {{ raw }}_reason as {{ name }}_reason,
{%- endfor %}
{%- endmacro %}

{% macro ks4_measure_columns() -%}
{%- set measures = [
    ('totpups', 'total_pupils'),
    ('tpup', 'cohort_pupils'),
    ('tfsm6cla1a', 'disadvantaged_pupils'),
    ('ptfsm6cla1a', 'disadvantaged_pupils_pct'),
    ('tnotfsm6cla1a', 'other_pupils'),
    ('ptnotfsm6cla1a', 'other_pupils_pct'),
    ('att8scr', 'attainment8_score'),
    ('att8scr_fsm6cla1a', 'attainment8_disadvantaged_score'),
    ('att8scr_nfsm6cla1a', 'attainment8_other_score'),
    ('p8pup', 'progress8_pupils'),
    ('p8meacov', 'progress8_coverage_pct'),
    ('p8mea', 'progress8_score'),
    ('p8cilow', 'progress8_lower_score'),
    ('p8ciupp', 'progress8_upper_score'),
    ('p8mea_fsm6cla1a', 'progress8_disadvantaged_score'),
    ('p8mea_nfsm6cla1a', 'progress8_other_score'),
    ('diffn_p8mea', 'progress8_published_gap_score'),
    ('ptl2basics_95', 'english_maths_grade5_pct'),
    ('ptl2basics_94', 'english_maths_grade4_pct'),
    ('ebaccaps', 'ebacc_aps_score'),
    ('ptebacc_e_ptq_ee', 'ebacc_entry_pct'),
] -%}
{%- for raw, name in measures %}
        {{ raw }} as {{ name }},
        {{ raw }}_reason as {{ name }}_reason,
{%- endfor %}
{%- endmacro %}
