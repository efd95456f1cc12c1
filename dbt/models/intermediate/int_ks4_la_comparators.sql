{#- Measures with the pupil count that weights them when an LA figure is recomputed from school rows. -#}
{%- set weighted_measures = [
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
] -%}
{%- set counts = ['cohort_pupils', 'progress8_pupils', 'disadvantaged_pupils', 'other_pupils'] -%}
{#- A school with NE (no entries) entered none of its pupils for the qualifications: DfE's LA figure counts those
    pupils as scoring 0. Progress measures have no NE value to count, so they stay out. -#}
{%- set progress_measures = ['progress8_score', 'progress8_disadvantaged_score', 'progress8_other_score'] -%}

with

school_results as (

    select * from {{ ref('stg_ks4__school_results') }}

),

la_results as (

    select * from {{ ref('stg_ks4__la_results') }}

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
        {%- set value = measure if measure in progress_measures
            else "case when " ~ measure ~ "_reason = 'NE' then 0 else " ~ measure ~ " end" %}
        sum({{ value }} * ({{ weight }}))
            / nullif(sum(case when {{ value }} is not null then {{ weight }} end), 0)
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
