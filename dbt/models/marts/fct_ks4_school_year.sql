{#- Headline measures compared with the school's LA and with national (state-funded) figures. -#}
{%- set compared_measures = ['attainment8_score', 'progress8_score', 'english_maths_grade5_pct', 'english_maths_grade4_pct', 'ebacc_aps_score', 'ebacc_entry_pct'] -%}
{%- set carried_measures = ['cohort_pupils', 'disadvantaged_pupils', 'progress8_pupils', 'attainment8_disadvantaged_score', 'attainment8_other_score', 'progress8_disadvantaged_score', 'progress8_other_score', 'progress8_published_gap_score'] -%}

with

spine as (

    select * from {{ ref('int_school_year_spine') }}
    where expects_ks4_results

),

results as (

    select * from {{ ref('stg_ks4__school_results') }}

),

establishments as (

    select * from {{ ref('int_school_register') }}

),

la_comparators as (

    select * from {{ ref('int_ks4_la_comparators') }}

),

national_comparators as (

    select * from {{ ref('int_ks4_national_comparators') }}

),

bands as (

    select * from {{ ref('significance_bands') }}

),

-- Every school expected to have KS4 results that year, plus every school that has them: a school in the
-- spine without a results row is 'no data this year', which is not the same as a suppressed measure.
school_years as (

    select urn, academic_year from spine
    union
    select urn, academic_year from results

),

joined as (

    select
        school_years.urn,
        school_years.academic_year,
        coalesce(results.la_code, establishments.la_code) as la_code,
        results.urn is not null as has_results,
        results.data_version,
        results.is_state_funded,
        results.is_special_school,
        {%- for measure in carried_measures %}
        results.{{ measure }},
        results.{{ measure }}_reason,
        {%- endfor %}
        {%- for measure in compared_measures %}
        results.{{ measure }},
        results.{{ measure }}_reason,
        la_comparators.{{ measure }} as {{ measure }}_la,
        national_comparators.{{ measure }} as {{ measure }}_national,
        {%- endfor %}
        results.progress8_lower_score,
        results.progress8_upper_score,
        progress8_band.band_code as progress8_band,
        la_comparators.data_version as la_data_version
    from school_years
    left join results
        on results.urn = school_years.urn
        and results.academic_year = school_years.academic_year
    left join establishments
        on establishments.urn = school_years.urn
    left join la_comparators
        on la_comparators.la_code = coalesce(results.la_code, establishments.la_code)
        and la_comparators.academic_year = school_years.academic_year
    left join national_comparators
        on national_comparators.academic_year = school_years.academic_year
    left join bands as progress8_band
        on {{ significance_band_join('progress8_band', "'KS4'", 'results.progress8_score',
            'results.progress8_lower_score', 'results.progress8_upper_score') }}

),

final as (

    select
        cast(urn as integer) as urn,
        academic_year,
        cast(la_code as integer) as la_code,
        has_results,
        case when has_results then 'results published' else 'no data this year' end as results_status,
        data_version,
        is_state_funded,
        is_special_school,
        {%- for measure in carried_measures %}
        {{ measure }},
        {{ measure }}_reason,
        {%- endfor %}
        {%- for measure in compared_measures %}
        {{ measure }},
        {{ measure }}_reason,
        case when has_results then {{ measure_status(measure, measure ~ '_reason') }} else 'no data this year' end
            as {{ measure }}_status,
        {{ measure }}_la,
        {{ measure }}_national,
        {{ round_to(measure ~ ' - ' ~ measure ~ '_la', 2) }} as {{ measure }}_vs_la,
        {{ round_to(measure ~ ' - ' ~ measure ~ '_national', 2) }} as {{ measure }}_vs_national,
        {%- endfor %}
        progress8_lower_score,
        progress8_upper_score,
        progress8_band,
        la_data_version
    from joined

)

select * from final
