{#- Headline measures compared with the school's LA and with national (state-funded) figures. -#}
{%- set compared_measures = ['rwm_expected_pct', 'rwm_higher_pct', 'reading_scaled_score', 'maths_scaled_score', 'gps_scaled_score'] -%}
{%- set progress_subjects = ['reading', 'writing', 'maths'] -%}
{%- set carried_measures = ['cohort_pupils', 'disadvantaged_pupils', 'rwm_expected_disadvantaged_pct', 'rwm_expected_other_pct', 'rwm_expected_published_gap_pct'] -%}

with

spine as (

    select * from {{ ref('int_school_year_spine') }}
    where expects_ks2_results

),

results as (

    select * from {{ ref('stg_ks2__school_results') }}

),

establishments as (

    select * from {{ ref('int_school_register') }}

),

la_comparators as (

    select * from {{ ref('int_ks2_la_comparators') }}

),

national_comparators as (

    select * from {{ ref('int_ks2_national_comparators') }}

),

bands as (

    select * from {{ ref('significance_bands') }}

),

-- Every school expected to have KS2 results that year, plus every school that has them: a school in the
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
        {%- for subject in progress_subjects %}
        results.{{ subject }}_progress_score,
        results.{{ subject }}_progress_score_reason,
        results.{{ subject }}_progress_lower_score,
        results.{{ subject }}_progress_upper_score,
        {{ subject }}_band.band_code as {{ subject }}_progress_band,
        {%- endfor %}
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
    {%- for subject in progress_subjects %}
    left join bands as {{ subject }}_band
        on {{ significance_band_join(subject ~ '_band', "'KS2'", 'results.' ~ subject ~ '_progress_score',
            'results.' ~ subject ~ '_progress_lower_score', 'results.' ~ subject ~ '_progress_upper_score') }}
    {%- endfor %}

),

final as (

    select
        cast(urn as integer) as urn,
        academic_year,
        cast(la_code as integer) as la_code,
        has_results,
        -- A results row with no pupils at the end of KS2 (TELIG 0, or a new school) and no value in any headline
        -- measure has nothing published: it is not 'results published'.
        case
            when not has_results then 'no data this year'
            when coalesce(cohort_pupils, 0) = 0
                {%- for measure in compared_measures %}
                and {{ measure }} is null
                {%- endfor %}
                then 'no pupils at the end of KS2'
            else 'results published'
        end as results_status,
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
        {%- for subject in progress_subjects %}
        {{ subject }}_progress_score,
        {{ subject }}_progress_score_reason,
        case when has_results then {{ measure_status(subject ~ '_progress_score', subject ~ '_progress_score_reason') }}
            else 'no data this year' end as {{ subject }}_progress_score_status,
        {{ subject }}_progress_lower_score,
        {{ subject }}_progress_upper_score,
        {{ subject }}_progress_band,
        {%- endfor %}
        la_data_version
    from joined

)

select * from final
