{#- Measures with the pupil count that weights them when an LA figure is recomputed from school rows. -#}
{%- set weighted_measures = [
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
] -%}
{%- set counts = ['cohort_pupils', 'disadvantaged_pupils', 'other_pupils'] -%}

with

school_results as (

    select * from {{ ref('stg_ks2__school_results') }}

),

la_results as (

    select * from {{ ref('stg_ks2__la_results') }}

),

-- DfE LA rows cover state-funded schools only, so independent and non-maintained special rows are left out.
-- Percentages are averaged weighted by pupils (never a mean of rounded school percentages).
recomputed as (

    select
        la_code,
        academic_year,
        {%- for count_column in counts %}
        sum({{ count_column }}) as {{ count_column }}_recomputed,
        {%- endfor %}
        {%- for measure, weight in weighted_measures %}
        sum({{ measure }} * ({{ weight }}))
            / nullif(sum(case when {{ measure }} is not null then {{ weight }} end), 0)
            as {{ measure }}_recomputed{{ ',' if not loop.last }}
        {%- endfor %}
    from school_results
    where is_state_funded
    group by la_code, academic_year

),

combined as (

    select
        coalesce(la_results.la_code, recomputed.la_code) as la_code,
        coalesce(la_results.academic_year, recomputed.academic_year) as academic_year,
        la_results.la_name,
        la_results.data_version,
        la_results.la_code is not null as has_published_la_row,
        {%- for count_column in counts %}
        coalesce(la_results.{{ count_column }}, recomputed.{{ count_column }}_recomputed) as {{ count_column }},
        {%- endfor %}
        {%- for measure, weight in weighted_measures %}
        -- {{ measure }}: the published LA figure wins; the recomputed one fills gaps.
        coalesce(la_results.{{ measure }}, recomputed.{{ measure }}_recomputed) as {{ measure }},
        case when la_results.{{ measure }} is null then la_results.{{ measure }}_reason end as {{ measure }}_reason,
        case
            when la_results.{{ measure }} is not null then 'published'
            when recomputed.{{ measure }}_recomputed is not null then 'recomputed'
        end as {{ measure }}_source,
        recomputed.{{ measure }}_recomputed{{ ',' if not loop.last }}
        {%- endfor %}
    from la_results
    full outer join recomputed
        on la_results.la_code = recomputed.la_code
        and la_results.academic_year = recomputed.academic_year

),

final as (

    select * from combined

)

select * from final
